"""Taking a referral's lifecycle steps in a referral panel, as the coordinator does: by button.

Each step records what the panel shows afterwards, so a test can assert the user saw every
new state, wherever the panel lives (worklist, a referral window from the customer or the day
board).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton
from sqlalchemy.orm import Session

from console.models import ReferralStatus, StaffRole
from console.services.office.staff import staff_list
from console.services.referrals.lifecycle import StepDetails, create_referral, move_referral
from console.views.context import DeskContext
from console.views.referrals.appointment_dialog import AppointmentDialog, MoveAppointmentDialog
from console.views.referrals.attempt_dialog import AttemptDialog
from console.views.referrals.referral_panel import ReferralPanel
from console.views.referrals.step_dialog import StepDialog
from tests.views.dialogs import when_dialog_opens

RS = ReferralStatus


@dataclass
class Seen:
    """What the panel showed after one step."""

    step: str
    status: ReferralStatus | None
    summary: str
    steps_shown: list[str]
    tell_box_shown: bool
    timeline: list[str] = field(default_factory=list)


def shown_steps(panel: ReferralPanel) -> list[str]:
    return [b.objectName() for b in panel.steps.findChildren(QPushButton) if not b.isHidden()]


def settle(panel: ReferralPanel, timeout_s: float = 10.0) -> None:
    """Let the window run until the panel, and the view around it, show their newest reads."""
    deadline = time.monotonic() + timeout_s

    def busy() -> bool:
        widget = panel.parentWidget()
        while widget is not None:
            if getattr(widget, "busy", False):
                return True
            widget = widget.parentWidget()
        return panel.busy

    while busy() and time.monotonic() < deadline:
        QTest.qWait(10)


def seen(panel: ReferralPanel, step: str) -> Seen:
    """What the panel shows once the reads after the last step have arrived."""
    settle(panel)
    detail = panel.detail
    return Seen(
        step=step,
        status=detail.status if detail else None,
        summary=panel.summary.text(),
        steps_shown=shown_steps(panel),
        tell_box_shown=not panel.tell_box.isHidden(),
        timeline=[panel.timeline.item(i).text() for i in range(panel.timeline.count())],
    )


def click(panel: ReferralPanel, target: ReferralStatus) -> None:
    button = panel.steps.findChild(QPushButton, f"step_{target.value}")
    assert button is not None and not button.isHidden(), f"no {target} step: {shown_steps(panel)}"
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)


def take_step(
    panel: ReferralPanel,
    target: ReferralStatus,
    fill: Callable[[StepDialog], None] | Callable[[AppointmentDialog], None] | None = None,
) -> Seen:
    """Press the step's button; fill and confirm its dialog when the step asks for data.

    "Contacted" opens the contact attempt dialog, ticked as reached: it is recorded as is.
    "Set appointment" opens the booking dialog, filled by `fill` and booked.
    """
    if target is RS.CONTACTED:
        when_dialog_opens(AttemptDialog, lambda dialog: dialog.save())
    elif target is RS.APPOINTMENT_SET:

        def book(dialog: AppointmentDialog) -> None:
            if fill is not None:
                fill(dialog)  # type: ignore[arg-type]
            dialog.save()

        when_dialog_opens(AppointmentDialog, book)
    elif fill is not None:

        def confirm(dialog: StepDialog) -> None:
            fill(dialog)  # type: ignore[arg-type]
            dialog.buttons_ok()

        when_dialog_opens(StepDialog, confirm)
    click(panel, target)
    return seen(panel, target.value)


def assign_first_salesperson(dialog: StepDialog) -> None:
    assert dialog.salesperson is not None
    dialog.salesperson.setCurrentIndex(0)


def keep_the_salesperson(dialog: StepDialog) -> None:
    assert dialog.salesperson is not None and dialog.salesperson.currentData() is not None


def add_a_note(text: str) -> Callable[[StepDialog], None]:
    def fill(dialog: StepDialog) -> None:
        dialog.note.setText(text)

    return fill


def appointment_tomorrow(dialog: AppointmentDialog) -> None:
    dialog.when.setDateTime(QDateTime(QDate.currentDate().addDays(1), QTime(10, 0)))


def value(amount: str) -> Callable[[StepDialog], None]:
    def fill(dialog: StepDialog) -> None:
        assert dialog.value is not None
        dialog.value.setText(amount)

    return fill


def lost_because(detail: str) -> Callable[[StepDialog], None]:
    def fill(dialog: StepDialog) -> None:
        assert dialog.reason is not None and dialog.reason_detail is not None
        dialog.reason.setCurrentIndex(0)
        dialog.reason_detail.setText(detail)

    return fill


def follow_up_in(days: int) -> Callable[[StepDialog], None]:
    def fill(dialog: StepDialog) -> None:
        assert dialog.follow_up is not None
        dialog.follow_up.setDate(QDate.currentDate().addDays(days))

    return fill


def move_appointment(panel: ReferralPanel, days_later: int) -> Seen:
    """Move the appointment from the panel: the old one is kept, cancelled."""

    def later(dialog: MoveAppointmentDialog) -> None:
        dialog.when.setDateTime(dialog.when.dateTime().addDays(days_later))
        dialog.save()

    when_dialog_opens(MoveAppointmentDialog, later)
    QTest.mouseClick(panel.move_appointment, Qt.MouseButton.LeftButton)
    return seen(panel, "moved appointment")


def tell_the_tech(panel: ReferralPanel) -> Seen:
    QTest.mouseClick(panel.tell_button, Qt.MouseButton.LeftButton)
    return seen(panel, "tech told")


def new_referral(context: DeskContext, customer_id: int, pain_point: str) -> int:
    """A fresh referral from the first technician, as the desk would record it."""

    def record(session: Session) -> int:
        technician = staff_list(session, StaffRole.TECHNICIAN)[0]
        referral = create_referral(
            session,
            customer_id=customer_id,
            technician=technician.id,
            pain_point=pain_point,
            estimated_value="7000",
            actor="sam",
        )
        return referral.id

    with context.sessions.begin() as session:
        return record(session)


def appointment_today(context: DeskContext, customer_id: int, pain_point: str) -> int:
    """A referral with a sales appointment at 15:00 today, as the day board shows it."""
    referral_id = new_referral(context, customer_id, pain_point)
    at = dt.datetime.combine(dt.date.today(), dt.time(15, 0)).astimezone().astimezone(dt.UTC)
    with context.sessions.begin() as session:
        salesperson = staff_list(session, StaffRole.SALESPERSON)[0]
        move_referral(
            session, referral_id, RS.ASSIGNED, "sam", StepDetails(salesperson=salesperson.id)
        )
        move_referral(session, referral_id, RS.CONTACTED, "sam")
        move_referral(
            session, referral_id, RS.APPOINTMENT_SET, "sam", StepDetails(appointment_at=at)
        )
    return referral_id
