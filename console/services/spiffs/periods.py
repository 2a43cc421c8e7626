"""Pay periods: weekly, every two weeks or monthly, counted from the office's anchor date."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from console.services.office.settings import OfficeSettings


@dataclass(frozen=True, slots=True)
class PayPeriod:
    """Office days `start` to `end`, both included."""

    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        first = f"{self.start:%b} {self.start.day}"
        last = f"{self.end:%b} {self.end.day}, {self.end.year}"
        if self.start.year != self.end.year:
            first += f", {self.start.year}"
        return f"{first} – {last}"

    def holds(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def _on_day(year: int, month: int, day: int) -> dt.date:
    """`day` of the month, or its last day when the month is shorter."""
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _month_after(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _month_before(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def pay_period_of(day: dt.date, period: str, anchor: dt.date) -> PayPeriod:
    """The pay period `day` falls in. Weekly and biweekly periods run in steps of 7 or 14 days
    from `anchor` (before it too); monthly ones start each month on the anchor's day of the
    month (on the last day, in a month too short for it)."""
    if period == "monthly":
        start = _on_day(day.year, day.month, anchor.day)
        if start > day:
            start = _on_day(*_month_before(day.year, day.month), anchor.day)
        following = _on_day(*_month_after(start.year, start.month), anchor.day)
        return PayPeriod(start, following - dt.timedelta(days=1))
    length = 14 if period == "biweekly" else 7
    steps = (day - anchor).days // length
    start = anchor + dt.timedelta(days=steps * length)
    return PayPeriod(start, start + dt.timedelta(days=length - 1))


def office_pay_period(day: dt.date, settings: OfficeSettings) -> PayPeriod:
    return pay_period_of(
        day, settings.spiff_pay_period, dt.date.fromisoformat(settings.spiff_pay_anchor)
    )
