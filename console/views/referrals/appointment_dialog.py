"""Move a referral's sales appointment to another time."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import QDateTimeEdit, QFormLayout, QVBoxLayout, QWidget

from console.services.appointments import schedule_appointment
from console.services.referral_detail import ReferralDetail
from console.views.common.form_dialog import FormDialog
from console.views.common.forms import save_cancel_buttons
from console.views.context import DeskContext


def shown_time(moment: dt.datetime) -> QDateTime:
    """A stored (UTC) time as an editor shows it: on this computer's clock, to the minute."""
    local = moment.astimezone()
    return QDateTime(
        QDate(local.year, local.month, local.day), QTime(local.hour, local.minute, local.second)
    )


def chosen_time(value: QDateTime) -> dt.datetime:
    """What an editor holds (this computer's clock), in UTC for the services."""
    moment = value.toPython()
    assert isinstance(moment, dt.datetime)
    return moment.astimezone(dt.UTC)


class MoveAppointmentDialog(FormDialog):
    def __init__(
        self, context: DeskContext, detail: ReferralDetail, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, parent)
        self.detail = detail
        self.setObjectName("moveAppointmentDialog")
        self.setWindowTitle(f"Move the appointment — {detail.customer}")
        current = detail.appointment_at or dt.datetime.now(dt.UTC)
        self.when = QDateTimeEdit(shown_time(current), self)
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.when.setAccessibleName("New appointment time")
        self.fields["time"] = self.when
        form = QFormLayout()
        form.addRow("New &time", self.when)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(save_cancel_buttons(self, self.save))

    def save(self) -> None:
        starts_at = chosen_time(self.when.dateTime())
        detail, actor = self.detail, self.context.desk_user
        saved = self.save_form(
            lambda session: schedule_appointment(
                session, detail.id, starts_at, actor, expected_version=detail.version
            ),
            "appointment",
            conflict=lambda error: self.show_error(str(error)),
        )
        if saved is not None:
            self.accept()
