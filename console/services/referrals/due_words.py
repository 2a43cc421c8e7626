"""How soon something falls due, in the words a coordinator reads at a glance.

"due in 3 h", "5 h overdue", "due tomorrow 9:00". Amounts of time are elapsed time, so they
stay true across a daylight saving change; "today", "tomorrow" and weekdays are the office's
days, and a clock time is what the office's clocks show then. Amounts are rounded down, so
the words never promise more time than there is, nor claim more lateness than there was.
"""

from __future__ import annotations

import datetime as dt

from console.services.office.clock import local

MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
# Up to two days late reads in hours ("30 h overdue"); beyond that, in days.
HOURS_OVERDUE_UP_TO = dt.timedelta(hours=48)
# Up to a week ahead reads as a weekday ("due Fri 9:00"); beyond that, as a date.
WEEKDAY_UP_TO_DAYS = 6


def clock(moment: dt.datetime) -> str:
    """The office's clock at `moment` the way people say it: '9:00', '14:30'."""
    shown = local(moment)
    return f"{shown.hour}:{shown.minute:02d}"


def due_in_words(due: dt.datetime, now: dt.datetime) -> str:
    """When `due` falls, seen from `now` (both aware moments)."""
    ahead = due - now
    if abs(ahead) < MINUTE:
        return "due now"
    if ahead < dt.timedelta(0):
        return f"{_late(-ahead)} overdue"
    if ahead < HOUR:
        return f"due in {ahead // MINUTE} min"
    days_ahead = (local(due).date() - local(now).date()).days
    if days_ahead == 0:
        return f"due in {ahead // HOUR} h"
    if days_ahead == 1:
        return f"due tomorrow {clock(due)}"
    shown = local(due)
    if days_ahead <= WEEKDAY_UP_TO_DAYS:
        return f"due {shown:%a} {clock(due)}"
    if shown.year != local(now).year:
        return f"due {shown.day} {shown:%b %Y}"
    return f"due {shown.day} {shown:%b}"


def _late(late: dt.timedelta) -> str:
    if late < HOUR:
        return f"{late // MINUTE} min"
    if late < HOURS_OVERDUE_UP_TO:
        return f"{late // HOUR} h"
    return f"{late // DAY} d"


def ago_in_words(moment: dt.datetime, now: dt.datetime) -> str:
    """How long ago `moment` was: '20 min ago', '5 h ago', '3 d ago' (rounded down)."""
    past = max(now - moment, dt.timedelta(0))
    if past < MINUTE:
        return "just now"
    return f"{_late(past)} ago"
