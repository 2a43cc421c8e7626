"""Find a customer as you type: the search field and its results.

Searching runs off the GUI thread, so typing never waits on the database. The newest text
always wins: results for older text are dropped. Up, Down, Page Up/Down and Enter pressed
before the results for what is typed have arrived are kept, in order, and applied to them.
`run_search` searches at once, without waiting for the typing pause; `searched` fires when
results are shown.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from console.services.customers.search import DEFAULT_LIMIT, CustomerHit, search_customers
from console.views.common.tables.fitting import make_table
from console.views.common.workers.background import Background
from console.views.context import DeskContext
from console.views.search.names_whole import NamesWholeFitter
from console.views.search.results_model import (
    CUSTOMER_ID_ROLE,
    SEARCH_COLUMNS,
    SearchResultsModel,
)

TYPING_PAUSE_MS = 120
HINT = "Type at least one letter of a name, or a phone or account number."
STEPS = {
    Qt.Key.Key_Down: 1,
    Qt.Key.Key_Up: -1,
    Qt.Key.Key_PageDown: 10,
    Qt.Key.Key_PageUp: -10,
}


class SearchPanel(QWidget):
    """Emits `customerActivated` with a customer id when the user opens a result."""

    customerActivated = Signal(int)
    searched = Signal(str)

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.field = QLineEdit(self)
        self.field.setObjectName("customerSearch")
        self.field.setPlaceholderText("Find a customer: name, phone, address or account")
        self.field.setClearButtonEnabled(True)
        self.field.setAccessibleName("Customer search")
        # One line a customer, in columns that line up; where the panel is narrow the least
        # needed columns step aside, the name first kept whole, and long text is elided,
        # whole on hover.
        self.results = make_table("searchResults", "Search results", self)
        self.results.setTabKeyNavigation(False)
        self.model = SearchResultsModel(self)
        self.results.setModel(self.model)
        self.columns = NamesWholeFitter(self.results, SEARCH_COLUMNS)
        self.summary = QLabel(self)
        self.summary.setObjectName("searchSummary")
        self.summary.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.field)
        layout.addWidget(self.summary)
        layout.addWidget(self.results, 1)

        self.searches = Background(context, self, "search")
        self.shown_query: str | None = ""  # the text the results on screen are for
        self.waiting_keys: list[Qt.Key] = []  # pressed before those results arrived
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(TYPING_PAUSE_MS)
        self.timer.timeout.connect(self.search_in_background)
        self.field.textChanged.connect(self._typed)
        self.field.returnPressed.connect(self.open_current)
        self.field.installEventFilter(self)
        self.results.activated.connect(lambda index: self._emit(index.data(CUSTOMER_ID_ROLE)))
        self.summary.setText(HINT)
        context.follow_changes(self, self._changed)

    def _typed(self, _text: str) -> None:
        self.timer.start()

    def _changed(self, what: str) -> None:
        # What was typed while the database was away is searched as soon as it is back.
        if what == "reconnected" and self.field.text():
            self.search_in_background()

    @property
    def current(self) -> bool:
        """The results on screen are for the text in the field."""
        return self.shown_query == self.field.text() and not self.timer.isActive()

    def focus_search(self) -> None:
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    def search_in_background(self) -> None:
        """Search for what is typed; the results arrive by themselves, the newest winning."""
        self.timer.stop()
        query = self.field.text()
        if not query.strip():
            self.searches.drop()
            self._show(query, [])
            return
        if not self.context.online:
            return  # searched again once the database is back
        self.searches.read(
            lambda session: search_customers(session, query),
            lambda hits: self._show(query, hits),
        )

    def run_search(self) -> None:
        """Search now, without waiting for the typing pause; the results arrive by themselves."""
        self.search_in_background()

    def _show(self, query: str, hits: list[CustomerHit]) -> None:
        if query != self.field.text():
            return  # typed on since; a newer search is on its way
        self.shown_query = query
        self.model.set_hits(hits)
        if hits:
            self.results.setCurrentIndex(self.model.index(0, 0))
        if not query.strip():
            self.summary.setText(HINT)
        elif not hits:
            self.summary.setText(f"No customer matches “{query.strip()}”.")
        elif len(hits) >= DEFAULT_LIMIT:
            self.summary.setText(f"First {len(hits)} matches; type more to narrow.")
        else:
            self.summary.setText(f"{len(hits)} match{'es' if len(hits) != 1 else ''}")
        keys, self.waiting_keys = self.waiting_keys, []
        for key in keys:
            self._press(key)
        self.searched.emit(query)

    def open_current(self) -> None:
        if not self.current:
            self._wait_for_results(Qt.Key.Key_Return)
            return
        index = self.results.currentIndex()
        if not index.isValid() and self.model.rowCount():
            index = self.model.index(0, 0)
        if index.isValid():
            self._emit(index.data(CUSTOMER_ID_ROLE))

    def _wait_for_results(self, key: Qt.Key) -> None:
        self.waiting_keys.append(key)
        if self.timer.isActive() or not self.searches.busy:
            self.search_in_background()

    def _press(self, key: Qt.Key) -> None:
        if key == Qt.Key.Key_Return:
            self.open_current()
            return
        rows = self.model.rowCount()
        if rows:
            current = self.results.currentIndex().row()
            target = min(max(current + STEPS[key], 0), rows - 1)
            self.results.setCurrentIndex(self.model.index(target, 0))

    def _emit(self, customer_id: Any) -> None:
        if customer_id is not None:
            self.customerActivated.emit(int(customer_id))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Up and Down in the field move through the results, so hands stay on the keys."""
        if watched is self.field and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = Qt.Key(event.key())
            if key in STEPS:
                if self.current:
                    self._press(key)
                else:
                    self._wait_for_results(key)
                return True
        return super().eventFilter(watched, event)
