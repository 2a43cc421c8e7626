"""One referral in full: its data, the referring tech, its contact attempts and the timeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.models import (
    EventKind,
    ReferralEvent,
    ReferralStatus,
    SalesAppointment,
    Staff,
    UpsellNote,
    Urgency,
)
from console.services.office.clock import utc_now
from console.services.office.settings import OfficeSettings, load_office_settings
from console.services.referrals.contact_attempts import (
    AttemptRow,
    AttemptSummary,
    attempts_by_event,
    summarise,
)
from console.services.referrals.lifecycle import allowed_steps, get_referral
from console.services.referrals.promptness import is_overdue


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One line of the timeline; an attempt's line carries the attempt it records."""

    at: dt.datetime
    actor: str
    kind: EventKind
    from_status: ReferralStatus | None
    to_status: ReferralStatus | None
    note: str | None
    attempt: AttemptRow | None = None

    @property
    def text(self) -> str:
        if self.kind is EventKind.ATTEMPT and self.attempt is not None:
            return self.attempt.text
        if self.kind is EventKind.CREATED:
            headline = "Referral recorded"
        elif self.kind is EventKind.STATUS and self.to_status is not None:
            before = self.from_status.label if self.from_status else "—"
            headline = f"{before} → {self.to_status.label}"
        else:
            headline = ""
        return " — ".join(part for part in (headline, self.note or "") if part)


@dataclass(frozen=True)
class ReferralDetail:
    id: int
    version: int
    status: ReferralStatus
    customer_id: int
    customer: str
    technician: str
    technician_phone: str | None
    salesperson: str | None
    salesperson_id: int | None
    pain_point: str
    recommendation: str | None
    urgency: Urgency
    estimated_value: Decimal | None
    won_value: Decimal | None
    lost_reason: str | None
    follow_up_on: dt.date | None
    created_at: dt.datetime
    first_contact_at: dt.datetime | None
    tech_informed_at: dt.datetime | None
    tech_thanked: bool
    spiff_amount: Decimal | None
    spiff_paid_at: dt.datetime | None
    equipment: str | None
    overdue: bool
    appointment_id: int | None
    appointment_at: dt.datetime | None
    tech_consulted_at: dt.datetime | None
    source_note_id: int | None
    allowed: tuple[ReferralStatus, ...]
    timeline: list[TimelineEntry]
    attempts: AttemptSummary | None = None

    @property
    def awaiting_tell_tech(self) -> bool:
        return (
            self.status in (ReferralStatus.WON, ReferralStatus.LOST)
            and self.tech_informed_at is None
        )


def referral_detail(
    session: Session,
    referral_id: int,
    now: dt.datetime | None = None,
    settings: OfficeSettings | None = None,
) -> ReferralDetail:
    referral = get_referral(session, referral_id)
    now = now or utc_now()
    settings = settings or load_office_settings(session)
    tech = referral.technician
    sales: Staff | None = referral.salesperson
    appointment = session.scalars(
        select(SalesAppointment)
        .where(SalesAppointment.referral_id == referral_id, SalesAppointment.cancelled_at.is_(None))
        .order_by(SalesAppointment.starts_at.desc())
        .limit(1)
    ).first()
    source_note = session.scalar(select(UpsellNote.id).where(UpsellNote.referral_id == referral_id))
    attempts = attempts_by_event(session, referral_id)
    events = session.scalars(
        select(ReferralEvent)
        .where(ReferralEvent.referral_id == referral_id)
        .order_by(ReferralEvent.at, ReferralEvent.id)
    )
    return ReferralDetail(
        id=referral.id,
        version=referral.version,
        status=referral.status,
        customer_id=referral.customer_id,
        customer=referral.customer.name,
        technician=tech.name,
        technician_phone=tech.phone,
        salesperson=sales.name if sales else None,
        salesperson_id=sales.id if sales else None,
        pain_point=referral.pain_point,
        recommendation=referral.recommendation,
        urgency=referral.urgency,
        estimated_value=referral.estimated_value,
        won_value=referral.won_value,
        lost_reason=referral.lost_reason,
        follow_up_on=referral.follow_up_on,
        created_at=referral.created_at,
        first_contact_at=referral.first_contact_at,
        tech_informed_at=referral.tech_informed_at,
        tech_thanked=referral.tech_thanked,
        spiff_amount=referral.spiff_amount,
        spiff_paid_at=referral.spiff_paid_at,
        equipment=referral.equipment.label if referral.equipment else None,
        overdue=is_overdue(
            referral.status, referral.created_at, referral.first_contact_at, now, settings
        ),
        appointment_id=appointment.id if appointment else None,
        appointment_at=appointment.starts_at if appointment else None,
        tech_consulted_at=appointment.tech_consulted_at if appointment else None,
        source_note_id=source_note,
        allowed=allowed_steps(referral.status),
        timeline=[
            TimelineEntry(
                event.at,
                event.actor,
                event.kind,
                event.from_status,
                event.to_status,
                event.note,
                attempts.get(event.id),
            )
            for event in events
        ],
        attempts=summarise(list(attempts.values())),
    )
