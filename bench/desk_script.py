"""A dispatcher's session at the real main window, played with key events and public widgets.

Widgets are found by their object names and titles, as a user finds them by sight, so the
script keeps working while the window's insides change. Every wait runs the event loop, so
the stall meter sees the window exactly as a user would; no step waits on the network itself.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

from PySide6.QtCore import QAbstractItemModel, QEvent, QEventLoop, QObject, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QTabBar,
    QTabWidget,
    QWidget,
)

from bench.stall_meter import SAVE_PREFIX, StallMeter

W = TypeVar("W", bound=QWidget)
# A quick typist's gaps between keys, in milliseconds; some land past the search's own pause.
KEY_GAPS_MS = (70, 90, 110, 140, 190)
STUCK_DIALOG_S = 15.0


def wait(ms: int) -> None:
    """Let the window run for `ms` milliseconds, in an event loop of the script's own."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def plain(title: str) -> str:
    """A title as read on screen: without the mnemonic ampersands and trailing counts."""
    return title.replace("&", "").split(" (")[0]


@dataclass
class ScriptLog:
    """What the script saw, for the report."""

    searches: int = 0
    searches_answered: int = 0
    opened: int = 0
    open_attempts: int = 0
    notes_saved: int = 0
    note_attempts: int = 0
    typed: list[tuple[str, str]] = field(default_factory=list)  # (typed, field held)
    messages: list[str] = field(default_factory=list)

    @property
    def typed_ok(self) -> bool:
        return all(typed == held for typed, held in self.typed)


class DeskSession:
    """Drives the window; `meter.step` labels each action so stalls are charged to it."""

    def __init__(self, window: QMainWindow, meter: StallMeter, seed: int = 3) -> None:
        self.window = window
        self.meter = meter
        # When this turns true the script cuts its pauses short (the phase it serves is over).
        self.enough: Callable[[], bool] = lambda: False
        self.log = ScriptLog()
        self.rng = random.Random(seed)
        self.search_field = self._child(QLineEdit, "customerSearch")
        self.results = self._child(QAbstractItemView, "searchResults")
        self.tabs = self._child(QTabWidget, "mainTabs")
        self.worklist_tabs = self._child(QTabBar, "worklistTabs")
        self.banner = self._child(QFrame, "connectionBanner")
        self.note_table = self._child(QAbstractItemView, "noteTable")
        # Message boxes a failed read or save may raise would stop the script: note and close.
        self._sweeper = QTimer(window)
        self._sweeper.setInterval(200)
        self._sweeper.timeout.connect(self._close_message_boxes)
        self._sweeper.start()
        self._dialog_seen_at: dict[int, float] = {}

    def _child(self, kind: type[W], name: str) -> W:
        widget = self.window.findChild(kind, name)
        if widget is None:
            raise LookupError(f"the window has no {kind.__name__} named {name!r}")
        return widget

    # -- handing the window control ------------------------------------------------------

    def _wait(self, ms: int) -> None:
        """A pause; if it ends late, the window held back input for that long."""
        self.meter.handing_over(ms / 1000)
        wait(ms)
        self.meter.held()

    def _wait_until(self, condition: Callable[[], bool], timeout_s: float) -> bool:
        deadline = time.perf_counter() + timeout_s
        while not condition():
            if time.perf_counter() >= deadline:
                return False
            self._wait(10)
        return True

    def _hand(self, work: Callable[[], object]) -> None:
        """A key press or click: as long as the window keeps it, a user waits."""
        self.meter.handing_over()
        work()
        self.meter.held()

    def _hand_then_type(self, work: Callable[[], object]) -> None:
        """A click that starts a read, and a key typed into the search straight after it.

        The key (End: it moves the cursor, changing nothing) is what a user types while the
        read is under way; its latency is how long after the click it was handled. A window
        that waits for the read before taking input makes it as long as the read.
        """
        started = time.perf_counter()
        self._hand(work)
        self._hand(lambda: QTest.keyClick(self.search_field, Qt.Key.Key_End))
        self.meter.key_handled(time.perf_counter() - started)

    # -- what the user sees -------------------------------------------------------------

    @property
    def banner_visible(self) -> bool:
        return self.banner.isVisible()

    def result_names(self) -> list[str]:
        model: QAbstractItemModel = self.results.model()
        rows = range(model.rowCount())
        return [str(model.index(row, 0).data() or "").split("\n")[0] for row in rows]

    def shows_result(self, name: str) -> bool:
        return any(shown == name or shown.startswith(f"{name} — ") for shown in self.result_names())

    def customer_open(self, name: str) -> bool:
        return self.window.windowTitle().startswith(f"{name} — ")

    # -- actions ------------------------------------------------------------------------

    def type_search(self, query: str) -> None:
        """Replace the search text with `query`, one key at a time, like a person typing."""
        self.meter.step("clear the search")
        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        field = self.search_field
        self._hand(lambda: QTest.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier))
        self._hand(lambda: QTest.keyClick(field, Qt.Key.Key_Backspace))
        typed = ""
        for character in query:
            typed += character
            self.meter.step(f"typing “{typed}”")
            self._hand(partial(QTest.keyClicks, field, character))
            if not self.pause(self.rng.choice(KEY_GAPS_MS)):
                break
        self.log.typed.append((typed, self.search_field.text()))

    def type_search_at_once(self, query: str) -> None:
        self.meter.step(f"type “{query}” at once")
        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_field.selectAll()
        self._hand(lambda: QTest.keyClicks(self.search_field, query))
        self.log.typed.append((query, self.search_field.text()))

    def find(self, name: str, timeout_s: float) -> bool:
        """Type `name` into the search and wait for it among the results."""
        self.type_search(name)
        self.log.searches += 1
        self.meter.step(f"results for “{name}”")
        found = self._wait_until(lambda: self.shows_result(name) or self.enough(), timeout_s)
        found = found and self.shows_result(name)
        self.log.searches_answered += found
        if not found and not self.enough():
            self.log.messages.append(f"{self.meter.phase}: no result for “{name}” in time")
        return found

    def open_from_results(self, name: str, timeout_s: float) -> bool:
        """Enter in the search field opens the top result."""
        self.meter.step(f"open “{name}”")
        self.log.open_attempts += 1
        self._hand_then_type(lambda: QTest.keyClick(self.search_field, Qt.Key.Key_Return))
        opened = self._wait_until(lambda: self.customer_open(name) or self.enough(), timeout_s)
        opened = opened and self.customer_open(name)
        self.log.opened += opened
        if not opened and not self.enough():
            title = self.window.windowTitle()
            self.log.messages.append(
                f"{self.meter.phase}: Enter on “{name}” did not open it in time; title “{title}”"
            )
        return opened

    def show_tab(self, title: str, linger_ms: int) -> None:
        self.meter.step(f"{title} tab")
        for index in range(self.tabs.count()):
            if plain(self.tabs.tabText(index)) == title:
                self._hand(partial(self.tabs.setCurrentIndex, index))
                break
        else:
            raise LookupError(f"the window has no {title!r} tab")
        self.pause(linger_ms)

    def walk_worklists(self, linger_ms: int, count: int | None = None) -> None:
        """The Referrals tab, then each worklist in turn (the first `count` of them)."""
        self.show_tab("Referrals", linger_ms)
        for index in range(self.worklist_tabs.count())[:count]:
            if self.enough():
                return
            self.meter.step(f"worklist “{plain(self.worklist_tabs.tabText(index))}”")
            self._hand_then_type(partial(self.worklist_tabs.setCurrentIndex, index))
            self.pause(linger_ms)

    def pause(self, ms: int) -> bool:
        """Wait like a person between actions; False when cut short because the phase is over."""
        return not self._wait_until(self.enough, ms / 1000)

    def add_note(self, text: str, timeout_s: float) -> bool:
        """Customer ▸ Add upsell note…, type the note, Save; True once the note table shows it."""
        self.show_tab("Customer", 100)
        self.meter.step("add upsell note")
        self.log.note_attempts += 1
        before = self.note_table.model().rowCount()
        action = self._action("Add upsell note…")
        QTimer.singleShot(50, lambda: self._fill_note(text, tries=100))
        action.trigger()  # the dialog runs its own event loop until Save or Cancel
        self.meter.step("note in the table")

        def shown() -> bool:
            return bool(self.note_table.model().rowCount() > before)

        saved = self._wait_until(lambda: shown() or self.enough(), timeout_s) and shown()
        self.log.notes_saved += saved
        return saved

    def _action(self, title: str) -> QAction:
        for action in self.window.findChildren(QAction):
            if plain(action.text()) == title:
                return action
        raise LookupError(f"the window has no action {title!r}")

    def _fill_note(self, text: str, tries: int) -> None:
        dialog = QApplication.activeModalWidget()
        editor = dialog.findChild(QPlainTextEdit) if isinstance(dialog, QDialog) else None
        buttons = dialog.findChild(QDialogButtonBox) if isinstance(dialog, QDialog) else None
        if dialog is None or editor is None or buttons is None:
            if tries:
                QTimer.singleShot(20, lambda: self._fill_note(text, tries - 1))
            return
        editor.setFocus()
        self._hand(lambda: QTest.keyClicks(editor, text))
        self.meter.step(f"{SAVE_PREFIX}the note dialog's Save")
        self._hand(buttons.button(QDialogButtonBox.StandardButton.Save).click)
        self.meter.step("after the note's Save")
        self._wait(300)
        if dialog.isVisible():
            # Refused, or kept for later while the database is away: the text must still be there.
            self.log.messages.append(
                f"note dialog kept open, text kept: {editor.toPlainText() == text}"
            )
            self._hand(buttons.button(QDialogButtonBox.StandardButton.Cancel).click)

    def _close_message_boxes(self) -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, QMessageBox):
            self.log.messages.append(f"{widget.windowTitle()}: {widget.text()}")
            widget.done(0)
            return
        if isinstance(widget, QDialog):
            first_seen = self._dialog_seen_at.setdefault(id(widget), time.perf_counter())
            if time.perf_counter() - first_seen > STUCK_DIALOG_S:
                self.log.messages.append(f"closed a dialog left open: {widget.windowTitle()}")
                widget.reject()


class BannerWatch(QObject):
    """When the connection banner was shown and hidden, from the widget's own events."""

    def __init__(self, banner: QWidget) -> None:
        super().__init__(banner)
        self.events: list[tuple[float, bool]] = []  # (perf_counter(), shown)
        banner.installEventFilter(self)

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Show, QEvent.Type.Hide):
            self.events.append((time.perf_counter(), event.type() == QEvent.Type.Show))
        return False

    def first_shown(self, since: float, until: float) -> float | None:
        return next((at for at, shown in self.events if shown and since <= at <= until), None)
