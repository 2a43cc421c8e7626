"""Tall dialogs open inside the screen, so their buttons are always in reach."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRect, QSettings, QSize
from sqlalchemy import select

from console.models import SalesAppointment
from console.services.briefing.page import PageSize
from console.views.briefing.preview_dialog import PREFERRED_SIZE, BriefingPreviewDialog
from console.views.common.screen_fit import FRAME_HEIGHT, available_area, fitted_size
from console.views.context import DeskContext

LAPTOP = QRect(0, 0, 1366, 728)  # 1366×768 less a 40 pixel task bar
DESKTOP = QRect(0, 0, 1920, 1040)


def test_a_laptop_screen_gets_a_shorter_preview_and_a_desktop_the_whole_page() -> None:
    on_laptop = fitted_size(PREFERRED_SIZE, LAPTOP)
    assert on_laptop.width() == PREFERRED_SIZE.width()
    assert on_laptop.height() + FRAME_HEIGHT <= LAPTOP.height()
    assert fitted_size(PREFERRED_SIZE, DESKTOP) == PREFERRED_SIZE
    assert fitted_size(QSize(3000, 3000), DESKTOP).width() < DESKTOP.width()


def test_the_preview_buttons_are_on_the_screen(
    qtbot,  # type: ignore[no-untyped-def]
    context: DeskContext,
    tmp_path: Path,
) -> None:
    with context.read() as session:
        appointment = session.scalars(select(SalesAppointment).limit(1)).one()
        customer_id, appointment_id = appointment.referral.customer_id, appointment.id
    settings = QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat)
    dialog = BriefingPreviewDialog(
        context, customer_id, PageSize.A4, settings=settings, appointment_id=appointment_id
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    screen = available_area(dialog)
    assert dialog.height() + FRAME_HEIGHT <= screen.height()
    for button in (dialog.print_button, dialog.save_button):
        corner = button.mapToGlobal(button.rect().bottomRight())
        assert button.isVisible()
        assert screen.contains(corner), (button.text(), corner, screen)
    # The pages scroll inside the view instead of pushing the buttons away.
    scroll = dialog.view.verticalScrollBar()
    qtbot.waitUntil(lambda: scroll.maximum() > 0)


def test_the_main_window_opens_inside_the_screen_on_a_first_start(
    qtbot,  # type: ignore[no-untyped-def]
    context: DeskContext,
    tmp_path: Path,
) -> None:
    from console.views.main_window import FIRST_SIZE, MainWindow

    settings = QSettings(str(tmp_path / "first.ini"), QSettings.Format.IniFormat)
    window = MainWindow(context, settings)  # no saved geometry: a first start
    qtbot.addWidget(window)
    screen = available_area(window)
    assert window.height() + FRAME_HEIGHT <= max(screen.height(), FIRST_SIZE[1] + FRAME_HEIGHT)
    assert window.width() <= max(screen.width(), FIRST_SIZE[0])
    assert fitted_size(QSize(*FIRST_SIZE), LAPTOP).height() + FRAME_HEIGHT <= LAPTOP.height()
