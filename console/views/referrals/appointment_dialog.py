"""Move a referral's sales appointment to another time."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import QDateTimeEdit, QDialog, QFormLayout, QVBoxLayout, QWidget

from console.services.appointments import schedule_appointment
from console.services.errors import Conflict, InputError
from console.services.referral_detail import ReferralDetail
from console.views.common.forms import error_label, save_cancel_buttons
from console.views.common.outage import keeps_input_when_offline
from console.views.context import DeskContext


class MoveAppointmentDialog(QDialog):
    def __init__(
        self, context: DeskContext, detail: ReferralDetail, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.detail = detail
        self.setObjectName("moveAppointmentDialog")
        self.setWindowTitle(f"Move the appointment — {detail.customer}")
        current = detail.appointment_at or dt.datetime.now(dt.UTC)
        self.when = QDateTimeEdit(QDateTime(current.astimezone().replace(tzinfo=None)), self)
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.when.setAccessibleName("New appointment time")
        self.error = error_label(self)
        form = QFormLayout()
        form.addRow("New &time", self.when)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(save_cancel_buttons(self, self.save))

    @keeps_input_when_offline
    def save(self) -> None:
        starts_at = self.when.dateTime().toPython().astimezone(dt.UTC)  # type: ignore[union-attr]
        try:
            with self.context.sessions.begin() as session:
                schedule_appointment(
                    session,
                    self.detail.id,
                    starts_at,
                    self.context.desk_user,
                    expected_version=self.detail.version,
                )
        except (InputError, Conflict) as error:
            self.error.setText(str(error))
            self.error.show()
            return
        self.context.hub.changed.emit("appointment")
        self.accept()
