"""Export what a table shows, as shown: any table in the window to CSV or XLSX."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from PySide6.QtCore import QAbstractItemModel, Qt

from console.services.transfer.exporter import write_frame
from console.services.transfer.formulas import protect


def table_frame(model: QAbstractItemModel) -> pd.DataFrame:
    """Every row the model holds, with the header titles the user sees."""
    while model.canFetchMore(model.index(-1, -1)):
        model.fetchMore(model.index(-1, -1))
    columns = [
        str(model.headerData(column, Qt.Orientation.Horizontal) or f"column {column + 1}")
        for column in range(model.columnCount())
    ]
    rows = [
        [protect(model.index(row, column).data() or "") for column in range(model.columnCount())]
        for row in range(model.rowCount())
    ]
    return pd.DataFrame(rows, columns=columns)


def export_table(model: QAbstractItemModel, path: Path) -> int:
    frame = table_frame(model)
    write_frame(frame, path)
    return len(frame)
