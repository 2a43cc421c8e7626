"""A technician's weekly digest: the week cut in the office's zone, the figures, the PDF text."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from sqlalchemy.orm import Session, sessionmaker

from console.models import Staff, StaffRole
from console.services.calendar.digest import (
    IsoWeek,
    digest_subject,
    digest_text,
    technician_digest,
    this_week,
)
from console.services.calendar.digest_pdf import render_digest
from console.services.errors import InputError
from console.services.office.settings import OfficeSettings, save_office_settings
from console.services.referrals.lifecycle import StepDetails, create_referral, move_referral
from console.services.spiffs import mark_spiffs_paid
from tests import factories

NEW_YORK = ZoneInfo("America/New_York")
WEEK = IsoWeek(2026, 49)  # Monday 30 November to Sunday 6 December 2026


def office_time(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=NEW_YORK).astimezone(dt.UTC)


def refer(session: Session, customer_id: int, tech: str, pain: str, at: dt.datetime) -> int:
    return create_referral(
        session,
        customer_id=customer_id,
        technician=tech,
        pain_point=pain,
        salesperson="Sam Sales",
        actor="desk",
        now=at,
    ).id


def win(session: Session, referral_id: int, value: str, at: dt.datetime) -> None:
    move_referral(session, referral_id, "contacted", "desk", now=at - dt.timedelta(hours=2))
    move_referral(
        session,
        referral_id,
        "won",
        "desk",
        StepDetails(value=value),
        now=at,
    )


@pytest.fixture
def week_of_work(sessions: sessionmaker[Session]) -> dict[str, int]:
    with sessions.begin() as session:
        save_office_settings(
            session,
            OfficeSettings(time_zone="America/New_York"),
        )
        factories.only_spiff_rule(session, "flat", "75")
        tom = factories.staff(
            session, "Tomás Ortiz", phone="518-555-0101", email="tom@heat.example"
        )
        factories.staff(session, "Other Tech")
        factories.staff(session, "Sam Sales", StaffRole.SALESPERSON, email="sam@heat.example")
        miller = factories.customer(session, name="Miller")
        lukasik = factories.customer(session, name="Agnieszka Łukasik")
        # Sunday 23:30 in New York is already Monday in UTC: it belongs to the week before.
        refer(
            session,
            miller.id,
            "Tomás Ortiz",
            "Sunday night call",
            office_time(2026, 11, 29, 23, 30),
        )
        first = refer(
            session, lukasik.id, "Tomás Ortiz", "Boiler leaking", office_time(2026, 11, 30, 0, 15)
        )
        refer(session, miller.id, "Tomás Ortiz", "Old heat pump", office_time(2026, 12, 6, 23, 45))
        refer(session, miller.id, "Tomás Ortiz", "Next Monday", office_time(2026, 12, 7, 0, 10))
        refer(session, miller.id, "Other Tech", "Not Tomás's", office_time(2026, 12, 1, 10, 0))
        win(session, first, "12500", office_time(2026, 12, 2, 15, 0))
        earlier = refer(
            session, miller.id, "Tomás Ortiz", "Water heater", office_time(2026, 11, 10, 9, 0)
        )
        move_referral(session, earlier, "contacted", "desk", now=office_time(2026, 11, 11, 9, 0))
        move_referral(
            session,
            earlier,
            "lost",
            "desk",
            StepDetails(reason="Price"),
            now=office_time(2026, 12, 3, 11, 0),
        )
        paid = refer(session, lukasik.id, "Tomás Ortiz", "Furnace", office_time(2026, 11, 2, 9, 0))
        win(session, paid, "8000", office_time(2026, 11, 12, 9, 0))
        mark_spiffs_paid(session, [paid], "desk", now=office_time(2026, 12, 4, 16, 0))
        return {"tom": tom.id, "first": first}


def digest_for(sessions: sessionmaker[Session], tech_id: int, week: IsoWeek = WEEK):  # type: ignore[no-untyped-def]
    with sessions() as session:
        technician = session.get_one(Staff, tech_id)
        return technician_digest(session, technician, week, now=office_time(2026, 12, 7, 8, 0))


def test_the_week_is_cut_in_the_offices_zone(
    sessions: sessionmaker[Session], week_of_work: dict[str, int]
) -> None:
    digest = digest_for(sessions, week_of_work["tom"])
    assert [row.pain_point for row in digest.referrals] == ["Boiler leaking", "Old heat pump"]
    assert [(row.customer, row.status.value) for row in digest.outcomes] == [
        ("Agnieszka Łukasik", "won"),
        ("Miller", "lost"),
    ]
    assert digest.won_value == Decimal("12500.00")
    assert digest.spiffs_accrued == Decimal("75.00")
    assert digest.spiffs_paid == Decimal("75.00")
    assert digest.owed_to_date == Decimal("75.00")
    before = digest_for(sessions, week_of_work["tom"], IsoWeek(2026, 48))
    assert [row.pain_point for row in before.referrals] == ["Sunday night call"]
    assert before.outcomes == [] and before.paid == []


def test_the_email_text_has_the_figures_and_the_thanks(
    sessions: sessionmaker[Session], week_of_work: dict[str, int]
) -> None:
    digest = digest_for(sessions, week_of_work["tom"])
    assert digest_subject(digest) == "Your week 2026-W49: 2 referrals, 1 won"
    text = digest_text(digest)
    assert "Hello Tomás," in text
    assert "Mon 30 Nov – Sun 06 Dec 2026" in text
    assert "Referrals you made: 2" in text
    assert "Value won: $12,500.00" in text
    assert "Spiffs earned this week: $75.00" in text
    assert "- Agnieszka Łukasik: Won $12,500.00, your spiff $75.00" in text
    assert "- Miller: Lost: Price" in text
    assert "Thank you, Tomás: 2 referrals this week and 1 sale won" in text


def test_the_pdf_carries_the_figures(
    sessions: sessionmaker[Session], week_of_work: dict[str, int], tmp_path: Path
) -> None:
    digest = digest_for(sessions, week_of_work["tom"])
    pdf = render_digest(digest)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for expected in (
        "Your week, Tomás Ortiz",
        "2026-W49",
        "America/New_York",
        "$12,500.00",
        "$75.00",
        "Agnieszka Łukasik",
        "Boiler leaking",
        "Old heat pump",
        "Lost: Price",
        "Thank you, Tomás",
    ):
        assert expected in text, expected
    assert "Sunday night call" not in text and "Not Tomás" not in text
    path = tmp_path / "digest.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(path), str(tmp_path / "page")], check=True)
    assert (tmp_path / "page-1.png").stat().st_size > 0


def test_a_quiet_week_still_says_thank_you(
    sessions: sessionmaker[Session], week_of_work: dict[str, int]
) -> None:
    digest = digest_for(sessions, week_of_work["tom"], IsoWeek(2026, 40))
    assert (digest.referrals, digest.outcomes, digest.paid) == ([], [], [])
    assert digest.thanks.startswith("Thank you for your work this week, Tomás.")
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(render_digest(digest))).pages
    )
    assert "No referrals this week." in text


def test_a_salesperson_has_no_digest(
    sessions: sessionmaker[Session], week_of_work: dict[str, int]
) -> None:
    with sessions() as session:
        sam = factories.staff(session, "Sal Two", StaffRole.SALESPERSON)
        with pytest.raises(InputError, match="technician: Sal Two is a salesperson"):
            technician_digest(session, sam, WEEK)
        session.rollback()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-49", "'2026-49' is not a week; write it as YYYY-Www, e.g. 2026-W49"),
        ("W49", "'W49' is not a week"),
        ("2025-W53", "2025 has no week 53; write the week as YYYY-Www"),
        ("2026-W00", "2026 has no week 0"),
    ],
)
def test_a_bad_week_is_refused_with_the_format(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        IsoWeek.parse(text)


def test_weeks_parse_and_span() -> None:
    assert IsoWeek.parse("2026-w53") == IsoWeek(2026, 53)
    assert IsoWeek.parse(" 2027W01 ").label == "2027-W01"
    assert IsoWeek(2027, 1).monday == dt.date(2027, 1, 4)
    assert IsoWeek.containing(dt.date(2027, 1, 3)) == IsoWeek(2026, 53)


def test_this_week_is_the_offices(
    sessions: sessionmaker[Session], week_of_work: dict[str, int]
) -> None:
    # 02:00 UTC on Monday 7 December is still Sunday evening in New York.
    assert this_week(dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)) == WEEK
    start, end = WEEK.bounds()
    assert start == dt.datetime(2026, 11, 30, 5, 0, tzinfo=dt.UTC)
    assert end == dt.datetime(2026, 12, 7, 5, 0, tzinfo=dt.UTC)
