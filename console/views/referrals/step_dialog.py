"""Take one lifecycle step, asking for exactly the data that step needs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from console.models import ReferralStatus, Staff, StaffRole
from console.services.errors import Conflict, InputError
from console.services.office.settings import load_office_settings
from console.services.office.staff import staff_list
from console.services.referrals.detail import ReferralDetail
from console.services.referrals.lifecycle import StepDetails, move_referral
from console.views.common import locale_format
from console.views.common.form_dialog import FormDialog
from console.views.common.forms import select_data, staff_combo
from console.views.common.qt_dates import from_qdate, office_day_at, office_moment, office_today
from console.views.common.workers.background import read_for_form
from console.views.context import DeskContext
from console.views.referrals.referral_heading import heading_label, keep_dialog_width
from console.views.referrals.staff_lists import add_staff

RS = ReferralStatus

STEP_LABELS = {
    RS.ASSIGNED: "Assign…",
    RS.CONTACTED: "Contacted…",
    RS.APPOINTMENT_SET: "Set appointment…",
    RS.QUOTED: "Quoted…",
    RS.WON: "Won…",
    RS.LOST: "Lost…",
    RS.NOT_NOW: "Not now…",
    RS.CANCELLED: "Cancel referral…",
}


def step_label(detail: ReferralDetail, target: ReferralStatus) -> str:
    if target is RS.ASSIGNED and detail.status is RS.NOT_NOW:
        return "Back to worklist"
    return STEP_LABELS[target]


class StepDialog(FormDialog):
    def __init__(
        self,
        context: DeskContext,
        detail: ReferralDetail,
        target: ReferralStatus,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, parent)
        self.detail = detail
        self.target = target
        self.setObjectName("stepDialog")
        self.setWindowTitle(f"{target.label} — referral {detail.id}, {detail.customer}")
        form = QFormLayout()
        self.salesperson: QComboBox | None = None
        self.when: QDateTimeEdit | None = None
        self.value: QLineEdit | None = None
        self.reason: QComboBox | None = None
        self.reason_detail: QLineEdit | None = None
        self.follow_up: QDateEdit | None = None
        lists: list[QWidget] = []  # filled once read, on a worker
        if target is RS.ASSIGNED:
            self.salesperson = staff_combo([], "Salesperson", None, self)
            lists.append(self.salesperson)
            form.addRow("&Salesperson", self.salesperson)
            self.fields["salesperson"] = self.salesperson
        if target is RS.APPOINTMENT_SET:
            tomorrow = office_day_at(1, dt.time(10, 0))
            self.when = QDateTimeEdit(tomorrow, self)
            self.when.setCalendarPopup(True)
            locale_format.show_desk_dates(self.when, clock=True)
            self.when.setAccessibleName("Appointment time")
            form.addRow("Appointment &time", self.when)
            self.fields["appointment time"] = self.when
        if target in (RS.QUOTED, RS.WON):
            self.value = QLineEdit(self)
            self.value.setAccessibleName("Won value" if target is RS.WON else "Quoted value")
            if detail.estimated_value is not None:
                self.value.setText(locale_format.number(detail.estimated_value, 2))
            form.addRow(f"&Value ({locale_format.currency_sign()})", self.value)
            self.fields["value"] = self.value
        if target is RS.LOST:
            self.reason = QComboBox(self)
            self.reason.setAccessibleName("Lost reason")
            lists.append(self.reason)
            self.reason_detail = QLineEdit(self)
            self.reason_detail.setAccessibleName("Lost reason details")
            self.reason_detail.setPlaceholderText("Details (optional)")
            form.addRow("&Reason", self.reason)
            form.addRow("&Details", self.reason_detail)
            self.fields["reason"] = self.reason
        if target is RS.NOT_NOW:
            self.follow_up = QDateEdit(office_today(30), self)
            self.follow_up.setCalendarPopup(True)
            locale_format.show_desk_dates(self.follow_up)
            self.follow_up.setAccessibleName("Follow-up date")
            form.addRow("&Follow up on", self.follow_up)
            self.fields["follow-up date"] = self.follow_up
        self.note = QLineEdit(self)
        self.note.setAccessibleName("Note")
        self.note.setPlaceholderText("Optional note for the timeline")
        form.addRow("&Note", self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(target.label)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        self.heading = heading_label(detail, self)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        keep_dialog_width(self)
        self.setProperty("ready", True)
        if lists:
            self.lists = read_for_form(
                self,
                self,
                lambda session: (
                    load_office_settings(session).lost_reasons if target is RS.LOST else (),
                    staff_list(session, StaffRole.SALESPERSON) if target is RS.ASSIGNED else [],
                ),
                self._fill_lists,
                [*lists, buttons.button(QDialogButtonBox.StandardButton.Ok)],
            )

    def _fill_lists(self, lists: tuple[Sequence[str], list[Staff]]) -> None:
        reasons, salespeople = lists
        if self.salesperson is not None:
            add_staff(self.salesperson, salespeople)
            select_data(self.salesperson, self.detail.salesperson_id)
        if self.reason is not None:
            self.reason.addItems(list(reasons))

    def buttons_ok(self) -> None:
        """Press the dialog's confirm button."""
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    def details(self) -> StepDetails:
        """What the fields say; an amount not written the desk's way is an InputError."""
        reason = None
        if self.reason is not None and self.reason_detail is not None:
            extra = self.reason_detail.text().strip()
            reason = self.reason.currentText() + (f": {extra}" if extra else "")
        when = None
        if self.when is not None:
            when = office_moment(self.when.dateTime())
        return StepDetails(
            salesperson=self.salesperson.currentData() if self.salesperson else None,
            appointment_at=when,
            value=locale_format.typed_money(self.value.text(), "value") if self.value else None,
            reason=reason,
            follow_up_on=from_qdate(self.follow_up.date()) if self.follow_up else None,
            note=self.note.text(),
        )

    def save(self) -> None:
        try:
            details = self.details()
        except InputError as error:
            self.refused(error)
            return
        detail, target = self.detail, self.target
        saved = self.save_form(
            lambda session: move_referral(
                session,
                detail.id,
                target,
                self.context.desk_user,
                details,
                expected_version=detail.version,
            ),
            "referral",
            conflict=self._changed_elsewhere,
        )
        if saved is not None:
            self.accept()

    def _changed_elsewhere(self, error: Conflict) -> None:
        self.show_error(f"{error}. Nothing was saved.")
