"""Find anything by typing: every action of the window, customers by name, referrals by number.

Actions come from the one registry the menus are built from (`console.views.actions`), so the
palette lists exactly what the menus offer. Customers and referrals are looked up off the GUI
thread as the user types; the answer to the newest text wins. Enter runs an action, opens a
customer, or opens a referral.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from console.services.customers.quick_find import QuickFinds, quick_find, referral_number
from console.views.actions import ACTIONS, WindowAction
from console.views.common import tones
from console.views.common.workers.background import Background

if TYPE_CHECKING:
    from console.views.main_window import MainWindow

LOOKUP_DELAY_MS = 150
"""Typing pauses this long before customers are looked up: one read per pause, not per key."""
MIN_LOOKUP_LENGTH = 2
PAIN_POINT_LENGTH = 36
ENTRY_ROLE = Qt.ItemDataRole.UserRole


class Found(enum.Enum):
    ACTION = "action"
    CUSTOMER = "customer"
    REFERRAL = "referral"


@dataclass(frozen=True)
class PaletteEntry:
    """One line of the palette: what it is, what it says, and what Enter does with it."""

    found: Found
    title: str
    detail: str
    target: str | int
    """The action's id, or the customer's or referral's id."""
    enabled: bool = True
    why_not: str = ""


def matches(words: list[str], action: WindowAction) -> bool:
    haystack = f"{action.title} {action.keywords}".lower()
    return all(word in haystack for word in words)


def action_entries(window: MainWindow, text: str) -> list[PaletteEntry]:
    """The registry's actions matching every word; those whose name starts with one first."""
    words = text.lower().split()
    found = [action for action in ACTIONS if matches(words, action)]

    def named_first(action: WindowAction) -> int:
        name_words = action.title.lower().replace("›", " ").split()
        return 0 if any(w.startswith(word) for word in words for w in name_words) else 1

    entries = []
    for action in sorted(found, key=named_first) if words else found:
        shortcut = " / ".join(
            sequence.toString(QKeySequence.SequenceFormat.NativeText)
            for sequence in action.key_sequences()[:1]
        )
        enabled = action.is_enabled(window)
        entries.append(
            PaletteEntry(
                Found.ACTION,
                action.title,
                shortcut if enabled else action.disabled_tip,
                action.id,
                enabled,
                action.disabled_tip,
            )
        )
    return entries


def found_entries(finds: QuickFinds) -> list[PaletteEntry]:
    """The referral the text numbers first (it was asked for by number), then customers."""
    entries = []
    if finds.referral is not None:
        referral = finds.referral
        pain = referral.pain_point
        if len(pain) > PAIN_POINT_LENGTH:
            pain = pain[: PAIN_POINT_LENGTH - 1].rstrip() + "…"
        entries.append(
            PaletteEntry(
                Found.REFERRAL,
                f"Referral #{referral.id} › {referral.customer}",
                f"{referral.status.label} · {pain}",
                referral.id,
            )
        )
    for hit in finds.customers:
        where = " · ".join(part for part in (hit.account_number, hit.city) if part)
        entries.append(PaletteEntry(Found.CUSTOMER, f"Customer › {hit.name}", where, hit.id))
    return entries


def nothing_matches(text: str) -> str:
    return f"No action, customer or referral matches “{text.strip()}”"


class CommandPalette(QDialog):
    """The palette over a main window; `chosen` holds the line picked once it is accepted."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.main = window
        self.setObjectName("commandPalette")
        self.setWindowTitle("Find an action, customer or referral")
        self.chosen: PaletteEntry | None = None
        self.finds: QuickFinds | None = None
        self.query = QLineEdit(self)
        self.query.setAccessibleName("Action, customer or referral to find")
        self.query.setPlaceholderText(
            "Type an action, a customer's name, or a referral number (#1042)"
        )
        self.query.setClearButtonEnabled(True)
        self.list = QTreeWidget(self)
        self.list.setObjectName("paletteMatches")
        self.list.setAccessibleName("Matches")
        self.list.setColumnCount(2)
        self.list.setHeaderHidden(True)
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setAllColumnsShowFocus(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.header().setStretchLastSection(False)
        self.list.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.list.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.note = QLabel(self)
        self.note.setObjectName("paletteNote")
        self.note.setWordWrap(True)
        self.note.setAccessibleName("What the palette found")
        layout = QVBoxLayout(self)
        layout.addWidget(self.query)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.note)
        self.finder = Background(window.context, self, "look up customers and referrals")
        self.finder.settled.connect(self.show_matches)
        self.lookup_timer = QTimer(self)
        self.lookup_timer.setSingleShot(True)
        self.lookup_timer.setInterval(LOOKUP_DELAY_MS)
        self.lookup_timer.timeout.connect(self.look_up)
        self.query.textChanged.connect(self.text_changed)
        self.query.returnPressed.connect(self.run_current)
        self.list.itemActivated.connect(lambda _item, _column: self.run_current())
        self.query.installEventFilter(self)
        self.show_matches()
        self.resize(640, 440)

    @property
    def looking(self) -> bool:
        """A lookup for the text as it stands is waiting to start or on its way."""
        return self.lookup_timer.isActive() or self.finder.busy

    def text_changed(self, text: str) -> None:
        self.finds = None
        self.finder.drop()
        if self.wants_lookup(text):
            self.lookup_timer.start()
        else:
            self.lookup_timer.stop()
        self.show_matches()

    @staticmethod
    def wants_lookup(text: str) -> bool:
        wanted = text.strip()
        return len(wanted) >= MIN_LOOKUP_LENGTH or referral_number(wanted) is not None

    def look_up(self) -> None:
        text = self.query.text()
        if not self.main.context.online:
            self.show_matches()
            return
        self.finder.read(lambda session: quick_find(session, text), self.found)

    def found(self, finds: QuickFinds) -> None:
        if finds.text == self.query.text():
            self.finds = finds

    def entries(self) -> list[PaletteEntry]:
        text = self.query.text()
        entries = action_entries(self.main, text)
        if self.finds is not None:
            entries.extend(found_entries(self.finds))
        return entries

    def show_matches(self) -> None:
        """Fill the list from the text as it stands, keeping the line the user was on."""
        current = self.current_entry()
        self.list.clear()
        muted = tones.muted(self.palette())
        row_height = self.list.fontMetrics().height() + 8  # room to read a line at a glance
        keep = 0
        for row, entry in enumerate(self.entries()):
            item = QTreeWidgetItem([entry.title, entry.detail])
            item.setData(0, ENTRY_ROLE, entry)
            item.setSizeHint(0, QSize(0, row_height))
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setForeground(1, muted)
            if not entry.enabled:
                item.setForeground(0, muted)
                item.setToolTip(0, entry.why_not)
            self.list.addTopLevelItem(item)
            if entry == current:
                keep = row
        self.select_row(keep)
        self.note.setText(self.note_text())

    def note_text(self) -> str:
        text = self.query.text()
        if not text.strip() or not self.wants_lookup(text):
            return "" if self.list.topLevelItemCount() else nothing_matches(text)
        if not self.main.context.online:
            return (
                "Customers and referrals cannot be looked up while the database is not"
                " answering; actions still work."
            )
        if self.looking:
            return "Looking for customers and referrals…"
        if self.list.topLevelItemCount() == 0:
            return nothing_matches(text)
        return ""

    def select_row(self, row: int) -> None:
        item = self.list.topLevelItem(row)
        if item is not None:
            self.list.setCurrentItem(item)

    def current_entry(self) -> PaletteEntry | None:
        item = self.list.currentItem()
        if item is None:
            return None
        entry = item.data(0, ENTRY_ROLE)
        return entry if isinstance(entry, PaletteEntry) else None

    def run_current(self) -> None:
        """Pick the current line; a disabled action says why instead of closing."""
        entry = self.current_entry()
        if entry is None:
            return
        if not entry.enabled:
            self.note.setText(f"{entry.title}: {entry.why_not.lower()}.")
            return
        self.chosen = entry
        self.accept()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Up and Down move through the matches without leaving the text field."""
        arrows = (Qt.Key.Key_Down, Qt.Key.Key_Up)
        if watched is self.query and isinstance(event, QKeyEvent) and event.key() in arrows:
            if event.type() == QKeyEvent.Type.KeyPress:
                step = 1 if event.key() == Qt.Key.Key_Down else -1
                current = self.list.currentItem()
                row = self.list.indexOfTopLevelItem(current) if current is not None else -1
                self.select_row(min(max(row + step, 0), self.list.topLevelItemCount() - 1))
            return True
        return super().eventFilter(watched, event)

    def done(self, result: int) -> None:
        self.lookup_timer.stop()
        self.finder.drop()
        super().done(result)
