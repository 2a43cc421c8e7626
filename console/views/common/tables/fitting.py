"""Table views set up the way every table in the console behaves.

Text that does not fit its cell is elided, and hovering the cell shows it whole. Tables whose
columns declare a priority fit their space: the least important columns hide first when the
table is narrow, the others share the width, and nothing is cut off without a tooltip.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolTip,
    QWidget,
)

from console.views.common.tables.columns import Column

NARROWEST = 110
"""Long text cut narrower than this says too little: the next column is hidden instead."""
MEASURED_ROWS = 16
SHORT_TEXT = 150
"""A column wanting no more than this (a date, an amount, a name) is never cut short."""
CELL_PADDING = 12
"""Room around a header title, so a column is never narrower than its name."""


class ElidedTextDelegate(QStyledItemDelegate):
    """Draws cells as usual; a cell whose text is elided shows the whole text on hover.

    A cell that already has a tooltip of its own (a visit's notes, a tech's phone) shows the
    whole text first and its own tooltip below it.
    """

    def helpEvent(
        self,
        event: QHelpEvent,
        view: QAbstractItemView,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        if event is None or event.type() != QEvent.Type.ToolTip or not index.isValid():
            return super().helpEvent(event, view, option, index)
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        own = index.data(Qt.ItemDataRole.ToolTipRole)
        full = text if is_elided(view, index) else ""
        tip = "\n\n".join(str(part) for part in (full, own) if part)
        if not tip:
            QToolTip.hideText()
            return True
        QToolTip.showText(event.globalPos(), tip, view, view.visualRect(index))
        return True


def is_elided(view: QAbstractItemView, index: QModelIndex | QPersistentModelIndex) -> bool:
    """Whether the cell at `index` is drawn narrower than its text needs, so its text is cut."""
    if not index.data(Qt.ItemDataRole.DisplayRole):
        return False
    return view.sizeHintForIndex(index).width() > view.visualRect(index).width()


def make_table(name: str, accessible_name: str, parent: QWidget | None = None) -> QTableView:
    """A read-only, row-selecting table with a stretching last column."""
    table = QTableView(parent)
    table.setObjectName(name)
    table.setAccessibleName(accessible_name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    table.setItemDelegate(ElidedTextDelegate(table))
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    header = table.horizontalHeader()
    header.setStretchLastSection(True)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setHighlightSections(False)
    header.setResizeContentsPrecision(40)
    return table


def fit_columns_once(table: QTableView, widest: int = 220) -> None:
    """Size columns to their content the first time there is content, then leave them be.

    Columns that keep their width from one customer to the next are easier to scan, and
    measuring every cell on every load is the slowest part of showing a customer.
    """
    if table.property("columnsFitted") or table.model() is None or table.model().rowCount() == 0:
        return
    table.resizeColumnsToContents()
    for column in range(table.model().columnCount() - 1):
        table.setColumnWidth(column, min(table.columnWidth(column), widest))
    table.setProperty("columnsFitted", True)


class ColumnFitter(QObject):
    """Keeps a table's columns inside its width, hiding the least important first.

    Each column wants the width of its content (measured when rows arrive). Where that does
    not fit, a column wants at most its declared width (else `widest`); where even that does
    not fit, columns are hidden from the highest priority number down while the wide ones
    would be cut below `NARROWEST`. Narrow columns (dates, amounts) stay whole; the wide ones
    share what is left alike, their text elided (whole in its tooltip), never out of sight.
    """

    def __init__(
        self, table: QTableView, columns: Sequence[Column[Any]], widest: int = 320
    ) -> None:
        super().__init__(table)
        self.table = table
        self.priorities = [column.priority for column in columns]
        self.caps = [column.width or widest for column in columns]
        self.titles = [column.title for column in columns]
        self.natural: list[int] = [0] * len(self.priorities)
        self.wanted: list[int] = [0] * len(self.priorities)
        self.hidden: set[int] = set()
        table.horizontalHeader().setStretchLastSection(False)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.viewport = table.viewport()
        self.viewport.installEventFilter(self)
        # Measured over the first rows, once per fill: what shows first is what sets widths,
        # and measuring every cell is the slowest part of showing a table.
        table.horizontalHeader().setResizeContentsPrecision(MEASURED_ROWS)
        model = table.model()
        self.measured_rows = False
        if model is not None:
            model.modelReset.connect(self.measure)
            model.rowsInserted.connect(self._rows_arrived)
        self.measure()

    def _rows_arrived(self) -> None:
        # A paged table is reset empty and filled after: measure its first rows once.
        if not self.measured_rows:
            self.measure()

    def measure(self) -> None:
        """What each column's content asks for, then share the width out."""
        self.measured_rows = self._has_rows()
        header = self.table.horizontalHeader()
        metrics = header.fontMetrics()
        for column, cap in enumerate(self.caps):
            title = metrics.horizontalAdvance(self.titles[column]) + 2 * CELL_PADDING
            content = self.table.sizeHintForColumn(column) if self._has_rows() else 0
            self.natural[column] = max(title, content, header.minimumSectionSize())
            self.wanted[column] = min(self.natural[column], max(cap, title))
        self.share()

    def _has_rows(self) -> bool:
        model = self.table.model()
        return model is not None and model.rowCount() > 0

    def share(self) -> None:
        """Fit the measured columns into the width the table has now."""
        available = self.table.viewport().width()
        if available <= 0:
            return
        shown = list(range(len(self.wanted)))
        # Drop the least important columns while the wide ones would be cut below NARROWEST.
        by_priority = sorted(
            (column for column in shown if self.priorities[column] > 0),
            key=lambda column: (-self.priorities[column], -column),
        )
        for column in by_priority:
            if fits([self.wanted[c] for c in shown], available):
                break
            shown.remove(column)
        self.hidden = set(range(len(self.wanted))) - set(shown)
        for column in range(len(self.wanted)):
            self.table.setColumnHidden(column, column in self.hidden)
        natural = [self.natural[c] for c in shown]
        if sum(natural) <= available:  # room for everything whole
            widths = share_width(natural, available)
        else:
            widths = share_width([self.wanted[c] for c in shown], available)
        for column, width in zip(shown, widths, strict=True):
            self.table.setColumnWidth(column, width)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Resize
            and watched is self.viewport
            and shiboken6.isValid(self.table)
        ):
            self.share()
        return super().eventFilter(watched, event)


def water_level(wanted: list[int], available: int) -> int:
    """The width cap that makes `wanted`, each cut to it, add up to `available`.

    Columns wanting less than the cap keep what they want; only the wide ones are cut, all
    to the same width. Returns the widest want when all fit.
    """
    if sum(wanted) <= available:
        return max(wanted, default=0)
    room, left = available, len(wanted)
    for want in sorted(wanted):
        fair = room // left
        if want > fair:
            return max(fair, 0)
        room -= want
        left -= 1
    return max(wanted, default=0)


def _short(want: int) -> bool:
    return want <= SHORT_TEXT


def fits(wanted: list[int], available: int) -> bool:
    """Whether short columns can stay whole and the long ones keep NARROWEST or more."""
    room = available - sum(want for want in wanted if _short(want))
    long = [want for want in wanted if not _short(want)]
    if not long:
        return room >= 0
    return water_level(long, room) >= NARROWEST


def share_width(wanted: list[int], available: int) -> list[int]:
    """Widths for columns wanting `wanted` that add up to `available`.

    With room to spare, the last column takes it. Short of room, short columns (dates,
    amounts, names) stay whole and the long ones give up width alike, down to one cap.
    """
    if not wanted:
        return []
    room = available - sum(want for want in wanted if _short(want))
    cap = water_level([want for want in wanted if not _short(want)], room)
    widths = [want if _short(want) else min(want, cap) for want in wanted]
    if sum(widths) > available:  # too narrow even for the short ones: cut everything alike
        cap = water_level(wanted, available)
        widths = [min(want, cap) for want in wanted]
    widths[-1] += available - sum(widths)
    return widths
