"""The Numbers tab's stand-in: it loads pandas and the charts on a worker before the view.

Importing pandas and QtCharts takes about a second; on the GUI thread that would freeze the
window the first time the tab is shown. A module import is plain Python and safe on a worker
thread; the widgets themselves are made here, on the GUI thread, once the imports are in.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from console.views.common.workers.background import Background
from console.views.common.workers.off_thread import settle_long_lived
from console.views.context import DeskContext

if TYPE_CHECKING:
    from console.views.dashboard.dashboard_view import DashboardView

# What the dashboard's module needs that is slow to import, heaviest first.
HEAVY_MODULES = (
    "pandas",
    "PySide6.QtCharts",
    "console.services.numbers.metrics",
    "console.services.numbers.report",
)


def import_heavy_modules() -> None:
    """On a worker: bring the dashboard's slow imports into `sys.modules`."""
    for name in HEAVY_MODULES:
        importlib.import_module(name)


class NumbersTab(QWidget):
    """Says "Loading the numbers…" until the dashboard is built; `built` fires then."""

    built = Signal()

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._view: DashboardView | None = None
        self.placeholder = QLabel("Loading the numbers…", self)
        self.placeholder.setObjectName("numbersLoading")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self.placeholder)
        self.imports = Background(context, self, "load the Numbers tab")
        self._importing = False

    @property
    def ready(self) -> bool:
        return self._view is not None

    @property
    def view(self) -> DashboardView:
        """The dashboard, built at once (its imports on this thread) if it is not there yet."""
        if self._view is None:
            self._build()
        assert self._view is not None
        return self._view

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._view is None and not self._importing:
            self._importing = True
            self.imports.submit(import_heavy_modules, lambda _none: self._build())

    def _build(self) -> None:
        if self._view is not None:
            return
        from console.views.dashboard.dashboard_view import DashboardView

        settle_long_lived("the Numbers tab's imports")
        self._view = DashboardView(self.context, self)
        self.placeholder.hide()
        self._layout.addWidget(self._view)
        self._view.show()
        self.built.emit()
