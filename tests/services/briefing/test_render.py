"""Briefing PDFs: every section, names in any script, and layout that holds with real data."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from console.database import session_factory
from console.models import Referral, ReferralStatus, UpsellNote, VisitStatus
from console.services.briefing.content import briefing_content
from console.services.briefing.page import PageSize, default_page_size
from console.services.briefing.render import MARGIN, render_briefing
from tests import factories

NOW = dt.datetime(2026, 3, 16, 15, 0, tzinfo=dt.UTC)
NAMES = ("Łukasz Wójcik", "Şükrü Yılmaz", "Жанна Петрова", "李伟 中村")


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def normalised(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def customer_id(sessions: sessionmaker[Session]) -> int:
    with sessions.begin() as session:
        owner = factories.customer(
            session,
            name=NAMES[0],
            company="Wójcik Piekarnia",
            phone="(217) 555-0101",
            street="12 Oak Ave",
            city="Springfield",
        )
        tech = factories.staff(session, NAMES[1], phone="(309) 555-0142")
        other = factories.staff(session, NAMES[2], phone="(618) 555-0199")
        boiler = factories.equipment(
            session,
            owner,
            kind="Boiler",
            make="Weil-McLain",
            model="CGa",
            serial="WM-778812",
            installed_on=dt.date(2007, 5, 1),
        )
        factories.visit(
            session,
            owner,
            tech,
            dt.datetime(2026, 2, 10, 9, tzinfo=dt.UTC),
            equipment_id=boiler.id,
            problem="Leaking at relief valve",
            work_done="Replaced the valve",
            tech_notes="Heat exchanger rusting",
        )
        factories.visit(
            session, owner, other, dt.datetime(2025, 11, 2, 9, tzinfo=dt.UTC), problem="No heat"
        )
        session.add(
            Referral(
                customer_id=owner.id,
                technician_id=tech.id,
                equipment_id=boiler.id,
                status=ReferralStatus.ASSIGNED,
                pain_point="Boiler 19 years old, leaking",
                recommendation="Quote a condensing boiler",
                estimated_value=Decimal("9800"),
                created_at=NOW - dt.timedelta(days=2),
            )
        )
        session.add(
            UpsellNote(
                customer_id=owner.id, author=NAMES[3], text="No maintenance plan", pinned=True
            )
        )
        session.add(UpsellNote(customer_id=owner.id, author="Ana", text="Asked about a softener"))
        return owner.id


def test_every_section_and_the_call_box(sessions: sessionmaker[Session], customer_id: int) -> None:
    with sessions() as session:
        content = briefing_content(session, customer_id, now=NOW)
    text = normalised(pdf_text(render_briefing(content)))
    for expected in (
        NAMES[0],
        "Wójcik Piekarnia",
        "12 Oak Ave",
        "(217) 555-0101",
        "Call before you go",
        f"{NAMES[1]} · (309) 555-0142 · last visit 2026-02-10",
        "Their referral of 2026-03-14 about the Boiler Weil-McLain CGa",
        "Boiler 19 years old, leaking",
        "Open referrals",
        "Quote a condensing boiler",
        "$9,800",
        "Equipment",
        "Weil-McLain",
        "WM-778812",
        "2007-05-01",
        "Service history",
        "Leaking at relief valve",
        "Replaced the valve",
        "Heat exchanger rusting",
        NAMES[2],
        "Upsell notes",
        "Pinned",
        "No maintenance plan",
        "Asked about a softener",
        NAMES[3],
        "Your notes from the visit",
        "page 1 of",
    ):
        assert expected in text, expected
    assert text.index("No maintenance plan") < text.index("Asked about a softener")
    assert text.index("Call before you go") < text.index("Open referrals") < text.index("Equipment")


def test_names_in_any_script_extract_exactly(
    sessions: sessionmaker[Session], customer_id: int
) -> None:
    with sessions() as session:
        text = pdf_text(render_briefing(briefing_content(session, customer_id, now=NOW)))
    assert NAMES[0] in text.splitlines()
    for name in NAMES:
        assert name in normalised(text)


def test_customer_without_history_or_referrals_gets_clear_lines(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        empty = factories.customer(session, name="New Customer").id
    with sessions() as session:
        text = normalised(pdf_text(render_briefing(briefing_content(session, empty, now=NOW))))
    for line in (
        "No open referrals: no technician to call",
        "No open referrals.",
        "No equipment on record.",
        "No service visits on record.",
        "No upsell notes.",
    ):
        assert line in text


def text_positions(data: bytes) -> list[tuple[int, float, float, float, float, str]]:
    """(page, x, y, width, height) of every text run, in page coordinates."""
    runs = []
    for number, page in enumerate(PdfReader(io.BytesIO(data)).pages):
        width, height = float(page.mediabox.width), float(page.mediabox.height)

        def visit(text, cm, tm, _font, _size, number=number, width=width, height=height):  # type: ignore[no-untyped-def]
            if text.strip():
                x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
                y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
                runs.append((number, x, y, width, height, text))

        page.extract_text(visitor_text=visit)
    return runs


@pytest.mark.parametrize(("page_size", "visits"), [(PageSize.LETTER, 500), (PageSize.A4, 40)])
def test_long_history_splits_cleanly_within_the_page(
    sqlite_engine: Engine, page_size: PageSize, visits: int
) -> None:
    long_note = ("Customer reports intermittent noise from the unit; " * 100)[:5000]
    sessions = session_factory(sqlite_engine)
    with sessions.begin() as session:
        owner = factories.customer(session, name="Big History")
        tech = factories.staff(session, "Tess Tech", phone="555-0100")
        for day in range(visits):
            factories.visit(
                session,
                owner,
                tech,
                NOW - dt.timedelta(days=day),
                problem="Annual maintenance",
                work_done=long_note[:300],
                tech_notes=long_note,
                status=VisitStatus.COMPLETED,
            )
        customer_id = owner.id
    with sessions() as session:
        content = briefing_content(session, customer_id, history_visits=visits, now=NOW)
    data = render_briefing(content, page_size)
    reader = PdfReader(io.BytesIO(data))
    pages = len(reader.pages)
    assert pages > visits // 2
    assert reader.pages[0].mediabox.width == pytest.approx(page_size.points[0])
    runs = text_positions(data)
    assert runs
    slack = 2
    for page, x, y, width, height, text in runs:
        assert MARGIN - 20 <= y <= height - MARGIN + slack, (page, y, text[:30])
        assert MARGIN - slack <= x <= width - MARGIN, (page, x, text[:30])
    footers = [text for _p, _x, _y, _w, _h, text in runs if "page 2 of" in text]
    assert footers and f"of {pages}" in footers[0]
    assert normalised(pdf_text(data)).count("Tech notes: Customer reports") == visits


def test_page_size_follows_the_locale() -> None:
    assert default_page_size("en_US.UTF-8") is PageSize.LETTER
    assert default_page_size("de_DE.UTF-8") is PageSize.A4
    assert default_page_size("fr_CA") is PageSize.LETTER
    assert default_page_size("C") is PageSize.LETTER
