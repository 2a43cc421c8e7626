"""Record one try to reach a referral's customer: how, whether it got through, and what next."""

from __future__ import annotations

import datetime as dt
from html import escape

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from console.models import ContactChannel, ReferralStatus
from console.services.errors import Conflict
from console.services.office.clock import local_now, office_zone
from console.services.referrals.contact_attempts import record_attempt
from console.services.referrals.detail import ReferralDetail
from console.views.common import locale_format
from console.views.common.form_dialog import FormDialog
from console.views.common.qt_dates import from_qdatetime
from console.views.context import DeskContext
from console.views.referrals.referral_heading import heading_label, keep_dialog_width

NEXT_TRY_HOUR = 10


def default_next_try(now: dt.datetime | None = None) -> dt.datetime:
    """Tomorrow at 10:00 on the office's clock, as a naive wall-clock time."""
    tomorrow = local_now(now).date() + dt.timedelta(days=1)
    return dt.datetime.combine(tomorrow, dt.time(NEXT_TRY_HOUR))


def _qt_wall_clock(value: dt.datetime) -> QDateTime:
    return QDateTime(QDate(value.year, value.month, value.day), QTime(value.hour, value.minute))


def office_zone_name() -> str:
    """The office's zone by its place, "New York time", true on both sides of a change to or
    from summer time (an abbreviation such as "EST" is wrong for a next try in July)."""
    key = office_zone().key
    place = key.rsplit("/", 1)[-1].replace("_", " ")
    return place if key.startswith("Etc/") or "/" not in key else f"{place} time"


class AttemptDialog(FormDialog):
    """Says which customer and referral it is for; saves through the one save path.

    The first attempt that reaches the customer of an assigned referral makes it contacted; the
    dialog says so before saving, so a tick on "Reached" is never a surprise. `reached` opens
    it ticked, for a desk that has just spoken with the customer.
    """

    def __init__(
        self,
        context: DeskContext,
        detail: ReferralDetail,
        parent: QWidget | None = None,
        *,
        reached: bool = False,
    ) -> None:
        super().__init__(context, parent)
        self.detail = detail
        self.saved_id: int | None = None
        self.setObjectName("attemptDialog")
        self.setWindowTitle(f"Contact attempt — referral {detail.id}, {detail.customer}")

        self.channel = QComboBox(self)
        self.channel.setAccessibleName("Channel")
        for channel in ContactChannel:
            self.channel.addItem(channel.label, channel.value)
        self.reached = QCheckBox("&Reached the customer", self)
        self.reached.setAccessibleName("Reached the customer")
        self.note = QLineEdit(self)
        self.note.setAccessibleName("Note")
        self.note.setPlaceholderText("What happened, e.g. left voicemail")
        self.plan_next = QCheckBox("Try &again at", self)
        self.plan_next.setAccessibleName("Plan the next try")
        self.plan_next.setChecked(True)
        self.next_try = QDateTimeEdit(_qt_wall_clock(default_next_try()), self)
        self.next_try.setCalendarPopup(True)
        locale_format.show_desk_dates(self.next_try, clock=True, weekday="ddd")
        self.next_try.setAccessibleName("Next try")
        self.plan_next.toggled.connect(self.next_try.setEnabled)
        self.reached.toggled.connect(self._reached_changed)
        next_row = QHBoxLayout()
        next_row.addWidget(self.plan_next)
        next_row.addWidget(self.next_try, 1)
        self.outcome = QLabel(self)
        self.outcome.setObjectName("attemptOutcome")
        self.outcome.setWordWrap(True)
        self.outcome.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.reached.setChecked(reached)
        self._reached_changed(reached)

        form = QFormLayout()
        form.addRow("&Channel", self.channel)
        form.addRow("", self.reached)
        form.addRow("&Note", self.note)
        form.addRow("Next try", next_row)
        self.fields = {"channel": self.channel, "next try": self.next_try, "note": self.note}

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("&Record attempt")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons

        layout = QVBoxLayout(self)
        self.heading = heading_label(detail, self)
        layout.addWidget(self.heading)
        status = QLabel(f"Now {detail.status.label.lower()}", self)
        status.setObjectName("attemptStatus")
        layout.addWidget(status)
        so_far = QLabel(self)
        so_far.setObjectName("attemptsSoFar")
        so_far.setWordWrap(True)
        so_far.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        so_far.setText(
            f"So far: {escape(detail.attempts.text)}"
            if detail.attempts
            else "<i>No attempts recorded yet.</i>"
        )
        self.so_far = so_far
        layout.addWidget(so_far)
        layout.addLayout(form)
        zone = QLabel(f"Times are on the office's clock ({office_zone_name()}).", self)
        zone.setObjectName("attemptZone")
        layout.addWidget(zone)
        layout.addWidget(self.outcome)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        keep_dialog_width(self)

    def _reached_changed(self, reached: bool) -> None:
        """Say what saving will do to the referral; a reached customer needs no next try."""
        if reached:
            self.plan_next.setChecked(False)
        else:
            self.plan_next.setChecked(True)
        first = self.detail.status is ReferralStatus.ASSIGNED
        if reached and first:
            text = "This is the first contact: the referral becomes <b>contacted</b>."
        elif first:
            text = "The referral stays assigned; the first-contact clock keeps running."
        else:
            text = ""
        self.outcome.setText(text)
        self.outcome.setVisible(bool(text))

    def save_button(self) -> None:
        """Press the dialog's Record button."""
        self.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    def save(self) -> None:
        detail = self.detail
        channel = self.channel.currentData()
        reached = self.reached.isChecked()
        note = self.note.text()
        next_try: dt.datetime | None = None
        if self.plan_next.isChecked():
            typed = from_qdatetime(self.next_try.dateTime())
            next_try = typed.replace(tzinfo=None, second=0, microsecond=0)  # office wall clock
        desk_user = self.context.desk_user
        saved = self.save_form(
            lambda session: (
                record_attempt(
                    session,
                    detail.id,
                    channel=channel,
                    reached=reached,
                    note=note,
                    next_try=next_try,
                    actor=desk_user,
                    expected_version=detail.version,
                ).id
            ),
            "referral",
            conflict=self._changed_elsewhere,
        )
        if saved is not None:
            self.saved_id = saved
            self.accept()

    def _changed_elsewhere(self, error: Conflict) -> None:
        self.show_error(f"{error}. Nothing was saved.")
