"""Sales appointments: when the salesperson goes, and whether they spoke to the tech first.

A time typed at the desk without a zone is the office's wall-clock time; times are stored in
UTC and written back into messages in the office's zone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from console.models import (
    Customer,
    EventKind,
    Referral,
    ReferralEvent,
    ReferralStatus,
    SalesAppointment,
    Staff,
    StaffRole,
)
from console.services.errors import NotFound
from console.services.office_time import as_utc, local, utc_now
from console.services.referrals import (
    StepDetails,
    changed_elsewhere,
    move_referral,
    saving_referral,
)
from console.services.staff import find_staff


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


def schedule_appointment(
    session: Session,
    referral_id: int,
    starts_at: dt.datetime,
    actor: str,
    salesperson: str | int | None = None,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> SalesAppointment:
    """Set the referral's appointment; from contacted this is the appointment_set step.

    `starts_at` without a zone is the office's wall-clock time.
    """
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
            _follow_invite(session, referral_id, actor, at)
            return moved_to
        if expected_version is not None and referral.version != expected_version:
            raise changed_elsewhere(referral_id)
        for existing in _open_appointments(session, referral_id):
            existing.cancelled_at = at
        appointment = SalesAppointment(
            referral_id=referral_id, salesperson_id=referral.salesperson_id, starts_at=starts
        )
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
