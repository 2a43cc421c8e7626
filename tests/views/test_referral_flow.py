"""A coordinator's loop in the window: referral from a visit, steps by button, tell the tech."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from sqlalchemy import func, select

from console.models import Referral, ReferralStatus, ServiceVisit
from console.services.referrals.worklists import Worklist
from console.views.context import DeskContext
from console.views.main_window import MainWindow
from console.views.referrals.appointment_dialog import AppointmentDialog
from console.views.referrals.attempt_dialog import AttemptDialog
from console.views.referrals.new_referral_dialog import NewReferralDialog
from console.views.referrals.step_dialog import StepDialog
from tests.views.dialogs import when_dialog_opens
from tests.views.waiting import open_customer, settled_worklists


def visible_steps(window: MainWindow) -> list[str]:
    return [
        button.text()
        for button in window.worklists.panel.steps.findChildren(QPushButton)
        if not button.isHidden()
    ]


def click_step(qtbot, window: MainWindow, name: str) -> None:  # type: ignore[no-untyped-def]
    settled_worklists(qtbot, window.worklists)
    button = window.worklists.panel.steps.findChild(QPushButton, f"step_{name}")
    assert button is not None and not button.isHidden(), (
        f"no {name} button; shown: {visible_steps(window)}"
    )
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    settled_worklists(qtbot, window.worklists)


def test_referral_from_history_row_to_won_and_tech_told(
    qtbot, window: MainWindow, context: DeskContext
) -> None:  # type: ignore[no-untyped-def]
    with context.read() as session:
        customer_id = session.scalar(
            select(ServiceVisit.customer_id)
            .group_by(ServiceVisit.customer_id)
            .having(func.count() > 3)
            .limit(1)
        )
    open_customer(qtbot, window, customer_id)
    view = window.customer
    view.history.selectRow(1)
    visit = view.history_model.rows[1]
    referrals_before = len(view.overview.referrals)

    opened: list[NewReferralDialog] = []

    def fill_referral(dialog: NewReferralDialog) -> None:
        dialog.pain_point.setPlainText("Boiler is 19 years old and leaking")
        dialog.value.setText("8500")
        qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.MouseButton.LeftButton)

    when_dialog_opens(NewReferralDialog, fill_referral, opened)
    qtbot.mouseClick(view.referral_from_visit, Qt.MouseButton.LeftButton)
    dialog = opened[0]
    assert dialog.technician.currentData() == visit.technician_id
    assert dialog.equipment.currentData() == visit.equipment_id
    referral_id = dialog.created_id
    assert referral_id is not None
    qtbot.waitUntil(lambda: len(view.overview.referrals) == referrals_before + 1)

    window.show_worklist(Worklist.NEW)
    settled_worklists(qtbot, window.worklists)
    rows = [item.id for item in window.worklists.model.rows]
    window.worklists.table.selectRow(rows.index(referral_id))
    settled_worklists(qtbot, window.worklists)
    assert window.worklists.panel.detail.id == referral_id
    assert visible_steps(window) == ["Assign…", "Cancel referral…"]

    when_dialog_opens(StepDialog, lambda d: d.buttons_ok())
    click_step(qtbot, window, "assigned")
    assert window.worklists.panel.detail.status is ReferralStatus.ASSIGNED
    attempts: list[AttemptDialog] = []
    when_dialog_opens(AttemptDialog, lambda d: d.save(), attempts)
    click_step(qtbot, window, "contacted")
    assert attempts[0].reached.isChecked()  # "Contacted" records an attempt that reached them
    assert window.worklists.panel.detail.status is ReferralStatus.CONTACTED
    assert "1 attempt" in window.worklists.panel.summary.text()
    assert "Won…" in visible_steps(window) and "Assign…" not in visible_steps(window)
    booked: list[AppointmentDialog] = []
    when_dialog_opens(AppointmentDialog, lambda d: d.save(), booked)
    click_step(qtbot, window, "appointment_set")
    assert booked and not booked[0].moving  # the booking dialog, with the salesperson's day
    assert window.worklists.panel.detail.status is ReferralStatus.APPOINTMENT_SET

    def win(dialog: StepDialog) -> None:
        dialog.value.setText("9100")
        dialog.buttons_ok()

    when_dialog_opens(StepDialog, win)
    click_step(qtbot, window, "won")
    detail = window.worklists.panel.detail
    assert detail.status is ReferralStatus.WON and detail.won_value == Decimal("9100.00")
    assert visible_steps(window) == []

    window.show_worklist(Worklist.TELL_TECH)
    settled_worklists(qtbot, window.worklists)
    tell_tech_items = [item.id for item in window.worklists.model.rows]
    assert referral_id in tell_tech_items
    window.worklists.table.selectRow(tell_tech_items.index(referral_id))
    settled_worklists(qtbot, window.worklists)
    panel = window.worklists.panel
    assert not panel.tell_box.isHidden()
    assert detail.technician in panel.tell_text.text()
    qtbot.mouseClick(panel.tell_button, Qt.MouseButton.LeftButton)
    settled_worklists(qtbot, window.worklists)
    assert referral_id not in [item.id for item in window.worklists.model.rows]
    title = window.worklists.tabs.tabText(list(Worklist).index(Worklist.TELL_TECH))
    assert title.endswith(f"({len(tell_tech_items) - 1})")
    with context.read() as session:
        stored = session.get(Referral, referral_id)
        assert stored.tech_informed_at is not None and stored.tech_thanked
        assert stored.visit_id == visit.id


def test_refused_input_names_the_field_and_keeps_the_dialog(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    open_customer(qtbot, window, 1)

    def leave_empty(dialog: NewReferralDialog) -> None:
        dialog.technician.setCurrentIndex(1)
        dialog.save()
        assert dialog.isVisible()
        assert dialog.error.text() == "pain point: must not be empty"
        dialog.value.setText("-3")
        dialog.pain_point.setPlainText("Old unit")
        dialog.save()
        assert dialog.error.text() == "estimated value: must not be negative"
        dialog.reject()

    when_dialog_opens(NewReferralDialog, leave_empty)
    window.customer.new_referral()
