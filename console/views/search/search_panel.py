"""Find a customer as you type: the search field and its results."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QListView, QVBoxLayout, QWidget

from console.services.search import DEFAULT_LIMIT, search_customers
from console.views.common.outage import survives_outage
from console.views.context import DeskContext
from console.views.search.results_model import CUSTOMER_ID_ROLE, SearchResultsModel

TYPING_PAUSE_MS = 120


class SearchPanel(QWidget):
    """Emits `customerActivated` with a customer id when the user opens a result."""

    customerActivated = Signal(int)

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.field = QLineEdit(self)
        self.field.setObjectName("customerSearch")
        self.field.setPlaceholderText("Find a customer: name, phone, address or account")
        self.field.setClearButtonEnabled(True)
        self.field.setAccessibleName("Customer search")
        self.results = QListView(self)
        self.results.setObjectName("searchResults")
        self.results.setAccessibleName("Search results")
        self.results.setAlternatingRowColors(True)
        self.results.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.model = SearchResultsModel(self)
        self.results.setModel(self.model)
        self.summary = QLabel(self)
        self.summary.setObjectName("searchSummary")
        self.summary.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.field)
        layout.addWidget(self.summary)
        layout.addWidget(self.results, 1)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(TYPING_PAUSE_MS)
        self.timer.timeout.connect(self.run_search)
        self.field.textChanged.connect(lambda _text: self.timer.start())
        self.field.returnPressed.connect(self.open_current)
        self.field.installEventFilter(self)
        self.results.activated.connect(lambda index: self._emit(index.data(CUSTOMER_ID_ROLE)))
        self.summary.setText("Type at least one letter of a name, or a phone or account number.")
        # What was typed while the database was away is searched as soon as it is back.
        context.hub.changed.connect(
            lambda what: self.run_search() if what == "reconnected" and self.field.text() else None
        )

    def focus_search(self) -> None:
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    @survives_outage
    def run_search(self) -> None:
        """Search now, without waiting for the typing pause."""
        self.timer.stop()
        query = self.field.text()
        with self.context.sessions() as session:
            hits = search_customers(session, query)
        self.model.set_hits(hits)
        if hits:
            self.results.setCurrentIndex(self.model.index(0, 0))
        if not query.strip():
            self.summary.setText(
                "Type at least one letter of a name, or a phone or account number."
            )
        elif not hits:
            self.summary.setText(f"No customer matches “{query.strip()}”.")
        elif len(hits) >= DEFAULT_LIMIT:
            self.summary.setText(f"First {len(hits)} matches; type more to narrow.")
        else:
            self.summary.setText(f"{len(hits)} match{'es' if len(hits) != 1 else ''}")

    def open_current(self) -> None:
        if self.timer.isActive():
            self.run_search()
        index = self.results.currentIndex()
        if not index.isValid() and self.model.rowCount():
            index = self.model.index(0, 0)
        if index.isValid():
            self._emit(index.data(CUSTOMER_ID_ROLE))

    def _emit(self, customer_id: Any) -> None:
        if customer_id is not None:
            self.customerActivated.emit(int(customer_id))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Up and Down in the field move through the results, so hands stay on the keys."""
        if watched is self.field and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (
                Qt.Key.Key_Down,
                Qt.Key.Key_Up,
                Qt.Key.Key_PageDown,
                Qt.Key.Key_PageUp,
            ):
                if self.timer.isActive():
                    self.run_search()
                rows = self.model.rowCount()
                if rows:
                    step = {
                        Qt.Key.Key_Down: 1,
                        Qt.Key.Key_Up: -1,
                        Qt.Key.Key_PageDown: 10,
                        Qt.Key.Key_PageUp: -10,
                    }
                    current = self.results.currentIndex().row()
                    target = min(max(current + step[Qt.Key(event.key())], 0), rows - 1)
                    self.results.setCurrentIndex(self.model.index(target, 0))
                return True
        return super().eventFilter(watched, event)
