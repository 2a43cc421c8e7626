"""Python dates and times to Qt's and back, typed.

PySide6 converts `datetime` objects itself, but its type stubs say `toPython()` returns
`object` and leave out the constructors that take Python values; building from the parts
keeps both directions exact and checked without casts.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QDateTime, QTime

from console.services.office.clock import as_utc, local, local_today


def to_qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


def to_qdatetime(wall_clock: dt.datetime) -> QDateTime:
    """A naive wall-clock time for a date-time field (convert an aware moment first)."""
    if wall_clock.tzinfo is not None:
        raise ValueError(f"{wall_clock!r} carries a zone; give the wall-clock time to show")
    return QDateTime(
        to_qdate(wall_clock.date()),
        QTime(
            wall_clock.hour,
            wall_clock.minute,
            wall_clock.second,
            wall_clock.microsecond // 1000,
        ),
    )


def from_qdatetime(value: QDateTime) -> dt.datetime:
    """The naive wall-clock time a date-time field shows, to milliseconds."""
    time = value.time()
    return dt.datetime.combine(
        from_qdate(value.date()),
        dt.time(time.hour(), time.minute(), time.second(), time.msec() * 1000),
    )


def office_field_time(moment: dt.datetime) -> QDateTime:
    """A stored (UTC) moment as a date-time field shows it: on the office's clock."""
    return to_qdatetime(local(moment).replace(tzinfo=None))


def office_moment(value: QDateTime) -> dt.datetime:
    """What a date-time field holds, read on the office's clock, as a UTC moment."""
    return as_utc(from_qdatetime(value))


def office_day_at(days_ahead: int, time: dt.time) -> QDateTime:
    """A field's default: the office's today plus `days_ahead`, at `time` on its clock."""
    return to_qdatetime(dt.datetime.combine(local_today() + dt.timedelta(days=days_ahead), time))


def office_today(days_ahead: int = 0) -> QDate:
    """The office's today (plus `days_ahead`) for a date field."""
    return to_qdate(local_today() + dt.timedelta(days=days_ahead))
