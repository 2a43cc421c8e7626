"""A referral taken through its lifecycle from every place the desk opens one.

The customer page's referral window, the worklist's panel and the day board's appointment
each show the referral's new state after every step, with no error box along the way; a
referral window stops listening once closed; the customer page shows a won referral's value.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import SIGNAL, QDate, Qt
from PySide6.QtTest import QTest

from console.models import Referral, ReferralStatus
from console.services.customers.notes import add_note
from console.services.referrals.worklists import Worklist
from console.views.context import DeskContext
from console.views.dayboard.day_board_view import REFERRAL_ROLE
from console.views.main_window import MainWindow
from console.views.referrals.referral_dialog import ReferralDialog
from tests.views.dialogs import when_dialog_opens
from tests.views.referral_steps import (
    Seen,
    add_a_note,
    appointment_today,
    appointment_tomorrow,
    assign_first_salesperson,
    follow_up_in,
    keep_the_salesperson,
    lost_because,
    move_appointment,
    new_referral,
    seen,
    take_step,
    tell_the_tech,
    value,
)
from tests.views.waiting import open_customer, settled_worklists

RS = ReferralStatus
CUSTOMER = 6


def select_referral_row(window: MainWindow, referral_id: int) -> None:
    rows = [row.id for row in window.customer.referral_model.rows]
    window.customer.referrals.selectRow(rows.index(referral_id))


def walk_in_dialog(walk, outcome: list[Seen], dialogs: list[ReferralDialog]):  # type: ignore[no-untyped-def]
    """Take the steps inside the referral window once it opens, then close it."""

    def act(dialog: ReferralDialog) -> None:
        dialog_seen = [seen(dialog.panel, "opened")]
        dialog_seen.extend(walk(dialog.panel))
        outcome.extend(dialog_seen)
        dialog.reject()

    return lambda: when_dialog_opens(ReferralDialog, act, dialogs)


def test_from_the_customer_page_to_won_and_the_tech_told(
    qtbot, window: MainWindow, context: DeskContext
) -> None:  # type: ignore[no-untyped-def]
    referral_id = new_referral(context, CUSTOMER, "Water heater 14 years old, rusting at the base")
    open_customer(qtbot, window, CUSTOMER)
    select_referral_row(window, referral_id)

    def walk(panel):  # type: ignore[no-untyped-def]
        return [
            take_step(panel, RS.ASSIGNED, assign_first_salesperson),
            take_step(panel, RS.CONTACTED),
            take_step(panel, RS.APPOINTMENT_SET, appointment_tomorrow),
            move_appointment(panel, days_later=2),
            take_step(panel, RS.QUOTED, value("9000")),
            take_step(panel, RS.WON, value("9100")),
            tell_the_tech(panel),
        ]

    outcome: list[Seen] = []
    dialogs: list[ReferralDialog] = []
    walk_in_dialog(walk, outcome, dialogs)()
    QTest.mouseClick(window.customer.open_referral_button, Qt.MouseButton.LeftButton)

    assert [s.status for s in outcome] == [
        RS.NEW,
        RS.ASSIGNED,
        RS.CONTACTED,
        RS.APPOINTMENT_SET,
        RS.APPOINTMENT_SET,
        RS.QUOTED,
        RS.WON,
        RS.WON,
    ]
    for step in outcome:
        assert f"· {step.status.label}" in step.summary, step.step
    assert "step_won" in outcome[3].steps_shown and "step_assigned" not in outcome[3].steps_shown
    assert any("appointment" in line.lower() for line in outcome[4].timeline)
    assert "Won value</b></td><td>$9,100" in outcome[6].summary
    assert outcome[6].tell_box_shown and outcome[6].steps_shown == []
    assert not outcome[7].tell_box_shown and "Tech told" in outcome[7].summary

    # Back on the customer page: the won referral shows what it was won for.
    row = next(r for r in window.customer.referral_model.rows if r.id == referral_id)
    index = window.customer.referral_model.rows.index(row)
    shown = {
        window.customer.referral_model.headerData(c, Qt.Orientation.Horizontal): (
            window.customer.referral_model.index(index, c).data()
        )
        for c in range(window.customer.referral_model.columnCount())
    }
    assert shown["Value"] == "$9,100" and shown["Status"] == "Won"
    assert row.won_value == Decimal("9100.00") and row.estimated_value == Decimal(
        "9000.00"
    )  # the quote
    with context.read() as session:
        assert session.get(Referral, referral_id).tech_informed_at is not None


def test_from_the_worklist_to_lost_with_a_reason(
    qtbot, window: MainWindow, context: DeskContext
) -> None:  # type: ignore[no-untyped-def]
    referral_id = new_referral(
        context, CUSTOMER, "Furnace short-cycles; customer asked for options"
    )
    window.show_worklist(Worklist.NEW)
    worklists = window.worklists
    settled_worklists(qtbot, worklists)
    rows = [item.id for item in worklists.model.rows]
    worklists.table.selectRow(rows.index(referral_id))
    panel = worklists.panel
    outcome = [
        seen(panel, "selected"),
        take_step(panel, RS.ASSIGNED, assign_first_salesperson),
        take_step(panel, RS.CONTACTED),
        take_step(panel, RS.LOST, lost_because("went with a cheaper quote")),
        tell_the_tech(panel),
    ]
    assert [s.status for s in outcome] == [RS.NEW, RS.ASSIGNED, RS.CONTACTED, RS.LOST, RS.LOST]
    for step in outcome:
        assert f"· {step.status.label}" in step.summary, step.step
    assert "went with a cheaper quote" in outcome[3].summary and outcome[3].tell_box_shown
    assert not outcome[4].tell_box_shown and "Tech told" in outcome[4].summary
    assert panel.detail is not None and panel.detail.id == referral_id
    with context.read() as session:
        stored = session.get(Referral, referral_id)
        assert stored.status is RS.LOST and "went with a cheaper quote" in stored.lost_reason


def test_from_the_day_board_to_not_now_back_and_cancelled(
    qtbot, window: MainWindow, context: DeskContext
) -> None:  # type: ignore[no-untyped-def]
    referral_id = appointment_today(context, CUSTOMER, "Boiler 19 years old and leaking")
    window.tabs.setCurrentWidget(window.day_board)
    board = window.day_board
    board.date.setDate(QDate.currentDate())
    qtbot.waitUntil(lambda: not board.busy and board.board is not None)
    items = [
        board.appointments.topLevelItem(i) for i in range(board.appointments.topLevelItemCount())
    ]
    item = next(i for i in items if i.data(0, REFERRAL_ROLE) == referral_id)
    board.appointments.setCurrentItem(item)

    def walk(panel):  # type: ignore[no-untyped-def]
        return [
            take_step(panel, RS.NOT_NOW, follow_up_in(45)),
            take_step(panel, RS.ASSIGNED, keep_the_salesperson),
            take_step(panel, RS.CANCELLED, add_a_note("duplicate of an older referral")),
        ]

    outcome: list[Seen] = []
    walk_in_dialog(walk, outcome, [])()
    QTest.mouseClick(board.open_referral_button, Qt.MouseButton.LeftButton)

    assert [s.status for s in outcome] == [
        RS.APPOINTMENT_SET,
        RS.NOT_NOW,
        RS.ASSIGNED,
        RS.CANCELLED,
    ]
    for step in outcome:
        assert f"· {step.status.label}" in step.summary, step.step
    assert "Follow up on" in outcome[1].summary and "step_assigned" in outcome[1].steps_shown
    assert outcome[3].steps_shown == [] and not outcome[3].tell_box_shown
    with context.read() as session:
        stored = session.get(Referral, referral_id)
        assert stored.status is RS.CANCELLED and stored.follow_up_on is not None


def test_closed_referral_windows_stop_listening(
    qtbot, window: MainWindow, context: DeskContext
) -> None:  # type: ignore[no-untyped-def]
    referral_id = new_referral(context, CUSTOMER, "Thermostat wiring scorched")
    open_customer(qtbot, window, CUSTOMER)
    select_referral_row(window, referral_id)
    listeners = context.hub.receivers(SIGNAL("changed(QString)"))
    dialogs: list[ReferralDialog] = []
    for _ in range(5):
        when_dialog_opens(ReferralDialog, lambda d: d.reject(), dialogs)
        QTest.mouseClick(window.customer.open_referral_button, Qt.MouseButton.LeftButton)
    assert len(dialogs) == 5
    assert context.hub.receivers(SIGNAL("changed(QString)")) == listeners

    refreshed: list[ReferralDialog] = []
    for dialog in dialogs:
        dialog.panel.refresh = lambda d=dialog: refreshed.append(d)  # type: ignore[method-assign]
    notes_before = window.customer.note_model.rowCount()
    saved = context.write(
        window,
        lambda s: add_note(s, CUSTOMER, "Asked about a smart thermostat", author="sam"),
        "note",
    )
    assert saved is not None
    qtbot.waitUntil(lambda: window.customer.note_model.rowCount() == notes_before + 1)
    assert refreshed == []
