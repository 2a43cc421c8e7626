"""Views that read the database only while someone can see them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from console.views.common.workers.outage import survives_outage


class LazyView(QWidget):
    """Reloads at once when visible; when hidden, remembers to reload on the next show.

    Keeps start-up and other desks' changes from paying for tabs nobody is looking at.
    """

    _stale = True

    def reload(self) -> None:
        raise NotImplementedError

    def request_reload(self) -> None:
        if self.isVisible():
            self._reload_now()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        if self._stale:
            self._reload_now()
        super().showEvent(event)

    def _reload_now(self) -> None:
        # Stays stale while the database is away, so the next show or change reads it again.
        self._stale = True
        self._guarded_reload()

    @survives_outage
    def _guarded_reload(self) -> None:
        self.reload()
        self._stale = False


V = TypeVar("V", bound=QWidget)


class BuiltOnFirstShow(QWidget, Generic[V]):
    """Stands in for a view whose imports are heavy (pandas, charts) until it is first shown.

    Keeps those imports out of start-up; `view` builds it at once when code needs it sooner.
    """

    def __init__(self, build: Callable[[QWidget], V], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._build = build
        self._view: V | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    @property
    def view(self) -> V:
        if self._view is None:
            self._view = self._build(self)
            self._layout.addWidget(self._view)
        return self._view

    def showEvent(self, event: QShowEvent) -> None:
        self.view.show()
        super().showEvent(event)
