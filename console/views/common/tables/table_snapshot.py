"""A copy of a table's model that another thread may read, for exporting off the GUI thread.

Item models belong to the GUI thread. The copy shares only plain row objects (and, for a
paged model, its page source, which opens a session of its own per page), so the export can
fetch the remaining pages and format every cell on a worker thread.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel

from console.views.common.tables.table_model import PagedTableModel, RowTableModel

ModelFactory = Callable[[], QAbstractItemModel]


def detached_copy(model: QAbstractItemModel) -> ModelFactory:
    """A factory, to call on the worker thread, for a model showing what `model` shows."""
    if isinstance(model, PagedTableModel):
        columns, rows = list(model.columns), list(model.rows)
        fetcher, exhausted = getattr(model.fetcher, "source", model.fetcher), model.exhausted
        page_size, sort_key, descending = model.page_size, model.sort_key, model.descending

        def paged() -> QAbstractItemModel:
            copy: PagedTableModel[object] = PagedTableModel(columns, page_size)
            copy.rows, copy.fetcher, copy.exhausted = rows, fetcher, exhausted
            copy.sort_key, copy.descending = sort_key, descending
            return copy

        return paged
    if isinstance(model, RowTableModel):
        columns, rows = list(model.columns), list(model.rows)

        def plain() -> QAbstractItemModel:
            copy: RowTableModel[object] = RowTableModel(columns)
            copy.rows = rows
            return copy

        return plain
    headers = [
        model.headerData(column, Qt.Orientation.Horizontal) for column in range(model.columnCount())
    ]
    cells = [
        [model.index(row, column).data() for column in range(model.columnCount())]
        for row in range(model.rowCount())
    ]

    def shown() -> QAbstractItemModel:
        copy = QStandardItemModel(len(cells), len(headers))
        copy.setHorizontalHeaderLabels([str(h) if h is not None else "" for h in headers])
        for row, values in enumerate(cells):
            for column, value in enumerate(values):
                copy.setItem(row, column, QStandardItem("" if value is None else str(value)))
        return copy

    return shown
