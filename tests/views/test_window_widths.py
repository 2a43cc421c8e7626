"""The window at a laptop's 1366 and a desktop's 1920 pixels: nothing cut, nothing sideways."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QTableView

from console.services.referrals.worklists import Worklist
from console.views.context import DeskContext
from console.views.main_window import MainWindow
from console.views.worklists.worklist_model import COLUMN_KEYS
from console.views.worklists.worklist_view import WorklistView
from tests.views.waiting import settled_worklists

LAPTOP, DESKTOP = (1366, 728), (1920, 1040)
ALWAYS_SHOWN = ("id", "status", "customer", "due", "salesperson")


def shown_keys(table: QTableView) -> list[str]:
    return [key for n, key in enumerate(COLUMN_KEYS) if not table.isColumnHidden(n)]


def at_size(qtbot, window: MainWindow, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    window.resize(*size)
    qtbot.waitUntil(lambda: window.width() == size[0])
    qtbot.wait(50)


def worklists_at(qtbot, window: MainWindow, size: tuple[int, int]) -> WorklistView:  # type: ignore[no-untyped-def]
    at_size(qtbot, window, size)
    window.tabs.setCurrentWidget(window.worklists)
    window.show_worklist(Worklist.OPEN)
    settled_worklists(qtbot, window.worklists)
    qtbot.wait(50)
    return window.worklists


def assert_fits(table: QTableView) -> None:
    """No sideways scrolling, and every column but the stretching last one whole."""
    assert table.horizontalScrollBar().maximum() == 0
    for key in shown_keys(table)[:-1]:
        column = COLUMN_KEYS.index(key)
        whole = min(table.sizeHintForColumn(column), 220)  # the cap a first fit gives
        assert table.columnWidth(column) >= whole, key


def test_on_a_laptop_the_least_needed_columns_step_aside_and_salespeople_show_whole(
    qtbot,  # type: ignore[no-untyped-def]
    window: MainWindow,
) -> None:
    view = worklists_at(qtbot, window, LAPTOP)
    table = view.table
    assert view.model.rows
    shown = shown_keys(table)
    assert set(ALWAYS_SHOWN) <= set(shown)
    assert "assignment" not in shown or "technician" in shown  # least needed goes first
    salesperson = COLUMN_KEYS.index("salesperson")
    assert table.columnWidth(salesperson) >= table.sizeHintForColumn(salesperson)
    assert_fits(table)

    at_size(qtbot, window, DESKTOP)
    wide = shown_keys(table)
    assert set(shown) < set(wide)
    assert {"phone", "technician"} <= set(wide)
    assert_fits(table)


def test_a_column_stepped_aside_is_not_saved_as_hidden(
    qtbot,  # type: ignore[no-untyped-def]
    window: MainWindow,
    context: DeskContext,
    desk_settings: QSettings,
) -> None:
    view = worklists_at(qtbot, window, LAPTOP)
    technician = COLUMN_KEYS.index("technician")
    assert view.table.isColumnHidden(technician)
    window.close()

    later = MainWindow(context, desk_settings)
    qtbot.addWidget(later)
    later.show()
    view = worklists_at(qtbot, later, DESKTOP)
    assert not view.table.isColumnHidden(technician)
    assert_fits(view.table)


def test_the_search_grows_with_the_window_and_keeps_names_whole(
    qtbot,  # type: ignore[no-untyped-def]
    window: MainWindow,
) -> None:
    at_size(qtbot, window, LAPTOP)
    on_laptop = window.search.width()
    at_size(qtbot, window, DESKTOP)
    on_desktop = window.search.width()
    # A share of the window, not a width: about a quarter at either size.
    for width, window_width in ((on_laptop, LAPTOP[0]), (on_desktop, DESKTOP[0])):
        assert 0.2 <= width / window_width <= 0.3

    panel = window.search
    panel.field.setText("day care")
    panel.run_search()
    qtbot.waitUntil(lambda: panel.current and panel.model.rowCount() > 0)
    qtbot.wait(50)
    names = panel.results
    assert names.columnWidth(0) >= names.sizeHintForColumn(0)
    assert names.horizontalScrollBar().maximum() == 0
