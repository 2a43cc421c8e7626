"""Table views set up the way every table in the console behaves."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget


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
