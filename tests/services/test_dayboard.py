"""The day board: visits per technician, conflicts when booking, and techs near a sales visit."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session, sessionmaker

from console.models import Referral, ReferralStatus, SalesAppointment, StaffRole, VisitStatus
from console.services.dayboard import (
    ScheduleConflict,
    VisitChanged,
    day_board,
    schedule_visit,
    visit_conflicts,
)
from console.services.office_time import as_utc
from tests import factories

DAY = dt.date(2026, 4, 14)


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    """`hour`:`minute` on the office's clock on `day`."""
    return as_utc(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def day(sessions: sessionmaker[Session]) -> dict[str, int]:
    with sessions.begin() as session:
        salem = factories.customer(session, name="Salem Bakery", city="Salem", postal_code="62726")
        dover = factories.customer(session, name="Dover Dental", city="Dover", postal_code="62736")
        salem_area = factories.customer(
            session, name="Near Salem", city="Salem Heights", postal_code="62729"
        )
        ana = factories.staff(session, "Ana Tech", phone="555-0101")
        bo = factories.staff(session, "Bo Tech", phone="555-0102")
        factories.staff(session, "Gone Tech", active=False)
        sal = factories.staff(session, "Sal Es", role=StaffRole.SALESPERSON)
        factories.visit(
            session, salem, ana, at(13), status=VisitStatus.SCHEDULED, problem="No heat"
        )
        factories.visit(session, dover, ana, at(9), status=VisitStatus.SCHEDULED, problem="Leak")
        factories.visit(session, salem_area, bo, at(10), status=VisitStatus.SCHEDULED)
        factories.visit(session, dover, bo, at(10, day=DAY + dt.timedelta(days=1)))
        referral = Referral(
            customer_id=salem.id,
            technician_id=bo.id,
            salesperson_id=sal.id,
            status=ReferralStatus.WON,
            pain_point="Old oven",
            created_at=at(8, day=DAY - dt.timedelta(days=9)),
        )
        session.add(referral)
        session.flush()
        session.add(
            SalesAppointment(referral_id=referral.id, salesperson_id=sal.id, starts_at=at(15))
        )
        return {"salem": salem.id, "ana": ana.id, "bo": bo.id}


def test_board_rows_for_the_day(sessions: sessionmaker[Session], day: dict[str, int]) -> None:
    with sessions() as session:
        board = day_board(session, DAY)
    assert [tech.name for tech in board.technicians] == ["Ana Tech", "Bo Tech"]
    ana, bo = board.technicians
    assert [(v.customer, v.problem) for v in ana.visits] == [
        ("Dover Dental", "Leak"),
        ("Salem Bakery", "No heat"),
    ]
    assert [v.customer for v in bo.visits] == ["Near Salem"]
    assert (ana.awaiting_tell_tech, bo.awaiting_tell_tech) == (0, 1)
    (appointment,) = board.appointments
    assert appointment.customer == "Salem Bakery"


def test_techs_nearby_by_town_or_postal_area(
    sessions: sessionmaker[Session], day: dict[str, int]
) -> None:
    with sessions() as session:
        board = day_board(session, DAY)
    (appointment,) = board.appointments
    nearby = board.nearby[appointment.id]
    assert [(n.name, n.phone, n.place) for n in nearby] == [
        ("Bo Tech", "555-0102", "Salem Heights"),
        ("Ana Tech", "555-0101", "Salem"),
    ]


def test_overlapping_booking_is_refused_unless_accepted(
    sessions: sessionmaker[Session], day: dict[str, int]
) -> None:
    with sessions() as session:
        assert [c.customer for c in visit_conflicts(session, day["ana"], at(12))] == [
            "Salem Bakery"
        ]
        assert visit_conflicts(session, day["ana"], at(11)) == []
    with (
        pytest.raises(ScheduleConflict, match="already booked then: 13:00 at Salem Bakery"),
        sessions.begin() as s,
    ):
        schedule_visit(s, customer_id=day["salem"], technician="Ana Tech", starts_at=at(13, 30))
    with sessions.begin() as session:
        schedule_visit(
            session,
            customer_id=day["salem"],
            technician="Ana Tech",
            starts_at=at(11),
            problem="Check",
        )
        schedule_visit(
            session,
            customer_id=day["salem"],
            technician="Ana Tech",
            starts_at=at(13, 30),
            accept_overlap=True,
        )
    with sessions() as session:
        assert len(day_board(session, DAY).technicians[0].visits) == 4


def test_day_sheet_pdf_for_the_office_and_one_technician(
    sessions: sessionmaker[Session], day: dict[str, int]
) -> None:
    import io

    from pypdf import PdfReader

    from console.services.briefing.day_sheet import render_day_sheet

    with sessions() as session:
        board = day_board(session, DAY)
    office = " ".join(
        PdfReader(io.BytesIO(render_day_sheet(board))).pages[0].extract_text().split()
    )
    for text in (
        "Day sheet",
        "Ana Tech · 555-0101",
        "Dover Dental",
        "Leak",
        "Bo Tech",
        "Sales appointments",
        "call Bo Tech",
    ):
        assert text in office, text
    one = " ".join(
        PdfReader(io.BytesIO(render_day_sheet(board, technician_id=day["ana"])))
        .pages[0]
        .extract_text()
        .split()
    )
    assert "Ana Tech" in one and "Bo Tech" not in one


def test_a_visit_moved_on_another_desk_is_not_moved_again_unseen(
    sessions: sessionmaker[Session], day: dict[str, int]
) -> None:
    with sessions() as session:
        read = day_board(session, DAY).technicians[0].visits[0]

    def move(technician: str, hour: int, version: int) -> None:
        with sessions.begin() as session:
            schedule_visit(
                session,
                customer_id=read.customer_id,
                technician=technician,
                starts_at=at(hour),
                visit_id=read.id,
                expected_version=version,
            )

    move("Bo Tech", 16, read.version)
    with pytest.raises(VisitChanged) as changed:
        move("Ana Tech", 11, read.version)
    assert "with Bo Tech" in changed.value.theirs and "(Leak)" in changed.value.theirs
    move("Ana Tech", 11, changed.value.version)
    with sessions() as session:
        moved = next(
            v for t in day_board(session, DAY).technicians for v in t.visits if v.id == read.id
        )
    assert (moved.technician_id, moved.starts_at) == (day["ana"], at(11))
