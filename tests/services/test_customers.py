"""The customer 360 read: header, history in order, overdue marks, notes pinned first."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session, sessionmaker

from console.models import Referral, ReferralStatus, UpsellNote
from console.services.customers.customer_360 import (
    CustomerNotFound,
    HistoryColumn,
    customer_overview,
    find_customers,
    visit_history,
)
from tests import factories

NOW = dt.datetime(2026, 3, 16, 15, 0, tzinfo=dt.UTC)


@pytest.fixture
def customer_id(sessions: sessionmaker[Session]) -> int:
    with sessions.begin() as session:
        owner = factories.customer(
            session, name="Ada Park", phone="555-0100", street="1 Elm St", city="Salem"
        )
        ana = factories.staff(session, "Ana Tech", phone="555-0199")
        bo = factories.staff(session, "Bo Tech")
        furnace = factories.equipment(
            session, owner, make="Carrier", installed_on=dt.date(2006, 3, 1)
        )
        for day, tech in ((3, ana), (10, bo), (1, bo), (20, ana)):
            factories.visit(
                session,
                owner,
                tech,
                dt.datetime(2025, 1, day, 9, tzinfo=dt.UTC),
                equipment_id=furnace.id,
                problem=f"Problem on day {day}",
                tech_notes="x" * 3000 if day == 20 else None,
            )
        session.add_all(
            [
                Referral(
                    customer_id=owner.id,
                    technician_id=ana.id,
                    status=ReferralStatus.NEW,
                    pain_point="Old furnace",
                    created_at=NOW - dt.timedelta(hours=30),
                ),
                Referral(
                    customer_id=owner.id,
                    technician_id=bo.id,
                    status=ReferralStatus.WON,
                    pain_point="Softener",
                    created_at=NOW - dt.timedelta(days=40),
                    first_contact_at=NOW - dt.timedelta(days=39),
                ),
                UpsellNote(customer_id=owner.id, author="Ana Tech", text="plain", created_at=NOW),
                UpsellNote(
                    customer_id=owner.id,
                    author="Bo Tech",
                    text="pinned",
                    pinned=True,
                    created_at=NOW - dt.timedelta(days=9),
                ),
                UpsellNote(
                    customer_id=owner.id,
                    author="Bo Tech",
                    text="removed",
                    created_at=NOW,
                    removed_at=NOW,
                    removed_by="sam",
                ),
            ]
        )
        return owner.id


def test_overview_has_header_equipment_referrals_and_notes(
    sessions: sessionmaker[Session], customer_id: int
) -> None:
    with sessions() as session:
        overview = customer_overview(session, customer_id, now=NOW)
    assert (overview.name, overview.phone, overview.address) == (
        "Ada Park",
        "555-0100",
        "1 Elm St, Salem",
    )
    assert overview.visit_count == 4
    assert [row.label for row in overview.equipment] == ["Furnace Carrier"]
    assert overview.equipment[0].age_years == pytest.approx(20.0, abs=0.1)
    assert overview.open_referral_count == 1
    new, won = overview.referrals
    assert (new.pain_point, new.overdue, new.technician_phone) == ("Old furnace", True, "555-0199")
    assert (won.overdue, won.awaiting_tell_tech) == (False, True)
    assert [note.text for note in overview.notes_list] == ["pinned", "plain"]


def test_history_is_newest_first_and_pages(
    sessions: sessionmaker[Session], customer_id: int
) -> None:
    with sessions() as session:
        first_page = visit_history(session, customer_id, limit=3)
        rest = visit_history(session, customer_id, offset=3, limit=3)
    days = [row.scheduled_for.day for row in first_page + rest]
    assert days == [20, 10, 3, 1]
    assert first_page[0].tech_notes == "x" * 3000
    assert first_page[0].equipment == "Furnace Carrier"


def test_history_sorts_by_technician(sessions: sessionmaker[Session], customer_id: int) -> None:
    with sessions() as session:
        rows = visit_history(
            session, customer_id, order_by=HistoryColumn.TECHNICIAN, descending=False
        )
    assert [(row.technician, row.scheduled_for.day) for row in rows] == [
        ("Ana Tech", 3),
        ("Ana Tech", 20),
        ("Bo Tech", 1),
        ("Bo Tech", 10),
    ]


def test_unknown_customer_is_refused(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, pytest.raises(CustomerNotFound):
        customer_overview(session, 999_999)


def test_find_customers_by_account_external_id_or_name(
    sessions: sessionmaker[Session], customer_id: int
) -> None:
    with sessions() as session:
        assert [c.id for c in find_customers(session, "ada park")] == [customer_id]
        account = find_customers(session, "ada park")[0].account_number
        assert [c.id for c in find_customers(session, account)] == [customer_id]
        assert find_customers(session, "nobody") == []
