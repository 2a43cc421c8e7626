"""Dates and times cross between Python and Qt's date fields unchanged, to the millisecond."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QDateEdit, QDateTimeEdit
from pytestqt.qtbot import QtBot

from console.views.common.qt_dates import from_qdate, from_qdatetime, to_qdate, to_qdatetime

DAYS = [dt.date(2028, 2, 29), dt.date(1900, 1, 1), dt.date(2100, 12, 31)]
TIMES = [
    dt.datetime(2026, 6, 15, 9, 30),
    dt.datetime(2026, 12, 31, 23, 59, 58, 123000),
    dt.datetime(2028, 2, 29, 0, 0),
]


@pytest.mark.parametrize("day", DAYS)
def test_a_date_goes_through_a_date_field_unchanged(qtbot: QtBot, day: dt.date) -> None:
    field = QDateEdit(to_qdate(day))
    qtbot.addWidget(field)
    assert to_qdate(day).toString("yyyy-MM-dd") == day.isoformat()
    assert from_qdate(field.date()) == day


@pytest.mark.parametrize("wall_clock", TIMES)
def test_a_wall_clock_time_comes_back_as_it_was_shown(
    qtbot: QtBot, wall_clock: dt.datetime
) -> None:
    field = QDateTimeEdit(to_qdatetime(wall_clock))
    qtbot.addWidget(field)
    field.setDisplayFormat("yyyy-MM-dd HH:mm:ss.zzz")
    assert field.text() == wall_clock.strftime("%Y-%m-%d %H:%M:%S.") + f"{wall_clock:%f}"[:3]
    back = from_qdatetime(field.dateTime())
    assert back == wall_clock and back.tzinfo is None


def test_microseconds_below_a_millisecond_are_dropped_not_rounded() -> None:
    assert from_qdatetime(to_qdatetime(dt.datetime(2026, 1, 1, 8, 0, 0, 999999))) == (
        dt.datetime(2026, 1, 1, 8, 0, 0, 999000)
    )


def test_a_moment_with_a_zone_is_refused_naming_it() -> None:
    moment = dt.datetime(2026, 6, 15, 13, 0, tzinfo=dt.UTC)
    with pytest.raises(ValueError, match="carries a zone; give the wall-clock time to show"):
        to_qdatetime(moment)
