"""The day sheet marks visits to places with old equipment, so the tech takes a look."""

from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader
from sqlalchemy.orm import Session, sessionmaker

from console.services.briefing.day_sheet import headsup_text, render_day_sheet
from console.services.schedule.dayboard import day_board
from console.services.schedule.equipment_life import headsups_for_visits
from tests import factories

DAY = dt.date(2026, 12, 3)


def pdf_text(data: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split()
    )


def test_a_visit_to_old_equipment_carries_its_headsup_and_others_do_not(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        tech = factories.staff(session, "Ana Tech", phone="555-0101")
        miller = factories.customer(session, name="Miller Bakery", city="Salem")
        young = factories.customer(session, name="Young Dental", city="Dover")
        factories.equipment(session, miller, "Boiler", installed_on=dt.date(2007, 6, 1))
        factories.equipment(session, young, "Boiler", installed_on=dt.date(2020, 6, 1))
        for owner, hour in ((miller, 14), (young, 17)):
            factories.visit(
                session,
                owner,
                tech,
                dt.datetime(2026, 12, 3, hour, tzinfo=dt.UTC),
                problem="No heat",
            )
    with sessions() as session:
        board = day_board(session, DAY)
        visits = [visit.id for tech_day in board.technicians for visit in tech_day.visits]
        headsups = headsups_for_visits(session, visits, today=DAY)
    assert list(headsups.values()) == [["the boiler here is 19 years old: worth a look"]]
    sheet = pdf_text(render_day_sheet(board, headsups=headsups))
    assert "Heads-up: the boiler here is 19 years old: worth a look" in sheet
    assert sheet.count("Heads-up") == 1
    # The line stands under Miller's visit, before the next visit.
    assert sheet.index("Miller Bakery") < sheet.index("Heads-up") < sheet.index("Young Dental")
    assert "Heads-up" not in pdf_text(render_day_sheet(board))


def test_several_headsups_share_one_line_and_names_are_printed_as_text() -> None:
    text = headsup_text(["the boiler here is 19 years old", "the <b> unit & co"])
    assert text == ("<b>Heads-up:</b> the boiler here is 19 years old; the &lt;b&gt; unit &amp; co")
