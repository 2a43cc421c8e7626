"""A desk that works from the keyboard: the day board, the command palette, accessible names."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)
from sqlalchemy import func, select

from console.models import ServiceVisit
from console.views.command_palette import CommandPalette
from console.views.context import DeskContext
from console.views.main_window import MainWindow
from console.views.referrals.new_referral_dialog import NewReferralDialog
from tests.views.dialogs import when_dialog_opens
from tests.views.waiting import open_customer

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
INTERACTIVE = (
    QAbstractButton,
    QLineEdit,
    QComboBox,
    QAbstractItemView,
    QAbstractSpinBox,
    QTextEdit,
    QPlainTextEdit,
)


def busiest_visit_day(context: DeskContext) -> dt.date:
    with context.read() as session:
        starts = session.scalars(
            select(ServiceVisit.scheduled_for).order_by(func.random()).limit(400)
        ).all()
    days = [value.astimezone().date() for value in starts]
    return max(set(days), key=days.count)


def test_move_through_days_with_the_keyboard(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.tabs.setCurrentWidget(window.day_board)
    board = window.day_board
    board.visits.setFocus()
    start = board.date.date()
    qtbot.keyClick(board.visits, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert board.date.date() == start.addDays(1)
    qtbot.waitUntil(
        lambda: board.board is not None and board.board.day == start.addDays(1).toPython()
    )
    qtbot.keyClick(board.visits, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(board.visits, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert board.date.date() == start.addDays(-1)


def test_open_a_customer_and_a_referral_from_a_visit(
    qtbot, window: MainWindow, context: DeskContext
) -> None:  # type: ignore[no-untyped-def]
    window.tabs.setCurrentWidget(window.day_board)
    board = window.day_board
    day = busiest_visit_day(context)
    board.date.setDate(QDate(day.year, day.month, day.day))
    qtbot.waitUntil(lambda: not board.busy and board.board is not None and board.board.day == day)
    tech_item = next(
        board.visits.topLevelItem(i)
        for i in range(board.visits.topLevelItemCount())
        if board.visits.topLevelItem(i).childCount()
    )
    visit_item = tech_item.child(0)
    board.visits.setCurrentItem(visit_item)
    visit = board.selected_visit()
    assert visit is not None and visit_item.text(1) == visit.customer
    board.visits.itemActivated.emit(visit_item, 0)
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is window.pages)
    assert window.customer.overview.id == visit.customer_id

    window.tabs.setCurrentWidget(window.day_board)
    board.visits.setCurrentItem(visit_item)
    seen: list[NewReferralDialog] = []
    when_dialog_opens(NewReferralDialog, lambda d: d.reject(), seen)
    qtbot.mouseClick(board.referral_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen))
    assert seen[0].draft.visit_id == visit.id
    assert seen[0].technician.currentData() == visit.technician_id


def test_command_palette_runs_an_action(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    shown: list[list[tuple[str, str]]] = []

    def run_numbers(palette: CommandPalette) -> None:
        palette.query.setText("numbers")
        shown.append(
            [
                (palette.list.topLevelItem(i).text(0), palette.list.topLevelItem(i).text(1))
                for i in range(palette.list.topLevelItemCount())
            ]
        )
        palette.run_current()
        if palette.isVisible():
            palette.reject()

    when_dialog_opens(CommandPalette, run_numbers)
    qtbot.keyClick(window, Qt.Key.Key_P, CTRL_SHIFT)
    assert shown == [[("Go › Numbers", "Ctrl+4")]]
    assert window.tabs.currentWidget() is window.numbers_tab


def accessible_name(widget: QWidget) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Name) if interface is not None else ""


def test_every_interactive_widget_has_an_accessible_name(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    open_customer(qtbot, window, 5)
    for page in range(window.tabs.count()):
        window.tabs.setCurrentIndex(page)
    nameless = [
        f"{type(widget).__name__} {widget.objectName()} in {type(widget.parentWidget()).__name__}"
        for widget in window.findChildren(QWidget)
        if isinstance(widget, INTERACTIVE)
        and not widget.objectName().startswith("qt_")  # Qt's own parts of a composite widget
        and widget.isVisibleTo(window)
        and widget.focusPolicy() != Qt.FocusPolicy.NoFocus
        and not accessible_name(widget).strip()
    ]
    assert nameless == []
