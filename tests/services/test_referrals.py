"""The referral lifecycle service: steps, the data each needs, refusals and the event history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from console.models import EventKind, Referral, ReferralEvent, ReferralStatus, StaffRole
from console.services.errors import Conflict, InputError, NotFound
from console.services.office.settings import OfficeSettings, save_office_settings
from console.services.referrals.detail import referral_detail
from console.services.referrals.lifecycle import (
    StepDetails,
    StepRefused,
    create_referral,
    move_referral,
    tell_tech,
)
from console.services.referrals.worklists import Worklist, worklist
from console.services.spiffs import mark_spiffs_paid, spiff_ledger
from tests import factories

RS = ReferralStatus
NOW = dt.datetime(2026, 3, 16, 15, 0, tzinfo=dt.UTC)


@pytest.fixture
def office(sessions: sessionmaker[Session]) -> dict[str, int]:
    with sessions.begin() as session:
        customer = factories.customer(session, name="Ada Park")
        tech = factories.staff(session, "Ana Tech", phone="555-0199", external_id="T-1")
        sales = factories.staff(session, "Sal Es", role=StaffRole.SALESPERSON)
        factories.staff(session, "Old Sales", role=StaffRole.SALESPERSON, active=False)
        return {"customer": customer.id, "tech": tech.id, "sales": sales.id}


def new_referral(sessions: sessionmaker[Session], office: dict[str, int], **fields: object) -> int:
    with sessions.begin() as session:
        values: dict = {
            "customer_id": office["customer"],
            "technician": "Ana Tech",
            "pain_point": "Boiler leaking, 19 years old",
            "actor": "sam",
            "now": NOW,
        }
        values.update(fields)
        return create_referral(session, **values).id


def step(
    sessions: sessionmaker[Session],
    referral_id: int,
    to: RS,
    at: dt.datetime = NOW,
    **details: object,
) -> None:
    with sessions.begin() as session:
        move_referral(session, referral_id, to, "sam", StepDetails(**details), now=at)  # type: ignore[arg-type]


def walk_to_won(sessions: sessionmaker[Session], referral_id: int, value: str = "12000") -> None:
    step(sessions, referral_id, RS.ASSIGNED, salesperson="Sal Es")
    step(sessions, referral_id, RS.CONTACTED)
    step(sessions, referral_id, RS.APPOINTMENT_SET, appointment_at=NOW + dt.timedelta(days=2))
    step(sessions, referral_id, RS.QUOTED, value="11000")
    step(sessions, referral_id, RS.WON, value=value)


def test_full_loop_records_every_step(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    referral_id = new_referral(sessions, office, estimated_value="9,500")
    walk_to_won(sessions, referral_id)
    with sessions.begin() as session:
        tell_tech(session, referral_id, "sam", thanked=True, now=NOW)
    with sessions() as session:
        detail = referral_detail(session, referral_id, now=NOW)
    assert detail.status is RS.WON
    assert detail.won_value == Decimal("12000.00")
    assert detail.spiff_amount == Decimal("50.00")
    assert detail.first_contact_at == NOW
    assert detail.appointment_at == NOW + dt.timedelta(days=2)
    assert detail.tech_thanked and not detail.awaiting_tell_tech
    statuses = [entry.to_status for entry in detail.timeline if entry.to_status]
    assert statuses == [RS.NEW, RS.ASSIGNED, RS.CONTACTED, RS.APPOINTMENT_SET, RS.QUOTED, RS.WON]
    assert detail.timeline[-1].kind is EventKind.TECH_TOLD
    assert {entry.actor for entry in detail.timeline} == {"sam"}


def test_refused_step_names_the_allowed_ones(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    referral_id = new_referral(sessions, office)
    with pytest.raises(StepRefused, match="allowed from new: assigned, cancelled"):
        step(sessions, referral_id, RS.WON, value="10")


@pytest.mark.parametrize(
    ("to", "details", "message"),
    [
        (RS.WON, {}, "value: is required"),
        (RS.WON, {"value": "-5"}, "value: must not be negative"),
        (RS.WON, {"value": "lots"}, "value: 'lots' is not a number"),
        (RS.LOST, {}, "reason: must not be empty"),
        (RS.LOST, {"reason": "Aliens"}, "reason: 'Aliens' is not a lost reason"),
        (RS.NOT_NOW, {}, "follow-up date: is required"),
        (
            RS.NOT_NOW,
            {"follow_up_on": dt.date(2026, 3, 1)},
            "follow-up date: must be in the future",
        ),
    ],
)
def test_step_data_is_checked_and_nothing_is_half_saved(
    sessions: sessionmaker[Session], office: dict[str, int], to: RS, details: dict, message: str
) -> None:
    referral_id = new_referral(sessions, office)
    step(sessions, referral_id, RS.ASSIGNED, salesperson="Sal Es")
    step(sessions, referral_id, RS.CONTACTED)
    with pytest.raises(InputError, match=message):
        step(sessions, referral_id, to, **details)
    with sessions() as session:
        detail = referral_detail(session, referral_id, now=NOW)
    assert detail.status is RS.CONTACTED
    assert len(detail.timeline) == 3


def test_lost_takes_a_configured_reason_with_details(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    referral_id = new_referral(sessions, office)
    step(sessions, referral_id, RS.ASSIGNED, salesperson="Sal Es")
    step(sessions, referral_id, RS.CONTACTED)
    step(sessions, referral_id, RS.LOST, reason="price: went with the cheapest bid")
    with sessions() as session:
        assert (
            referral_detail(session, referral_id).lost_reason == "Price: went with the cheapest bid"
        )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"pain_point": "  "}, "pain point: must not be empty"),
        ({"technician": "Nobody"}, "technician: no technician called 'Nobody'"),
        ({"customer_id": 999_999}, "customer: no customer with id 999999"),
        ({"estimated_value": "-1"}, "estimated value: must not be negative"),
        ({"urgency": "panic"}, "urgency: 'panic' is not one of low, normal, high"),
        ({"salesperson": "Old Sales"}, "salesperson: Old Sales is no longer active"),
    ],
)
def test_bad_referral_input_is_refused_whole(
    sessions: sessionmaker[Session], office: dict[str, int], fields: dict, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        new_referral(sessions, office, **fields)
    with sessions() as session:
        assert session.scalars(select(ReferralEvent)).all() == []


def test_technician_found_by_external_id(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    referral_id = new_referral(sessions, office, technician="T-1")
    with sessions() as session:
        assert referral_detail(session, referral_id).technician == "Ana Tech"


def test_stale_version_is_a_conflict(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    referral_id = new_referral(sessions, office)
    with sessions() as session:
        seen = referral_detail(session, referral_id).version
    step(sessions, referral_id, RS.ASSIGNED, salesperson="Sal Es")
    with pytest.raises(Conflict), sessions.begin() as session:
        move_referral(session, referral_id, RS.CANCELLED, "other desk", expected_version=seen)


def test_tell_tech_only_after_an_outcome_and_once(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    referral_id = new_referral(sessions, office)
    with (
        pytest.raises(InputError, match="once the referral is won or lost"),
        sessions.begin() as session,
    ):
        tell_tech(session, referral_id, "sam")
    walk_to_won(sessions, referral_id)
    with sessions() as session:
        assert [item.id for item in worklist(session, Worklist.TELL_TECH, now=NOW)] == [referral_id]
    with sessions.begin() as session:
        tell_tech(session, referral_id, "sam")
    with pytest.raises(InputError, match="already told"), sessions.begin() as session:
        tell_tech(session, referral_id, "sam")
    with sessions() as session:
        assert worklist(session, Worklist.TELL_TECH, now=NOW) == []


def test_overdue_follows_the_office_limit(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    referral_id = new_referral(sessions, office)
    with sessions() as session:
        assert worklist(session, Worklist.OVERDUE, now=NOW + dt.timedelta(hours=23)) == []
        overdue = worklist(session, Worklist.OVERDUE, now=NOW + dt.timedelta(hours=25))
        assert [item.id for item in overdue] == [referral_id]
    with sessions.begin() as session:
        save_office_settings(session, OfficeSettings(first_contact_hours=48))
    with sessions() as session:
        assert worklist(session, Worklist.OVERDUE, now=NOW + dt.timedelta(hours=25)) == []
    step(sessions, referral_id, RS.ASSIGNED, salesperson="Sal Es")
    step(sessions, referral_id, RS.CONTACTED, at=NOW + dt.timedelta(hours=50))
    with sessions() as session:
        assert worklist(session, Worklist.OVERDUE, now=NOW + dt.timedelta(hours=60)) == []


def test_not_now_is_due_on_its_follow_up_date(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    referral_id = new_referral(sessions, office)
    step(sessions, referral_id, RS.ASSIGNED, salesperson="Sal Es")
    step(sessions, referral_id, RS.CONTACTED)
    step(sessions, referral_id, RS.NOT_NOW, follow_up_on=dt.date(2026, 4, 1))
    eve = dt.datetime(2026, 3, 31, 12, tzinfo=dt.UTC)
    later = dt.datetime(2026, 4, 1, 12, tzinfo=dt.UTC)
    with sessions() as session:
        assert worklist(session, Worklist.FOLLOW_UP, now=eve) == []
        due = worklist(session, Worklist.FOLLOW_UP, now=later)
        detail = referral_detail(session, referral_id, now=later)
    assert [(item.id, item.follow_up_due) for item in due] == [(referral_id, True)]
    assert detail.status is RS.NOT_NOW and detail.salesperson == "Sal Es"


def test_spiffs_accrue_for_won_and_are_paid(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    with sessions.begin() as session:
        factories.only_spiff_rule(session, "percent", "2.5")
    won = new_referral(sessions, office)
    walk_to_won(sessions, won, value="10000")
    lost = new_referral(sessions, office)
    step(sessions, lost, RS.ASSIGNED, salesperson="Sal Es")
    step(sessions, lost, RS.CONTACTED)
    step(sessions, lost, RS.LOST, reason="Price")
    with sessions() as session:
        (line,) = spiff_ledger(session)
    assert (line.technician, line.won_referrals, line.owed, line.paid) == (
        "Ana Tech",
        1,
        Decimal("250.00"),
        0,
    )
    with sessions.begin() as session:
        assert mark_spiffs_paid(session, [won], "sam") == Decimal("250.00")
    with sessions() as session:
        (line,) = spiff_ledger(session)
    assert (line.owed, line.paid) == (0, Decimal("250.00"))
    with pytest.raises(InputError, match="already paid"), sessions.begin() as session:
        mark_spiffs_paid(session, [won], "sam")
    with pytest.raises(InputError, match="not a won referral"), sessions.begin() as session:
        mark_spiffs_paid(session, [lost], "sam")


def test_unknown_referral(sessions: sessionmaker[Session], office: dict[str, int]) -> None:
    with pytest.raises(NotFound, match="no referral with id 4242"), sessions.begin() as session:
        move_referral(session, 4242, RS.ASSIGNED, "sam")


def test_appointment_moves_and_the_old_one_is_cancelled(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    from console.services.schedule.appointments import schedule_appointment

    referral_id = new_referral(sessions, office)
    step(sessions, referral_id, RS.ASSIGNED, salesperson="Sal Es")
    step(sessions, referral_id, RS.CONTACTED)
    with sessions.begin() as session:
        schedule_appointment(session, referral_id, NOW + dt.timedelta(days=1), "sam")
    with sessions() as session:
        version = referral_detail(session, referral_id).version
    with sessions.begin() as session:
        schedule_appointment(
            session, referral_id, NOW + dt.timedelta(days=3), "sam", expected_version=version
        )
    with sessions() as session:
        detail = referral_detail(session, referral_id, now=NOW)
    assert detail.status is RS.APPOINTMENT_SET
    assert detail.appointment_at == NOW + dt.timedelta(days=3)
    assert "Appointment moved to" in detail.timeline[-1].text


def test_a_step_that_races_another_desk_is_refused_naming_the_referral(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    referral_id = new_referral(sessions, office)
    with sessions() as this_desk:
        seen = this_desk.get(Referral, referral_id)
        assert seen is not None and seen.status is RS.NEW
        step(sessions, referral_id, RS.ASSIGNED, salesperson="Sal Es")  # the other desk saves
        with pytest.raises(Conflict) as refused:
            move_referral(this_desk, seen, RS.CANCELLED, "this desk", now=NOW)
    assert str(refused.value) == (
        f"referral {referral_id} was changed on another desk; reload it and try again"
    )
    with sessions() as session:
        detail = referral_detail(session, referral_id, now=NOW)
    assert (detail.status, detail.salesperson) == (RS.ASSIGNED, "Sal Es")
    assert [entry.to_status for entry in detail.timeline] == [RS.NEW, RS.ASSIGNED]


def test_telling_the_tech_twice_at_once_is_refused_naming_the_referral(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    referral_id = new_referral(sessions, office)
    walk_to_won(sessions, referral_id)
    with sessions() as this_desk:
        seen = this_desk.get(Referral, referral_id)  # read before the other desk saves
        assert seen is not None and seen.tech_informed_at is None
        with sessions.begin() as other_desk:
            tell_tech(other_desk, referral_id, "other desk", thanked=True, now=NOW)
        with pytest.raises(Conflict, match=f"referral {referral_id} was changed on another desk"):
            tell_tech(this_desk, referral_id, "this desk", note="called him", now=NOW)
    with sessions() as session:
        detail = referral_detail(session, referral_id, now=NOW)
    assert detail.tech_thanked is True
    told = [entry for entry in detail.timeline if entry.kind is EventKind.TECH_TOLD]
    assert [(entry.actor, entry.note) for entry in told] == [
        ("other desk", "Told the tech the outcome and thanked them")
    ]


def test_a_category_is_stored_as_the_office_spells_it(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    referral_id = new_referral(sessions, office, category="  maintenance PLAN ")
    plain_id = new_referral(sessions, office, category="")
    with sessions() as session:
        assert session.get(Referral, referral_id).category == "Maintenance plan"  # type: ignore[union-attr]
        assert session.get(Referral, plain_id).category is None  # type: ignore[union-attr]


def test_a_category_the_office_does_not_have_is_refused_and_nothing_is_written(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    with sessions.begin() as session:
        save_office_settings(session, OfficeSettings(referral_categories=("Boilers", "Plans")))
    with pytest.raises(
        InputError, match="'Roofing' is not a category; choose one of Boilers, Plans"
    ):
        new_referral(sessions, office, category="Roofing")
    with sessions() as session:
        assert session.scalars(select(Referral)).all() == []
