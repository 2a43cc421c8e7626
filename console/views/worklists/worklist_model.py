"""The rows of one worklist on screen: columns as data, sorted and filtered in memory.

The lists arrive whole from one background read, so sorting by a column or narrowing "All
open" by typed words never goes back to the database. `rows` is always the order shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QFont

from console.models import OUTCOME_STATUSES, Referral, ReferralStatus
from console.services.office.clock import utc_now
from console.services.referrals.due_words import ago_in_words, due_in_words
from console.services.referrals.worklists import WorkItem, matches, most_urgent_first
from console.views.common.tables.columns import Column, local_time, money
from console.views.common.tables.table_model import RowTableModel
from console.views.common.tones import Tone, muted, tone
from console.views.worklists.customer_phone import phone_to_call

Index = QModelIndex | QPersistentModelIndex
STATUS_ORDER = {status: number for number, status in enumerate(ReferralStatus)}
# The office records how a referral was assigned where its database has the column.
RECORDS_ASSIGNMENT = hasattr(Referral, "assignment")


@dataclass(frozen=True)
class WorkColumn(Column[WorkItem]):
    """A worklist column: `key` names it in the desk's settings, `order` sorts by it."""

    key: str = ""
    order: Callable[[WorkItem], Any] | None = None
    hidden: bool = False  # hidden until the desk shows it from the header's menu


def _text_order(text: str | None) -> tuple[bool, str]:
    return (not text, (text or "").casefold())


def _moment_order(moment: dt.datetime | None) -> tuple[bool, dt.datetime]:
    return (moment is None, moment or dt.datetime.min.replace(tzinfo=dt.UTC))


def waited_since(item: WorkItem) -> tuple[str, dt.datetime] | None:
    """('contacted', when) or ('closed', when) for a referral with nothing due, else None."""
    if item.due is not None:
        return None
    if item.status in OUTCOME_STATUSES and item.closed_at is not None:
        return ("closed", item.closed_at)
    if item.status is ReferralStatus.CONTACTED and item.first_contact_at is not None:
        return ("contacted", item.first_contact_at)
    return None


def due_tooltip(item: WorkItem) -> str | None:
    if item.due is not None:
        return f"{item.due.what} due {local_time(item.due.at)}"
    waited = waited_since(item)
    return f"{waited[0].capitalize()} {local_time(waited[1])}" if waited else None


def assignment_text(item: WorkItem) -> str:
    return f"Assigned: {item.assignment.lower()}" if item.assignment else ""


def _columns() -> list[WorkColumn]:
    # Where the table is narrow, the highest `priority` steps aside first; the number, status,
    # customer, what is due and the salesperson always stay (see `worklist_width`).
    columns = [
        WorkColumn("#", lambda r: r.id, align_right=True, key="id", order=lambda r: r.id),
        WorkColumn(
            "Status",
            lambda r: r.status.label,
            key="status",
            order=lambda r: (not r.overdue, STATUS_ORDER[r.status]),
        ),
        WorkColumn(
            "Customer",
            lambda r: r.customer,
            tooltip=lambda r: r.customer_phone,
            key="customer",
            order=lambda r: _text_order(r.customer),
        ),
        WorkColumn(
            "Phone",
            lambda r: r.customer_phone,
            tooltip=lambda r: (
                f"Click to copy {r.customer_phone}; right-click to call"
                if r.customer_phone
                else None
            ),
            key="phone",
            order=lambda r: _text_order(r.customer_phone),
            priority=1,
        ),
        WorkColumn("Due", lambda r: "", tooltip=due_tooltip, key="due", order=most_urgent_first),
        WorkColumn(
            "Attempts",
            lambda r: r.attempts or "",
            tooltip=lambda r: (
                f"Last try {local_time(r.last_attempt_at)}" if r.last_attempt_at else None
            ),
            align_right=True,
            key="attempts",
            priority=3,
            order=lambda r: r.attempts,
        ),
        WorkColumn(
            "Salesperson",
            lambda r: r.salesperson or "unassigned",
            key="salesperson",
            order=lambda r: _text_order(r.salesperson),
        ),
        WorkColumn(
            "Technician",
            lambda r: r.technician,
            key="technician",
            order=lambda r: _text_order(r.technician),
            priority=5,
        ),
        WorkColumn(
            "Category",
            lambda r: r.category,
            key="category",
            order=lambda r: _text_order(r.category),
            priority=6,
        ),
    ]
    if RECORDS_ASSIGNMENT:
        columns.append(
            WorkColumn(
                "How assigned",
                assignment_text,
                key="assignment",
                order=lambda r: _text_order(r.assignment),
                priority=7,
            )
        )
    columns += [
        WorkColumn(
            "Value",
            lambda r: money(r.won_value or r.estimated_value),
            align_right=True,
            key="value",
            order=lambda r: r.won_value or r.estimated_value or 0,
            priority=4,
        ),
        WorkColumn(
            "Recorded",
            lambda r: local_time(r.created_at),
            key="recorded",
            order=lambda r: _moment_order(r.created_at),
            priority=8,
            hidden=True,
        ),
        WorkColumn(
            "Tech phone",
            lambda r: r.technician_phone,
            key="tech_phone",
            order=lambda r: _text_order(r.technician_phone),
            priority=9,
            hidden=True,
        ),
        WorkColumn(
            "Pain point",
            lambda r: r.pain_point,
            tooltip=lambda r: "\n\n".join(filter(None, (r.pain_point, r.recommendation))),
            key="pain_point",
            order=lambda r: _text_order(r.pain_point),
            priority=2,  # also in the referral beside the list
        ),
    ]
    return columns


WORK_COLUMNS = _columns()
COLUMN_KEYS = [column.key for column in WORK_COLUMNS]
STATUS_COLUMN = COLUMN_KEYS.index("status")
PHONE_COLUMN = COLUMN_KEYS.index("phone")
DUE_COLUMN = COLUMN_KEYS.index("due")
# The Phone column's header on "Tell the tech", where it holds the technician's phone.
TECH_PHONE_TITLE = "Tech's phone"


class WorklistModel(RowTableModel[WorkItem]):
    """One worklist's referrals as shown: filtered by typed words, sorted by a column."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(WORK_COLUMNS, parent)
        self.items: list[WorkItem] = []
        self.now = utc_now()
        self.filter_text = ""
        self.sort_column = DUE_COLUMN
        self.sort_order = Qt.SortOrder.AscendingOrder
        self.calls_technician = False

    def show_items(
        self, items: Sequence[WorkItem], now: dt.datetime, *, calls_technician: bool = False
    ) -> None:
        """A list as read at `now`, filtered and sorted the way the desk has it.

        `calls_technician`: the list is "Tell the tech", whose Phone column is the technician's.
        """
        self.items = list(items)
        self.now = now
        if calls_technician != self.calls_technician:
            self.calls_technician = calls_technician
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, PHONE_COLUMN, PHONE_COLUMN)
        self.set_rows(self._arranged())

    def phone_to_call(self, item: WorkItem) -> tuple[str, str] | None:
        """(phone, whose name) the Phone column shows for `item` on this list."""
        return phone_to_call(item, self.calls_technician)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            section == PHONE_COLUMN
            and self.calls_technician
            and orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
        ):
            return TECH_PHONE_TITLE
        return super().headerData(section, orientation, role)

    def set_filter(self, text: str) -> None:
        if text == self.filter_text:
            return
        self.filter_text = text
        self.set_rows(self._arranged())

    def set_now(self, now: dt.datetime) -> None:
        """Time moved on: the due words are said again, nothing is read."""
        self.now = now
        self._text.clear()
        if self.rows:
            top, bottom = self.index(0, DUE_COLUMN), self.index(len(self.rows) - 1, DUE_COLUMN)
            self.dataChanged.emit(top, bottom)

    def _arranged(self) -> list[WorkItem]:
        shown = [item for item in self.items if matches(item, self.filter_text)]
        return self._sorted(shown)

    def _sorted(self, rows: list[WorkItem]) -> list[WorkItem]:
        order = WORK_COLUMNS[self.sort_column].order or most_urgent_first
        descending = self.sort_order == Qt.SortOrder.DescendingOrder
        # Ties keep the most urgent first whichever way the column runs.
        rows = sorted(rows, key=most_urgent_first)
        return sorted(rows, key=order, reverse=descending)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sort_column, self.sort_order = column, order
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        kept = [(self.rows[index.row()], index.column()) for index in before]
        self.rows = self._sorted(self.rows)
        position = {id(row): number for number, row in enumerate(self.rows)}
        after = [self.index(position[id(row)], column) for row, column in kept]
        self.changePersistentIndexList(before, after)
        self._text.clear()
        self.layoutChanged.emit()

    def late(self, item: WorkItem) -> bool:
        """Whatever the referral waits for was due by now."""
        return item.overdue or (item.due is not None and item.due.at <= self.now)

    def text(self, row: int, column: int) -> str:
        if column == DUE_COLUMN:
            return self._due_text(self.rows[row])
        if column == PHONE_COLUMN and self.calls_technician:
            return self.rows[row].technician_phone or ""
        return super().text(row, column)

    def _due_text(self, item: WorkItem) -> str:
        """When it is due; with nothing due, how long it has waited since the customer was
        reached or the referral closed (the other ages say nothing about the work)."""
        if item.due is not None:
            return due_in_words(item.due.at, self.now)
        waited = waited_since(item)
        if waited is None:
            return ""
        what, since = waited
        return f"{what} {ago_in_words(since, self.now)}"

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.row_at(index)
        if item is None:
            return super().data(index, role)
        column = index.column()
        if column == DUE_COLUMN and role == Qt.ItemDataRole.ForegroundRole:
            if self.late(item):
                return QBrush(tone(Tone.DANGER))
            if item.due is None:
                return QBrush(muted())  # how long it waited steps back from what is due
        if column == PHONE_COLUMN and (called := self.phone_to_call(item)):
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"Click to copy {called[0]} ({called[1]}); right-click to call"
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(tone(Tone.INFO))  # reads as a link on light and dark desks
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setUnderline(True)
                return font
        return super().data(index, role)
