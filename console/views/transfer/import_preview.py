"""A small table of a file's first rows as they will be stored, under the fields' own labels."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from console.services.transfer.preview import Preview
from console.services.transfer.synonyms import label
from console.views.common.tones import Tone, tone


class ImportPreview(QTableWidget):
    """Read-only; a cell the import would refuse shows what the file has, in the danger tone,
    with the reason as its tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 0, parent)
        self.setObjectName("importPreview")
        self.setAccessibleName("First rows as they will be stored")
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.horizontalHeader().setStretchLastSection(True)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)

    def show_preview(self, kind: str, preview: Preview) -> None:
        self.clear()
        self.setColumnCount(len(preview.fields))
        self.setRowCount(len(preview.rows))
        self.setHorizontalHeaderLabels([label(kind, name) for name in preview.fields])
        self.setVerticalHeaderLabels([f"Row {line}" for line in preview.lines])
        danger = tone(Tone.DANGER, self.palette())
        for row, cells in enumerate(preview.rows):
            for column, cell in enumerate(cells):
                item = QTableWidgetItem(cell.text)
                if cell.problem is not None:
                    item.setForeground(danger)
                    item.setToolTip(f"{label(kind, preview.fields[column])} {cell.problem}")
                self.setItem(row, column, item)
        self.resizeColumnsToContents()
        for column in range(self.columnCount()):
            self.setColumnWidth(column, min(self.columnWidth(column), 260))
