"""Booking a sales appointment: its length and note, the salesperson's day, clashes, free slots,
and the same on the command line."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from console.cli import main
from console.database import session_factory
from console.models import Referral, ReferralStatus, SalesAppointment, Staff, StaffRole
from console.services.errors import InputError
from console.services.office.clock import at_wall_clock
from console.services.office.settings import (
    OfficeSettings,
    SettingsProblem,
    load_office_settings,
    save_office_settings,
)
from console.services.schedule.appointments import schedule_appointment
from console.services.schedule.salesperson_day import (
    BusyTime,
    clash_warning,
    clashes,
    free_slots,
    free_starts,
    salesperson_day,
)
from tests import factories

DAY = dt.date(2026, 3, 18)  # a Wednesday
NOW = dt.datetime(2026, 3, 16, 15, 0, tzinfo=dt.UTC)


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return at_wall_clock(day, dt.time(hour, minute))


@dataclasses.dataclass
class Desk:
    scott: int
    other_salesperson: int
    referral: int


def book(
    session: Session, desk_salesperson: int, customer: str, starts: dt.datetime, minutes: int
) -> int:
    owner = factories.customer(session, name=customer)
    tech = session.scalars(select(Staff).where(Staff.role == StaffRole.TECHNICIAN)).first()
    assert tech is not None
    referral = Referral(
        customer_id=owner.id,
        technician_id=tech.id,
        salesperson_id=desk_salesperson,
        status=ReferralStatus.APPOINTMENT_SET,
        pain_point="Old furnace",
    )
    session.add(referral)
    session.flush()
    session.add(
        SalesAppointment(
            referral_id=referral.id,
            salesperson_id=desk_salesperson,
            starts_at=starts,
            duration_minutes=minutes,
        )
    )
    session.flush()
    return referral.id


@pytest.fixture
def desk(sessions: sessionmaker[Session]) -> Desk:
    with sessions.begin() as session:
        office = dataclasses.replace(
            load_office_settings(session), time_zone="America/Chicago", appointment_minutes=45
        )
        save_office_settings(session, office)
        tech = factories.staff(session, "Gary Ramos")
        scott = factories.staff(session, "Scott Bennett", StaffRole.SALESPERSON)
        other = factories.staff(session, "Rita Diaz", StaffRole.SALESPERSON)
        owner = factories.customer(session, name="Ada Miller")
        referral = Referral(
            customer_id=owner.id,
            technician_id=tech.id,
            salesperson_id=scott.id,
            status=ReferralStatus.CONTACTED,
            pain_point="Boiler leaking",
        )
        session.add(referral)
        session.flush()
        return Desk(scott.id, other.id, referral.id)


def appointments(session: Session, referral_id: int) -> list[SalesAppointment]:
    return list(
        session.scalars(
            select(SalesAppointment)
            .where(SalesAppointment.referral_id == referral_id)
            .order_by(SalesAppointment.id)
        )
    )


def test_booking_stores_length_and_note_and_defaults_to_the_offices_length(
    sessions: sessionmaker[Session], desk: Desk
) -> None:
    with sessions.begin() as session:
        schedule_appointment(session, desk.referral, at(10), "desk", note="  Gate code 4411  ")
    with sessions() as session:
        [booked] = appointments(session, desk.referral)
        assert (booked.duration_minutes, booked.notes) == (45, "Gate code 4411")
        assert session.get(Referral, desk.referral).status is ReferralStatus.APPOINTMENT_SET


def test_moving_keeps_length_and_note_unless_changed(
    sessions: sessionmaker[Session], desk: Desk
) -> None:
    with sessions.begin() as session:
        schedule_appointment(session, desk.referral, at(10), "desk", minutes=90, note="Dog")
    with sessions.begin() as session:
        schedule_appointment(session, desk.referral, at(13), "desk")
    with sessions.begin() as session:
        schedule_appointment(session, desk.referral, at(14), "desk", minutes=30, note="")
    with sessions() as session:
        booked = appointments(session, desk.referral)
    assert [(a.duration_minutes, a.notes, a.cancelled_at is None) for a in booked] == [
        (90, "Dog", False),
        (90, "Dog", False),
        (30, None, True),
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"minutes": 10}, "minutes: must be a whole number from 15 to 480, not 10"),
        ({"minutes": 481}, "minutes: must be a whole number from 15 to 480, not 481"),
        ({"note": "x" * 2001}, "appointment note: at most 2000 characters, not 2001"),
    ],
)
def test_a_refused_booking_names_the_field_and_changes_nothing(
    sessions: sessionmaker[Session], desk: Desk, changes: dict[str, object], message: str
) -> None:
    with sessions.begin() as session, pytest.raises(InputError) as refused:
        schedule_appointment(session, desk.referral, at(10), "desk", **changes)  # type: ignore[arg-type]
    assert str(refused.value) == message
    with sessions() as session:
        assert appointments(session, desk.referral) == []
        assert session.get(Referral, desk.referral).status is ReferralStatus.CONTACTED


def test_the_day_lists_only_this_salespersons_booked_appointments(
    sessions: sessionmaker[Session], desk: Desk
) -> None:
    with sessions.begin() as session:
        book(session, desk.scott, "Bea Ortiz", at(9), 90)
        book(session, desk.scott, "Carl Young", at(23, 30, DAY - dt.timedelta(days=1)), 60)
        book(session, desk.scott, "Next Day", at(9, day=DAY + dt.timedelta(days=1)), 60)
        book(session, desk.other_salesperson, "Not Scott's", at(11), 60)
        cancelled = book(session, desk.scott, "Called Off", at(15), 60)
        for appointment in appointments(session, cancelled):
            appointment.cancelled_at = NOW
    with sessions() as session:
        day = salesperson_day(session, desk.scott, DAY)
    assert [busy.label for busy in day] == ["23:30–00:30  Carl Young", "09:00–10:30  Bea Ortiz"]


def test_a_clash_names_the_other_appointment(sessions: sessionmaker[Session], desk: Desk) -> None:
    with sessions.begin() as session:
        book(session, desk.scott, "Bea Ortiz", at(9), 90)
        book(session, desk.scott, "Carl Young", at(13), 60)
    with sessions() as session:
        day = salesperson_day(session, desk.scott, DAY)
    assert clashes(day, at(10, 30), 150) == []  # ends as the next one starts
    assert [busy.customer for busy in clashes(day, at(10), 60)] == ["Bea Ortiz"]
    assert clash_warning(clashes(day, at(8, 30), 300)) == (
        "Overlaps Bea Ortiz (09:00–10:30); Carl Young (13:00–14:00). You can still book it."
    )
    assert clash_warning([]) == ""


def test_free_slots_fit_between_appointments_inside_business_hours(
    sessions: sessionmaker[Session], desk: Desk
) -> None:
    with sessions.begin() as session:
        book(session, desk.scott, "Bea Ortiz", at(9), 90)
        book(session, desk.scott, "Carl Young", at(11, 30), 300)
        office = load_office_settings(session)
        slots = free_slots(session, desk.scott, DAY, 60, office, count=6, now=NOW)
    thursday = DAY + dt.timedelta(days=1)
    assert slots == [
        at(8),
        at(10, 30),
        at(8, day=thursday),
        at(8, 30, thursday),
        at(9, day=thursday),
        at(9, 30, thursday),
    ]


def test_free_slots_skip_the_past_and_the_weekend(
    sessions: sessionmaker[Session], desk: Desk
) -> None:
    friday = dt.date(2026, 3, 20)
    with sessions() as session:
        office = load_office_settings(session)
        slots = free_slots(
            session, desk.scott, friday, 120, office, count=3, now=at(14, 10, friday)
        )
    assert slots == [at(14, 30, friday), at(15, day=friday), at(8, day=dt.date(2026, 3, 23))]


def test_the_booked_referral_does_not_clash_with_itself(
    sessions: sessionmaker[Session], desk: Desk
) -> None:
    with sessions.begin() as session:
        schedule_appointment(session, desk.referral, at(10), "desk", minutes=60)
    with sessions() as session:
        mine = salesperson_day(session, desk.scott, DAY, leave_out_referral=desk.referral)
        everyone = salesperson_day(session, desk.scott, DAY)
    assert mine == [] and [busy.customer for busy in everyone] == ["Ada Miller"]


@pytest.fixture
def cli_desk(sqlite_engine: Engine) -> tuple[str, int]:
    desk_sessions = session_factory(sqlite_engine)
    with desk_sessions.begin() as session:
        tech = factories.staff(session, "Gary Ramos")
        scott = factories.staff(session, "Scott Bennett", StaffRole.SALESPERSON)
        owner = factories.customer(session, name="Ada Miller")
        referral = Referral(
            customer_id=owner.id,
            technician_id=tech.id,
            salesperson_id=scott.id,
            status=ReferralStatus.CONTACTED,
            pain_point="Boiler leaking",
        )
        session.add(referral)
        session.flush()
        return str(sqlite_engine.url), referral.id


def test_the_command_line_books_length_and_note(
    cli_desk: tuple[str, int], capsys, sqlite_engine: Engine
) -> None:  # type: ignore[no-untyped-def]
    url, referral_id = cli_desk
    argv = ["referral", "move", str(referral_id), "appointment_set", "--at", "2026-03-18 10:00"]
    extra = ["--minutes", "90", "--appointment-note", "Side door; dog", "--database", url]
    assert main([*argv, *extra]) == 0
    assert capsys.readouterr().out.strip() == f"referral {referral_id}: appointment_set"
    with session_factory(sqlite_engine)() as session:
        [booked] = appointments(session, referral_id)
        assert (booked.duration_minutes, booked.notes) == (90, "Side door; dog")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["appointment_set", "--at", "2026-03-18 10:00", "--minutes", "5"],
            "minutes: must be a whole number from 15 to 480, not 5",
        ),
        (
            ["lost", "--reason", "Price", "--minutes", "60"],
            "--minutes and --appointment-note are for the appointment_set step",
        ),
    ],
)
def test_the_command_line_refuses_a_bad_length_and_writes_nothing(
    cli_desk: tuple[str, int],
    capsys,
    sqlite_engine: Engine,
    argv: list[str],
    message: str,  # type: ignore[no-untyped-def]
) -> None:
    url, referral_id = cli_desk
    assert main(["referral", "move", str(referral_id), *argv, "--database", url]) == 1
    assert message in capsys.readouterr().err
    with session_factory(sqlite_engine)() as session:
        assert appointments(session, referral_id) == []
        assert session.get(Referral, referral_id).status is ReferralStatus.CONTACTED


@pytest.mark.parametrize("minutes", [14, 481, True])
def test_the_offices_length_is_refused_outside_15_to_480_minutes(
    sessions: sessionmaker[Session], desk: Desk, minutes: object
) -> None:
    with sessions() as session:
        before = load_office_settings(session)
    with sessions.begin() as session, pytest.raises(SettingsProblem) as refused:
        save_office_settings(session, dataclasses.replace(before, appointment_minutes=minutes))  # type: ignore[arg-type]
    assert str(refused.value) == (
        f"Appointment length (minutes): must be a whole number from 15 to 480, not {minutes!r}"
    )
    with sessions() as session:
        assert load_office_settings(session).appointment_minutes == 45


@st.composite
def a_day_of_bookings(draw: st.DrawFn) -> list[BusyTime]:
    starts = draw(st.lists(st.integers(min_value=0, max_value=24 * 4 - 1), max_size=6))
    return [
        BusyTime(n, n, f"Customer {n}", at(0) + dt.timedelta(minutes=15 * quarter), minutes)
        for n, (quarter, minutes) in enumerate(
            zip(
                starts,
                draw(st.lists(st.sampled_from([15, 45, 60, 90, 240]), min_size=6)),
                strict=False,
            )
        )
    ]


@given(
    busy=a_day_of_bookings(),
    minutes=st.sampled_from([15, 30, 60, 90, 180, 480]),
    hours=st.tuples(st.integers(0, 12), st.integers(13, 24)),
    after_quarters=st.integers(0, 24 * 4),
)
def test_a_free_start_is_exactly_one_that_fits_and_clashes_with_nothing(
    busy: list[BusyTime], minutes: int, hours: tuple[int, int], after_quarters: int
) -> None:
    office = dataclasses.replace(
        OfficeSettings(), business_day_start=hours[0], business_day_end=hours[1]
    )
    after = at(0) + dt.timedelta(minutes=15 * after_quarters)
    found = free_starts(DAY, busy, minutes, office, after)
    opens = at(hours[0])
    closes = (
        at_wall_clock(DAY + dt.timedelta(days=1), dt.time(0)) if hours[1] == 24 else at(hours[1])
    )
    grid = [opens + dt.timedelta(minutes=30 * n) for n in range(49)]
    expected = [
        start
        for start in grid
        if start >= after
        and start + dt.timedelta(minutes=minutes) <= closes
        and not clashes(busy, start, minutes)
    ]
    assert found == expected
    for start in found:
        assert all(
            other.ends_at <= start or start + dt.timedelta(minutes=minutes) <= other.starts_at
            for other in busy
        )
