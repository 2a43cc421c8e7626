"""The referral panel's booking step and its after-the-sale steps, driven by button.

"Set appointment…" books through the booking dialog (the salesperson's day, length, note);
a won referral offers "Work completed" and "Cancel the sale…", each refused with the data left
as it was when another desk got there first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from console.models import (
    Referral,
    ReferralStatus,
    SalesAppointment,
    SpiffBasis,
    SpiffEntry,
    SpiffEntryKind,
    SpiffStage,
    StaffRole,
    WorkCompletion,
)
from console.services.office.clock import utc_now
from console.services.referrals.detail import referral_detail
from console.services.referrals.lifecycle import (
    StepDetails,
    cancel_sale,
    create_referral,
    move_referral,
)
from console.services.spiffs import RuleDraft, SpiffPlan, load_spiff_plan, save_spiff_plan
from console.services.spiffs.work import mark_work_completed
from console.views.common import locale_format
from console.views.context import DeskContext
from console.views.referrals.appointment_dialog import AppointmentDialog
from console.views.referrals.cancel_sale_dialog import CancelSaleDialog
from console.views.referrals.referral_dialog import ReferralDialog
from console.views.referrals.referral_panel import ReferralPanel
from console.views.referrals.step_dialog import StepDialog
from tests import factories
from tests.views.dialogs import when_dialog_opens
from tests.views.referral_steps import click, settle
from tests.views.waiting import TIMEOUT_MS

RS = ReferralStatus
CATEGORY = "Equipment replacement"
WON_SPIFF = Decimal("125.00")
WORK_SPIFF = Decimal("50.00")
CLAWBACK_DAYS = 30


def pay_on_win_and_work(context: DeskContext) -> None:
    """$125 when a replacement is won, $50 more when its work is done; clawback for 30 days."""
    with context.sessions.begin() as session:
        loaded = load_spiff_plan(session)
        rules = (
            RuleDraft(CATEGORY, SpiffStage.WON, SpiffBasis.FLAT, WON_SPIFF),
            RuleDraft(CATEGORY, SpiffStage.WORK_COMPLETED, SpiffBasis.FLAT, WORK_SPIFF),
        )
        settings = replace(loaded.settings, spiff_clawback_days=CLAWBACK_DAYS)
        save_spiff_plan(session, SpiffPlan(rules, settings), loaded)


def referral_at(context: DeskContext, status: ReferralStatus, *, won_days_ago: int = 0) -> int:
    """A replacement referral from Ana Tech, taken through the lifecycle up to `status`."""
    at = utc_now() - dt.timedelta(days=won_days_ago)
    with context.sessions.begin() as session:
        factories.staff(session, "Ana Tech", phone="555-0199")
        factories.staff(session, "Sal Es", role=StaffRole.SALESPERSON)
        customer = factories.customer(session, name="Ada Park")
        referral = create_referral(
            session,
            customer_id=customer.id,
            technician="Ana Tech",
            pain_point="Furnace 22 years old, asked about a replacement",
            actor="sam",
            category=CATEGORY,
            salesperson="Sal Es",
            now=at,
        )
        move_referral(session, referral, RS.CONTACTED, "sam", now=at)
        if status is RS.CONTACTED:
            return referral.id
        move_referral(session, referral, RS.WON, "sam", StepDetails(value="9800"), now=at)
        return referral.id


def shown_panel(qtbot: QtBot, context: DeskContext, referral_id: int) -> ReferralPanel:
    """The referral in a window of its own, as the customer 360 and the day board open it."""
    window = ReferralDialog(context, referral_id)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    panel = window.panel
    qtbot.waitUntil(
        lambda: panel.detail is not None and panel.detail.id == referral_id, timeout=TIMEOUT_MS
    )
    settle(panel)
    return panel


def ledger(context: DeskContext, referral_id: int) -> list[tuple[SpiffEntryKind, Decimal]]:
    with context.read() as session:
        return [
            (entry.kind, entry.amount)
            for entry in session.scalars(
                select(SpiffEntry)
                .where(SpiffEntry.referral_id == referral_id)
                .order_by(SpiffEntry.id)
            )
        ]


def completions(context: DeskContext, referral_id: int) -> int:
    with context.read() as session:
        return (
            session.scalar(select(func.count()).where(WorkCompletion.referral_id == referral_id))
            or 0
        )


def status_of(context: DeskContext, referral_id: int) -> ReferralStatus:
    with context.read() as session:
        referral = session.get(Referral, referral_id)
        assert referral is not None
        return referral.status


# -- booking --------------------------------------------------------------------------------


def test_set_appointment_books_through_the_booking_dialog(
    qtbot: QtBot, context: DeskContext
) -> None:
    referral_id = referral_at(context, RS.CONTACTED)
    panel = shown_panel(qtbot, context, referral_id)
    day = QDate.currentDate().addDays(3)
    opened: list[AppointmentDialog] = []
    wrong: list[str] = []
    guard = QTimer()  # the generic step form would be the wrong one: close it and say so

    def refuse_the_generic_form() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, StepDialog):
            wrong.append(dialog.windowTitle())
            dialog.reject()

    guard.timeout.connect(refuse_the_generic_form)
    guard.start(20)

    def book(dialog: AppointmentDialog) -> None:
        dialog.when.setDateTime(QDateTime(day, QTime(14, 30)))
        dialog.minutes.setValue(90)
        dialog.note.setPlainText("Side gate, code 4411")
        dialog.save()

    when_dialog_opens(AppointmentDialog, book, opened)
    try:
        click(panel, RS.APPOINTMENT_SET)
    finally:
        guard.stop()
    settle(panel)

    assert not wrong
    assert len(opened) == 1 and not opened[0].moving
    assert opened[0].windowTitle().startswith("Book an appointment")
    assert panel.detail is not None and panel.detail.status is RS.APPOINTMENT_SET
    with context.read() as session:
        booked = session.scalars(
            select(SalesAppointment).where(SalesAppointment.referral_id == referral_id)
        ).one()
        assert booked.duration_minutes == 90
        assert booked.notes == "Side gate, code 4411"
    assert not panel.move_appointment.isHidden()


# -- work completed ------------------------------------------------------------------------


def test_work_completed_pays_the_stage_and_shows_on_the_panel(
    qtbot: QtBot, context: DeskContext
) -> None:
    pay_on_win_and_work(context)
    referral_id = referral_at(context, RS.WON)
    panel = shown_panel(qtbot, context, referral_id)
    assert not panel.sale_box.isHidden()
    assert "not marked completed" in panel.sale_box.text.text()
    assert not panel.sale_box.work_completed.isHidden()

    QTest.mouseClick(panel.sale_box.work_completed, Qt.MouseButton.LeftButton)
    settle(panel)

    assert completions(context, referral_id) == 1
    assert ledger(context, referral_id) == [
        (SpiffEntryKind.ACCRUED, WON_SPIFF),
        (SpiffEntryKind.ACCRUED, WORK_SPIFF),
    ]
    qtbot.waitUntil(
        lambda: "Work completed</b> on" in panel.sale_box.text.text(), timeout=TIMEOUT_MS
    )
    assert "by sam" in panel.sale_box.text.text()
    assert panel.sale_box.work_completed.isHidden()
    assert panel.sale_box.error.isHidden()


def test_work_completed_already_marked_on_another_desk_is_refused(
    qtbot: QtBot, context: DeskContext
) -> None:
    pay_on_win_and_work(context)
    referral_id = referral_at(context, RS.WON)
    panel = shown_panel(qtbot, context, referral_id)
    with context.sessions.begin() as session:
        mark_work_completed(session, referral_id, "lee")
    before = ledger(context, referral_id)

    QTest.mouseClick(panel.sale_box.work_completed, Qt.MouseButton.LeftButton)
    settle(panel)

    assert not panel.sale_box.error.isHidden()
    assert f"Referral {referral_id}'s work was marked completed on" in panel.sale_box.error.text()
    assert panel.sale_box.error.text().endswith("Nothing was saved.")
    assert completions(context, referral_id) == 1
    assert ledger(context, referral_id) == before
    qtbot.waitUntil(lambda: "by lee" in panel.sale_box.text.text(), timeout=TIMEOUT_MS)
    assert panel.sale_box.work_completed.isHidden()


def test_work_completed_on_a_sale_cancelled_elsewhere_is_refused(
    qtbot: QtBot, context: DeskContext
) -> None:
    pay_on_win_and_work(context)
    referral_id = referral_at(context, RS.WON)
    panel = shown_panel(qtbot, context, referral_id)
    with context.sessions.begin() as session:
        cancel_sale(session, referral_id, "lee", "Financing fell through")
    before = ledger(context, referral_id)

    QTest.mouseClick(panel.sale_box.work_completed, Qt.MouseButton.LeftButton)
    settle(panel)

    assert panel.sale_box.error.text() == (
        f"Work is completed on a won referral; referral {referral_id} is cancelled. "
        "Nothing was saved."
    )
    assert completions(context, referral_id) == 0
    assert ledger(context, referral_id) == before
    qtbot.waitUntil(lambda: "Sale cancelled</b>" in panel.sale_box.text.text(), timeout=TIMEOUT_MS)
    assert "Financing fell through" in panel.sale_box.text.text()
    assert panel.sale_box.work_completed.isHidden() and panel.sale_box.cancel_sale.isHidden()


def test_the_after_sale_steps_wait_for_the_win(qtbot: QtBot, context: DeskContext) -> None:
    panel = shown_panel(qtbot, context, referral_at(context, RS.CONTACTED))
    assert panel.sale_box.isHidden()
    assert panel.sale_box.work_completed.isHidden() or panel.sale_box.isHidden()


# -- cancelling the sale -------------------------------------------------------------------


def test_cancel_the_sale_says_what_it_claws_back_and_takes_it(
    qtbot: QtBot, context: DeskContext
) -> None:
    pay_on_win_and_work(context)
    referral_id = referral_at(context, RS.WON)
    panel = shown_panel(qtbot, context, referral_id)
    assert locale_format.money(WON_SPIFF) in panel.sale_box.text.text()
    said: list[str] = []

    def confirm(dialog: CancelSaleDialog) -> None:
        said.append(dialog.consequence.text())
        dialog.reason.setText("Customer changed their mind")
        dialog.confirm.click()

    when_dialog_opens(CancelSaleDialog, confirm)
    QTest.mouseClick(panel.sale_box.cancel_sale, Qt.MouseButton.LeftButton)
    settle(panel)

    assert said == [
        f"Cancelling takes back <b>{locale_format.money(WON_SPIFF)}</b> in spiffs: "
        f"Won {locale_format.money(WON_SPIFF)} from Ana Tech."
    ]
    assert status_of(context, referral_id) is RS.CANCELLED
    assert ledger(context, referral_id) == [
        (SpiffEntryKind.ACCRUED, WON_SPIFF),
        (SpiffEntryKind.CLAWED_BACK, -WON_SPIFF),
    ]
    qtbot.waitUntil(lambda: "Sale cancelled</b>" in panel.sale_box.text.text(), timeout=TIMEOUT_MS)
    assert "Customer changed their mind" in panel.sale_box.text.text()
    assert panel.sale_box.cancel_sale.isHidden()


def test_cancel_the_sale_past_the_clawback_days_takes_nothing_back(
    qtbot: QtBot, context: DeskContext
) -> None:
    pay_on_win_and_work(context)
    referral_id = referral_at(context, RS.WON, won_days_ago=CLAWBACK_DAYS + 5)
    panel = shown_panel(qtbot, context, referral_id)
    said: list[str] = []

    def look_and_keep(dialog: CancelSaleDialog) -> None:
        said.append(dialog.consequence.text())
        dialog.reject()

    when_dialog_opens(CancelSaleDialog, look_and_keep)
    QTest.mouseClick(panel.sale_box.cancel_sale, Qt.MouseButton.LeftButton)

    assert len(said) == 1
    assert said[0].startswith("Nothing is clawed back: the sale was won on")
    assert said[0].endswith(f"more than {CLAWBACK_DAYS} days ago.")
    assert status_of(context, referral_id) is RS.WON
    assert ledger(context, referral_id) == [(SpiffEntryKind.ACCRUED, WON_SPIFF)]


def test_cancel_the_sale_needs_a_reason(qtbot: QtBot, context: DeskContext) -> None:
    pay_on_win_and_work(context)
    referral_id = referral_at(context, RS.WON)
    panel = shown_panel(qtbot, context, referral_id)
    errors: list[str] = []

    def confirm_without_reason(dialog: CancelSaleDialog) -> None:
        dialog.confirm.click()
        errors.append(dialog.error.text() if not dialog.error.isHidden() else "")
        errors.append("focus on reason" if dialog.reason.hasFocus() else "focus elsewhere")
        dialog.reject()

    when_dialog_opens(CancelSaleDialog, confirm_without_reason)
    QTest.mouseClick(panel.sale_box.cancel_sale, Qt.MouseButton.LeftButton)

    assert errors == ["reason: say why the sale was cancelled", "focus on reason"]
    assert status_of(context, referral_id) is RS.WON
    assert ledger(context, referral_id) == [(SpiffEntryKind.ACCRUED, WON_SPIFF)]


def test_cancel_the_sale_of_a_referral_not_won_is_refused(
    qtbot: QtBot, context: DeskContext
) -> None:
    referral_id = referral_at(context, RS.CONTACTED)
    with context.read() as session:
        detail = referral_detail(session, referral_id)
    dialog = CancelSaleDialog(context, detail)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: bool(dialog.property("ready")), timeout=TIMEOUT_MS)
    dialog.reason.setText("Duplicate")
    dialog.confirm.click()

    assert dialog.error.text() == (
        f"status: only a won sale can be cancelled; referral {referral_id} is contacted"
    )
    assert dialog.isVisible()
    assert status_of(context, referral_id) is RS.CONTACTED
    assert ledger(context, referral_id) == []
