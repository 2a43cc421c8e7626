"""The day board: visits per technician, conflicts when booking, and techs near a sales visit."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker

from console.models import (
    Referral,
    ReferralStatus,
    SalesAppointment,
    Staff,
    StaffRole,
    VisitStatus,
)
from console.services.office.clock import as_utc
from console.services.schedule.dayboard import (
    NEARBY_WITHIN,
    BoardVisit,
    ScheduleConflict,
    TechnicianDay,
    VisitChanged,
    day_board,
    same_area,
    schedule_visit,
    techs_nearby,
    visit_conflicts,
)
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


def test_techs_nearby_same_town_first_then_closest_in_time(
    sessions: sessionmaker[Session], day: dict[str, int]
) -> None:
    """The appointment is at 15:00 at Salem Bakery (Salem, 62726)."""
    with sessions.begin() as session:
        heights = factories.customer(session, name="Heights Deli", city="Salem Heights")
        heights.postal_code = "62799"  # another town whose ZIP only starts the same way
        salem = factories.customer(session, name="Salem Gym", city=" salem ", postal_code="")
        twin = factories.customer(
            session, name="Zip Twin", city="Riverton", postal_code="62726-0042"
        )
        ogden = factories.customer(session, name="Ogden Inn", city="Ogden", postal_code="84401")
        bo = session.get(Staff, day["bo"])
        cy = factories.staff(session, "Cy Tech", phone="555-0103")
        dee = factories.staff(session, "Dee Tech", phone=None)
        eve = factories.staff(session, "Eve Tech", phone="555-0105")
        fay = factories.staff(session, "Fay Tech", phone="(630) 555-5796")
        factories.visit(session, heights, bo, at(14, 30), status=VisitStatus.SCHEDULED)
        factories.visit(session, salem, bo, at(16), status=VisitStatus.SCHEDULED)
        factories.visit(session, twin, bo, at(15), status=VisitStatus.SCHEDULED)
        factories.visit(session, ogden, cy, at(16, 30), status=VisitStatus.SCHEDULED)
        factories.visit(session, heights, cy, at(15), status=VisitStatus.SCHEDULED)
        factories.visit(session, salem, dee, at(17, 1), status=VisitStatus.SCHEDULED)
        factories.visit(session, salem, dee, at(12, 59), status=VisitStatus.SCHEDULED)
        factories.visit(session, salem, eve, at(15), status=VisitStatus.CANCELLED)
        factories.visit(session, twin, fay, at(14, 45), status=VisitStatus.SCHEDULED)
    with sessions() as session:
        board = day_board(session, DAY)
    (appointment,) = board.appointments
    nearby = board.nearby[appointment.id]
    assert [(n.name, n.customer, n.place, n.gap) for n in nearby] == [
        ("Bo Tech", "Salem Gym", "salem", dt.timedelta(hours=1)),
        ("Ana Tech", "Salem Bakery", "Salem", dt.timedelta(hours=2)),
        ("Fay Tech", "Zip Twin", "Riverton", dt.timedelta(minutes=15)),
    ]
    assert [n.label for n in nearby] == [
        "Bo Tech · 555-0102 · 16:00 in salem",
        "Ana Tech · 555-0101 · 13:00 in Salem",
        "Fay Tech · (630) 555-5796 · 14:45 in Riverton",
    ]


@pytest.mark.parametrize(
    ("a", "b", "near"),
    [
        (("Salem", None), ("SALEM ", None), True),
        (("Salem  Heights", None), (" salem heights", "99999"), True),
        (("Salem", "62726"), ("Dover", "62799"), False),  # ZIPs that only start alike
        (("Springfield", "62701"), ("Chatham", "62629"), False),
        (("Salem", "62726-1234"), ("Dover", "62726"), True),  # ZIP+4: the ZIP decides
        (("Salem", "62726 1234"), ("Dover", "627261234"), True),
        (("Salem", "62726"), ("Dover", "63726"), False),
        (("Camden", "NW1 8AB"), ("Kentish Town", "nw1 9zz"), True),  # outward code NW1
        (("Camden", "NW1 8AB"), ("Hampstead", "NW3 2QG"), False),
        (("Soho", "W1D 3QF"), ("Mayfair", "W1D3JB"), True),
        (("Berlin", "10115"), ("Pankow", "10117"), False),
        (("Berlin", "10115"), ("Berlin-Mitte", "10115"), True),
        (("Utrecht", "3511 AB"), ("Zeist", "3511ab"), True),  # other codes: the whole code
        (("Utrecht", "3511 AB"), ("Zeist", "3511 AC"), False),
        (("Salem", ""), ("Dover", ""), False),
        (("", None), ("  ", None), False),
        ((None, None), (None, None), False),
    ],
)
def test_same_town_or_postal_code(
    a: tuple[str | None, str | None], b: tuple[str | None, str | None], near: bool
) -> None:
    assert same_area(a[0], a[1], b[0], b[1]) is near
    assert same_area(b[0], b[1], a[0], a[1]) is near


@given(
    visits=st.lists(
        st.tuples(
            st.integers(1, 5),  # technician (5 is not one)
            st.integers(-300, 300),  # minutes from the appointment
            st.sampled_from(["Salem", " SALEM ", "Dover", "Salem Heights", None]),
            st.sampled_from([None, "62726", "62726-0001", "62799", "63726"]),
            st.booleans(),  # cancelled
        ),
        max_size=12,
    )
)
def test_nearby_lists_each_tech_once_same_town_first_then_closest(
    visits: list[tuple[int, int, str | None, str | None, bool]],
) -> None:
    """The appointment is at Salem, 62726: a visit counts in Salem (any case) or at that ZIP."""
    appointment_at = at(12)
    technicians = {n: TechnicianDay(n, f"Tech {n}", f"555-01{n:02d}", 0) for n in range(1, 5)}
    board_visits = [
        BoardVisit(
            number,
            appointment_at + dt.timedelta(minutes=minutes),
            1,
            "Someone",
            town,
            postal,
            None,
            VisitStatus.CANCELLED if cancelled else VisitStatus.SCHEDULED,
            tech,
            None,
            1,
        )
        for number, (tech, minutes, town, postal, cancelled) in enumerate(visits)
    ]
    nearby = techs_nearby(appointment_at, "Salem", "62726", board_visits, technicians)
    best: dict[str, tuple[bool, dt.timedelta]] = {}
    for tech, minutes, town, postal, cancelled in visits:
        gap = abs(dt.timedelta(minutes=minutes))
        in_salem = (town or "").strip().casefold() == "salem"
        at_zip = (postal or "")[:5] == "62726"
        if tech in technicians and (in_salem or at_zip) and not cancelled and gap <= NEARBY_WITHIN:
            rank = (not in_salem, gap)
            name = f"Tech {tech}"
            best[name] = min(rank, best.get(name, rank))
    assert {n.name: (n.place.casefold() != "salem", n.gap) for n in nearby} == best
    ranks = [best[n.name] for n in nearby]
    assert ranks == sorted(ranks)


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
        "nearby: Ana Tech · 555-0101 · 13:00 in Salem",
        "Bo Tech · 555-0102 · 1 outcome to pass on",
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
