"""The coordinator's worklists: what needs doing next, and for whom.

Reading a worklist never writes. A not-now referral whose follow-up date has come is "due"
by the query's own condition; it stays `not_now` until someone takes the next step with it
through the lifecycle service, so two desks reading at once can never collide.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from console.models import Customer, Referral, ReferralStatus, SalesAppointment, Staff, Urgency
from console.services.office_settings import OfficeSettings, load_office_settings
from console.services.office_time import local
from console.services.promptness import first_contact_due, is_overdue, overdue_candidates

RS = ReferralStatus


class Worklist(enum.StrEnum):
    NEW = "new"
    OVERDUE = "overdue"
    UPCOMING = "upcoming"
    AWAITING_OUTCOME = "awaiting_outcome"
    TELL_TECH = "tell_tech"
    FOLLOW_UP = "follow_up"
    OPEN = "open"
    ALL = "all"

    @property  # shadows str.title on purpose: the views ask a worklist for its title
    def title(self) -> str:  # type: ignore[override]
        return WORKLIST_TITLES[self]


WORKLIST_TITLES = {
    Worklist.NEW: "New / unassigned",
    Worklist.OVERDUE: "Overdue",
    Worklist.UPCOMING: "Upcoming appointments",
    Worklist.AWAITING_OUTCOME: "Awaiting outcome",
    Worklist.TELL_TECH: "Tell the tech",
    Worklist.FOLLOW_UP: "Follow-up due",
    Worklist.OPEN: "All open",
    Worklist.ALL: "All",
}
DESK_WORKLISTS = (
    Worklist.NEW,
    Worklist.OVERDUE,
    Worklist.UPCOMING,
    Worklist.AWAITING_OUTCOME,
    Worklist.TELL_TECH,
    Worklist.FOLLOW_UP,
)


@dataclass(frozen=True, slots=True)
class WorkItem:
    id: int
    version: int
    status: ReferralStatus
    customer_id: int
    customer: str
    customer_phone: str | None
    technician_id: int
    technician: str
    technician_phone: str | None
    salesperson: str | None
    created_at: dt.datetime
    first_contact_at: dt.datetime | None
    pain_point: str
    urgency: Urgency
    estimated_value: Decimal | None
    won_value: Decimal | None
    appointment_at: dt.datetime | None
    follow_up_on: dt.date | None
    overdue: bool
    due_at: dt.datetime | None
    follow_up_due: bool


def follow_up_due(today: dt.date) -> ColumnElement[bool]:
    """Referrals put off with "not now" whose follow-up date (an office day) has come."""
    return and_(Referral.status == RS.NOT_NOW, Referral.follow_up_on <= today)


def _is_follow_up_due(referral: Referral, today: dt.date) -> bool:
    return (
        referral.status is RS.NOT_NOW
        and referral.follow_up_on is not None
        and referral.follow_up_on <= today
    )


def _next_appointment() -> Select:
    return (
        select(
            SalesAppointment.referral_id, func.max(SalesAppointment.starts_at).label("starts_at")
        )
        .where(SalesAppointment.cancelled_at.is_(None))
        .group_by(SalesAppointment.referral_id)
    )


def worklist(
    session: Session,
    which: Worklist | str,
    *,
    now: dt.datetime | None = None,
    settings: OfficeSettings | None = None,
    salesperson_id: int | None = None,
    technician_id: int | None = None,
    status: ReferralStatus | None = None,
    limit: int | None = None,
) -> list[WorkItem]:
    """The referrals on one worklist, most urgent first. Reads only."""
    which = Worklist(which)
    now = now or dt.datetime.now(dt.UTC)
    settings = settings or load_office_settings(session)  # also puts the office's zone in use
    today = local(now).date()
    technician = aliased(Staff)
    salesperson = aliased(Staff)
    appointments = _next_appointment().subquery()
    statement = (
        select(
            Referral,
            Customer.name,
            Customer.phone,
            technician.name,
            technician.phone,
            salesperson.name,
            appointments.c.starts_at,
        )
        .join(Customer, Referral.customer_id == Customer.id)
        .join(technician, Referral.technician_id == technician.id)
        .outerjoin(salesperson, Referral.salesperson_id == salesperson.id)
        .outerjoin(appointments, appointments.c.referral_id == Referral.id)
    )
    order = [Referral.created_at.asc(), Referral.id]
    if which is Worklist.NEW:
        statement = statement.where(Referral.status == RS.NEW)
    elif which is Worklist.OVERDUE:
        statement = statement.where(overdue_candidates(now, settings))
    elif which is Worklist.UPCOMING:
        statement = statement.where(
            Referral.status == RS.APPOINTMENT_SET, appointments.c.starts_at >= now
        )
        order = [appointments.c.starts_at.asc(), Referral.id]
    elif which is Worklist.AWAITING_OUTCOME:
        statement = statement.where(
            or_(
                Referral.status == RS.QUOTED,
                and_(Referral.status == RS.APPOINTMENT_SET, appointments.c.starts_at < now),
            )
        )
    elif which is Worklist.TELL_TECH:
        statement = statement.where(
            Referral.status.in_((RS.WON, RS.LOST)), Referral.tech_informed_at.is_(None)
        )
        order = [Referral.closed_at.asc(), Referral.id]
    elif which is Worklist.FOLLOW_UP:
        statement = statement.where(
            or_(
                follow_up_due(today),
                and_(Referral.status == RS.ASSIGNED, Referral.follow_up_on <= today),
            )
        )
        order = [Referral.follow_up_on.asc(), Referral.id]
    elif which is Worklist.OPEN:
        statement = statement.where(Referral.status.not_in((RS.WON, RS.LOST, RS.CANCELLED)))
    else:
        order = [Referral.created_at.desc(), Referral.id.desc()]
    if salesperson_id is not None:
        statement = statement.where(Referral.salesperson_id == salesperson_id)
    if technician_id is not None:
        statement = statement.where(Referral.technician_id == technician_id)
    if status is not None:
        statement = statement.where(Referral.status == status)
    statement = statement.order_by(*order)
    if limit is not None and which is not Worklist.OVERDUE:
        statement = statement.limit(limit)
    items = []
    for referral, customer, customer_phone, tech, tech_phone, sales, appointment in session.execute(
        statement
    ):
        overdue = is_overdue(
            referral.status, referral.created_at, referral.first_contact_at, now, settings
        )
        if which is Worklist.OVERDUE and not overdue:
            continue
        awaiting = referral.first_contact_at is None and referral.status in (RS.NEW, RS.ASSIGNED)
        items.append(
            WorkItem(
                id=referral.id,
                version=referral.version,
                status=referral.status,
                customer_id=referral.customer_id,
                customer=customer,
                customer_phone=customer_phone,
                technician_id=referral.technician_id,
                technician=tech,
                technician_phone=tech_phone,
                salesperson=sales,
                created_at=referral.created_at,
                first_contact_at=referral.first_contact_at,
                pain_point=referral.pain_point,
                urgency=referral.urgency,
                estimated_value=referral.estimated_value,
                won_value=referral.won_value,
                appointment_at=appointment,
                follow_up_on=referral.follow_up_on,
                overdue=overdue,
                due_at=first_contact_due(referral.created_at, settings) if awaiting else None,
                follow_up_due=_is_follow_up_due(referral, today),
            )
        )
    return items[:limit] if limit is not None else items


def desk_worklists(
    session: Session,
    *,
    now: dt.datetime | None = None,
    settings: OfficeSettings | None = None,
    salesperson_id: int | None = None,
    technician_id: int | None = None,
) -> dict[Worklist, list[WorkItem]]:
    """Every desk worklist at once: the tab titles count them, the open tab shows one."""
    settings = settings or load_office_settings(session)
    return {
        which: worklist(
            session,
            which,
            now=now,
            settings=settings,
            salesperson_id=salesperson_id,
            technician_id=technician_id,
        )
        for which in DESK_WORKLISTS
    }
