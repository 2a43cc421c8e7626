"""Move a referral's sales appointment to another time."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QDateTimeEdit, QFormLayout, QVBoxLayout, QWidget

from console.services.appointments import schedule_appointment
from console.services.referral_detail import ReferralDetail
from console.views.common.form_dialog import FormDialog
from console.views.common.forms import save_cancel_buttons
from console.views.common.qt_dates import office_field_time, office_moment
from console.views.context import DeskContext


class MoveAppointmentDialog(FormDialog):
    def __init__(
        self, context: DeskContext, detail: ReferralDetail, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, parent)
        self.detail = detail
        self.setObjectName("moveAppointmentDialog")
        self.setWindowTitle(f"Move the appointment — {detail.customer}")
        current = detail.appointment_at or dt.datetime.now(dt.UTC)
        self.when = QDateTimeEdit(office_field_time(current), self)
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
        starts_at = office_moment(self.when.dateTime())
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
