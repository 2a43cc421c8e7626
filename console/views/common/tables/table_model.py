"""Thin item models over service results: columns as data, lazy paging for long lists."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from console.views.common.tables.columns import ALIGN_RIGHT, Column, display_text

Row = TypeVar("Row")
Index = QModelIndex | QPersistentModelIndex
ROW_ROLE = int(Qt.ItemDataRole.UserRole) + 1


class RowTableModel(QAbstractTableModel, Generic[Row]):
    """A table over a list of plain row objects."""

    def __init__(self, columns: Sequence[Column[Row]], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[Row] = []
        self.decorate: Callable[[Row, int], Any] | None = None
        self._text: dict[tuple[int, int], str] = {}

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self._text.clear()
        self.endResetModel()

    def text(self, row: int, column: int) -> str:
        """The shown text of a cell, formatted once: views ask for it on every paint."""
        key = (row, column)
        cached = self._text.get(key)
        if cached is None:
            cached = display_text(self.columns[column].value(self.rows[row]))
            self._text[key] = cached
        return cached

    def row_at(self, index: Index) -> Row | None:
        return self.rows[index.row()] if index.isValid() and index.row() < len(self.rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            number = index.row()
            return self.text(number, index.column()) if 0 <= number < len(self.rows) else None
        row = self.row_at(index)
        if row is None:
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return ALIGN_RIGHT
        if role == ROW_ROLE:
            return row
        if self.decorate is not None:
            return self.decorate(row, role)
        return None


PageFetcher = Callable[[int, int, str | None, bool], list[Any]]


class PagedTableModel(RowTableModel[Row]):
    """Loads rows a page at a time as the view scrolls; sorting asks the service again."""

    def __init__(
        self, columns: Sequence[Column[Row]], page_size: int = 200, parent: Any = None
    ) -> None:
        super().__init__(columns, parent)
        self.page_size = page_size
        self.fetcher: PageFetcher | None = None
        self.loads = 0
        self.exhausted = True
        self.sort_key: str | None = None
        self.descending = True

    def load(self, fetcher: PageFetcher | None) -> None:
        """Start over with a new source of pages (or none, to show nothing)."""
        self.fetcher = fetcher
        self.loads += 1
        self.beginResetModel()
        self.rows = []
        self._text.clear()
        self.exhausted = fetcher is None
        self.endResetModel()
        if fetcher is not None:
            self.fetchMore(QModelIndex())

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and not self.exhausted

    def fetchMore(self, parent: Index) -> None:
        if parent.isValid() or self.exhausted or self.fetcher is None:
            return
        loads, offset = self.loads, len(self.rows)
        page = self.fetcher(offset, self.page_size, self.sort_key, self.descending)
        if loads != self.loads or offset != len(self.rows):
            return  # the model was loaded anew while this page was on its way
        self.exhausted = len(page) < self.page_size
        if page:
            first = len(self.rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self.rows.extend(page)
            self.endInsertRows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = self.columns[column].sort_key
        if key is None:
            return
        self.sort_key = key
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.load(self.fetcher)
