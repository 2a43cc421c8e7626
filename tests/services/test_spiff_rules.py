"""Spiff rules by category and stage: what each kind of rule pays, and when."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from console.models import (
    Referral,
    ReferralStatus,
    SpiffBasis,
    SpiffEntry,
    SpiffEntryKind,
    SpiffStage,
    StaffRole,
)
from console.services.errors import InputError
from console.services.referrals.lifecycle import StepDetails, create_referral, move_referral
from console.services.spiffs import (
    RuleDraft,
    SpiffPlan,
    load_spiff_plan,
    mark_work_completed,
    save_spiff_plan,
    spiff_amount,
)
from tests import factories

RS = ReferralStatus
NOW = dt.datetime(2026, 3, 16, 15, 0, tzinfo=dt.UTC)
FLAT, PERCENT = SpiffBasis.FLAT, SpiffBasis.PERCENT
SET, WON, DONE = SpiffStage.APPOINTMENT_SET, SpiffStage.WON, SpiffStage.WORK_COMPLETED


@pytest.fixture
def office(sessions: sessionmaker[Session]) -> dict[str, int]:
    with sessions.begin() as session:
        customer = factories.customer(session, name="Ada Park")
        tech = factories.staff(session, "Ana Tech")
        factories.staff(session, "Sal Es", role=StaffRole.SALESPERSON)
        return {"customer": customer.id, "tech": tech.id}


def use_rules(sessions: sessionmaker[Session], *rules: RuleDraft, **settings: object) -> None:
    with sessions.begin() as session:
        loaded = load_spiff_plan(session)
        plan = SpiffPlan(rules, replace(loaded.settings, **settings))  # type: ignore[arg-type]
        save_spiff_plan(session, plan, loaded, now=NOW)


def referral(
    sessions: sessionmaker[Session],
    office: dict[str, int],
    category: str | None = None,
    estimate: str | None = None,
) -> int:
    with sessions.begin() as session:
        return create_referral(
            session,
            customer_id=office["customer"],
            technician="Ana Tech",
            pain_point="Furnace rattles",
            actor="sam",
            category=category,
            estimated_value=estimate,
            salesperson="Sal Es",
            now=NOW,
        ).id


def step(
    sessions: sessionmaker[Session],
    referral_id: int,
    to: RS,
    at: dt.datetime = NOW,
    **details: object,
) -> None:
    with sessions.begin() as session:
        move_referral(session, referral_id, to, "sam", StepDetails(**details), now=at)  # type: ignore[arg-type]


def to_appointment(sessions: sessionmaker[Session], referral_id: int) -> None:
    step(sessions, referral_id, RS.CONTACTED)
    step(sessions, referral_id, RS.APPOINTMENT_SET, appointment_at=NOW + dt.timedelta(days=2))


def to_won(sessions: sessionmaker[Session], referral_id: int, value: str = "8000") -> None:
    to_appointment(sessions, referral_id)
    step(sessions, referral_id, RS.WON, value=value)


def entries(sessions: sessionmaker[Session], referral_id: int) -> list[tuple[str, str, Decimal]]:
    with sessions() as session:
        return [
            (entry.kind.value, entry.terms, entry.amount)
            for entry in session.scalars(
                select(SpiffEntry)
                .where(SpiffEntry.referral_id == referral_id)
                .order_by(SpiffEntry.id)
            )
        ]


def spiff_of(sessions: sessionmaker[Session], referral_id: int) -> Decimal | None:
    with sessions() as session:
        found = session.get(Referral, referral_id)
        assert found is not None
        return found.spiff_amount


def test_a_new_office_pays_the_default_flat_spiff_when_won(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    won = referral(sessions, office)
    to_won(sessions, won)
    assert entries(sessions, won) == [("accrued", "Won, any category: $50.00", Decimal("50.00"))]
    assert spiff_of(sessions, won) == Decimal("50.00")


def test_flat_percent_and_capped_percent_rules_pay_by_category(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    use_rules(
        sessions,
        RuleDraft("Equipment replacement", WON, FLAT, Decimal("250")),
        RuleDraft("Maintenance plan", WON, PERCENT, Decimal("10")),
        RuleDraft("Indoor air quality", WON, PERCENT, Decimal("5"), cap=Decimal("100")),
    )
    system = referral(sessions, office, "equipment replacement")
    plan = referral(sessions, office, "Maintenance plan")
    air = referral(sessions, office, "Indoor air quality")
    other = referral(sessions, office, "Other")
    for referral_id, value in ((system, "12000"), (plan, "480"), (air, "9000"), (other, "700")):
        to_won(sessions, referral_id, value)
    assert entries(sessions, system) == [
        ("accrued", "Won, Equipment replacement: $250.00", Decimal("250.00"))
    ]
    assert entries(sessions, plan) == [
        ("accrued", "Won, Maintenance plan: 10% of the value", Decimal("48.00"))
    ]
    assert entries(sessions, air) == [
        ("accrued", "Won, Indoor air quality: 5% of the value, at most $100.00", Decimal("100.00"))
    ]
    # No rule names Other, and there is no rule for any category: no spiff at all.
    assert entries(sessions, other) == [] and spiff_of(sessions, other) is None


def test_any_category_and_a_category_rule_both_pay_once_each(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    use_rules(
        sessions,
        RuleDraft(None, WON, FLAT, Decimal("50")),
        RuleDraft("Maintenance plan", WON, PERCENT, Decimal("10")),
    )
    plan = referral(sessions, office, "Maintenance plan")
    uncategorised = referral(sessions, office)
    to_won(sessions, plan, "1000")
    to_won(sessions, uncategorised, "1000")
    assert [amount for _kind, _terms, amount in entries(sessions, plan)] == [
        Decimal("50.00"),
        Decimal("100.00"),
    ]
    assert spiff_of(sessions, plan) == Decimal("150.00")
    assert [amount for _kind, _terms, amount in entries(sessions, uncategorised)] == [
        Decimal("50.00")
    ]


def test_appointment_set_pays_on_the_estimate_and_only_once(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    use_rules(
        sessions,
        RuleDraft("Equipment replacement", SET, FLAT, Decimal("125")),
        RuleDraft("Maintenance plan", SET, PERCENT, Decimal("2")),
    )
    heater = referral(sessions, office, "Equipment replacement")
    to_appointment(sessions, heater)
    assert entries(sessions, heater) == [
        ("accrued", "Appointment set, Equipment replacement: $125.00", Decimal("125.00"))
    ]
    assert spiff_of(sessions, heater) == Decimal("125.00")
    # Back round the loop to a second appointment: the rule has paid this referral already.
    step(sessions, heater, RS.NOT_NOW, follow_up_on=dt.date(2026, 5, 1))
    step(sessions, heater, RS.ASSIGNED)
    to_appointment(sessions, heater)
    assert len(entries(sessions, heater)) == 1

    estimated = referral(sessions, office, "Maintenance plan", estimate="1,500")
    unestimated = referral(sessions, office, "Maintenance plan")
    to_appointment(sessions, estimated)
    to_appointment(sessions, unestimated)
    assert [e[2] for e in entries(sessions, estimated)] == [Decimal("30.00")]
    assert entries(sessions, unestimated) == []  # a percent of no value is nothing


def test_work_completed_pays_once_on_a_won_referral(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    use_rules(sessions, RuleDraft(None, DONE, PERCENT, Decimal("1")))
    sold = referral(sessions, office)
    to_won(sessions, sold, "20000")
    assert entries(sessions, sold) == []
    with sessions.begin() as session:
        mark_work_completed(session, sold, "sam", now=NOW + dt.timedelta(days=9))
    assert entries(sessions, sold) == [
        ("accrued", "Work completed, any category: 1% of the value", Decimal("200.00"))
    ]
    with pytest.raises(InputError) as again, sessions.begin() as session:
        mark_work_completed(session, sold, "sam", now=NOW + dt.timedelta(days=10))
    assert str(again.value) == (
        f"work completed: referral {sold}'s work was marked completed on 2026-03-25"
    )
    open_one = referral(sessions, office)
    with pytest.raises(InputError) as not_won, sessions.begin() as session:
        mark_work_completed(session, open_one, "sam")
    assert str(not_won.value) == (
        f"status: work is completed on a won referral; referral {open_one} is assigned"
    )
    assert len(entries(sessions, sold)) == 1 and entries(sessions, open_one) == []


def test_a_rule_edited_later_leaves_the_ledger_as_it_was(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    use_rules(sessions, RuleDraft(None, WON, FLAT, Decimal("75")))
    first = referral(sessions, office)
    to_won(sessions, first)
    with sessions.begin() as session:
        loaded = load_spiff_plan(session)
        (rule,) = loaded.rules
        edited = SpiffPlan((replace(rule, amount=Decimal("90")),), loaded.settings)
        save_spiff_plan(session, edited, loaded)
    second = referral(sessions, office)
    to_won(sessions, second)
    assert entries(sessions, first) == [("accrued", "Won, any category: $75.00", Decimal("75.00"))]
    assert entries(sessions, second) == [("accrued", "Won, any category: $90.00", Decimal("90.00"))]
    use_rules(sessions)  # every rule removed: no more spiffs, the old ones stand
    third = referral(sessions, office)
    to_won(sessions, third)
    assert entries(sessions, third) == []
    assert spiff_of(sessions, first) == Decimal("75.00")


@given(
    value=st.decimals(min_value=0, max_value=1_000_000, places=2),
    percent=st.decimals(min_value=Decimal("0.01"), max_value=100, places=2),
    cap=st.one_of(st.none(), st.decimals(min_value=Decimal("0.01"), max_value=10_000, places=2)),
)
def test_a_percent_rule_pays_its_share_to_the_cent_never_past_its_cap(
    value: Decimal, percent: Decimal, cap: Decimal | None
) -> None:
    paid = spiff_amount(PERCENT, percent, cap, value)
    assert paid is not None and paid == paid.quantize(Decimal("0.01"))
    share = value * percent / 100
    if cap is None or share <= cap:
        assert abs(paid - share) <= Decimal("0.005")
    else:
        assert paid == cap
    assert spiff_amount(FLAT, Decimal("125"), None, value) == Decimal("125")
    assert spiff_amount(PERCENT, percent, cap, None) is None


def test_steps_that_earn_nothing_write_no_entries(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    lost = referral(sessions, office)
    step(sessions, lost, RS.CONTACTED)
    step(sessions, lost, RS.LOST, reason="Price")
    with sessions() as session:
        kinds = session.scalars(select(SpiffEntry.kind)).all()
    assert kinds == [] and spiff_of(sessions, lost) is None
    assert SpiffEntryKind.ACCRUED.label == "Accrued"
