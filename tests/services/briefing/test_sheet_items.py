"""What a salesperson reads first on a briefing: the appointment, heads-ups, earlier referrals,
old equipment, what is still to come, and that printing it shows on the referral's timeline."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from console.models import (
    Equipment,
    EventKind,
    Referral,
    ReferralEvent,
    ReferralStatus,
    SalesAppointment,
    StaffRole,
    UpsellNote,
    VisitStatus,
)
from console.services.briefing.content import briefing_content
from console.services.briefing.render import render_briefing
from console.services.office.settings import load_office_settings, save_office_settings
from console.services.referrals.detail import referral_detail
from console.services.schedule.appointments import appointment_to_brief, mark_briefing_printed
from tests import factories

NOW = dt.datetime(2026, 3, 16, 15, 0, tzinfo=dt.UTC)
VISIT_AT = dt.datetime(2026, 3, 18, 15, 0, tzinfo=dt.UTC)  # 10:00 in Chicago (CDT)
PAIN = "Boiler 19 years old, leaking at the relief valve"


def sheet_text(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


@dataclasses.dataclass
class Miller:
    customer_id: int
    referral_id: int
    appointment_id: int


@pytest.fixture
def miller(sessions: sessionmaker[Session]) -> Miller:
    with sessions.begin() as session:
        chicago = dataclasses.replace(load_office_settings(session), time_zone="America/Chicago")
        save_office_settings(session, chicago)
        owner = factories.customer(session, name="Ada Miller", phone="(217) 555-0101")
        gary = factories.staff(session, "Gary Ramos", phone="(309) 555-0142")
        scott = factories.staff(session, "Scott Bennett", StaffRole.SALESPERSON)
        boiler = factories.equipment(
            session, owner, kind="Boiler", make="Weil-McLain", installed_on=dt.date(2007, 5, 1)
        )
        furnace = factories.equipment(
            session, owner, kind="Furnace", make="Lennox", installed_on=dt.date(2020, 1, 10)
        )
        factories.visit(
            session,
            owner,
            gary,
            dt.datetime(2026, 2, 10, 15, tzinfo=dt.UTC),
            equipment_id=boiler.id,
            problem="Leaking at relief valve",
            tech_notes="Prefers calls after 4 pm. Dog in the yard. Heat exchanger rusting.",
        )
        factories.visit(
            session,
            owner,
            gary,
            dt.datetime(2025, 11, 2, 15, tzinfo=dt.UTC),
            problem="No heat",
            tech_notes="Dog in the yard. They want a call back with prices before the end of May.",
        )
        factories.visit(
            session,
            owner,
            gary,
            dt.datetime(2026, 4, 2, 14, tzinfo=dt.UTC),
            problem="Annual tune-up",
            status=VisitStatus.SCHEDULED,
        )
        session.add_all(
            [
                Referral(
                    customer_id=owner.id,
                    technician_id=gary.id,
                    equipment_id=boiler.id,
                    status=ReferralStatus.WON,
                    pain_point="Second boiler leak this winter",
                    won_value=Decimal("9550"),
                    created_at=dt.datetime(2025, 1, 5, tzinfo=dt.UTC),
                    closed_at=dt.datetime(2025, 2, 1, tzinfo=dt.UTC),
                ),
                Referral(
                    customer_id=owner.id,
                    technician_id=gary.id,
                    equipment_id=furnace.id,
                    status=ReferralStatus.LOST,
                    pain_point="Asked about a furnace upgrade",
                    estimated_value=Decimal("4000"),
                    lost_reason="Price",
                    created_at=dt.datetime(2024, 3, 5, tzinfo=dt.UTC),
                    closed_at=dt.datetime(2024, 4, 1, tzinfo=dt.UTC),
                ),
                Referral(
                    customer_id=owner.id,
                    technician_id=gary.id,
                    status=ReferralStatus.CANCELLED,
                    pain_point="Entered twice by mistake",
                    created_at=dt.datetime(2024, 3, 5, tzinfo=dt.UTC),
                ),
                UpsellNote(customer_id=owner.id, author="Ana", category="Access", text="Gate 4411"),
                UpsellNote(customer_id=owner.id, author="Ana", category="Other", text="Softener?"),
            ]
        )
        referral = Referral(
            customer_id=owner.id,
            technician_id=gary.id,
            salesperson_id=scott.id,
            equipment_id=boiler.id,
            status=ReferralStatus.APPOINTMENT_SET,
            pain_point=PAIN,
            estimated_value=Decimal("9800"),
            created_at=NOW - dt.timedelta(days=3),
        )
        session.add(referral)
        session.flush()
        appointment = SalesAppointment(
            referral_id=referral.id,
            salesperson_id=scott.id,
            starts_at=VISIT_AT,
            duration_minutes=90,
            notes="Park on the street; side door",
        )
        session.add(appointment)
        session.flush()
        return Miller(owner.id, referral.id, appointment.id)


def render(sessions: sessionmaker[Session], miller: Miller) -> str:
    with sessions() as session:
        content = briefing_content(
            session, miller.customer_id, appointment_id=miller.appointment_id, now=NOW
        )
    return sheet_text(render_briefing(content))


def test_the_appointment_prints_when_who_how_long_and_its_note(
    sessions: sessionmaker[Session], miller: Miller
) -> None:
    text = render(sessions, miller)
    assert "Appointment 2026-03-18 10:00 · 90 minutes · Scott Bennett" in text
    assert "Note: Park on the street; side door" in text
    assert text.index("Appointment") < text.index("Call before you go")


def test_before_you_go_gathers_access_notes_once_near_the_top(
    sessions: sessionmaker[Session], miller: Miller
) -> None:
    text = render(sessions, miller)
    box = text[text.index("Before you go") : text.index("Call before you go")]
    assert "Prefers calls after 4 pm. (Gary Ramos, 2026-02-10)" in box
    assert box.count("Dog in the yard.") == 1
    assert "Gate 4411 (Ana," in box
    for not_about_access in ("Heat exchanger rusting", "call back with prices", "Softener?"):
        assert not_about_access not in box
    assert text.index("Before you go") < text.index("Open referrals")


def test_the_pain_point_is_printed_once(sessions: sessionmaker[Session], miller: Miller) -> None:
    text = render(sessions, miller)
    assert text.count(PAIN) == 1
    call_box = text[text.index("Call before you go") : text.index("Open referrals")]
    assert "Gary Ramos · (309) 555-0142" in call_box
    assert "Their referral of 2026-03-13 about the Boiler Weil-McLain" in call_box


def test_earlier_referrals_show_outcome_value_equipment_year_and_tech(
    sessions: sessionmaker[Session], miller: Miller
) -> None:
    text = render(sessions, miller)
    assert "Won $9,550, boiler, 2025, Gary Ramos — Second boiler leak this winter" in text
    assert "Lost (Price) $4,000, furnace, 2024, Gary Ramos" in text
    assert text.index("Won $9,550") < text.index("Lost (Price)")
    assert "Entered twice by mistake" not in text


def test_equipment_past_its_service_life_is_marked(
    sessions: sessionmaker[Session], miller: Miller
) -> None:
    text = render(sessions, miller)
    assert "18 yr past 15-yr life" in text
    assert "past 18-yr life" not in text  # the furnace is 6 years old
    assert "Shaded rows: at or past the age at which that kind is usually replaced." in text


def test_future_visits_are_upcoming_not_history(
    sessions: sessionmaker[Session], miller: Miller
) -> None:
    text = render(sessions, miller)
    assert text.index("Upcoming") < text.index("Annual tune-up") < text.index("Service history")
    assert text.count("Annual tune-up") == 1


def test_a_column_empty_in_every_row_is_left_out(
    sessions: sessionmaker[Session], miller: Miller
) -> None:
    text = render(sessions, miller)
    equipment = text[text.index("Equipment Make") : text.index("Upcoming")]
    for empty in ("Model", "Serial", "Location"):
        assert empty not in equipment
    with sessions.begin() as session:
        boiler = session.scalars(select(Equipment).where(Equipment.kind == "Boiler")).one()
        boiler.location = "Basement"
    text = render(sessions, miller)
    assert "Location" in text[text.index("Equipment Make") : text.index("Upcoming")]


def test_printing_is_recorded_on_the_referrals_timeline(
    sessions: sessionmaker[Session], miller: Miller
) -> None:
    printed_at = NOW + dt.timedelta(minutes=5)
    with sessions.begin() as session:
        mark_briefing_printed(session, [miller.appointment_id], "coordinator", printed_at)
    with sessions() as session:
        appointment = session.get(SalesAppointment, miller.appointment_id)
        assert appointment is not None and appointment.briefing_printed_at == printed_at
        event = session.scalars(
            select(ReferralEvent).where(ReferralEvent.kind == EventKind.BRIEFING_PRINTED)
        ).one()
        assert (event.referral_id, event.actor) == (miller.referral_id, "coordinator")
        timeline = [entry.text for entry in referral_detail(session, miller.referral_id).timeline]
    assert "Briefing printed (visit 2026-03-18 10:00)" in timeline


def test_the_sheet_for_a_customer_is_for_their_next_appointment(
    sessions: sessionmaker[Session], miller: Miller
) -> None:
    with sessions() as session:
        assert appointment_to_brief(session, miller.customer_id, now=NOW) == miller.appointment_id
        later = VISIT_AT + dt.timedelta(days=1)
        assert appointment_to_brief(session, miller.customer_id, now=later) is None
