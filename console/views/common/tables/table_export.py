"""Export a table to CSV or XLSX for other programs: its rows and headers, plain values.

The window shows dates, times and money the desk's way; a file read by a spreadsheet or a
script holds ISO dates (`2026-03-17`, office wall-clock `2026-03-17 10:00`) and plain
decimals (`1234.50`), and an XLSX holds numbers as numbers and dates as dates. The headers
are the ones the table shows. Text a spreadsheet would run as a formula is neutralised.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pandas as pd
from PySide6.QtCore import QAbstractItemModel, Qt

from console.services.output_file import atomic_output, check_output_file
from console.services.transfer.exporter import write_frame
from console.services.transfer.formulas import protect
from console.views.common.locale_format import PlainValue, plain_values
from console.views.common.tables.columns import display_text
from console.views.common.tables.table_model import RowTableModel

TABLE_SUFFIXES = (".csv", ".xlsx")


def _number(value: object) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _cell(model: QAbstractItemModel, row: int, column: int, spreadsheet: bool) -> object:
    """One cell as a file holds it: a number, a date for a spreadsheet, else protected text."""
    if isinstance(model, RowTableModel):
        # The column's own value, written plain: the model's cache holds what the window shows.
        raw = model.columns[column].value(model.rows[row])
        shown = raw if isinstance(raw, PlainValue) else display_text(raw)
        value = shown.value if isinstance(shown, PlainValue) else raw
        if _number(value):
            return float(value) if spreadsheet and isinstance(value, Decimal) else value
        if spreadsheet and isinstance(value, dt.date | dt.datetime):
            return value
        return protect(str(shown))
    return protect(model.index(row, column).data() or "")


def table_frame(model: QAbstractItemModel, spreadsheet: bool = False) -> pd.DataFrame:
    """Every row the model holds, with the header titles the user sees and plain values.

    `spreadsheet` keeps dates as dates and amounts as floats, for an XLSX cell to hold them.
    """
    while model.canFetchMore(model.index(-1, -1)):
        model.fetchMore(model.index(-1, -1))
    columns = [
        protect(str(model.headerData(column, Qt.Orientation.Horizontal) or f"column {column + 1}"))
        for column in range(model.columnCount())
    ]
    with plain_values():
        rows = [
            [_cell(model, row, column, spreadsheet) for column in range(model.columnCount())]
            for row in range(model.rowCount())
        ]
    return pd.DataFrame(rows, columns=columns, dtype=object)


def export_table(model: QAbstractItemModel, path: Path) -> int:
    """Write the table to `path` (.csv or .xlsx) whole or not at all; returns the row count.

    A path that cannot be written raises OutputProblem before any row is read.
    """
    check_output_file(path, TABLE_SUFFIXES)
    frame = table_frame(model, spreadsheet=path.suffix.lower() == ".xlsx")
    with atomic_output(path, TABLE_SUFFIXES) as partial:
        write_frame(frame, partial)
    return len(frame)
