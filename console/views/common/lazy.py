"""Views that read the database only while someone can see them."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget

from console.views.common.outage import survives_outage


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
