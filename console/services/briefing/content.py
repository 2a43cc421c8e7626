"""What goes on a briefing sheet, read from the database in one unit of work.

The sheet names the site the salesperson goes to: the site of the referral's visit or
equipment, else the customer's first site; equipment and history rows carry their site.
Visits still to come are "upcoming", apart from the history; equipment at or past its kind's
service life (office setting) is marked; the customer's decided referrals (won or lost; a
cancelled one was a mistake or a duplicate) are listed with their outcome and value.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from console.models import (
    OPEN_STATUSES,
    OUTCOME_STATUSES,
    Equipment,
    Referral,
    ReferralStatus,
    SalesAppointment,
    ServiceVisit,
    Staff,
    VisitStatus,
)
from console.services.briefing.attempts import attempt_lines
from console.services.briefing.before_you_go import HeadsUp, heads_ups
from console.services.customers.customer_360 import (
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
from console.services.office.clock import local_today, utc_now
from console.services.office.settings import OfficeSettings, load_office_settings
from console.services.schedule.equipment_life import whole_years

# Visits not yet done are only these; a cancelled one is left off the sheet.
_STILL_TO_COME = (VisitStatus.SCHEDULED, VisitStatus.IN_PROGRESS)


@dataclass(frozen=True)
class TechToCall:
    """A referring technician the salesperson should phone before going."""

    name: str
    phone: str | None
    last_visit: dt.datetime | None
    referrals: list[ReferralRow]
    """Their referrals this visit is about; what they saw is printed once, in the table."""


@dataclass(frozen=True, slots=True)
class PastReferral:
    """A referral of this customer that was decided: what came of it."""

    id: int
    status: ReferralStatus
    decided_at: dt.datetime
    value: Decimal | None
    equipment_kind: str | None
    technician: str
    pain_point: str
    lost_reason: str | None


@dataclass(frozen=True, slots=True)
class BookedVisit:
    """The sales appointment the sheet is for."""

    starts_at: dt.datetime
    minutes: int
    salesperson: str
    note: str | None

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.minutes)


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
    appointment: BookedVisit | None = None
    upcoming: list[VisitRow] = field(default_factory=list)
    """Visits still to come, soonest first."""
    past_visit_count: int = 0
    """Visits done or due, of which `history` holds the newest."""
    past_referrals: list[PastReferral] = field(default_factory=list)
    past_life: dict[int, int] = field(default_factory=dict)
    """Equipment at or past its kind's usual service life: id -> the life in years."""
    ages: dict[int, int] = field(default_factory=dict)
    """Equipment's age in whole years on the office's today (a birthday counts), by id."""
    heads_ups: list[HeadsUp] = field(default_factory=list)

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
    booked = None
    if appointment_id is not None:
        appointment = session.get(SalesAppointment, appointment_id)
        if appointment is None or appointment.referral.customer_id != customer_id:
            raise NotFound(
                "appointment", f"no sales appointment {appointment_id} for this customer"
            )
        referral_id = appointment.referral_id
        booked = BookedVisit(
            appointment.starts_at,
            appointment.duration_minutes,
            appointment.salesperson.name,
            appointment.notes,
        )
    open_referrals = [r for r in overview.referrals if r.status in OPEN_STATUSES]
    focus = open_referrals
    if referral_id is not None:
        focus = [r for r in overview.referrals if r.id == referral_id]
        if not focus:
            raise NotFound("referral", f"no referral {referral_id} for this customer")
        if focus[0] not in open_referrals:
            open_referrals = [focus[0], *open_referrals]
    upcoming = _upcoming(session, customer_id, now)
    history = [
        visit
        for visit in visit_history(session, customer_id, limit=limit + len(upcoming))
        if visit.id not in {coming.id for coming in upcoming} and not _cancelled_ahead(visit, now)
    ][:limit]
    return BriefingContent(
        site=_visit_site(session, overview.sites, focus if referral_id is not None else []),
        customer=overview,
        open_referrals=open_referrals,
        equipment=overview.equipment,
        history=history,
        pinned_notes=[note for note in overview.notes_list if note.pinned],
        other_notes=[note for note in overview.notes_list if not note.pinned],
        techs_to_call=_techs_to_call(session, customer_id, focus),
        contact_attempts=attempt_lines(session, [r.id for r in open_referrals]),
        appointment_at=booked.starts_at if booked else None,
        salesperson=booked.salesperson if booked else None,
        printed_at=now,
        appointment=booked,
        upcoming=upcoming,
        past_visit_count=_past_visit_count(session, customer_id, now),
        past_referrals=[
            past
            for past in past_referrals(session, customer_id)
            if past.id not in {shown.id for shown in open_referrals}
        ],
        past_life=_past_life(overview.equipment, settings, local_today(now)),
        ages={
            row.id: whole_years(row.installed_on, local_today(now))
            for row in overview.equipment
            if row.installed_on is not None
        },
        # From the visits the sheet prints, so each heads-up can be found again below it.
        heads_ups=heads_ups(history, overview.notes_list),
    )


def _cancelled_ahead(visit: VisitRow, now: dt.datetime) -> bool:
    return visit.status is VisitStatus.CANCELLED and visit.scheduled_for > now


def _upcoming(session: Session, customer_id: int, now: dt.datetime) -> list[VisitRow]:
    """Visits booked after `now` and not yet done, soonest first."""
    ahead = visit_history(session, customer_id, limit=50)
    coming = [v for v in ahead if v.scheduled_for > now and v.status in _STILL_TO_COME]
    return sorted(coming, key=lambda visit: visit.scheduled_for)


def _past_visit_count(session: Session, customer_id: int, now: dt.datetime) -> int:
    """Visits that are history: done, or due by now (a missed one still counts)."""
    count = session.scalar(
        select(func.count())
        .select_from(ServiceVisit)
        .where(
            ServiceVisit.customer_id == customer_id,
            or_(
                ServiceVisit.scheduled_for <= now,
                ServiceVisit.status == VisitStatus.COMPLETED,
            ),
        )
    )
    return int(count or 0)


def past_referrals(session: Session, customer_id: int) -> list[PastReferral]:
    """The customer's won and lost referrals, most recently decided first."""
    decided = func.coalesce(Referral.closed_at, Referral.created_at)
    statement = (
        select(
            Referral.id,
            Referral.status,
            decided,
            Referral.won_value,
            Referral.estimated_value,
            Equipment.kind,
            Staff.name,
            Referral.pain_point,
            Referral.lost_reason,
        )
        .join(Staff, Referral.technician_id == Staff.id)
        .outerjoin(Equipment, Referral.equipment_id == Equipment.id)
        .where(Referral.customer_id == customer_id, Referral.status.in_(OUTCOME_STATUSES))
        .order_by(decided.desc(), Referral.id.desc())
    )
    return [
        PastReferral(
            id=referral_id,
            status=status,
            decided_at=decided_at,
            value=won if status is ReferralStatus.WON else estimated,
            equipment_kind=kind,
            technician=technician,
            pain_point=pain_point,
            lost_reason=lost_reason,
        )
        for (
            referral_id,
            status,
            decided_at,
            won,
            estimated,
            kind,
            technician,
            pain_point,
            lost_reason,
        ) in session.execute(statement)
    ]


def _past_life(
    equipment: list[EquipmentRow], settings: OfficeSettings, today: dt.date
) -> dict[int, int]:
    """Equipment whose age in whole years has reached its kind's usual service life."""
    marked: dict[int, int] = {}
    for row in equipment:
        life = settings.service_life_of(row.kind)
        installed = row.installed_on
        if life is not None and installed is not None and whole_years(installed, today) >= life:
            marked[row.id] = life
    return marked


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
        if entry is None:
            by_name[referral.technician] = TechToCall(
                referral.technician,
                referral.technician_phone,
                _last_visit(session, customer_id, referral.technician),
                [referral],
            )
        else:
            entry.referrals.append(referral)
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
