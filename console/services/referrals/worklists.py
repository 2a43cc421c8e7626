"""The coordinator's worklists: what needs doing next, and for whom.

Every open status has a list, so no referral waits where nobody looks, beside the lists of
what to do next (overdue, contacted but no appointment yet, follow-ups, telling the tech).
Which list a referral is on is decided once, in Python, by `on_worklist`; the SQL for each
list only narrows the rows read. Lists come most urgent first: the earliest due moment
(first contact, next try, appointment, follow-up) leads, so overdue work is at the top.

Reading a worklist never writes. A not-now referral whose follow-up date has come is "due"
by the list's own condition; it stays `not_now` until someone takes the next step with it
through the lifecycle service, so two desks reading at once can never collide.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from console.models import (
    OPEN_STATUSES,
    OUTCOME_STATUSES,
    Customer,
    Referral,
    ReferralStatus,
    SalesAppointment,
    Staff,
    Urgency,
)
from console.services.office.clock import as_utc, local
from console.services.office.settings import OfficeSettings, load_office_settings
from console.services.referrals.contact_attempts import attempt_summaries
from console.services.referrals.promptness import (
    AWAITING_FIRST_CONTACT,
    first_contact_due,
    is_overdue,
    overdue_candidates,
)

RS = ReferralStatus


class Worklist(enum.StrEnum):
    """The lists, in the order the desk shows them: what to do first, then each status."""

    NEW = "new"
    OVERDUE = "overdue"
    NEEDS_APPOINTMENT = "needs_appointment"
    FOLLOW_UP = "follow_up"
    UPCOMING = "upcoming"
    AWAITING_OUTCOME = "awaiting_outcome"
    TELL_TECH = "tell_tech"
    ASSIGNED = "assigned"
    CONTACTED = "contacted"
    APPOINTMENT_SET = "appointment_set"
    QUOTED = "quoted"
    NOT_NOW = "not_now"
    OPEN = "open"
    ALL = "all"

    @property  # shadows str.title on purpose: the views ask a worklist for its title
    def title(self) -> str:  # type: ignore[override]
        return WORKLIST_TITLES[self]


WORKLIST_TITLES = {
    Worklist.NEW: "New / unassigned",
    Worklist.OVERDUE: "Overdue",
    Worklist.NEEDS_APPOINTMENT: "Contacted, needs an appointment",
    Worklist.FOLLOW_UP: "Follow-up due",
    Worklist.UPCOMING: "Upcoming appointments",
    Worklist.AWAITING_OUTCOME: "Awaiting outcome",
    Worklist.TELL_TECH: "Tell the tech",
    Worklist.ASSIGNED: "Assigned",
    Worklist.CONTACTED: "Contacted",
    Worklist.APPOINTMENT_SET: "Appointment set",
    Worklist.QUOTED: "Quoted",
    Worklist.NOT_NOW: "Not now",
    Worklist.OPEN: "All open",
    Worklist.ALL: "All",
}
DESK_WORKLISTS = tuple(which for which in Worklist if which is not Worklist.ALL)

# The statuses a list can hold at all: the SQL reads only these.
_STATUSES: dict[Worklist, frozenset[ReferralStatus]] = {
    Worklist.OVERDUE: frozenset(AWAITING_FIRST_CONTACT),
    Worklist.NEW: frozenset({RS.NEW}),
    Worklist.NEEDS_APPOINTMENT: frozenset({RS.CONTACTED}),
    Worklist.FOLLOW_UP: frozenset({RS.NOT_NOW, RS.ASSIGNED}),
    Worklist.UPCOMING: frozenset({RS.APPOINTMENT_SET}),
    Worklist.AWAITING_OUTCOME: frozenset({RS.APPOINTMENT_SET, RS.QUOTED}),
    Worklist.TELL_TECH: OUTCOME_STATUSES,
    Worklist.ASSIGNED: frozenset({RS.ASSIGNED}),
    Worklist.CONTACTED: frozenset({RS.CONTACTED}),
    Worklist.APPOINTMENT_SET: frozenset({RS.APPOINTMENT_SET}),
    Worklist.QUOTED: frozenset({RS.QUOTED}),
    Worklist.NOT_NOW: frozenset({RS.NOT_NOW}),
    Worklist.OPEN: OPEN_STATUSES,
}


@dataclass(frozen=True, slots=True)
class Due:
    """The next thing a referral waits for, and when: 'First contact' at 14:00."""

    what: str
    at: dt.datetime


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
    due_at: dt.datetime | None  # when the first contact is due, while it is awaited
    follow_up_due: bool
    recommendation: str | None = None
    category: str | None = None
    assignment: str | None = None  # how the salesperson was chosen: 'Round-robin', 'Manual'…
    attempts: int = 0
    last_attempt_at: dt.datetime | None = None
    next_try_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    due: Due | None = None
    tech_informed: bool = False  # the referring tech was told the outcome


def follow_up_due(today: dt.date) -> ColumnElement[bool]:
    """Referrals put off with "not now" whose follow-up date (an office day) has come."""
    return and_(Referral.status == RS.NOT_NOW, Referral.follow_up_on <= today)


def on_worklist(which: Worklist, item: WorkItem, now: dt.datetime) -> bool:
    """Whether `item` belongs on the list `which` at `now`: the one rule for every list."""
    status = item.status
    today = local(now).date()
    if which is Worklist.ALL:
        return True
    if status not in _STATUSES[which]:
        return False
    if which is Worklist.OVERDUE:
        return item.overdue
    if which is Worklist.NEEDS_APPOINTMENT:
        # A call back already booked for later is waiting on that call, not on the desk.
        return item.next_try_at is None or item.next_try_at <= now
    if which is Worklist.FOLLOW_UP:
        return item.follow_up_on is not None and item.follow_up_on <= today
    if which is Worklist.UPCOMING:
        return item.appointment_at is not None and item.appointment_at >= now
    if which is Worklist.AWAITING_OUTCOME:
        return status is RS.QUOTED or (
            item.appointment_at is not None and item.appointment_at < now
        )
    if which is Worklist.TELL_TECH:
        return not item.tech_informed
    return True


def most_urgent_first(item: WorkItem) -> tuple[int, dt.datetime, int]:
    """Sort key: the earliest due first (overdue ones lead), then the longest waiting."""
    if item.due is not None:
        return (0, item.due.at, item.id)
    return (1, waiting_since(item), item.id)


def waiting_since(item: WorkItem) -> dt.datetime:
    """Since when a referral with nothing due has waited in its status."""
    if item.status in OUTCOME_STATUSES and item.closed_at is not None:
        return item.closed_at
    if item.status is RS.CONTACTED and item.first_contact_at is not None:
        return item.first_contact_at
    return item.created_at


def matches(item: WorkItem, text: str) -> bool:
    """Whether every word of `text` is in the customer, the people or the referral's text."""
    words = text.casefold().split()
    if not words:
        return True
    haystack = " ".join(
        part
        for part in (
            item.customer,
            item.customer_phone,
            item.technician,
            item.salesperson,
            item.pain_point,
            item.recommendation,
        )
        if part
    ).casefold()
    return all(word in haystack for word in words)


def _next_due(
    status: ReferralStatus,
    due_at: dt.datetime | None,
    follow_up_on: dt.date | None,
    appointment_at: dt.datetime | None,
    next_try_at: dt.datetime | None,
    settings: OfficeSettings,
    now: dt.datetime,
) -> Due | None:
    if due_at is not None:
        return Due("First contact", due_at)
    if follow_up_on is not None and status in (RS.NOT_NOW, RS.ASSIGNED):
        opens = dt.datetime.combine(follow_up_on, dt.time(settings.business_day_start))
        return Due("Follow-up", as_utc(opens))
    if status is RS.APPOINTMENT_SET and appointment_at is not None:
        # Once the visit has been, its outcome is what the desk waits for.
        return Due("Appointment" if appointment_at >= now else "Outcome", appointment_at)
    if status in (RS.ASSIGNED, RS.CONTACTED, RS.QUOTED) and next_try_at is not None:
        return Due("Next try", next_try_at)
    return None


def _next_appointment() -> Select:
    return (
        select(
            SalesAppointment.referral_id, func.max(SalesAppointment.starts_at).label("starts_at")
        )
        .where(SalesAppointment.cancelled_at.is_(None))
        .group_by(SalesAppointment.referral_id)
    )


def _read(
    session: Session,
    condition: ColumnElement[bool] | None,
    now: dt.datetime,
    settings: OfficeSettings,
    salesperson_id: int | None,
    technician_id: int | None,
    status: ReferralStatus | None,
) -> list[WorkItem]:
    """The referrals meeting `condition` as work items, with their attempts, in one go."""
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
        .order_by(Referral.created_at.desc(), Referral.id.desc())
    )
    if condition is not None:
        statement = statement.where(condition)
    if salesperson_id is not None:
        statement = statement.where(Referral.salesperson_id == salesperson_id)
    if technician_id is not None:
        statement = statement.where(Referral.technician_id == technician_id)
    if status is not None:
        statement = statement.where(Referral.status == status)
    rows = session.execute(statement).all()
    attempts = attempt_summaries(session, [row[0].id for row in rows])
    today = local(now).date()
    items = []
    for referral, customer, customer_phone, tech, tech_phone, sales, appointment in rows:
        summary = attempts.get(referral.id)
        next_try = summary.last.next_try_at if summary else None
        awaiting = referral.first_contact_at is None and referral.status in AWAITING_FIRST_CONTACT
        due_at = first_contact_due(referral.created_at, settings) if awaiting else None
        assignment = getattr(referral, "assignment", None)  # read where the office records it
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
                overdue=is_overdue(
                    referral.status, referral.created_at, referral.first_contact_at, now, settings
                ),
                due_at=due_at,
                follow_up_due=(
                    referral.status is RS.NOT_NOW
                    and referral.follow_up_on is not None
                    and referral.follow_up_on <= today
                ),
                recommendation=referral.recommendation,
                category=referral.category,
                assignment=str(getattr(assignment, "label", assignment)) if assignment else None,
                attempts=summary.count if summary else 0,
                last_attempt_at=summary.last.at if summary else None,
                next_try_at=next_try,
                closed_at=referral.closed_at,
                due=_next_due(
                    referral.status,
                    due_at,
                    referral.follow_up_on,
                    appointment,
                    next_try,
                    settings,
                    now,
                ),
                tech_informed=referral.tech_informed_at is not None,
            )
        )
    return items


def _narrowing(which: Worklist, now: dt.datetime, settings: OfficeSettings) -> ColumnElement[bool]:
    """A SQL condition that keeps every referral on `which` (and perhaps a few more)."""
    if which is Worklist.OVERDUE:
        return overdue_candidates(now, settings)
    condition = Referral.status.in_(sorted(_STATUSES[which]))
    if which is Worklist.TELL_TECH:
        return and_(condition, Referral.tech_informed_at.is_(None))
    if which is Worklist.FOLLOW_UP:
        return and_(condition, Referral.follow_up_on <= local(now).date())
    return condition


def _ordered(which: Worklist, items: Iterable[WorkItem], limit: int | None) -> list[WorkItem]:
    """Most urgent first; the list of everything stays newest first, as it was read."""
    ordered = list(items) if which is Worklist.ALL else sorted(items, key=most_urgent_first)
    return ordered[:limit] if limit is not None else ordered


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
    condition = None if which is Worklist.ALL else _narrowing(which, now, settings)
    items = _read(session, condition, now, settings, salesperson_id, technician_id, status)
    return _ordered(which, (item for item in items if on_worklist(which, item, now)), limit)


def desk_worklists(
    session: Session,
    *,
    now: dt.datetime | None = None,
    settings: OfficeSettings | None = None,
    salesperson_id: int | None = None,
    technician_id: int | None = None,
) -> dict[Worklist, list[WorkItem]]:
    """Every desk worklist at once from one read: the tabs count them, the open tab shows one."""
    now = now or dt.datetime.now(dt.UTC)
    settings = settings or load_office_settings(session)
    worked_on = or_(
        Referral.status.in_(sorted(OPEN_STATUSES)),
        and_(Referral.status.in_(sorted(OUTCOME_STATUSES)), Referral.tech_informed_at.is_(None)),
    )
    items = _read(session, worked_on, now, settings, salesperson_id, technician_id, None)
    return {
        which: _ordered(which, (item for item in items if on_worklist(which, item, now)), None)
        for which in DESK_WORKLISTS
    }
