"""Sales appointments: when the salesperson goes, and whether they spoke to the tech first.

A time typed at the desk without a zone is the office's wall-clock time; times are stored in
UTC and written back into messages in the office's zone. A booking carries its length (the
office's `appointment_minutes` unless the desk says otherwise) and a note for the salesperson
(access, gate code, best time) that prints on the briefing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from console.models import (
    OPEN_STATUSES,
    Customer,
    EventKind,
    Referral,
    ReferralEvent,
    ReferralStatus,
    SalesAppointment,
    Staff,
    StaffRole,
)
from console.services.errors import InputError, NotFound
from console.services.office.clock import as_utc, local, utc_now
from console.services.office.settings import APPOINTMENT_MINUTES, load_office_settings
from console.services.office.staff import find_staff
from console.services.referrals.lifecycle import (
    StepDetails,
    changed_elsewhere,
    move_referral,
    saving_referral,
)


@dataclass(frozen=True, slots=True)
class AppointmentRow:
    id: int
    referral_id: int
    customer_id: int
    customer: str
    city: str | None
    salesperson: str
    technician: str
    technician_phone: str | None
    starts_at: dt.datetime
    duration_minutes: int
    tech_consulted_at: dt.datetime | None
    briefing_printed_at: dt.datetime | None


NOTE_LENGTH = 2000


def checked_minutes(minutes: object) -> int:
    """The length of a booking, or a refusal naming the field."""
    low, high = APPOINTMENT_MINUTES
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not low <= minutes <= high:
        raise InputError("minutes", f"must be a whole number from {low} to {high}, not {minutes!r}")
    return minutes


def checked_note(note: str | None) -> str | None:
    """A booking note trimmed; None when blank."""
    text = (note or "").strip()
    if len(text) > NOTE_LENGTH:
        raise InputError("appointment note", f"at most {NOTE_LENGTH} characters, not {len(text)}")
    return text or None


def _describe(
    session: Session,
    appointment: SalesAppointment,
    minutes: int | None,
    note: str | None,
    note_given: bool,
    before: SalesAppointment | None = None,
) -> None:
    """Length and note of a booking: as given, else as the moved appointment had them, else
    the office's default length and no note. A note given blank (None) clears it."""
    if minutes is None:
        minutes = (
            before.duration_minutes
            if before is not None
            else load_office_settings(session).appointment_minutes
        )
    appointment.duration_minutes = minutes
    appointment.notes = note if note_given else (before.notes if before else None)


def set_booking_details(
    session: Session, referral_id: int, minutes: int | None = None, note: str | None = None
) -> SalesAppointment:
    """Give the referral's booked appointment its length and note (the command line's
    `--minutes` and `--appointment-note` after the appointment_set step)."""
    if minutes is not None:
        checked_minutes(minutes)
    text = checked_note(note)
    booked = _open_appointments(session, referral_id)
    if not booked:
        raise NotFound("appointment", f"referral {referral_id} has no appointment booked")
    _describe(session, booked[-1], minutes, text, note is not None)
    session.flush()
    return booked[-1]


def schedule_appointment(
    session: Session,
    referral_id: int,
    starts_at: dt.datetime,
    actor: str,
    salesperson: str | int | None = None,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
    *,
    minutes: int | None = None,
    note: str | None = None,
) -> SalesAppointment:
    """Set the referral's appointment; from contacted this is the appointment_set step.

    `starts_at` without a zone is the office's wall-clock time. Without `minutes` or `note`,
    a moved appointment keeps its length and note and a new one gets the office's length.
    """
    if minutes is not None:
        checked_minutes(minutes)
    text = checked_note(note) if note is not None else None
    referral = session.get(Referral, referral_id)
    if referral is None:
        raise NotFound("referral", f"no referral with id {referral_id}")
    at = now or utc_now()
    starts = as_utc(starts_at)
    with saving_referral(referral_id):
        if salesperson is not None:
            referral.salesperson_id = find_staff(session, salesperson, StaffRole.SALESPERSON).id
        if referral.status is not ReferralStatus.APPOINTMENT_SET:
            move_referral(
                session,
                referral,
                ReferralStatus.APPOINTMENT_SET,
                actor,
                StepDetails(appointment_at=starts),
                expected_version=expected_version,
                now=at,
            )
            moved_to = _open_appointments(session, referral_id)[-1]
            _describe(session, moved_to, minutes, text, note is not None)
            session.flush()
            _follow_invite(session, referral_id, actor, at)
            return moved_to
        if expected_version is not None and referral.version != expected_version:
            raise changed_elsewhere(referral_id)
        open_now = _open_appointments(session, referral_id)
        for existing in open_now:
            existing.cancelled_at = at
        appointment = SalesAppointment(
            referral_id=referral_id, salesperson_id=referral.salesperson_id, starts_at=starts
        )
        before = open_now[-1] if open_now else None
        _describe(session, appointment, minutes, text, note is not None, before)
        session.add(appointment)
        session.add(
            ReferralEvent(
                referral_id=referral_id,
                actor=actor,
                kind=EventKind.APPOINTMENT,
                at=at,
                note=f"Appointment moved to {local(starts):%Y-%m-%d %H:%M}",
            )
        )
        session.flush()
        _follow_invite(session, referral_id, actor, at)
    return appointment


def _follow_invite(session: Session, referral_id: int, actor: str, at: dt.datetime) -> None:
    """A salesperson who was emailed an invite gets the update in the same transaction."""
    from console.services.calendar.invite_mail import follow_invite

    follow_invite(session, referral_id, actor=actor, now=at)


def _open_appointments(session: Session, referral_id: int) -> list[SalesAppointment]:
    return list(
        session.scalars(
            select(SalesAppointment)
            .where(
                SalesAppointment.referral_id == referral_id, SalesAppointment.cancelled_at.is_(None)
            )
            .order_by(SalesAppointment.starts_at)
        )
    )


def mark_tech_consulted(
    session: Session, appointment_id: int, actor: str, now: dt.datetime | None = None
) -> None:
    appointment = session.get(SalesAppointment, appointment_id)
    if appointment is None:
        raise NotFound("appointment", f"no sales appointment {appointment_id}")
    at = now or utc_now()
    appointment.tech_consulted_at = at
    session.add(
        ReferralEvent(
            referral_id=appointment.referral_id,
            actor=actor,
            kind=EventKind.NOTE,
            at=at,
            note="Salesperson spoke with the referring tech before the visit",
        )
    )
    session.flush()


def appointments_between(
    session: Session, start: dt.datetime, end: dt.datetime
) -> list[AppointmentRow]:
    """Sales appointments starting in [start, end), in time order."""
    salesperson = aliased(Staff)
    technician = aliased(Staff)
    statement = (
        select(
            SalesAppointment.id,
            SalesAppointment.referral_id,
            Customer.id,
            Customer.name,
            Customer.city,
            salesperson.name,
            technician.name,
            technician.phone,
            SalesAppointment.starts_at,
            SalesAppointment.duration_minutes,
            SalesAppointment.tech_consulted_at,
            SalesAppointment.briefing_printed_at,
        )
        .join(Referral, SalesAppointment.referral_id == Referral.id)
        .join(Customer, Referral.customer_id == Customer.id)
        .join(salesperson, SalesAppointment.salesperson_id == salesperson.id)
        .join(technician, Referral.technician_id == technician.id)
        .where(
            SalesAppointment.starts_at >= start,
            SalesAppointment.starts_at < end,
            SalesAppointment.cancelled_at.is_(None),
        )
        .order_by(SalesAppointment.starts_at, SalesAppointment.id)
    )
    return [AppointmentRow(*tuple(row)) for row in session.execute(statement)]


def current_appointment(session: Session, referral_id: int) -> SalesAppointment | None:
    """The referral's booked appointment, if any (the latest when several are open)."""
    booked = _open_appointments(session, referral_id)
    return booked[-1] if booked else None


def appointment_to_brief(
    session: Session,
    customer_id: int,
    referral_id: int | None = None,
    now: dt.datetime | None = None,
) -> int | None:
    """The appointment a briefing printed for this customer (or referral) is for: the next one
    of an open referral still to come, else None. A sheet printed the morning of the visit
    still finds it."""
    earliest = (now or utc_now()) - dt.timedelta(hours=12)
    statement = (
        select(SalesAppointment.id)
        .join(Referral, SalesAppointment.referral_id == Referral.id)
        .where(
            Referral.customer_id == customer_id,
            Referral.status.in_(OPEN_STATUSES),
            SalesAppointment.cancelled_at.is_(None),
            SalesAppointment.starts_at >= earliest,
        )
        .order_by(SalesAppointment.starts_at, SalesAppointment.id)
        .limit(1)
    )
    if referral_id is not None:
        statement = statement.where(SalesAppointment.referral_id == referral_id)
    return session.scalar(statement)


def mark_briefing_printed(
    session: Session,
    appointment_ids: list[int],
    actor: str,
    at: dt.datetime | None = None,
) -> None:
    """Stamp each appointment's briefing as printed and say so on its referral's timeline."""
    moment = at or utc_now()
    for appointment_id in appointment_ids:
        appointment = session.get(SalesAppointment, appointment_id)
        if appointment is None:
            continue
        appointment.briefing_printed_at = moment
        session.add(
            ReferralEvent(
                referral_id=appointment.referral_id,
                actor=actor,
                kind=EventKind.BRIEFING_PRINTED,
                at=moment,
                note=f"Briefing printed (visit {local(appointment.starts_at):%Y-%m-%d %H:%M})",
            )
        )
    session.flush()
