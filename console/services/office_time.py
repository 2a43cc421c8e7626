"""The office's clock: one IANA time zone for "today", day bounds, months and business hours.

Storage is UTC. Everything a person calls a day (today, tomorrow, the day board's day, a
month in the numbers, business hours) is cut in the office's zone, which follows daylight
saving changes. The zone is an IANA name, by default the machine's own.
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


def machine_zone() -> ZoneInfo:
    """The machine's own zone as an IANA zone (`TZ` first, then the system setting), else UTC."""
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


def local_now() -> dt.datetime:
    return utc_now().astimezone(office_zone())


def local_today() -> dt.date:
    return local_now().date()


def as_utc(wall_clock: dt.datetime) -> dt.datetime:
    """A moment typed at the desk: naive means the office's wall-clock time."""
    if wall_clock.tzinfo is None:
        wall_clock = wall_clock.replace(tzinfo=office_zone())
    return wall_clock.astimezone(dt.UTC)


def day_start(day: dt.date) -> dt.datetime:
    """The UTC moment the office's `day` begins (not always 24 hours after the day before)."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=office_zone()).astimezone(dt.UTC)


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the office's `day` in UTC; 23 or 25 hours long across a DST change."""
    return day_start(day), day_start(day + dt.timedelta(days=1))


def month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a calendar month in the office's zone, in UTC."""
    first = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return day_start(first), day_start(following)


def known_zones() -> list[str]:
    """Every IANA zone name this machine knows, sorted, for a chooser."""
    return sorted(available_timezones())
