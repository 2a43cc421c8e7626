"""The day board's sales appointments: which tech is nearby, once each, same town first."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QLabel

from console.models import Referral, ReferralStatus, SalesAppointment, StaffRole, VisitStatus
from console.services.office.clock import as_utc
from console.views.context import DeskContext
from console.views.dayboard.day_board_view import DayBoardView
from tests import factories

DAY = dt.date(2031, 3, 11)  # a day of its own, clear of the demo's visits


def at(hour: int, minute: int = 0) -> dt.datetime:
    return as_utc(dt.datetime.combine(DAY, dt.time(hour, minute)))


def _book(context: DeskContext) -> None:
    with context.sessions.begin() as session:
        bakery = factories.customer(session, name="Salem Bakery", city="Salem", postal_code="62726")
        deli = factories.customer(session, name="Heights Deli", city="Salem Heights")
        deli.postal_code = "62799"  # starts like Salem's ZIP, yet another town
        twin = factories.customer(session, name="Zip Twin", city="Riverton")
        twin.postal_code = "62726-0042"  # Salem's ZIP, another town
        far = factories.customer(session, name="Ogden Inn", city="Ogden", postal_code="84401")
        ana = factories.staff(session, "Ana Nearby", phone="555-0101")
        bo = factories.staff(session, "Bo Nearby", phone="555-0102")
        cy = factories.staff(session, "Cy Faraway", phone="555-0103")
        dan = factories.staff(session, "Dan Zip", phone="(630) 555-5796")
        sal = factories.staff(session, "Sal Seller", role=StaffRole.SALESPERSON)
        scheduled = VisitStatus.SCHEDULED
        factories.visit(session, bakery, ana, at(13), status=scheduled)
        factories.visit(session, bakery, ana, at(9), status=scheduled)  # too early to count
        factories.visit(session, deli, bo, at(14, 30), status=scheduled)
        factories.visit(session, bakery, bo, at(16), status=scheduled)  # Bo again: listed once
        factories.visit(session, far, cy, at(15), status=scheduled)  # another area
        factories.visit(session, deli, cy, at(15, 15), status=scheduled)  # another town and ZIP
        factories.visit(session, twin, dan, at(15), status=scheduled)  # the same ZIP only
        referral = Referral(
            customer_id=bakery.id,
            technician_id=bo.id,
            salesperson_id=sal.id,
            status=ReferralStatus.APPOINTMENT_SET,
            pain_point="Old oven",
            created_at=at(8) - dt.timedelta(days=5),
        )
        session.add(referral)
        session.flush()
        session.add(
            SalesAppointment(referral_id=referral.id, salesperson_id=sal.id, starts_at=at(15))
        )


def test_tech_nearby_lists_each_tech_once_same_town_first(qtbot, context: DeskContext) -> None:  # type: ignore[no-untyped-def]
    _book(context)
    board = DayBoardView(context)
    qtbot.addWidget(board)
    board.resize(1366, 700)
    board.show()
    qtbot.waitUntil(lambda: not board.busy)
    with qtbot.waitSignal(board.loaded, timeout=10_000):
        board.date.setDate(QDate(DAY.year, DAY.month, DAY.day))
    rows = [
        board.appointments.topLevelItem(n) for n in range(board.appointments.topLevelItemCount())
    ]
    (row,) = [item for item in rows if item.text(1) == "Salem Bakery"]
    assert row.text(4) == (
        "Bo Nearby · 555-0102 · 16:00 in Salem; Ana Nearby · 555-0101 · 13:00 in Salem;"
        " Dan Zip · (630) 555-5796 · 15:00 in Riverton"
    )
    assert row.text(3) == "Bo Nearby · 555-0102"
    assert "((" not in row.text(4) and "))" not in row.text(4)
    assert row.toolTip(4).splitlines() == [
        "Bo Nearby · 555-0102 · 16:00 in Salem · at Salem Bakery",
        "Ana Nearby · 555-0101 · 13:00 in Salem · at Salem Bakery",
        "Dan Zip · (630) 555-5796 · 15:00 in Riverton · at Zip Twin",
    ]
    assert board.summary.text().endswith(" · 1 sales appointment")
    headings = {
        label.buddy(): label.text() for label in board.findChildren(QLabel) if label.buddy()
    }
    assert headings[board.visits] == "Technicians and their &visits"
    assert headings[board.appointments].startswith("&Sales appointments")
    if os.environ.get("CONSOLE_SCREENSHOTS"):
        qtbot.wait(100)
        board.grab().save(str(Path(os.environ["CONSOLE_SCREENSHOTS"]) / "day-board-headed.png"))
    techs = {
        board.visits.topLevelItem(n).text(0): board.visits.topLevelItem(n).text(4)
        for n in range(board.visits.topLevelItemCount())
    }
    assert (techs["Dan Zip"], techs["Cy Faraway"]) == ("1 visit", "2 visits")
