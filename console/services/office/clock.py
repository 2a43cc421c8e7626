"""The office's clock: one IANA time zone for "today", day bounds, months and business hours.

Storage is UTC. Everything a person calls a day (today, tomorrow, the day board's day, a
month in the numbers, business hours) is cut in the office's zone, which follows daylight
saving changes. The zone is an IANA name, by default the machine's own.

Wall-clock times typed at the desk meet two awkward hours a year. A time the clocks skip
(02:30 on a spring-forward night) is read with the offset in force before the change, so it
lands as far after the change as it was typed after the last valid minute: 02:30 becomes
03:30. A time the clocks show twice (01:30 on a fall-back night) is its first occurrence
unless the caller sets `fold=1` for the second, as `datetime` itself does.
"""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

ZONE_ENV = "CONSOLE_TIME_ZONE"
_configured: ZoneInfo | None = None


class UnknownTimeZone(ValueError):
    """A name that is not an IANA time zone."""


def zone_named(name: str) -> ZoneInfo:
    """The IANA zone called `name`, or UnknownTimeZone saying so."""
    text = name.strip()
    if not text or text.startswith(("/", ".")) or ".." in text:
        raise UnknownTimeZone(f"{name!r} is not a time zone; use a name like America/New_York")
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise UnknownTimeZone(
            f"{name!r} is not a time zone; use a name like America/New_York"
        ) from None


def _zone_from_tz_variable() -> ZoneInfo | None:
    """The zone `TZ` names (`America/New_York`, `:Europe/Berlin` or a zoneinfo file path).

    Read on every call, unlike tzlocal's cached answer, so a changed `TZ` takes effect.
    """
    value = os.environ.get("TZ", "").strip().removeprefix(":")
    if not value:
        return None
    if os.path.isabs(value):
        parts = os.path.realpath(value).split(os.sep)
        if "zoneinfo" not in parts:
            return None
        value = "/".join(parts[len(parts) - parts[::-1].index("zoneinfo") :])
    try:
        return zone_named(value)
    except UnknownTimeZone:
        return None  # a POSIX rule string such as "EST5EDT,M3.2.0,M11.1.0": ask the system


def machine_zone() -> ZoneInfo:
    """The machine's own zone as an IANA zone (`TZ` first, then the system setting), else UTC."""
    from_variable = _zone_from_tz_variable()
    if from_variable is not None:
        return from_variable
    import tzlocal

    try:
        name = tzlocal.get_localzone_name()
    except Exception:  # tzlocal raises several kinds for a misconfigured machine
        name = None
    if name:
        try:
            return zone_named(name)
        except UnknownTimeZone:
            pass
    return ZoneInfo("UTC")


def configure_office_zone(name: str | None) -> ZoneInfo:
    """Use the zone called `name` (an office setting) from now on; None means the machine's."""
    global _configured
    _configured = zone_named(name) if name else None
    return office_zone()


def office_zone() -> ZoneInfo:
    """The zone the office's days are cut in: configured, else `CONSOLE_TIME_ZONE`, else the
    machine's."""
    if _configured is not None:
        return _configured
    override = os.environ.get(ZONE_ENV)
    if override:
        return zone_named(override)
    return machine_zone()


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def local(moment: dt.datetime) -> dt.datetime:
    """An aware moment as the office's wall-clock time."""
    return moment.astimezone(office_zone())


def local_now(now: dt.datetime | None = None) -> dt.datetime:
    """`now` (else the clock) as the office's wall-clock time."""
    return (now or utc_now()).astimezone(office_zone())


def local_today(now: dt.datetime | None = None) -> dt.date:
    """The office's date at `now` (else at this moment)."""
    return local_now(now).date()


def local_date(moment: dt.datetime) -> dt.date:
    """The office's date of an aware moment: 23:30 in New York is still that day there."""
    return local(moment).date()


def as_utc(wall_clock: dt.datetime) -> dt.datetime:
    """A moment typed at the desk: naive means the office's wall-clock time.

    A skipped time moves forward by the length of the gap; a repeated one is its first
    occurrence unless `wall_clock.fold` is 1 (see the module's docstring).
    """
    if wall_clock.tzinfo is None:
        if wall_clock.fold and skipped(wall_clock):
            wall_clock = wall_clock.replace(fold=0)  # forward, whichever fold was asked for
        wall_clock = wall_clock.replace(tzinfo=office_zone())
    return wall_clock.astimezone(dt.UTC)


def at_wall_clock(day: dt.date, time: dt.time) -> dt.datetime:
    """The UTC moment the office's clocks show `time` on `day` (same rules as `as_utc`)."""
    return as_utc(dt.datetime.combine(day, time))


def skipped(wall_clock: dt.datetime) -> bool:
    """A naive office time that the clocks jump over (spring forward): it never happens."""
    aware = wall_clock.replace(tzinfo=office_zone())
    back = aware.astimezone(dt.UTC).astimezone(office_zone())
    return back.replace(tzinfo=None, fold=0) != wall_clock.replace(fold=0)


def repeated(wall_clock: dt.datetime) -> bool:
    """A naive office time that the clocks show twice (fall back): `fold` picks which."""
    zone = office_zone()
    first = wall_clock.replace(tzinfo=zone, fold=0)
    second = wall_clock.replace(tzinfo=zone, fold=1)
    return not skipped(wall_clock) and first.utcoffset() != second.utcoffset()


def day_start(day: dt.date) -> dt.datetime:
    """The UTC moment the office's `day` begins (not always 24 hours after the day before)."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=office_zone()).astimezone(dt.UTC)


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the office's `day` in UTC; 23 or 25 hours long across a DST change."""
    return day_start(day), day_start(day + dt.timedelta(days=1))


def period_bounds(
    since: dt.date | None, until: dt.date | None
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """[start, end) in UTC of whole office days from `since` through `until` (both included);
    an open end stays None."""
    start = day_start(since) if since is not None else None
    end = day_start(until + dt.timedelta(days=1)) if until is not None else None
    return start, end


def _next_month(year: int, month: int) -> tuple[int, int]:
    return year + month // 12, month % 12 + 1


def month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a calendar month in the office's zone, in UTC."""
    following = dt.date(*_next_month(year, month), 1)
    return day_start(dt.date(year, month, 1)), day_start(following)


def month_label(moment: dt.datetime) -> str:
    """The office's month of an aware moment as 'YYYY-MM'."""
    return f"{local(moment):%Y-%m}"


def months_spanning(first: dt.datetime, last: dt.datetime) -> list[tuple[str, dt.datetime]]:
    """Each office month from the one holding `first` to the one holding `last`, as its
    'YYYY-MM' label and the UTC moment it begins, in order."""
    start, end = local(first), local(last)
    year, month = start.year, start.month
    months = []
    while (year, month) <= (end.year, end.month):
        months.append((f"{year:04d}-{month:02d}", day_start(dt.date(year, month, 1))))
        year, month = _next_month(year, month)
    return months


def known_zones() -> list[str]:
    """Every IANA zone name this machine knows, sorted, for a chooser."""
    return sorted(available_timezones())
