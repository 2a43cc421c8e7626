"""Export what a table shows, as shown: any table in the window to CSV or XLSX."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from PySide6.QtCore import QAbstractItemModel, Qt

from console.services.output_file import atomic_output, check_output_file
from console.services.transfer.exporter import write_frame
from console.services.transfer.formulas import protect

TABLE_SUFFIXES = (".csv", ".xlsx")


def table_frame(model: QAbstractItemModel) -> pd.DataFrame:
    """Every row the model holds, with the header titles the user sees."""
    while model.canFetchMore(model.index(-1, -1)):
        model.fetchMore(model.index(-1, -1))
    columns = [
        protect(str(model.headerData(column, Qt.Orientation.Horizontal) or f"column {column + 1}"))
        for column in range(model.columnCount())
    ]
    rows = [
        [protect(model.index(row, column).data() or "") for column in range(model.columnCount())]
        for row in range(model.rowCount())
    ]
    return pd.DataFrame(rows, columns=columns)


def export_table(model: QAbstractItemModel, path: Path) -> int:
    """Write the table to `path` (.csv or .xlsx) whole or not at all; returns the row count.

    A path that cannot be written raises OutputProblem before any row is read.
    """
    check_output_file(path, TABLE_SUFFIXES)
    frame = table_frame(model)
    with atomic_output(path, TABLE_SUFFIXES) as partial:
        write_frame(frame, partial)
    return len(frame)
