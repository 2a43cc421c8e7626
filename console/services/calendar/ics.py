"""One sales visit as an iCalendar object (RFC 5545) that Outlook, Google and Apple all read.

Times are written as UTC moments (`...Z`). A VTIMEZONE generated from the zone database lists
each change as an RDATE, which Outlook for Windows misreads; a UTC moment is read alike by every
client and shown in the viewer's own zone, across daylight saving changes too. The office's
wall-clock time is also spelled out in the description for whoever reads the text.

A request carries the briefing inline (ATTACH, base64) when it is saved as a file; a mailed
one carries the PDF as a MIME part instead, which is what mail clients show.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from icalendar import Alarm, Calendar, Event, vBinary, vCalAddress, vText

PRODID = "-//Dispatch Console//Sales visit invites//EN"
Method = Literal["REQUEST", "CANCEL", "PUBLISH"]


@dataclass(frozen=True, slots=True)
class Person:
    """Someone on an invite: a display name and, when known, an email address."""

    name: str
    email: str | None


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    mime_type: str
    content: bytes


@dataclass(frozen=True, slots=True)
class VisitEvent:
    """What one message about a sales visit says; `sequence` counts the changes sent so far."""

    uid: str
    sequence: int
    starts_at: dt.datetime
    duration_minutes: int
    summary: str
    location: str | None
    description: str
    organizer: Person
    attendee: Person | None
    stamp: dt.datetime
    alarm_text: str | None = None


def visit_calendar(
    event: VisitEvent, method: Method, briefing: Attachment | None = None
) -> Calendar:
    """The VCALENDAR for `event`: a request (or a plain event to import) or a cancel."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    item = Event()
    item.add("uid", event.uid)
    item.add("sequence", event.sequence)
    item.add("dtstamp", event.stamp.astimezone(dt.UTC))
    start = event.starts_at.astimezone(dt.UTC)
    item.add("dtstart", start)
    item.add("dtend", start + dt.timedelta(minutes=event.duration_minutes))
    item.add("summary", event.summary)
    if event.location:
        item.add("location", event.location)
    item.add("description", event.description)
    item.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    item.add("transp", "OPAQUE")
    item.add("organizer", _address(event.organizer, organizer=True))
    if event.attendee is not None and event.attendee.email:
        item.add("attendee", _address(event.attendee, organizer=False))
    if briefing is not None and method != "CANCEL":
        item.add(
            "attach",
            vBinary(briefing.content),
            parameters={"FMTTYPE": briefing.mime_type, "X-FILENAME": briefing.filename},
        )
    if event.alarm_text and method != "CANCEL":
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", event.alarm_text)
        alarm.add("trigger", dt.timedelta(hours=-1))
        item.add_component(alarm)
    calendar.add_component(item)
    return calendar


def _address(person: Person, *, organizer: bool) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email or ''}")
    address.params["CN"] = vText(person.name)
    if not organizer:
        address.params["ROLE"] = vText("REQ-PARTICIPANT")
        address.params["PARTSTAT"] = vText("NEEDS-ACTION")
        address.params["RSVP"] = vText("TRUE")
    return address
