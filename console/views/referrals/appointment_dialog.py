"""Book a referral's sales appointment, or move it, with the salesperson's day in view.

The form shows the salesperson's other appointments that day and their next free slots (read
in the background whenever the salesperson, the day or the length changes), warns in the form
when the time overlaps another appointment (booking anyway is allowed: the salesperson may know
better), and keeps a note for the visit (access, gate code, best time) that prints on the
briefing. The time field takes typing as well as the calendar; times are the office's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from console.models import ReferralStatus, Staff, StaffRole
from console.services.office.settings import APPOINTMENT_MINUTES, load_office_settings
from console.services.office.staff import staff_list
from console.services.referrals.detail import ReferralDetail
from console.services.schedule.appointments import current_appointment, schedule_appointment
from console.services.schedule.salesperson_day import (
    BusyTime,
    clash_warning,
    clashes,
    free_slots,
    salesperson_day,
)
from console.views.common import locale_format
from console.views.common.form_dialog import FormDialog
from console.views.common.forms import save_cancel_buttons, select_data, staff_combo
from console.views.common.qt_dates import (
    from_qdate,
    office_day_at,
    office_field_time,
    office_moment,
)
from console.views.common.tones import Tone, tone_name
from console.views.common.workers.background import Background, read_for_form
from console.views.context import DeskContext
from console.views.referrals.salesperson_day_panel import SalespersonDayPanel, busy_span
from console.views.referrals.staff_lists import add_staff

# The day is read again this long after the last change, so typing a date reads once.
READ_DELAY_MS = 150


@dataclass(frozen=True)
class _Form:
    """What the form needs before it can be used: who can go, and the booking as it stands."""

    salespeople: list[Staff]
    office_minutes: int
    minutes: int | None
    note: str | None


@dataclass(frozen=True)
class _Day:
    busy: list[BusyTime]
    slots: list[dt.datetime]


class AppointmentDialog(FormDialog):
    """The appointment_set step, and moving an appointment already set."""

    def __init__(
        self, context: DeskContext, detail: ReferralDetail, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, parent)
        self.detail = detail
        self.moving = detail.status is ReferralStatus.APPOINTMENT_SET
        self.setObjectName("appointmentDialog")
        verb = "Move the appointment" if self.moving else "Book an appointment"
        self.setWindowTitle(f"{verb} — referral {detail.id}, {detail.customer}")

        self.heading = QLabel(
            f"<b>{escape(detail.customer)}</b> — referral #{detail.id}: "
            f"{escape(detail.pain_point)}",
            self,
        )
        self.heading.setObjectName("appointmentHeading")
        self.heading.setWordWrap(True)
        self.salesperson = staff_combo([], "Salesperson", None, self)
        start = (
            office_field_time(detail.appointment_at)
            if detail.appointment_at is not None
            else office_day_at(1, dt.time(10, 0))
        )
        self.when = QDateTimeEdit(start, self)
        self.when.setCalendarPopup(True)
        locale_format.show_desk_dates(self.when, clock=True)
        self.when.setAccessibleName("Appointment time")
        self.minutes = QSpinBox(self)
        self.minutes.setRange(*APPOINTMENT_MINUTES)
        self.minutes.setSingleStep(15)
        self.minutes.setSuffix(" min")
        self.minutes.setValue(60)
        self.minutes.setAccessibleName("Appointment length in minutes")
        self.note = QPlainTextEdit(self)
        self.note.setObjectName("appointmentNote")
        self.note.setAccessibleName("Note for the salesperson")
        self.note.setPlaceholderText("Access, gate code, best time… (prints on the briefing)")
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(self.fontMetrics().lineSpacing() * 4)
        self.warning = QLabel(self)
        self.warning.setObjectName("overlapWarning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(f"color: {tone_name(Tone.WARNING)}; font-weight: bold;")
        self.warning.hide()
        self.day = SalespersonDayPanel(self)
        self.day.slot_chosen.connect(self.use_slot)

        self.fields.update(
            {
                "salesperson": self.salesperson,
                "appointment time": self.when,
                "minutes": self.minutes,
                "appointment note": self.note,
            }
        )
        form = QFormLayout()
        form.addRow("&Salesperson", self.salesperson)
        form.addRow("Appointment &time", self.when)
        form.addRow("&Length", self.minutes)
        form.addRow("", self.warning)
        form.addRow("N&ote", self.note)
        self.buttons = save_cancel_buttons(self, self.save)
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setText("Move" if self.moving else "Book")
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addWidget(self.day, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(520, self.sizeHint().height())

        self.day_reader = Background(context, self, "read the salesperson's day")
        self.day_timer = QTimer(self)
        self.day_timer.setSingleShot(True)
        self.day_timer.setInterval(READ_DELAY_MS)
        self.day_timer.timeout.connect(self.read_day)
        self.shown_day: dt.date | None = None  # the day on screen
        self.asked_day: dt.date | None = None  # the day last sent to be read
        self.when.dateTimeChanged.connect(self._time_changed)
        self.minutes.valueChanged.connect(self._length_changed)
        self.salesperson.currentIndexChanged.connect(lambda _index: self.day_timer.start())

        referral_id = detail.id

        def read_form(session: Session) -> _Form:
            booked = current_appointment(session, referral_id)
            return _Form(
                staff_list(session, StaffRole.SALESPERSON),
                load_office_settings(session).appointment_minutes,
                booked.duration_minutes if booked is not None else None,
                booked.notes if booked is not None else None,
            )

        self.lists = read_for_form(self, self, read_form, self._fill, [self.salesperson, save])

    # -- reading ------------------------------------------------------------------------

    def _fill(self, form: _Form) -> None:
        add_staff(self.salesperson, form.salespeople)
        select_data(self.salesperson, self.detail.salesperson_id)
        self.minutes.setValue(form.minutes if form.minutes is not None else form.office_minutes)
        if form.note and not self.note.toPlainText():
            self.note.setPlainText(form.note)
        self.read_day()

    def chosen_day(self) -> dt.date:
        return from_qdate(self.when.date())

    def read_day(self) -> None:
        """Read the chosen salesperson's day and free slots on a pool thread."""
        salesperson_id = self.salesperson.currentData()
        if salesperson_id is None:
            return
        day, minutes, referral_id = self.chosen_day(), self.minutes.value(), self.detail.id
        self.asked_day = day
        self.setProperty("dayShown", False)
        self.day.show_reading(self._salesperson_name(), day)

        def work(session: Session) -> _Day:
            settings = load_office_settings(session)
            return _Day(
                salesperson_day(session, salesperson_id, day, leave_out_referral=referral_id),
                free_slots(
                    session, salesperson_id, day, minutes, settings, leave_out_referral=referral_id
                ),
            )

        self.day_reader.read(work, lambda found: self._show_day(day, found))

    def _show_day(self, day: dt.date, found: _Day) -> None:
        self.shown_day = day
        around = office_moment(self.when.dateTime())
        self.day.show_day(self._salesperson_name(), day, found.busy, found.slots, around)
        self.setProperty("dayShown", day == self.chosen_day())
        self.check_overlap()

    def _salesperson_name(self) -> str:
        return self.salesperson.currentText().split(" · ")[0]

    # -- the form -----------------------------------------------------------------------

    def _time_changed(self) -> None:
        if self.chosen_day() != self.asked_day:
            self.setProperty("dayShown", False)
            self.day_timer.start()
        self.day.show_near(office_moment(self.when.dateTime()))
        self.check_overlap()

    def _length_changed(self) -> None:
        self.check_overlap()
        self.day_timer.start()  # the free slots depend on the length

    def use_slot(self, starts_at: dt.datetime) -> None:
        """A free slot was clicked: put its time in the field."""
        self.when.setDateTime(office_field_time(starts_at))
        self.when.setFocus()

    def check_overlap(self) -> None:
        """Warn, in the form, when the time overlaps another of the salesperson's appointments."""
        clashing = clashes(self.day.busy, office_moment(self.when.dateTime()), self.minutes.value())
        text = clash_warning(clashing, busy_span) if self.chosen_day() == self.shown_day else ""
        self.warning.setText(text)
        self.warning.setVisible(bool(text))

    def save(self) -> None:
        detail, actor = self.detail, self.context.desk_user
        starts_at = office_moment(self.when.dateTime())
        # Until the booking is read, length and note are the booking's own, not the defaults.
        filled = bool(self.property("ready"))
        minutes = self.minutes.value() if filled else None
        note = self.note.toPlainText() if filled else None
        chosen = self.salesperson.currentData()
        salesperson = chosen if chosen != detail.salesperson_id else None
        saved = self.save_form(
            lambda session: schedule_appointment(
                session,
                detail.id,
                starts_at,
                actor,
                salesperson=salesperson,
                expected_version=detail.version,
                minutes=minutes,
                note=note,
            ),
            "appointment",
            conflict=lambda error: self.show_error(f"{error}. Nothing was saved."),
        )
        if saved is not None:
            self.accept()


# The referral panel opens the dialog by this name to move a booked appointment.
MoveAppointmentDialog = AppointmentDialog
