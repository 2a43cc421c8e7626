"""The salesperson's calendar invite for a referral's sales appointment: first, moved, cancelled.

Every invite for a referral's appointment is remembered (`CalendarInvite`): its UID, the
SEQUENCE last sent and what that message said. Issuing the invite again therefore answers what
the salesperson's calendar needs to hear now:

- no invite yet: a REQUEST with a new UID and SEQUENCE 0;
- the same time, place and salesperson as last sent: the same message again;
- a new time, duration or place: the same UID with the next SEQUENCE, which calendars take
  as a change to the event they already hold;
- another salesperson: the next SEQUENCE as a REQUEST to the new one and a CANCEL to the old;
- no appointment any more (moved to lost, not now or cancelled, or its appointment called
  off): METHOD:CANCEL with STATUS:CANCELLED, after which a new appointment starts a new UID.

Saving to a `.ics` file and queueing an email both record what was issued, so a file imported
by hand is updated by the next file or email just as a mailed invite is.
"""

from __future__ import annotations

import datetime as dt
import secrets
import socket
from dataclasses import dataclass, replace

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.models import (
    CalendarInvite,
    InviteState,
    Referral,
    ReferralStatus,
    SalesAppointment,
    Site,
    Staff,
)
from console.services.briefing.batch import slug
from console.services.briefing.content import briefing_content
from console.services.briefing.page import PageSize
from console.services.briefing.render import render_briefing
from console.services.calendar.ics import Attachment, Method, Person, VisitEvent, visit_calendar
from console.services.customers.customer_360 import referral_site_ids
from console.services.errors import InputError, NotFound, stale_as_conflict
from console.services.office.clock import local, office_zone, utc_now

INVITE_KIND = "invite"
OFFICE_NAME = "Dispatch office"
# A referral in one of these has no visit to go to, whatever appointment row is still open.
CALLED_OFF = frozenset({ReferralStatus.LOST, ReferralStatus.NOT_NOW, ReferralStatus.CANCELLED})


@dataclass(frozen=True)
class InviteMessage:
    """One message for a salesperson's calendar, ready to save as `.ics` or to queue."""

    referral_id: int
    method: Method
    event: VisitEvent
    subject: str
    body: str
    briefing: Attachment | None = None

    @property
    def uid(self) -> str:
        return self.event.uid

    @property
    def sequence(self) -> int:
        return self.event.sequence

    @property
    def to(self) -> str | None:
        return self.event.attendee.email if self.event.attendee else None

    def ics(self, *, embed_briefing: bool) -> bytes:
        """The iCalendar bytes; the briefing rides inside only when asked (for a saved file)."""
        briefing = self.briefing if embed_briefing else None
        data: bytes = visit_calendar(self.event, self.method, briefing).to_ical()
        return data

    def attachments(self) -> list[Attachment]:
        """What an email carries: the invite as `text/calendar` with its method, and the PDF."""
        invite = Attachment(
            "invite.ics", f"text/calendar; method={self.method}", self.ics(embed_briefing=False)
        )
        return [invite, *([self.briefing] if self.briefing is not None else [])]


@dataclass(frozen=True)
class IssuedInvite:
    """What issuing produced: the message for the salesperson now on the appointment and,
    when the appointment changed hands, the CANCEL for the one who had it."""

    message: InviteMessage
    withdrawn: InviteMessage | None = None


def office_organizer(smtp_url: str | None = None) -> Person:
    """The office as the invite's organizer: the sender of the mail server chosen by
    `smtp_url`, `CONSOLE_SMTP_URL` or Preferences (so the From line and the organizer
    agree), else an address on this computer's name."""
    from console.services.messages.smtp_url import parse_smtp_url, resolve_smtp_url

    try:
        chosen = resolve_smtp_url(smtp_url)
        if chosen:
            return Person(OFFICE_NAME, parse_smtp_url(chosen).sender)
    except InputError:
        pass  # a bad URL is refused where mail is sent; an organizer is still needed here
    host = socket.getfqdn().strip(".") or "localhost"
    return Person(OFFICE_NAME, f"dispatch-console@{host}")


def mail_address(person: Staff) -> str | None:
    """`person`'s email address when it is one a mail server would take, else None."""
    written = (person.email or "").strip()
    if not written:
        return None
    try:
        validate_email(written, check_deliverability=False)
    except EmailNotValidError:
        return None
    return written


def current_appointment(session: Session, referral: Referral) -> SalesAppointment | None:
    """The appointment the salesperson should go to, or None when there is none any more."""
    if referral.status in CALLED_OFF:
        return None
    return session.scalars(
        select(SalesAppointment)
        .where(SalesAppointment.referral_id == referral.id, SalesAppointment.cancelled_at.is_(None))
        .order_by(SalesAppointment.starts_at.desc(), SalesAppointment.id.desc())
        .limit(1)
    ).first()


def live_invite(session: Session, referral_id: int) -> CalendarInvite | None:
    """The invite whose event is still on the salesperson's calendar, if one was issued."""
    return session.scalars(
        select(CalendarInvite)
        .where(
            CalendarInvite.referral_id == referral_id,
            CalendarInvite.state == InviteState.SENT,
        )
        .order_by(CalendarInvite.id.desc())
        .limit(1)
    ).first()


def visit_location(session: Session, referral: Referral) -> str:
    """Where the salesperson drives: the referral's site, else the customer's address."""
    site_id = referral_site_ids(session, [referral.id]).get(referral.id)
    site = session.get(Site, site_id) if site_id is not None else None
    if site is not None and site.address:
        return site.address
    return referral.customer.address


def issue_invite(
    session: Session,
    referral_id: int,
    *,
    actor: str,
    sending: bool = False,
    organizer: Person | None = None,
    page_size: PageSize = PageSize.LETTER,
    now: dt.datetime | None = None,
) -> IssuedInvite:
    """The invite for the referral's current appointment, recorded as issued.

    `sending` asks for a message that can be mailed, so a salesperson without an email
    address is refused; a file can be saved without one. An appointment that has already
    started is refused: nobody needs an invite to the past.
    """
    at = now or utc_now()
    referral = session.get(Referral, referral_id)
    if referral is None:
        raise NotFound("referral", f"no referral with id {referral_id}")
    organizer = organizer or office_organizer()
    appointment = current_appointment(session, referral)
    invite = live_invite(session, referral_id)
    if appointment is None:
        if invite is None:
            raise InputError(
                "appointment",
                f"referral {referral_id} has no sales appointment ({referral.status.label});"
                f" set one first with: referral move {referral_id} appointment_set --at DATETIME",
            )
        return IssuedInvite(_cancel(session, invite, referral, organizer, actor, at, sending))
    salesperson = appointment.salesperson
    attendee = mail_address(salesperson)
    if sending and attendee is None:
        written = (salesperson.email or "").strip()
        problem = f"'{written}' is not an email address" if written else "has no email address"
        raise InputError(
            "salesperson",
            f"{salesperson.name} {problem}; correct it, or save the invite with -o FILE.ics",
        )
    if appointment.starts_at <= at:
        raise InputError(
            "appointment",
            f"referral {referral_id}: the appointment at {_when(appointment.starts_at)} is in"
            " the past; move it to a new time first",
        )
    location = visit_location(session, referral)
    withdrawn = None
    if invite is None:
        invite = _new_invite(session, referral, appointment, organizer, actor, at)
    else:
        said = (invite.starts_at, invite.duration_minutes, invite.location, invite.attendee)
        now_says = (appointment.starts_at, appointment.duration_minutes, location, attendee)
        if said != now_says:
            if invite.attendee and invite.attendee != attendee:
                withdrawn = _withdrawal(invite, referral, organizer, at)
            invite.sequence += 1
    invite.appointment_id = appointment.id
    invite.starts_at = appointment.starts_at
    invite.duration_minutes = appointment.duration_minutes
    invite.location = location
    invite.attendee = attendee
    invite.issued_at = at
    invite.issued_by = actor
    with stale_as_conflict(f"the calendar invite of referral {referral.id}"):
        session.flush()
    briefing = _briefing(session, referral, appointment, page_size, at)
    event = _event(referral, invite, organizer, Person(salesperson.name, attendee), at)
    method: Method = "REQUEST" if attendee else "PUBLISH"
    subject, body = _request_text(referral, invite, event)
    message = InviteMessage(referral.id, method, event, subject, body, briefing)
    if withdrawn is not None:
        withdrawn = replace(withdrawn, event=replace(withdrawn.event, sequence=invite.sequence))
    return IssuedInvite(message, withdrawn)


def _new_invite(
    session: Session,
    referral: Referral,
    appointment: SalesAppointment,
    organizer: Person,
    actor: str,
    at: dt.datetime,
) -> CalendarInvite:
    issued_before = session.scalar(
        select(func.count(CalendarInvite.id)).where(CalendarInvite.referral_id == referral.id)
    )
    domain = (organizer.email or "").rpartition("@")[2] or "dispatch-console.invalid"
    series = (issued_before or 0) + 1
    invite = CalendarInvite(
        referral_id=referral.id,
        appointment_id=appointment.id,
        # The random part keeps UIDs apart across databases (a fresh install counts referrals
        # from 1 again), so a salesperson's calendar never takes a new visit for an old one.
        uid=f"referral-{referral.id}-visit-{series}-{secrets.token_hex(4)}@{domain}",
        sequence=0,
        state=InviteState.SENT,
        starts_at=appointment.starts_at,
        duration_minutes=appointment.duration_minutes,
        created_at=at,
        issued_at=at,
        issued_by=actor,
    )
    session.add(invite)
    return invite


def _cancel(
    session: Session,
    invite: CalendarInvite,
    referral: Referral,
    organizer: Person,
    actor: str,
    at: dt.datetime,
    sending: bool,
) -> InviteMessage:
    if sending and not invite.attendee:
        raise InputError(
            "salesperson",
            f"the invite for referral {referral.id} went to nobody by email; save the"
            " cancellation with -o FILE.ics",
        )
    invite.sequence += 1
    invite.state = InviteState.CANCELLED
    invite.issued_at = at
    invite.issued_by = actor
    with stale_as_conflict(f"the calendar invite of referral {referral.id}"):
        session.flush()
    return _withdrawal(invite, referral, organizer, at)


def _withdrawal(
    invite: CalendarInvite, referral: Referral, organizer: Person, at: dt.datetime
) -> InviteMessage:
    """The CANCEL for what `invite` last told its attendee."""
    person = Person(_attendee_name(referral, invite), invite.attendee)
    event = _event(referral, invite, organizer, person, at)
    subject = f"Cancelled: {event.summary} ({_when(invite.starts_at)})"
    body = "\n".join(
        [
            f"The sales visit to {referral.customer.name} on {_when(invite.starts_at)}"
            f" ({office_zone().key}) is cancelled.",
            f"Referral {referral.id}: {referral.status.label}.",
        ]
    )
    return InviteMessage(referral.id, "CANCEL", event, subject, body)


def _attendee_name(referral: Referral, invite: CalendarInvite) -> str:
    if referral.salesperson is not None and referral.salesperson.email == invite.attendee:
        return referral.salesperson.name
    return invite.appointment.salesperson.name if invite.appointment else (invite.attendee or "")


def _event(
    referral: Referral,
    invite: CalendarInvite,
    organizer: Person,
    attendee: Person,
    at: dt.datetime,
) -> VisitEvent:
    technician: Staff = referral.technician
    return VisitEvent(
        uid=invite.uid,
        sequence=invite.sequence,
        starts_at=invite.starts_at,
        duration_minutes=invite.duration_minutes,
        summary=f"Sales visit: {referral.customer.name} — {_one_line(referral.pain_point)}",
        location=invite.location,
        description=_description(referral, invite),
        organizer=organizer,
        attendee=attendee,
        stamp=at,
        alarm_text=f"Call {technician.name} before you go"
        + (f": {technician.phone}" if technician.phone else ""),
    )


def _description(referral: Referral, invite: CalendarInvite) -> str:
    technician = referral.technician
    lines = [
        f"When: {_when(invite.starts_at)} ({office_zone().key}), {invite.duration_minutes} minutes",
        f"Referred by {technician.name}, phone {technician.phone}."
        if technician.phone
        else f"Referred by {technician.name} (no phone on file: ask the office for it).",
        f"Please call {technician.name} before you go: they saw the problem first-hand.",
        "",
        f"What the tech saw: {referral.pain_point}",
    ]
    if referral.recommendation:
        lines.append(f"What would help: {referral.recommendation}")
    if referral.customer.phone:
        lines.append(f"Customer phone: {referral.customer.phone}")
    lines.append(f"Referral {referral.id} in Dispatch Console; the briefing is attached.")
    return "\n".join(lines)


def _request_text(referral: Referral, invite: CalendarInvite, event: VisitEvent) -> tuple[str, str]:
    moved = invite.sequence > 0
    subject = f"{'Moved: ' if moved else ''}{event.summary} ({_when(invite.starts_at)})"
    opening = (
        "The sales visit has changed; your calendar updates the event it already has."
        if moved
        else "A sales visit for you; accept it to put it in your calendar."
    )
    where = f"Where: {invite.location}" if invite.location else "Where: no address on file"
    return subject, "\n".join([opening, "", where, event.description])


def _briefing(
    session: Session,
    referral: Referral,
    appointment: SalesAppointment,
    page_size: PageSize,
    at: dt.datetime,
) -> Attachment:
    content = briefing_content(session, referral.customer_id, appointment_id=appointment.id, now=at)
    name = f"briefing-{slug(referral.customer.name)}-{local(appointment.starts_at):%Y%m%d}.pdf"
    return Attachment(name, "application/pdf", render_briefing(content, page_size))


def _when(moment: dt.datetime) -> str:
    return f"{local(moment):%a %Y-%m-%d %H:%M}"


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= 80 else line[:79] + "…"
