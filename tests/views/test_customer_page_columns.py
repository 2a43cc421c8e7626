"""The customer page's tables fit their space at the desk's usual screen sizes.

Less needed columns step aside on a small screen; every cell shown is whole, or elided with
its whole text on hover; nothing is pushed out of sight behind a scroll bar.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QTableView, QToolTip
from sqlalchemy import func, select

from console.models import Referral, UpsellNote
from console.views.common.tables.fitting import NARROWEST, fits, is_elided, share_width
from console.views.context import DeskContext
from console.views.main_window import MainWindow
from tests.views.waiting import open_customer


def _busiest_customer(context: DeskContext) -> int:
    """A customer with referrals and notes, so every table has rows."""
    with context.sessions() as session:
        customer_id = session.scalar(
            select(Referral.customer_id)
            .join(UpsellNote, UpsellNote.customer_id == Referral.customer_id)
            .group_by(Referral.customer_id)
            .order_by(func.count().desc(), Referral.customer_id)
            .limit(1)
        )
    assert customer_id is not None
    return customer_id


def _hover_text(table: QTableView, row: int, column: int) -> str:
    index = table.model().index(row, column)
    centre = table.visualRect(index).center()
    QToolTip.hideText()
    table.viewportEvent(
        QHelpEvent(QEvent.Type.ToolTip, centre, table.viewport().mapToGlobal(centre))
    )
    return QToolTip.text()


def _titles(table: QTableView, hidden: bool) -> list[str]:
    model = table.model()
    return [
        str(model.headerData(c, Qt.Orientation.Horizontal))
        for c in range(model.columnCount())
        if table.isColumnHidden(c) is hidden
    ]


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_tables_fit_their_space(
    qtbot, window: MainWindow, context: DeskContext, size: tuple[int, int]
) -> None:  # type: ignore[no-untyped-def]
    window.resize(*size)
    open_customer(qtbot, window, _busiest_customer(context))
    qtbot.wait(100)
    page = window.customer
    for table in (page.history, page.referrals, page.notes, page.equipment):
        model = table.model()
        assert model.rowCount() > 0, table.objectName()
        shown = [c for c in range(model.columnCount()) if not table.isColumnHidden(c)]
        assert table.horizontalScrollBar().maximum() == 0, table.objectName()
        assert sum(table.columnWidth(c) for c in shown) <= table.viewport().width()
        for row in range(min(model.rowCount(), 6)):
            for column in shown:
                text = str(model.index(row, column).data() or "")
                if is_elided(table, model.index(row, column)):
                    assert _hover_text(table, row, column).startswith(text), (
                        table.objectName(),
                        text,
                    )
    # Dates, ages and amounts are never cut short.
    for table, title in (
        (page.history, "Date"),
        (page.referrals, "Created"),
        (page.notes, "Date"),
        (page.equipment, "Age"),
    ):
        model = table.model()
        column = _titles(table, hidden=False).index(title)
        column = [c for c in range(model.columnCount()) if not table.isColumnHidden(c)][column]
        for row in range(min(model.rowCount(), 6)):
            assert not is_elided(table, model.index(row, column)), (table.objectName(), title)
    # What a row is about and when stays, whatever the width.
    assert {"Date", "Problem"} <= set(_titles(page.history, hidden=False))
    assert {"Status", "Pain point"} <= set(_titles(page.referrals, hidden=False))
    assert {"Note"} <= set(_titles(page.notes, hidden=False))
    assert {"Equipment", "Age"} <= set(_titles(page.equipment, hidden=False))


def test_a_wider_window_shows_more_columns(qtbot, window: MainWindow, context: DeskContext) -> None:  # type: ignore[no-untyped-def]
    window.resize(1366, 768)
    open_customer(qtbot, window, _busiest_customer(context))
    page = window.customer
    tables = (page.history, page.referrals, page.notes, page.equipment)
    qtbot.wait(100)
    small = [len(_titles(table, hidden=False)) for table in tables]
    window.resize(1920, 1080)
    qtbot.waitUntil(lambda: page.history.viewport().width() > 600)
    qtbot.wait(100)
    large = [len(_titles(table, hidden=False)) for table in tables]
    assert all(b >= a for a, b in zip(small, large, strict=True))
    assert sum(large) > sum(small)
    assert _titles(page.history, hidden=True) == [] or len(_titles(page.history, True)) < 3


@given(
    wanted=st.lists(st.integers(20, 600), min_size=1, max_size=8),
    available=st.integers(100, 2000),
)
def test_shared_widths_fill_the_table_keeping_short_columns_whole(
    wanted: list[int], available: int
) -> None:
    widths = share_width(wanted, available)
    assert sum(widths) == available
    if sum(wanted) <= available:
        assert widths[:-1] == wanted[:-1] and widths[-1] >= wanted[-1]
    elif fits(wanted, available):
        for want, width in zip(wanted[:-1], widths[:-1], strict=True):
            assert width == want or width >= NARROWEST  # short ones whole, long ones readable
