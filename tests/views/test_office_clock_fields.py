"""Every time the desk shows or takes is on the office's clock, whatever the computer's zone.

The machine here runs on UTC-11 and the office on Europe/Berlin, so a field read or written on
the computer's clock would be off by half a day.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from console.models import ServiceVisit, VisitStatus
from console.services.office.clock import configure_office_zone, local, local_today
from console.views.common.qt_dates import (
    from_qdate,
    from_qdatetime,
    office_day_at,
    office_field_time,
    office_moment,
)
from console.views.common.tables.columns import local_time
from console.views.context import DeskContext
from console.views.dayboard.day_board_view import DayBoardView
from console.views.dayboard.visit_dialog import VisitDialog


@pytest.fixture
def office_in_berlin_machine_in_samoa() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TZ", "Pacific/Pago_Pago")
        time.tzset()
        configure_office_zone("Europe/Berlin")
        yield
        configure_office_zone(None)
    time.tzset()


@pytest.mark.parametrize(
    "moment",
    [
        dt.datetime(2026, 3, 29, 0, 30, tzinfo=dt.UTC),  # Berlin springs forward at 01:00 UTC
        dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC),  # first 02:30 of the repeated hour
        dt.datetime(2026, 7, 1, 16, 45, tzinfo=dt.UTC),
    ],
)
def test_a_field_shows_the_offices_wall_clock_and_gives_the_same_moment_back(
    office_in_berlin_machine_in_samoa: None, moment: dt.datetime
) -> None:
    shown = office_field_time(moment)
    assert from_qdatetime(shown) == local(moment).replace(tzinfo=None)
    assert office_moment(shown) == moment


def test_defaults_are_the_offices_days(office_in_berlin_machine_in_samoa: None) -> None:
    tomorrow_ten = from_qdatetime(office_day_at(1, dt.time(10, 0)))
    assert tomorrow_ten == dt.datetime.combine(local_today() + dt.timedelta(days=1), dt.time(10, 0))


def test_table_times_are_the_offices(office_in_berlin_machine_in_samoa: None) -> None:
    winter = dt.datetime(2026, 1, 15, 23, 30, tzinfo=dt.UTC)
    assert local_time(winter) == "2026-01-16 00:30"
    assert local_time(winter, with_time=False) == "2026-01-16"


def test_the_day_board_opens_on_the_offices_today(
    qtbot: QtBot, context: DeskContext, office_in_berlin_machine_in_samoa: None
) -> None:
    board = DayBoardView(context)
    qtbot.addWidget(board)
    assert from_qdate(board.date.date()) == local_today()
    qtbot.waitUntil(lambda: not board.busy)


def test_moving_a_visit_without_touching_the_time_keeps_its_moment(
    qtbot: QtBot, context: DeskContext, office_in_berlin_machine_in_samoa: None
) -> None:
    with context.read() as session:
        visit = session.scalars(
            select(ServiceVisit).where(ServiceVisit.status == VisitStatus.SCHEDULED).limit(1)
        ).one()
    dialog = VisitDialog(
        context,
        visit.customer_id,
        "Customer",
        visit_id=visit.id,
        version=visit.version,
        technician_id=visit.technician_id,
        starts_at=visit.scheduled_for,
    )
    qtbot.addWidget(dialog)
    assert from_qdatetime(dialog.when.dateTime()) == local(visit.scheduled_for).replace(tzinfo=None)
    assert dialog.starts_at() == visit.scheduled_for
