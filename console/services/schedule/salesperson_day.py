"""A salesperson's day as the desk books into it: their appointments, clashes and free slots.

An appointment occupies [starts_at, starts_at + duration). A booking that overlaps another is
allowed (the salesperson may know the first one is short); the desk is told which one it
clashes with. Free slots start on the hour or half hour inside the office's business hours and
leave room for the whole appointment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.models import Customer, Referral, SalesAppointment
from console.services.office.clock import at_wall_clock, day_bounds, local, utc_now
from console.services.office.settings import APPOINTMENT_MINUTES, OfficeSettings

SLOT_STEP = dt.timedelta(minutes=30)
# How far ahead quick slots look when the chosen day is full.
LOOK_AHEAD_DAYS = 14


@dataclass(frozen=True, slots=True)
class BusyTime:
    """One of the salesperson's booked appointments."""

    appointment_id: int
    referral_id: int
    customer: str
    starts_at: dt.datetime
    minutes: int

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.minutes)

    @property
    def span(self) -> str:
        """ "09:00–10:30" on the office's clock."""
        return f"{local(self.starts_at):%H:%M}–{local(self.ends_at):%H:%M}"

    @property
    def label(self) -> str:
        return f"{self.span}  {self.customer}"


def busy_between(
    session: Session,
    salesperson_id: int,
    start: dt.datetime,
    end: dt.datetime,
    *,
    leave_out_referral: int | None = None,
) -> list[BusyTime]:
    """The salesperson's appointments that take up any of [start, end), in time order.

    `leave_out_referral` is the referral being booked: its current appointment is the one
    being moved, so it clashes with nothing.
    """
    longest = dt.timedelta(minutes=APPOINTMENT_MINUTES[1])
    statement = (
        select(
            SalesAppointment.id,
            SalesAppointment.referral_id,
            Customer.name,
            SalesAppointment.starts_at,
            SalesAppointment.duration_minutes,
        )
        .join(Referral, SalesAppointment.referral_id == Referral.id)
        .join(Customer, Referral.customer_id == Customer.id)
        .where(
            SalesAppointment.salesperson_id == salesperson_id,
            SalesAppointment.cancelled_at.is_(None),
            SalesAppointment.starts_at >= start - longest,
            SalesAppointment.starts_at < end,
        )
        .order_by(SalesAppointment.starts_at, SalesAppointment.id)
    )
    if leave_out_referral is not None:
        statement = statement.where(SalesAppointment.referral_id != leave_out_referral)
    rows = [
        BusyTime(appointment_id, referral_id, customer, starts_at, minutes)
        for appointment_id, referral_id, customer, starts_at, minutes in session.execute(statement)
    ]
    return [row for row in rows if row.ends_at > start]


def salesperson_day(
    session: Session, salesperson_id: int, day: dt.date, *, leave_out_referral: int | None = None
) -> list[BusyTime]:
    """What the salesperson has on the office's `day`, including a late one running into it."""
    start, end = day_bounds(day)
    return busy_between(session, salesperson_id, start, end, leave_out_referral=leave_out_referral)


def clashes(busy: Sequence[BusyTime], starts_at: dt.datetime, minutes: int) -> list[BusyTime]:
    """The appointments a booking of `minutes` from `starts_at` would overlap."""
    ends_at = starts_at + dt.timedelta(minutes=minutes)
    return [other for other in busy if other.starts_at < ends_at and starts_at < other.ends_at]


def clash_warning(
    clashing: Sequence[BusyTime], span: Callable[[BusyTime], str] = lambda busy: busy.span
) -> str:
    """What the desk reads before booking over another appointment; empty when nothing clashes.

    `span` writes an appointment's times (the window passes its locale's clock).
    """
    if not clashing:
        return ""
    named = "; ".join(f"{other.customer} ({span(other)})" for other in clashing)
    return f"Overlaps {named}. You can still book it."


def free_starts(
    day: dt.date,
    busy: Sequence[BusyTime],
    minutes: int,
    settings: OfficeSettings,
    after: dt.datetime,
) -> list[dt.datetime]:
    """Every start on the office's `day`, on the half hour from opening, not before `after`,
    where an appointment of `minutes` fits inside business hours without touching `busy`."""
    opens = at_wall_clock(day, dt.time(settings.business_day_start))
    closes = (
        at_wall_clock(day + dt.timedelta(days=1), dt.time(0))
        if settings.business_day_end >= 24
        else at_wall_clock(day, dt.time(settings.business_day_end))
    )
    length = dt.timedelta(minutes=minutes)
    slots: list[dt.datetime] = []
    slot = opens
    while slot + length <= closes:
        if slot >= after and not clashes(busy, slot, minutes):
            slots.append(slot)
        slot += SLOT_STEP
    return slots


def free_slots(
    session: Session,
    salesperson_id: int,
    day: dt.date,
    minutes: int,
    settings: OfficeSettings,
    *,
    count: int | None = None,
    now: dt.datetime | None = None,
    leave_out_referral: int | None = None,
) -> list[dt.datetime]:
    """Free starts from `day` on, within business hours and not in the past.

    Without `count`, every free start of `day`: the desk picks among those near the time it
    has in mind (`slots_near`). When `day` is full the following days are tried, up to two
    weeks, and the first one with room gives its free starts. With `count`, the first `count`
    free starts from `day` on, over as many days as it takes. Saturdays and Sundays are passed
    over: the office's settings know its hours but not its working days, and a weekend visit is
    still booked by typing the time.
    """
    after = now or utc_now()
    found: list[dt.datetime] = []
    for offset in range(LOOK_AHEAD_DAYS + 1):
        current = day + dt.timedelta(days=offset)
        if offset and current.weekday() >= 5:
            continue
        start, end = day_bounds(current)
        if end <= after:
            continue
        busy = busy_between(
            session, salesperson_id, start, end, leave_out_referral=leave_out_referral
        )
        found.extend(free_starts(current, busy, minutes, settings, after))
        if found and count is None:
            break
        if count is not None and len(found) >= count:
            break
    return found if count is None else found[:count]


def slots_near(slots: Sequence[dt.datetime], around: dt.datetime, count: int) -> list[dt.datetime]:
    """The `count` slots nearest `around`, in time order.

    Of two slots as near as each other the earlier wins, so a time between two free ones
    offers the one before it first.
    """
    nearest = sorted(slots, key=lambda slot: (abs(slot - around), slot))[:count]
    return sorted(nearest)
