"""Demo data: deterministic for a seed, covering every referral state, and believable."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, create_engine, func, select
from sqlalchemy.orm import Session

from console.database import make_engine, session_factory
from console.migrate import upgrade_database
from console.models import (
    Base,
    Customer,
    Equipment,
    OfficeSetting,
    Referral,
    ReferralEvent,
    ReferralStatus,
    SalesAppointment,
    ServiceVisit,
    UpsellNote,
    VisitStatus,
)
from console.services.demo import (
    DatabaseNotEmpty,
    DemoBuilder,
    DemoSize,
    is_empty,
    seed_demo,
    vocabulary,
)
from console.services.office.settings import DEFAULT_REFERRAL_CATEGORIES, OfficeSettings
from console.services.referrals.promptness import is_overdue

TODAY = dt.date(2026, 3, 16)


def seeded_copy(path: Path, seed: int) -> list[tuple[str, list[tuple]]]:
    engine = make_engine(f"sqlite:///{path}")
    upgrade_database(engine)
    written = seed_demo(engine, customers=60, seed=seed, today=TODAY).counts
    engine.dispose()
    # The tables the demo wrote; rows a migration puts in (stamped with its own time) are not
    # the demo's output.
    assert {"customers", "referrals", "referral_events", "sales_appointments"} <= set(written)
    with sqlite3.connect(path) as connection:
        return [
            (table, connection.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall())
            for table in Base.metadata.tables
            if table in written
        ]


def test_same_seed_same_data(tmp_path: Path) -> None:
    first = seeded_copy(tmp_path / "a.sqlite", seed=3)
    assert first == seeded_copy(tmp_path / "b.sqlite", seed=3)
    assert first != seeded_copy(tmp_path / "c.sqlite", seed=4)


def test_every_referral_state_and_the_worklists_have_work(demo_engine: Engine) -> None:
    now = dt.datetime.combine(dt.date(2026, 3, 16), dt.time(15), tzinfo=dt.UTC)
    with demo_engine.connect() as connection:
        referrals = connection.execute(
            select(
                Referral.status,
                Referral.created_at,
                Referral.first_contact_at,
                Referral.tech_informed_at,
            )
        ).all()
        appointments = connection.execute(
            select(func.count()).select_from(SalesAppointment)
        ).scalar_one()
    assert {row.status for row in referrals} == set(ReferralStatus)
    settings = OfficeSettings()
    assert any(
        is_overdue(r.status, r.created_at, r.first_contact_at, now, settings) for r in referrals
    )
    assert any(
        r.status in (ReferralStatus.WON, ReferralStatus.LOST) and r.tech_informed_at is None
        for r in referrals
    )
    assert appointments > 0


def test_refuses_a_database_with_customers(demo_engine: Engine) -> None:
    with pytest.raises(DatabaseNotEmpty):
        seed_demo(demo_engine, customers=5)


def test_only_a_database_without_customers_counts_as_empty(engine: Engine) -> None:
    assert is_empty(engine)
    seed_demo(engine, customers=5, seed=3, today=TODAY)
    assert not is_empty(engine)


# -- the demo office reads like a real one ------------------------------------------------

HEATING_AND_COOLING = {"Furnace", "Boiler", "Air conditioner", "Heat pump"}
COPIER_TALK = ("copier", "print", "lease")


def fresh_engine() -> Engine:
    """An empty in-memory database with the models' schema: quick enough for many examples."""
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    return engine


def demo_now(today: dt.date = TODAY, time: dt.time = dt.time(15)) -> dt.datetime:
    """The demo's clock: `time` (by default 15:00) at the office on its today."""
    return DemoBuilder(DemoSize(customers=1), 0, today).on_the_clock(today, time)


def utc(moment: dt.datetime) -> dt.datetime:
    """A stored moment as UTC (SQLite gives it back without a zone)."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment


def assert_visits_done_only_before(session: Session, now: dt.datetime) -> None:
    """What is still to come is scheduled; what is completed finished before now."""
    for visit in session.scalars(select(ServiceVisit)):
        starts = utc(visit.scheduled_for)
        if starts > now:
            assert visit.status is VisitStatus.SCHEDULED, (visit.id, starts, now)
            assert visit.completed_at is None and visit.work_done is None, visit.id
        if visit.status is VisitStatus.COMPLETED:
            assert visit.completed_at is not None, visit.id
            assert starts <= utc(visit.completed_at) <= now, (visit.id, visit.completed_at, now)
        else:
            assert visit.completed_at is None, (visit.id, visit.status)


def ordered(*times: dt.datetime | None) -> bool:
    present = [time for time in times if time is not None]
    return present == sorted(present)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    customers=st.integers(1, 25),
    today=st.dates(dt.date(2024, 1, 1), dt.date(2030, 12, 31)),
    clock=st.one_of(st.just(dt.time(15)), st.times()),
)
def test_every_referral_and_visit_happened_in_order_and_before_now(
    seed: int, customers: int, today: dt.date, clock: dt.time
) -> None:
    """Whatever the time of day the demo is made at."""
    engine = fresh_engine()
    now = demo_now(today, clock)
    seed_demo(engine, customers=customers, seed=seed, now=now)
    with session_factory(engine)() as session:
        assert_visits_done_only_before(session, now)
        for referral in session.scalars(select(Referral)):
            events = session.scalars(
                select(ReferralEvent)
                .where(ReferralEvent.referral_id == referral.id)
                .order_by(ReferralEvent.id)
            ).all()
            times = [event.at for event in events]
            assert times == sorted(times), referral.id
            assert all(time is not None and time <= now for time in times), referral.id
            status_at = {event.to_status: event.at for event in events if event.to_status}
            meeting = session.scalars(
                select(SalesAppointment).where(SalesAppointment.referral_id == referral.id)
            ).first()
            starts = meeting.starts_at if meeting else None
            created, contact = referral.created_at, referral.first_contact_at
            closed, told = referral.closed_at, referral.tech_informed_at
            assert created == times[0] and contact == status_at.get(ReferralStatus.CONTACTED)
            after_meeting = status_at.get(ReferralStatus.QUOTED) or closed
            booked = status_at.get(ReferralStatus.APPOINTMENT_SET)
            assert ordered(created, contact, booked, starts, after_meeting, closed, told, now) or (
                referral.status is ReferralStatus.APPOINTMENT_SET
                and ordered(created, contact, booked, now)
                and starts is not None
                and starts > booked  # the meeting still to come
            ), referral.id
            if referral.status in (ReferralStatus.WON, ReferralStatus.LOST):
                assert ordered(created, contact, starts, closed, told, now), referral.id
            if meeting is not None and meeting.tech_consulted_at is not None:
                assert ordered(booked, meeting.tech_consulted_at, starts), referral.id
            if referral.visit_id is not None:
                visit = session.get(ServiceVisit, referral.visit_id)
                assert visit is not None and visit.scheduled_for <= created
            assert referral.category in DEFAULT_REFERRAL_CATEGORIES
    engine.dispose()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), customers=st.integers(1, 25))
def test_notes_and_referrals_speak_of_the_customers_own_equipment(
    seed: int, customers: int
) -> None:
    engine = fresh_engine()
    seed_demo(engine, customers=customers, seed=seed, today=TODAY)
    with session_factory(engine)() as session:
        kinds: dict[int, set[str]] = {}
        for piece in session.scalars(select(Equipment)):
            kinds.setdefault(piece.customer_id, set()).add(piece.kind)
        said: list[tuple[int, int | None, str]] = [
            (note.customer_id, note.equipment_id, note.text)
            for note in session.scalars(select(UpsellNote))
        ]
        said += [
            (r.customer_id, r.equipment_id, f"{r.pain_point} {r.recommendation}")
            for r in session.scalars(select(Referral))
        ]
        said += [
            (v.customer_id, v.equipment_id, v.tech_notes or "")
            for v in session.scalars(select(ServiceVisit))
        ]
        problems = {
            kind: set(words["problems"]) for kind, words in vocabulary()["equipment"].items()
        }
        for visit in session.scalars(select(ServiceVisit)):
            owned = set().union(*(problems[kind] for kind in kinds[visit.customer_id]))
            assert visit.problem in owned, (visit.customer_id, visit.problem)
        for customer_id, equipment_id, text in said:
            if equipment_id is not None:
                piece = session.get(Equipment, equipment_id)
                assert piece is not None and piece.customer_id == customer_id
            if kinds[customer_id] <= HEATING_AND_COOLING:
                assert not any(word in text.lower() for word in COPIER_TALK), (customer_id, text)
    engine.dispose()


def test_demo_referrals_take_the_offices_own_categories() -> None:
    engine = fresh_engine()
    categories = ["Boilers", "Plans", "Copiers"]
    with session_factory(engine).begin() as session:
        session.add(OfficeSetting(key="referral_categories", value=json.dumps(categories)))
    seed_demo(engine, customers=15, seed=5, today=TODAY)
    with engine.connect() as connection:
        used = set(connection.scalars(select(Referral.category)))
    engine.dispose()
    assert used and used <= set(categories)


def test_the_default_demo_office_fits_before_now_on_a_day_it_once_did_not() -> None:
    """The first-start demo (seed 1, 300 customers) on a Friday whose sales meetings could not
    be moved before now by shifts of under a day."""
    engine = fresh_engine()
    summary = seed_demo(engine, today=dt.date(2026, 12, 4))
    assert summary.counts["customers"] == 300
    engine.dispose()


def test_a_demo_made_in_the_morning_has_that_days_later_visits_still_to_come() -> None:
    """Its clock is the moment it is made, not a fixed afternoon."""
    today = dt.date(2026, 12, 7)  # a Monday
    now = demo_now(today, dt.time(10, 0))
    engine = fresh_engine()
    seed_demo(engine, customers=40, seed=1, now=now)
    with session_factory(engine)() as session:
        assert_visits_done_only_before(session, now)
        today_visits = [
            (utc(visit.scheduled_for), visit.status)
            for visit in session.scalars(select(ServiceVisit))
            if utc(visit.scheduled_for).date() == today
        ]
    engine.dispose()
    assert any(at > now and status is VisitStatus.SCHEDULED for at, status in today_visits)
    assert any(at < now for at, _status in today_visits)


def test_visits_running_past_the_demos_now_are_not_completed() -> None:
    """Seeds and days where a visit begun before 15:00 ran past it: it is still under way."""
    for seed, today in ((19, dt.date(2026, 7, 27)), (22, dt.date(2026, 8, 17))):
        engine = fresh_engine()
        seed_demo(engine, customers=20, seed=seed, today=today)
        now = demo_now(today)
        with session_factory(engine)() as session:
            assert_visits_done_only_before(session, now)
            under_way = session.scalars(
                select(ServiceVisit).where(
                    ServiceVisit.scheduled_for <= now,
                    ServiceVisit.scheduled_for > now - dt.timedelta(hours=3),
                    ServiceVisit.status == VisitStatus.SCHEDULED,
                )
            ).all()
        engine.dispose()
        assert under_way, (seed, today)


BUSINESS_TALK = ("business", "office manager", "copier", "print")
INDOOR_ONLY = {"Copier", "Water softener", "Water heater", "Furnace", "Boiler", "Sump pump"}
REPLACEMENTS = {"Quote a high-efficiency replacement", "Quote a replacement with financing"}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    customers=st.integers(1, 30),
    today=st.dates(dt.date(2024, 1, 1), dt.date(2030, 12, 31)),
)
def test_briefings_agree_with_themselves(seed: int, customers: int, today: dt.date) -> None:
    """Households hear household talk, equipment stands where its kind does, ages read right,
    and a won replacement leaves a new unit, not an old one past its life."""
    engine = fresh_engine()
    seed_demo(engine, customers=customers, seed=seed, today=today)
    zone = DemoBuilder(DemoSize(customers=1), 0, today).zone
    with session_factory(engine)() as session:
        business = {c.id: c.company is not None for c in session.scalars(select(Customer))}
        said: list[tuple[int, str]] = [
            (note.customer_id, note.text) for note in session.scalars(select(UpsellNote))
        ]
        referrals = session.scalars(select(Referral)).all()
        said += [(r.customer_id, f"{r.pain_point} {r.recommendation}") for r in referrals]
        said += [(v.customer_id, v.tech_notes or "") for v in session.scalars(select(ServiceVisit))]
        for customer_id, text in said:
            assert re.search(r"\b1 years\b", text) is None, text
            if not business[customer_id]:
                assert not any(w in text.lower() for w in BUSINESS_TALK), (customer_id, text)
        for piece in session.scalars(select(Equipment)):
            assert piece.installed_on is not None and piece.installed_on <= today, piece.id
            if not business[piece.customer_id]:
                assert piece.kind != "Copier", piece.id
                assert piece.location not in ("Roof", "Office 2F", "Print room"), piece.id
            if piece.kind in INDOOR_ONLY:
                assert piece.location not in ("Roof", "Backyard", "Side yard", "Rear lot")
            if piece.kind == "Copier":
                assert piece.location not in ("Basement", "Attic", "Garage", "Utility room")
        for referral in referrals:
            if referral.status is ReferralStatus.WON and referral.recommendation in REPLACEMENTS:
                assert referral.closed_at is not None and referral.equipment_id is not None
                won_on = utc(referral.closed_at).astimezone(zone).date()
                unit = session.get(Equipment, referral.equipment_id)
                assert unit is not None and unit.installed_on is not None
                assert unit.installed_on >= won_on, (referral.id, unit.installed_on, won_on)
    engine.dispose()
