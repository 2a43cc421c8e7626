"""The search panel: results on one line each, in columns, best first, saying why they matched."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QToolTip

from console.models import Site
from console.views.common.tables.fitting import is_elided
from console.views.context import DeskContext
from console.views.search.results_model import WHY_COLUMN_TITLE
from console.views.search.search_panel import SearchPanel
from tests import factories

LONG_STREET = "1200 Zoltar Boulevard Industrial Estate, Building C, Loading Dock 4"


def _office(context: DeskContext) -> None:
    with context.sessions.begin() as session:
        factories.customer(
            session, name="Zoltar Heating", phone="(555) 014-2", street="4 Oak Ave", city="Salem"
        )
        factories.customer(session, name="Ann Byrne", street=LONG_STREET, city="Dover")
        factories.customer(session, name="Cal Town", city="Zoltarville")
        owner = factories.customer(session, name="Harbour Estates", street="1 Ledger Row")
        session.add(Site(customer_id=owner.id, name="North Tower", street="9 Zoltar Quay"))


def _panel(qtbot, context: DeskContext, width: int) -> SearchPanel:  # type: ignore[no-untyped-def]
    panel = SearchPanel(context)
    qtbot.addWidget(panel)
    panel.resize(width, 500)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def _search(qtbot, panel: SearchPanel, text: str) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(panel.searched, timeout=10_000):
        panel.field.setText(text)
        panel.run_search()


def _column(panel: SearchPanel, title: str) -> int:
    model = panel.model
    return next(
        c
        for c in range(model.columnCount())
        if model.headerData(c, Qt.Orientation.Horizontal) == title
    )


def _cell(panel: SearchPanel, row: int, column: int) -> str:
    return str(panel.model.index(row, column).data() or "")


def test_results_best_first_one_line_each_saying_why(qtbot, context: DeskContext) -> None:  # type: ignore[no-untyped-def]
    _office(context)
    panel = _panel(qtbot, context, 1100)
    _search(qtbot, panel, "zoltar")
    names = [_cell(panel, row, 0) for row in range(panel.model.rowCount())]
    assert names == ["Zoltar Heating", "Ann Byrne", "Harbour Estates", "Cal Town"]
    why = _column(panel, WHY_COLUMN_TITLE)
    assert [_cell(panel, row, why) for row in range(4)] == [
        "name",
        "street",
        "site: 9 Zoltar Quay",
        "town",
    ]
    header = [
        panel.model.headerData(c, Qt.Orientation.Horizontal)
        for c in range(panel.model.columnCount())
    ]
    assert header == ["Name", "Phone", "Address", "Account", WHY_COLUMN_TITLE]
    assert _cell(panel, 0, 1) == "(555) 014-2"
    assert _cell(panel, 2, 2) == "9 Zoltar Quay"  # the site that matched, not the billing address
    # One line a row: as tall as one line of text.
    assert panel.results.rowHeight(0) < 2 * panel.results.fontMetrics().height()
    assert panel.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole).startswith("Zoltar Heating")


def test_phone_typed_with_other_punctuation_finds_the_customer(qtbot, context: DeskContext) -> None:  # type: ignore[no-untyped-def]
    _office(context)
    panel = _panel(qtbot, context, 1100)
    _search(qtbot, panel, "555-0142")
    assert [_cell(panel, 0, 0), _cell(panel, 0, _column(panel, WHY_COLUMN_TITLE))] == [
        "Zoltar Heating",
        "phone",
    ]


def _tooltip(panel: SearchPanel, row: int, column: int) -> str:
    index = panel.model.index(row, column)
    rect = panel.results.visualRect(index)
    event = QHelpEvent(
        QEvent.Type.ToolTip, rect.center(), panel.results.viewport().mapToGlobal(rect.center())
    )
    QToolTip.hideText()
    panel.results.viewportEvent(event)
    return QToolTip.text()


def test_wide_panel_shows_every_column_whole(qtbot, context: DeskContext) -> None:  # type: ignore[no-untyped-def]
    _office(context)
    panel = _panel(qtbot, context, 1400)
    _search(qtbot, panel, "zoltar")
    table = panel.results
    for column in range(panel.model.columnCount()):
        assert not table.isColumnHidden(column)
        for row in range(panel.model.rowCount()):
            assert not is_elided(table, panel.model.index(row, column))
    shown = sum(table.columnWidth(c) for c in range(panel.model.columnCount()))
    assert shown <= table.viewport().width()


def test_narrow_panel_hides_the_least_needed_columns_and_elides_with_a_tooltip(
    qtbot, context: DeskContext
) -> None:  # type: ignore[no-untyped-def]
    _office(context)
    panel = _panel(qtbot, context, 1400)
    _search(qtbot, panel, "zoltar")
    panel.resize(330, 500)
    qtbot.waitUntil(lambda: panel.results.viewport().width() < 340)
    table = panel.results
    hidden = [
        panel.model.headerData(c, Qt.Orientation.Horizontal)
        for c in range(panel.model.columnCount())
        if table.isColumnHidden(c)
    ]
    assert "Name" not in hidden and "Account" in hidden and "Address" in hidden
    shown = [c for c in range(panel.model.columnCount()) if not table.isColumnHidden(c)]
    assert sum(table.columnWidth(c) for c in shown) <= table.viewport().width()
    # Every cell shown is whole, or elided with its whole text on hover.
    for row in range(panel.model.rowCount()):
        for column in shown:
            text = _cell(panel, row, column)
            if is_elided(table, panel.model.index(row, column)):
                assert _tooltip(panel, row, column).startswith(text)
    # Widening again brings the columns back.
    panel.resize(1400, 500)
    qtbot.waitUntil(lambda: not any(table.isColumnHidden(c) for c in range(5)))
