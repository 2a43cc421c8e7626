"""Writing to the referring techs from where the coordinator sees them: the referral panel,
and several at once from the "Tell the tech" worklist."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QItemSelectionModel, Qt
from sqlalchemy import select

from console.models import Customer, OutboxMessage, ReferralStatus, StaffRole
from console.services.office.staff import staff_list
from console.services.referrals.lifecycle import StepDetails, move_referral
from console.services.referrals.worklists import Worklist
from console.views.main_window import MainWindow
from console.views.messages.tell_tech_dialog import TellTechDialog
from console.views.referrals.referral_dialog import ReferralDialog
from tests.views.dialogs import when_dialog_opens
from tests.views.referral_steps import new_referral
from tests.views.waiting import settled_worklists


def written_to(dialog: TellTechDialog) -> list[int]:
    ids = [message.referral_id for message in dialog.messages]
    dialog.reject()
    return ids


def test_several_techs_are_written_to_from_the_tell_the_tech_list(
    qtbot, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    worklists = window.worklists
    window.show_worklist(Worklist.NEW)
    settled_worklists(qtbot, worklists)
    assert not worklists.tell_selected.isVisibleTo(window)  # only where the list is the techs'
    window.show_worklist(Worklist.TELL_TECH)
    settled_worklists(qtbot, worklists)
    assert worklists.tell_selected.isVisibleTo(window)
    rows = worklists.model.rows
    assert len(rows) >= 2, "the demo office has outcomes waiting for their techs"
    selection = worklists.table.selectionModel()
    for row in (0, 1):
        selection.select(
            worklists.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )
    chosen = sorted(item.id for item in rows[:2])
    seen: list[list[int]] = []
    when_dialog_opens(TellTechDialog, lambda dialog: seen.append(written_to(dialog)))
    qtbot.mouseClick(worklists.tell_selected, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen))
    assert sorted(seen[0]) == chosen


def test_the_panel_writes_to_the_tech_of_the_referral_shown(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    worklists = window.worklists
    window.show_worklist(Worklist.TELL_TECH)
    settled_worklists(qtbot, worklists)
    worklists.table.selectRow(0)
    settled_worklists(qtbot, worklists)
    panel = worklists.panel
    qtbot.waitUntil(lambda: panel.detail is not None and not panel.busy)
    assert panel.compose_button.isVisibleTo(window)
    seen: list[list[int]] = []
    when_dialog_opens(TellTechDialog, lambda dialog: seen.append(written_to(dialog)))
    qtbot.mouseClick(panel.compose_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen))
    assert panel.detail is not None and seen[0] == [panel.detail.id]


def test_the_salesperson_gets_the_appointment_as_a_calendar_invite(
    qtbot, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    context = window.context
    with context.read() as session:
        customer_id = session.scalars(select(Customer.id).limit(1)).one()
    referral_id = new_referral(context, customer_id, "Boiler leaks at the flue")
    at = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=2)
    with context.sessions.begin() as session:
        salesperson = next(p for p in staff_list(session, StaffRole.SALESPERSON) if p.email)
        steps = [
            (ReferralStatus.ASSIGNED, StepDetails(salesperson=salesperson.id)),
            (ReferralStatus.CONTACTED, None),
            (ReferralStatus.APPOINTMENT_SET, StepDetails(appointment_at=at)),
        ]
        for target, details in steps:
            move_referral(session, referral_id, target, "sam", details)
    dialog = ReferralDialog(context, referral_id, window)
    qtbot.addWidget(dialog)
    panel = dialog.panel
    qtbot.waitUntil(lambda: panel.detail is not None and not panel.busy)
    assert panel.invite_button.isVisibleTo(dialog)
    qtbot.mouseClick(panel.invite_button, Qt.MouseButton.LeftButton)

    def timeline() -> list[str]:
        return [panel.timeline.item(i).text() for i in range(panel.timeline.count())]

    qtbot.waitUntil(lambda: any("Calendar invite queued for" in line for line in timeline()))
    with context.read() as session:
        queued = session.scalars(
            select(OutboxMessage).where(OutboxMessage.referral_id == referral_id)
        ).all()
    assert [message.to for message in queued] == [salesperson.email]
    assert queued[0].subject.startswith("Sales visit: ")
