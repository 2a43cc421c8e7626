"""The new-referral dialog: its header, categories, round-robin choice and "continues" choice."""

from __future__ import annotations

from dataclasses import replace
from html import escape

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow
from sqlalchemy import select
from sqlalchemy.orm import Session

from console.models import Customer, Referral, ReferralStatus, ServiceVisit, Staff, StaffRole
from console.models.referral import Assignment
from console.services.office.settings import load_office_settings, save_office_settings
from console.services.office.staff import mark_away, set_categories
from console.views.context import DeskContext
from console.views.referrals.new_referral_dialog import (
    AUTOMATIC,
    NOT_YET,
    WIDEST,
    NewReferralDialog,
    ReferralDraft,
)

PLAN = "Maintenance plan"


def round_robin(context: DeskContext, on: bool = True) -> list[str]:
    """Turn the office's round-robin on; the two first salespeople take Maintenance plan."""
    with context.sessions.begin() as session:
        office = load_office_settings(session)
        save_office_settings(session, replace(office, assign_round_robin=on))
        names = list(
            session.scalars(
                select(Staff.name)
                .where(Staff.role == StaffRole.SALESPERSON, Staff.active.is_(True))
                .order_by(Staff.name)
            )
        )
        for name in names:
            set_categories(session, name, [PLAN] if name in names[:2] else [])
    return names[:2]


def visit_of_customer(session: Session) -> ServiceVisit:
    return session.scalars(
        select(ServiceVisit)
        .where(ServiceVisit.technician_id.is_not(None))
        .order_by(ServiceVisit.id)
    ).first()


def open_dialog(
    qtbot, context: DeskContext, draft: ReferralDraft, parent=None
) -> NewReferralDialog:  # type: ignore[no-untyped-def]
    dialog = NewReferralDialog(context, draft, parent)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.property("ready") is True, timeout=10_000)
    return dialog


@pytest.fixture
def host(qtbot) -> QMainWindow:  # type: ignore[no-untyped-def]
    """A main window for the dialog's status-bar message."""
    window = QMainWindow()
    qtbot.addWidget(window)
    return window


def draft_for_visit(context: DeskContext) -> ReferralDraft:
    with context.read() as session:
        visit = visit_of_customer(session)
        customer = session.get(Customer, visit.customer_id)
        return ReferralDraft(
            customer_id=customer.id,
            customer_name=customer.name,
            technician_id=visit.technician_id,
            visit_id=visit.id,
            pain_point="Boiler 19 years old, leaking at the base",
        )


def test_header_names_the_customer_and_the_visit(qtbot, context: DeskContext) -> None:  # type: ignore[no-untyped-def]
    draft = draft_for_visit(context)
    dialog = open_dialog(qtbot, context, draft)
    text = dialog.header.text()
    assert f"For <b>{escape(draft.customer_name)}</b>" in text
    assert "from the visit of " in text and " by " in text
    with context.read() as session:
        categories = load_office_settings(session).referral_categories
    assert [dialog.category.itemText(i) for i in range(dialog.category.count())] == [
        "None",
        *categories,
    ]
    assert dialog.salesperson.itemText(0) == NOT_YET


def test_round_robin_is_the_first_choice_and_says_who_got_it(  # type: ignore[no-untyped-def]
    qtbot, context: DeskContext, host: QMainWindow
) -> None:
    first, _second = round_robin(context)
    dialog = open_dialog(qtbot, context, draft_for_visit(context), host)
    assert dialog.salesperson.itemText(0) == AUTOMATIC
    assert dialog.salesperson.currentIndex() == 0
    dialog.category.setCurrentText(PLAN)
    qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.MouseButton.LeftButton)
    assert dialog.created_id is not None
    with context.read() as session:
        referral = session.get(Referral, dialog.created_id)
        assert (referral.category, referral.assignment) == (PLAN, Assignment.ROUND_ROBIN)
        assert referral.salesperson.name == first
    assert host.statusBar().currentMessage() == (
        f"Referral {dialog.created_id}: assigned to {first} (round-robin)"
    )


def test_nobody_to_assign_leaves_it_new_and_the_window_says_why(  # type: ignore[no-untyped-def]
    qtbot, context: DeskContext, host: QMainWindow
) -> None:
    for name in round_robin(context):
        with context.sessions.begin() as session:
            mark_away(session, name)
    dialog = open_dialog(qtbot, context, draft_for_visit(context), host)
    dialog.category.setCurrentText(PLAN)
    qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.MouseButton.LeftButton)
    with context.read() as session:
        referral = session.get(Referral, dialog.created_id)
        assert (referral.status, referral.salesperson_id) == (ReferralStatus.NEW, None)
    assert host.statusBar().currentMessage() == (
        f"Referral {dialog.created_id}: not assigned: no active salesperson takes "
        "Maintenance plan; everyone who does is away"
    )


def test_a_manual_choice_wins(qtbot, context: DeskContext) -> None:  # type: ignore[no-untyped-def]
    _first, second = round_robin(context)
    dialog = open_dialog(qtbot, context, draft_for_visit(context))
    dialog.category.setCurrentText(PLAN)
    index = next(
        i
        for i in range(dialog.salesperson.count())
        if dialog.salesperson.itemText(i).startswith(second)
    )
    dialog.salesperson.setCurrentIndex(index)
    qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.MouseButton.LeftButton)
    with context.read() as session:
        referral = session.get(Referral, dialog.created_id)
        assert (referral.salesperson.name, referral.assignment) == (second, Assignment.MANUAL)


def test_continues_offers_the_customer_s_earlier_referrals_and_links_one(  # type: ignore[no-untyped-def]
    qtbot, context: DeskContext
) -> None:
    with context.read() as session:
        earlier = session.scalars(
            select(Referral).where(Referral.status == ReferralStatus.LOST).order_by(Referral.id)
        ).first()
        customer = session.get(Customer, earlier.customer_id)
        theirs = session.scalars(
            select(Referral.id).where(Referral.customer_id == customer.id)
        ).all()
        draft = ReferralDraft(customer_id=customer.id, customer_name=customer.name)
    dialog = open_dialog(qtbot, context, draft)
    offered = [dialog.continues.itemData(i) for i in range(1, dialog.continues.count())]
    assert set(offered) <= set(theirs) and earlier.id in offered
    index = dialog.continues.findData(earlier.id)
    label = dialog.continues.itemText(index)
    assert label.startswith(f"Continues referral #{earlier.id} (lost ")
    technician = dialog.technician.itemData(1)
    dialog.technician.setCurrentIndex(1)
    dialog.pain_point.setPlainText("Second look at the same boiler")
    dialog.continues.setCurrentIndex(index)
    qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.MouseButton.LeftButton)
    with context.read() as session:
        made = session.get(Referral, dialog.created_id)
        assert (made.continues_referral_id, made.technician_id) == (earlier.id, technician)


def test_long_names_and_text_wrap_instead_of_widening_it(qtbot, context: DeskContext) -> None:  # type: ignore[no-untyped-def]
    draft = draft_for_visit(context)
    long_name = "The Very Long Named Family Trust of Northern Dakota and Associates " * 3
    dialog = open_dialog(qtbot, context, replace(draft, customer_name=long_name))
    dialog.adjustSize()
    assert dialog.width() <= WIDEST
    assert dialog.header.wordWrap()
