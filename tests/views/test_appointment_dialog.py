"""Booking an appointment as the coordinator does: the salesperson's day, a free slot clicked,
an overlap warned about in the form, a note that reaches the briefing, a time typed by hand."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from console.models import Referral, ReferralStatus, SalesAppointment
from console.services.briefing.content import briefing_content
from console.services.briefing.render import render_briefing
from console.services.office.clock import at_wall_clock
from console.services.office.settings import load_office_settings
from console.services.referrals.detail import ReferralDetail, referral_detail
from console.services.schedule.appointments import schedule_appointment
from console.views.common import locale_format
from console.views.common.qt_dates import office_field_time
from console.views.context import DeskContext
from console.views.preferences_dialog import PreferencesDialog
from console.views.referrals.appointment_dialog import AppointmentDialog
from tests import factories
from tests.views.waiting import TIMEOUT_MS

DAY = dt.date(2027, 6, 16)  # a Wednesday, far from the demo's own appointments


def at(hour: int, minute: int = 0) -> dt.datetime:
    return at_wall_clock(DAY, dt.time(hour, minute))


@pytest.fixture
def booking(context: DeskContext) -> ReferralDetail:
    """A contacted referral whose salesperson already has a 09:00–10:30 visit on DAY."""
    with context.sessions.begin() as session:
        referral = session.scalars(
            select(Referral)
            .where(
                Referral.status == ReferralStatus.CONTACTED, Referral.salesperson_id.is_not(None)
            )
            .order_by(Referral.id)
            .limit(1)
        ).one()
        other_customer = factories.customer(session, name="Bea Ortiz")
        other = Referral(
            customer_id=other_customer.id,
            technician_id=referral.technician_id,
            salesperson_id=referral.salesperson_id,
            status=ReferralStatus.CONTACTED,
            pain_point="Old water heater",
        )
        session.add(other)
        session.flush()
        schedule_appointment(session, other.id, at(9), "sam", minutes=90)
        referral_id = referral.id
    with context.read() as session:
        return referral_detail(session, referral_id)


def open_dialog(qtbot: QtBot, context: DeskContext, detail: ReferralDetail) -> AppointmentDialog:
    dialog = AppointmentDialog(context, detail)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: bool(dialog.property("ready")), timeout=TIMEOUT_MS)
    return dialog


def show_day(qtbot: QtBot, dialog: AppointmentDialog, hour: int, minute: int = 0) -> None:
    dialog.when.setDateTime(office_field_time(at(hour, minute)))
    qtbot.waitUntil(lambda: bool(dialog.property("dayShown")), timeout=TIMEOUT_MS)


def day_rows(dialog: AppointmentDialog) -> list[str]:
    rows = dialog.day.day_list
    return [rows.item(row).text() for row in range(rows.count())]


def slot_labels(dialog: AppointmentDialog) -> list[str]:
    return [button.text() for button in dialog.day.slot_buttons]


def span(start: dt.datetime, end: dt.datetime) -> str:
    return f"{locale_format.time(start)}–{locale_format.time(end)}"


def booked(context: DeskContext, referral_id: int) -> SalesAppointment | None:
    with context.read() as session:
        return session.scalars(
            select(SalesAppointment).where(
                SalesAppointment.referral_id == referral_id,
                SalesAppointment.cancelled_at.is_(None),
            )
        ).one_or_none()


def test_it_names_the_customer_and_shows_the_salespersons_day(
    qtbot: QtBot, context: DeskContext, booking: ReferralDetail
) -> None:
    dialog = open_dialog(qtbot, context, booking)
    assert booking.customer in dialog.windowTitle() and f"referral {booking.id}" in (
        dialog.windowTitle()
    )
    assert f"#{booking.id}" in dialog.heading.text() and booking.customer in dialog.heading.text()
    assert dialog.salesperson.currentData() == booking.salesperson_id
    show_day(qtbot, dialog, 14)
    assert day_rows(dialog) == [f"{span(at(9), at(10, 30))}   Bea Ortiz"]
    assert locale_format.date(DAY) in dialog.day.heading.text()
    assert not dialog.warning.isVisible()


def test_a_free_slot_click_sets_the_time(
    qtbot: QtBot, context: DeskContext, booking: ReferralDetail
) -> None:
    dialog = open_dialog(qtbot, context, booking)
    dialog.minutes.setValue(60)
    show_day(qtbot, dialog, 10)
    qtbot.waitUntil(lambda: len(dialog.day.slot_buttons) == 6, timeout=TIMEOUT_MS)
    # The six nearest 10:00: 08:00 fits before Bea Ortiz; 08:30 to 10:00 would overlap her.
    assert slot_labels(dialog) == [
        locale_format.time(at(h, m))
        for h, m in ((8, 0), (10, 30), (11, 0), (11, 30), (12, 0), (12, 30))
    ]
    qtbot.mouseClick(dialog.day.slot_buttons[1], Qt.MouseButton.LeftButton)
    assert dialog.when.dateTime() == office_field_time(at(10, 30))
    assert not dialog.warning.isVisible()


def test_the_free_slots_follow_the_time_in_the_form(
    qtbot: QtBot, context: DeskContext, booking: ReferralDetail
) -> None:
    dialog = open_dialog(qtbot, context, booking)
    dialog.minutes.setValue(60)
    show_day(qtbot, dialog, 15)
    afternoon = [(13, 30), (14, 0), (14, 30), (15, 0), (15, 30), (16, 0)]
    wanted = [locale_format.time(at(h, m)) for h, m in afternoon]
    qtbot.waitUntil(lambda: slot_labels(dialog) == wanted, timeout=TIMEOUT_MS)
    dialog.when.setDateTime(office_field_time(at(8)))
    morning = [(8, 0), (10, 30), (11, 0), (11, 30), (12, 0), (12, 30)]
    assert slot_labels(dialog) == [locale_format.time(at(h, m)) for h, m in morning]
    qtbot.mouseClick(dialog.day.slot_buttons[-1], Qt.MouseButton.LeftButton)
    assert dialog.when.dateTime() == office_field_time(at(12, 30))


def test_an_overlap_is_warned_in_the_form_and_can_still_be_booked(
    qtbot: QtBot, context: DeskContext, booking: ReferralDetail
) -> None:
    dialog = open_dialog(qtbot, context, booking)
    dialog.minutes.setValue(60)
    show_day(qtbot, dialog, 10)
    assert dialog.warning.isVisible()
    assert dialog.warning.text() == (
        f"Overlaps Bea Ortiz ({span(at(9), at(10, 30))}). You can still book it."
    )
    dialog.when.setDateTime(office_field_time(at(10, 30)))
    assert not dialog.warning.isVisible()
    dialog.when.setDateTime(office_field_time(at(10)))
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    qtbot.waitUntil(lambda: booked(context, booking.id) is not None, timeout=TIMEOUT_MS)
    saved = booked(context, booking.id)
    assert saved is not None and (saved.starts_at, saved.duration_minutes) == (at(10), 60)


def test_the_note_is_saved_and_printed_on_the_briefing(
    qtbot: QtBot, context: DeskContext, booking: ReferralDetail
) -> None:
    dialog = open_dialog(qtbot, context, booking)
    show_day(qtbot, dialog, 13)
    dialog.minutes.setValue(90)
    qtbot.keyClicks(dialog.note, "Gate code 4411, side door")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    qtbot.waitUntil(lambda: booked(context, booking.id) is not None, timeout=TIMEOUT_MS)
    saved = booked(context, booking.id)
    assert saved is not None
    assert (saved.starts_at, saved.duration_minutes, saved.notes) == (
        at(13),
        90,
        "Gate code 4411, side door",
    )
    with context.read() as session:
        assert session.get(Referral, booking.id).status is ReferralStatus.APPOINTMENT_SET
        content = briefing_content(session, booking.customer_id, appointment_id=saved.id)
    pdf = PdfReader(io.BytesIO(render_briefing(content)))
    first_page = " ".join(pdf.pages[0].extract_text().split())
    assert "Note: Gate code 4411, side door" in first_page
    assert "90 minutes" in first_page


def test_a_time_typed_by_hand_is_taken(
    qtbot: QtBot, context: DeskContext, booking: ReferralDetail
) -> None:
    dialog = open_dialog(qtbot, context, booking)
    dialog.when.setFocus()
    dialog.when.setSelectedSection(dialog.when.Section.YearSection)
    qtbot.keyClicks(dialog.when, "202706160945")  # digits run on from section to section
    assert dialog.when.dateTime() == office_field_time(at(9, 45))
    qtbot.waitUntil(lambda: bool(dialog.property("dayShown")), timeout=TIMEOUT_MS)
    assert "Bea Ortiz" in dialog.warning.text()


def test_moving_keeps_the_note_and_length(
    qtbot: QtBot, context: DeskContext, booking: ReferralDetail
) -> None:
    with context.sessions.begin() as session:
        schedule_appointment(session, booking.id, at(13), "sam", minutes=120, note="Dog")
    with context.read() as session:
        detail = referral_detail(session, booking.id)
    dialog = open_dialog(qtbot, context, detail)
    assert dialog.windowTitle().startswith("Move the appointment")
    assert (dialog.minutes.value(), dialog.note.toPlainText()) == (120, "Dog")
    assert dialog.when.dateTime() == office_field_time(at(13))
    qtbot.waitUntil(lambda: bool(dialog.property("dayShown")), timeout=TIMEOUT_MS)
    assert day_rows(dialog) == [f"{span(at(9), at(10, 30))}   Bea Ortiz"]  # not itself


def test_the_offices_appointment_length_is_set_in_preferences_and_used(
    qtbot: QtBot, context: DeskContext, booking: ReferralDetail, tmp_path: Path
) -> None:
    settings = QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat)
    preferences = PreferencesDialog(context, settings)
    qtbot.addWidget(preferences)
    assert preferences.appointment_minutes.value() == 60
    preferences.appointment_minutes.setValue(75)
    preferences.save()
    assert preferences.result() == preferences.DialogCode.Accepted
    with context.read() as session:
        assert load_office_settings(session).appointment_minutes == 75
    dialog = open_dialog(qtbot, context, booking)
    assert dialog.minutes.value() == 75
