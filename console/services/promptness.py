"""When a referral's first contact falls due, and whether it is overdue.

The promise to technicians is prompt attention: a referral not contacted within the office's
limit is overdue. With business hours on, only working hours on weekdays count towards it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, and_

from console.models import Referral, ReferralStatus
from console.services.office_settings import OfficeSettings

AWAITING_FIRST_CONTACT = (ReferralStatus.NEW, ReferralStatus.ASSIGNED)


def local_zone() -> dt.tzinfo:
    zone = dt.datetime.now().astimezone().tzinfo
    assert zone is not None
    return zone


def first_contact_due(
    created_at: dt.datetime, settings: OfficeSettings, zone: dt.tzinfo | None = None
) -> dt.datetime:
    """The moment a referral created at `created_at` becomes overdue."""
    limit = dt.timedelta(hours=settings.first_contact_hours)
    if not settings.business_hours_only:
        return created_at + limit
    zone = zone or local_zone()
    cursor = created_at.astimezone(zone)
    remaining = limit
    while True:
        day_start = cursor.replace(
            hour=settings.business_day_start, minute=0, second=0, microsecond=0
        )
        day_end = cursor.replace(hour=settings.business_day_end, minute=0, second=0, microsecond=0)
        if cursor.weekday() < 5 and cursor < day_end:
            start = max(cursor, day_start)
            available = day_end - start
            if remaining <= available:
                return (start + remaining).astimezone(dt.UTC)
            remaining -= available
        next_day = (cursor + dt.timedelta(days=1)).date()
        cursor = dt.datetime.combine(next_day, dt.time(0), tzinfo=zone)


def is_overdue(
    status: ReferralStatus,
    created_at: dt.datetime,
    first_contact_at: dt.datetime | None,
    now: dt.datetime,
    settings: OfficeSettings,
    zone: dt.tzinfo | None = None,
) -> bool:
    if first_contact_at is not None or status not in AWAITING_FIRST_CONTACT:
        return False
    return now >= first_contact_due(created_at, settings, zone)


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
