"""The office's days in the services: follow-up dates, appointment times typed at the desk,
the day board, the day's briefings and sheets, all on the office's clock in New York, where
8 March 2026 is 23 hours long and 1 November 2026 is 25."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from console.models import (
    Customer,
    ReferralEvent,
    ReferralStatus,
    SalesAppointment,
    ServiceVisit,
    Staff,
    StaffRole,
    VisitStatus,
)
from console.services.briefing.batch import day_appointments, write_day_briefings
from console.services.briefing.content import briefing_content
from console.services.briefing.day_sheet import render_day_sheet
from console.services.briefing.render import render_briefing
from console.services.demo import seed_demo
from console.services.errors import InputError
from console.services.office.clock import ZONE_ENV, configure_office_zone, local
from console.services.referrals.detail import referral_detail
from console.services.referrals.lifecycle import (
    StepDetails,
    create_referral,
    move_referral,
)
from console.services.referrals.worklists import Worklist, worklist
from console.services.schedule.appointments import schedule_appointment
from console.services.schedule.dayboard import ScheduleConflict, day_board, schedule_visit
from tests import factories

RS = ReferralStatus
UTC = dt.UTC
EVENING_IN_NEW_YORK = dt.datetime(2026, 3, 8, 1, 0, tzinfo=UTC)  # 20:00 on Saturday 7 March


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture(autouse=True)
def new_york(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    configure_office_zone(None)
    monkeypatch.setenv(ZONE_ENV, "America/New_York")
    yield
    configure_office_zone(None)


@pytest.fixture
def office(sessions: sessionmaker[Session]) -> dict[str, int]:
    with sessions.begin() as session:
        customer = factories.customer(session, name="Ada Park", city="Salem")
        tech = factories.staff(session, "Ana Tech", phone="555-0101")
        factories.staff(session, "Sal Es", role=StaffRole.SALESPERSON)
        return {"customer": customer.id, "tech": tech.id}


def contacted_referral(sessions: sessionmaker[Session], office: dict[str, int]) -> int:
    """A referral made and contacted at 22:00 on 5 March in New York (the 6th in UTC)."""
    at = utc(2026, 3, 6, 3)
    with sessions.begin() as session:
        referral = create_referral(
            session,
            customer_id=office["customer"],
            technician="Ana Tech",
            pain_point="Boiler leaking",
            actor="sam",
            salesperson="Sal Es",
            now=at,
        )
        move_referral(session, referral, RS.CONTACTED, "sam", now=at)
        return referral.id


def events(session: Session, referral_id: int) -> int:
    return session.scalar(  # type: ignore[return-value]  # a count is never NULL
        select(func.count())
        .select_from(ReferralEvent)
        .where(ReferralEvent.referral_id == referral_id)
    )


def test_at_eight_in_the_evening_tomorrow_is_in_the_future(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    referral_id = contacted_referral(sessions, office)
    with (
        pytest.raises(InputError, match=r"must be in the future \(after today, 2026-03-07\)"),
        sessions.begin() as session,
    ):
        move_referral(
            session,
            referral_id,
            RS.NOT_NOW,
            "sam",
            StepDetails(follow_up_on=dt.date(2026, 3, 7)),
            now=EVENING_IN_NEW_YORK,
        )
    with sessions() as session:
        refused = referral_detail(session, referral_id, now=EVENING_IN_NEW_YORK)
        assert (refused.status, refused.follow_up_on) == (RS.CONTACTED, None)
        assert events(session, referral_id) == 3
    with sessions.begin() as session:
        move_referral(
            session,
            referral_id,
            RS.NOT_NOW,
            "sam",
            StepDetails(follow_up_on=dt.date(2026, 3, 8)),
            now=EVENING_IN_NEW_YORK,
        )
    with sessions() as session:
        accepted = referral_detail(session, referral_id, now=EVENING_IN_NEW_YORK)
    assert (accepted.status, accepted.follow_up_on) == (RS.NOT_NOW, dt.date(2026, 3, 8))


def test_not_now_is_due_when_its_date_begins_in_the_office(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    referral_id = contacted_referral(sessions, office)
    with sessions.begin() as session:
        move_referral(
            session,
            referral_id,
            RS.NOT_NOW,
            "sam",
            StepDetails(follow_up_on=dt.date(2026, 3, 8)),
            now=EVENING_IN_NEW_YORK,
        )
    late_on_the_seventh = utc(2026, 3, 8, 4, 59)  # 23:59 EST: UTC is already on the 8th
    midnight = utc(2026, 3, 8, 5)
    with sessions() as session:
        before = worklist(session, Worklist.FOLLOW_UP, now=late_on_the_seventh)
        due = worklist(session, Worklist.FOLLOW_UP, now=midnight)
        detail = referral_detail(session, referral_id, now=midnight)
    assert referral_id not in [item.id for item in before]
    assert [(item.id, item.follow_up_due) for item in due] == [(referral_id, True)]
    assert detail.status is RS.NOT_NOW  # reading the list changes nothing


def test_an_appointment_typed_at_the_desk_is_office_wall_clock(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    referral_id = contacted_referral(sessions, office)
    with sessions.begin() as session:
        move_referral(
            session,
            referral_id,
            RS.APPOINTMENT_SET,
            "sam",
            StepDetails(appointment_at=dt.datetime(2026, 3, 9, 9, 0)),  # 9:00 EDT
            now=EVENING_IN_NEW_YORK,
        )
    with sessions() as session:
        assert referral_detail(session, referral_id).appointment_at == utc(2026, 3, 9, 13)
    with sessions.begin() as session:
        schedule_appointment(
            session, referral_id, dt.datetime(2026, 3, 7, 21, 30), "sam", now=EVENING_IN_NEW_YORK
        )
    with sessions() as session:
        detail = referral_detail(session, referral_id)
    assert detail.appointment_at == utc(2026, 3, 8, 2, 30)  # 21:30 EST
    assert detail.timeline[-1].at == EVENING_IN_NEW_YORK
    assert detail.timeline[-1].note == "Appointment moved to 2026-03-07 21:30"


@pytest.fixture
def short_and_long_days(sessions: sessionmaker[Session], office: dict[str, int]) -> None:
    """Visits just inside and just outside the office's 23-hour and 25-hour days."""
    with sessions.begin() as session:
        customer = session.get_one(Customer, office["customer"])
        tech = session.get_one(Staff, office["tech"])
        for when, problem in [
            (utc(2026, 3, 8, 4, 45), "late on the 7th"),  # 23:45 EST on the 7th
            (utc(2026, 3, 8, 5, 15), "just after midnight"),  # 00:15 EST on the 8th
            (utc(2026, 3, 9, 3, 30), "half past eleven"),  # 23:30 EDT on the 8th
            (utc(2026, 3, 9, 4, 30), "early on the 9th"),  # 00:30 EDT on the 9th
            (utc(2026, 11, 1, 4, 15), "first hour of the long day"),  # 00:15 EDT
            (utc(2026, 11, 2, 4, 30), "last hour of the long day"),  # 23:30 EST
            (utc(2026, 11, 2, 5, 30), "early on the 2nd"),  # 00:30 EST on 2 November
        ]:
            factories.visit(
                session, customer, tech, when, status=VisitStatus.SCHEDULED, problem=problem
            )


def problems_on(sessions: sessionmaker[Session], day: dt.date) -> list[str | None]:
    with sessions() as session:
        (ana,) = day_board(session, day).technicians
    return [visit.problem for visit in ana.visits]


@pytest.mark.usefixtures("short_and_long_days")
def test_the_day_board_shows_the_offices_whole_day(sessions: sessionmaker[Session]) -> None:
    assert problems_on(sessions, dt.date(2026, 3, 7)) == ["late on the 7th"]
    assert problems_on(sessions, dt.date(2026, 3, 8)) == ["just after midnight", "half past eleven"]
    assert problems_on(sessions, dt.date(2026, 3, 9)) == ["early on the 9th"]
    assert problems_on(sessions, dt.date(2026, 11, 1)) == [
        "first hour of the long day",
        "last hour of the long day",
    ]
    assert problems_on(sessions, dt.date(2026, 11, 2)) == ["early on the 2nd"]


@pytest.mark.usefixtures("short_and_long_days")
def test_a_visit_booked_at_half_past_eleven_stays_on_its_day(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    with (
        pytest.raises(ScheduleConflict, match="already booked then: 23:30 at Ada Park"),
        sessions.begin() as session,
    ):
        schedule_visit(
            session,
            customer_id=office["customer"],
            technician="Ana Tech",
            starts_at=dt.datetime(2026, 3, 8, 22, 45),
        )
    assert problems_on(sessions, dt.date(2026, 3, 8)) == ["just after midnight", "half past eleven"]
    with sessions.begin() as session:
        schedule_visit(
            session,
            customer_id=office["customer"],
            technician="Ana Tech",
            starts_at=dt.datetime(2026, 11, 1, 23, 30),
            problem="booked at the desk",
            accept_overlap=True,
        )
    assert problems_on(sessions, dt.date(2026, 11, 1)) == [
        "first hour of the long day",
        "last hour of the long day",
        "booked at the desk",
    ]


@pytest.fixture
def late_appointment(sessions: sessionmaker[Session], office: dict[str, int]) -> int:
    """A sales appointment at 20:00 on 7 March in New York: 01:00 on the 8th in UTC."""
    referral_id = contacted_referral(sessions, office)
    with sessions.begin() as session:
        move_referral(
            session,
            referral_id,
            RS.APPOINTMENT_SET,
            "sam",
            StepDetails(appointment_at=EVENING_IN_NEW_YORK),
            now=utc(2026, 3, 6, 16),
        )
        return session.scalars(select(SalesAppointment.id)).one()


def test_the_days_briefings_are_the_offices_day(
    sessions: sessionmaker[Session], late_appointment: int, tmp_path: Path
) -> None:
    with sessions() as session:
        assert [a.id for a in day_appointments(session, dt.date(2026, 3, 7))] == [late_appointment]
        assert day_appointments(session, dt.date(2026, 3, 8)) == []
        assert [a.id for a in day_board(session, dt.date(2026, 3, 7)).appointments] == [
            late_appointment
        ]
    printing = utc(2026, 3, 7, 23)  # 18:00 on the 7th in New York
    result = write_day_briefings(sessions, dt.date(2026, 3, 7), tmp_path, now=printing)
    assert [path.name for path in result.files] == [f"2000-Sal-Es-Ada-Park-{late_appointment}.pdf"]
    assert "printed 2026-03-07 18:00" in pdf_text(result.files[0].read_bytes())
    with sessions() as session:
        (printed,) = day_appointments(session, dt.date(2026, 3, 7))
    assert printed.briefing_printed_at == printing


def pdf_text(data: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split()
    )


def test_printed_sheets_show_office_dates_and_times(
    sessions: sessionmaker[Session], office: dict[str, int], late_appointment: int
) -> None:
    with sessions() as session:
        content = briefing_content(
            session, office["customer"], appointment_id=late_appointment, now=utc(2026, 3, 8, 4)
        )
        board = day_board(session, dt.date(2026, 3, 7))
    briefing = pdf_text(render_briefing(content))
    assert "Appointment 2026-03-07 20:00" in briefing
    assert "printed 2026-03-07 23:00" in briefing
    assert "2026-03-05" in briefing and "2026-03-06" not in briefing  # made on the 5th there
    sheet = pdf_text(render_day_sheet(board))
    assert "Day sheet · Saturday 2026-03-07" in sheet
    assert "20:00 Ada Park · Sal Es · call Ana Tech" in sheet


def test_the_demo_office_works_on_its_own_today_and_its_own_clock(engine: Engine) -> None:
    thursday_evening = utc(2026, 3, 13, 1)  # 21:00 EDT on Thursday 12 March; Friday in UTC
    seed_demo(engine, customers=20, seed=3, now=thursday_evening)
    with engine.connect() as connection:
        visits = connection.execute(select(ServiceVisit.scheduled_for, ServiceVisit.status)).all()
        appointments = connection.scalars(select(SalesAppointment.starts_at)).all()
    done = [local(at) for at, status in visits if status is not VisitStatus.SCHEDULED]
    booked = [local(at) for at, status in visits if status is VisitStatus.SCHEDULED]
    # The demo's "now" is 21:00 on its today, the 12th: the day's visits are done, the
    # next day's still to come.
    assert max(done).date() == dt.date(2026, 3, 12)
    assert min(booked).date() == dt.date(2026, 3, 13)
    assert all(7 <= at.hour < 17 and at.minute in (0, 30) for at in done + booked)
    assert appointments and all(8 <= local(at).hour < 17 for at in appointments)
