"""When a referral's first contact falls due, and whether it is overdue.

The promise to technicians is prompt attention: a referral not contacted within the office's
limit is overdue. With business hours on, only working hours on weekdays count towards it,
and a working day is the office's: its opening and closing hours are read on the office's
clocks in its own time zone on that very day, so a due time stays exact across a daylight
saving change. Working time is counted in elapsed hours.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_

from console.models import Referral, ReferralStatus
from console.services.office.clock import office_zone
from console.services.office.settings import OfficeSettings

AWAITING_FIRST_CONTACT = (ReferralStatus.NEW, ReferralStatus.ASSIGNED)


def _on_the_clock(day: dt.date, hour: int, zone: ZoneInfo) -> dt.datetime:
    """The UTC moment the office's clocks show `hour`:00 on `day` (24 is the next midnight).

    An hour the clocks skip is read with the offset before the change (02:00 on a
    spring-forward night is 03:00); an hour they show twice is its first occurrence, the
    same rules as a time typed at the desk (`office_time.as_utc`).
    """
    wall = dt.datetime.combine(day + dt.timedelta(days=hour // 24), dt.time(hour % 24))
    return wall.replace(tzinfo=zone).astimezone(dt.UTC)


def first_contact_due(created_at: dt.datetime, settings: OfficeSettings) -> dt.datetime:
    """The moment a referral created at `created_at` becomes overdue."""
    limit = dt.timedelta(hours=settings.first_contact_hours)
    opens, closes = settings.business_day_start, settings.business_day_end
    if not settings.business_hours_only or closes <= opens:
        return created_at + limit  # an office day with no working hours counts like calendar time
    zone = office_zone()
    cursor = created_at.astimezone(dt.UTC)
    day = cursor.astimezone(zone).date()
    remaining = limit
    while True:
        if day.weekday() < 5:
            start = max(cursor, _on_the_clock(day, opens, zone))
            end = _on_the_clock(day, closes, zone)
            if start < end:
                if remaining <= end - start:
                    return start + remaining
                remaining -= end - start
        day += dt.timedelta(days=1)
        cursor = max(cursor, _on_the_clock(day, 0, zone))


def is_overdue(
    status: ReferralStatus,
    created_at: dt.datetime,
    first_contact_at: dt.datetime | None,
    now: dt.datetime,
    settings: OfficeSettings,
) -> bool:
    if first_contact_at is not None or status not in AWAITING_FIRST_CONTACT:
        return False
    return now >= first_contact_due(created_at, settings)


def overdue_candidates(now: dt.datetime, settings: OfficeSettings) -> ColumnElement[bool]:
    """A SQL filter that keeps every overdue referral (and, with business hours, a few more).

    Calendar time always reaches the limit no later than business time does, so this is a
    safe index-friendly pre-filter; `is_overdue` then decides.
    """
    return and_(
        Referral.status.in_(AWAITING_FIRST_CONTACT),
        Referral.first_contact_at.is_(None),
        Referral.created_at <= now - dt.timedelta(hours=settings.first_contact_hours),
    )
