"""What goes on a briefing sheet, read from the database in one unit of work.

The sheet names the site the salesperson goes to: the site of the referral's visit or
equipment, else the customer's first site; equipment and history rows carry their site.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.models import OPEN_STATUSES, SalesAppointment, ServiceVisit, Staff, VisitStatus
from console.services.briefing.attempts import attempt_lines
from console.services.customers import (
    CustomerOverview,
    EquipmentRow,
    NoteRow,
    ReferralRow,
    SiteRow,
    VisitRow,
    customer_overview,
    referral_site_ids,
    visit_history,
)
from console.services.errors import NotFound
from console.services.office_settings import load_office_settings
from console.services.office_time import utc_now


@dataclass(frozen=True)
class TechToCall:
    """A referring technician the salesperson should phone before going."""

    name: str
    phone: str | None
    last_visit: dt.datetime | None
    saw: list[str]


@dataclass(frozen=True)
class BriefingContent:
    customer: CustomerOverview
    open_referrals: list[ReferralRow]
    equipment: list[EquipmentRow]
    history: list[VisitRow]
    pinned_notes: list[NoteRow]
    other_notes: list[NoteRow]
    techs_to_call: list[TechToCall]
    appointment_at: dt.datetime | None = None
    salesperson: str | None = None
    printed_at: dt.datetime = field(default_factory=utc_now)
    site: SiteRow | None = None
    """Where the sales visit goes."""
    contact_attempts: dict[int, str] = field(default_factory=dict)
    """Per open referral, the tries to reach the customer so far, in one line."""

    @property
    def sites(self) -> list[SiteRow]:
        return self.customer.sites

    @property
    def visit_address(self) -> str:
        """The address to drive to: the visit's site, else the customer's own address."""
        if self.site is not None and self.site.address:
            return self.site.address
        return self.customer.address


def briefing_content(
    session: Session,
    customer_id: int,
    *,
    referral_id: int | None = None,
    appointment_id: int | None = None,
    history_visits: int | None = None,
    now: dt.datetime | None = None,
) -> BriefingContent:
    """One customer's briefing; a referral or appointment narrows the call box to its tech."""
    now = now or utc_now()
    settings = load_office_settings(session)
    overview = customer_overview(session, customer_id, now=now, settings=settings)
    limit = history_visits if history_visits is not None else settings.history_visits_on_briefing
    appointment_at = salesperson = None
    if appointment_id is not None:
        appointment = session.get(SalesAppointment, appointment_id)
        if appointment is None or appointment.referral.customer_id != customer_id:
            raise NotFound(
                "appointment", f"no sales appointment {appointment_id} for this customer"
            )
        referral_id = appointment.referral_id
        appointment_at = appointment.starts_at
        salesperson = appointment.salesperson.name
    open_referrals = [r for r in overview.referrals if r.status in OPEN_STATUSES]
    focus = open_referrals
    if referral_id is not None:
        focus = [r for r in overview.referrals if r.id == referral_id]
        if not focus:
            raise NotFound("referral", f"no referral {referral_id} for this customer")
        if focus[0] not in open_referrals:
            open_referrals = [focus[0], *open_referrals]
    return BriefingContent(
        site=_visit_site(session, overview.sites, focus if referral_id is not None else []),
        customer=overview,
        open_referrals=open_referrals,
        equipment=overview.equipment,
        history=visit_history(session, customer_id, limit=limit),
        pinned_notes=[note for note in overview.notes_list if note.pinned],
        other_notes=[note for note in overview.notes_list if not note.pinned],
        techs_to_call=_techs_to_call(session, customer_id, focus),
        contact_attempts=attempt_lines(session, [r.id for r in open_referrals]),
        appointment_at=appointment_at,
        salesperson=salesperson,
        printed_at=now,
    )


def _visit_site(session: Session, sites: list[SiteRow], focus: list[ReferralRow]) -> SiteRow | None:
    """The site of the referral the sheet is for; else the customer's first site."""
    wanted = referral_site_ids(session, [focus[0].id]).get(focus[0].id) if focus else None
    by_id = {site.id: site for site in sites}
    if wanted in by_id:
        return by_id[wanted]
    return sites[0] if sites else None


def _techs_to_call(
    session: Session, customer_id: int, referrals: list[ReferralRow]
) -> list[TechToCall]:
    by_name: dict[str, TechToCall] = {}
    for referral in referrals:
        entry = by_name.get(referral.technician)
        saw = f"{referral.pain_point}" + (f" ({referral.equipment})" if referral.equipment else "")
        if entry is None:
            by_name[referral.technician] = TechToCall(
                referral.technician,
                referral.technician_phone,
                _last_visit(session, customer_id, referral.technician),
                [saw],
            )
        elif saw not in entry.saw:
            entry.saw.append(saw)
    return list(by_name.values())


def _last_visit(session: Session, customer_id: int, technician: str) -> dt.datetime | None:
    return session.scalar(
        select(func.max(ServiceVisit.scheduled_for))
        .join(Staff, ServiceVisit.technician_id == Staff.id)
        .where(
            ServiceVisit.customer_id == customer_id,
            Staff.name == technician,
            ServiceVisit.status == VisitStatus.COMPLETED,
        )
    )
