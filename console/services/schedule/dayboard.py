"""The dispatcher's day: each technician's visits, the sales appointments, and who is nearby.

Nearby compares places served: each visit's site, and the site the sales appointment goes to
(its referral's visit or equipment site, else the customer's first site). A technician is
nearby when one of their visits that day is in the same town or at the same postal code and
starts within two hours of the appointment; each technician is listed once, at their best
visit: those in the appointment's town first, then the closest in time. Towns compare trimmed and in
any case. Postal codes compare as a US ZIP's five digits (62701-1234 is 62701), a UK postcode's
outward code ("SW1A" of "SW1A 1AA"), and any other code whole, spaces and case aside: the first
digits of a ZIP span many towns, so they say nothing about who is close.

A day is the office's day: from its local midnight to the next, 23 or 25 hours long when the
clocks change. Times typed without a zone are the office's wall-clock time.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from console.models import (
    Customer,
    Referral,
    ReferralStatus,
    ServiceVisit,
    Site,
    Staff,
    StaffRole,
    VisitStatus,
)
from console.services.customers.customer_360 import referral_site_ids
from console.services.errors import Conflict, InputError, NotFound
from console.services.office.clock import as_utc, day_bounds, local
from console.services.office.staff import find_staff
from console.services.records import named_customer, named_equipment
from console.services.schedule.appointments import AppointmentRow, appointments_between
from console.services.schedule.equipment_life import headsups_for_visits

VISIT_MINUTES = 90
NEARBY_WITHIN = dt.timedelta(hours=2)
US_ZIP = re.compile(r"^(\d{5})([- ]?\d{4})?$")
UK_POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?) ?\d[A-Z]{2}$")


@dataclass(frozen=True, slots=True)
class BoardVisit:
    id: int
    starts_at: dt.datetime
    customer_id: int
    customer: str
    city: str | None
    postal_code: str | None
    problem: str | None
    status: VisitStatus
    technician_id: int | None
    equipment_id: int | None
    version: int


@dataclass
class TechnicianDay:
    id: int
    name: str
    phone: str | None
    awaiting_tell_tech: int
    visits: list[BoardVisit] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class NearbyTech:
    name: str
    phone: str | None
    at: dt.datetime
    customer: str
    place: str
    gap: dt.timedelta = dt.timedelta(0)
    """How far the visit's start is from the appointment's, either way."""

    @property
    def label(self) -> str:
        """One line for the board and the sheet: "Bo Tech · 555-0102 · 13:00 in Salem".

        The phone stands between dots, not in brackets, since phones often carry their own
        ("(630) 555-5796")."""
        phone = self.phone.strip() if self.phone and self.phone.strip() else "no phone"
        where = f" in {self.place}" if self.place else ""
        return f"{self.name} · {phone} · {local(self.at):%H:%M}{where}"


@dataclass
class DayBoard:
    day: dt.date
    technicians: list[TechnicianDay]
    appointments: list[AppointmentRow]
    nearby: dict[int, list[NearbyTech]]
    headsups: dict[int, list[str]] = field(default_factory=dict)
    """Per visit, old equipment at its site worth a look ("the boiler here is 19 years old")."""


def counted(number: int, noun: str) -> str:
    """A count with its noun agreeing: "1 visit", "3 visits", "1 sales appointment"."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _visits_between(session: Session, start: dt.datetime, end: dt.datetime) -> list[BoardVisit]:
    statement = (
        select(
            ServiceVisit.id,
            ServiceVisit.scheduled_for,
            Customer.id,
            Customer.name,
            func.coalesce(Site.city, Customer.city),
            func.coalesce(Site.postal_code, Customer.postal_code),
            ServiceVisit.problem,
            ServiceVisit.status,
            ServiceVisit.technician_id,
            ServiceVisit.equipment_id,
            ServiceVisit.version,
        )
        .join(Customer, ServiceVisit.customer_id == Customer.id)
        .outerjoin(Site, ServiceVisit.site_id == Site.id)
        .where(ServiceVisit.scheduled_for >= start, ServiceVisit.scheduled_for < end)
        .order_by(ServiceVisit.scheduled_for, ServiceVisit.id)
    )
    return [BoardVisit(*row) for row in session.execute(statement)]


def postal_code_key(code: str | None) -> str | None:
    """A postal code as it compares: a US ZIP's five digits, a UK outward code, else the whole
    code (upper case, without spaces); None for no code."""
    if not code or not code.strip():
        return None
    normal = " ".join(code.upper().split())
    if zip_code := US_ZIP.match(normal):
        return zip_code.group(1)
    if postcode := UK_POSTCODE.match(normal):
        return postcode.group(1)
    return normal.replace(" ", "")


def same_town(a_city: str | None, b_city: str | None) -> bool:
    """The same town, trimmed and in any case; an empty town matches nothing."""
    a_town = " ".join((a_city or "").split()).casefold()
    return bool(a_town) and a_town == " ".join((b_city or "").split()).casefold()


def same_area(
    a_city: str | None, a_postal: str | None, b_city: str | None, b_postal: str | None
) -> bool:
    """The same town, or the same postal code (see `postal_code_key`)."""
    if same_town(a_city, b_city):
        return True
    key = postal_code_key(a_postal)
    return key is not None and key == postal_code_key(b_postal)


def techs_nearby(
    appointment_at: dt.datetime,
    city: str | None,
    postal: str | None,
    visits: list[BoardVisit],
    technicians: dict[int, TechnicianDay],
) -> list[NearbyTech]:
    """Active technicians with a visit in the appointment's area within `NEARBY_WITHIN` of it:
    each once, at their best visit: one in the appointment's town before one that only shares
    its postal code (a tech down the street beats one across the ZIP), then the closest in time.
    Technicians come in the same order."""
    best: dict[int, tuple[tuple[bool, dt.timedelta], NearbyTech]] = {}
    for visit in visits:
        tech = technicians.get(visit.technician_id or -1)
        if tech is None or visit.status is VisitStatus.CANCELLED:
            continue
        gap = abs(visit.starts_at - appointment_at)
        if gap > NEARBY_WITHIN or not same_area(city, postal, visit.city, visit.postal_code):
            continue
        rank = (not same_town(city, visit.city), gap)
        known = best.get(tech.id)
        if known is None or rank < known[0]:
            place = (visit.city or visit.postal_code or "").strip()
            near = NearbyTech(tech.name, tech.phone, visit.starts_at, visit.customer, place, gap)
            best[tech.id] = (rank, near)
    ranked = sorted(best.values(), key=lambda found: (found[0], found[1].at, found[1].name))
    return [near for _rank, near in ranked]


def day_board(session: Session, day: dt.date) -> DayBoard:
    """The office's `day`: every active technician's visits, and the sales appointments."""
    start, end = day_bounds(day)
    waiting = dict(
        session.execute(
            select(Referral.technician_id, func.count())
            .where(
                Referral.status.in_((ReferralStatus.WON, ReferralStatus.LOST)),
                Referral.tech_informed_at.is_(None),
            )
            .group_by(Referral.technician_id)
        ).all()
    )
    technicians = {
        person.id: TechnicianDay(person.id, person.name, person.phone, waiting.get(person.id, 0))
        for person in session.scalars(
            select(Staff)
            .where(Staff.role == StaffRole.TECHNICIAN, Staff.active.is_(True))
            .order_by(Staff.name)
        )
    }
    visits = _visits_between(session, start, end)
    headsups = headsups_for_visits(session, [visit.id for visit in visits], today=day)
    for visit in visits:
        if visit.technician_id in technicians:
            technicians[visit.technician_id].visits.append(visit)
    appointments = appointments_between(session, start, end)
    places = _appointment_places(session, appointments)
    nearby: dict[int, list[NearbyTech]] = {}
    for appointment in appointments:
        city, postal = places.get(appointment.id, (None, None))
        found = techs_nearby(appointment.starts_at, city, postal, visits, technicians)
        if found:
            nearby[appointment.id] = found
    return DayBoard(day, list(technicians.values()), appointments, nearby, headsups)


def _appointment_places(
    session: Session, appointments: list[AppointmentRow]
) -> dict[int, tuple[str | None, str | None]]:
    """Each appointment's town and postal code: its site's, else its customer's."""
    site_of = referral_site_ids(session, [a.referral_id for a in appointments])
    site_ids = {site_id for site_id in site_of.values() if site_id is not None}
    sites = {
        row.id: (row.city, row.postal_code)
        for row in session.execute(
            select(Site.id, Site.city, Site.postal_code).where(Site.id.in_(site_ids))
        )
    }
    customers = {
        row.id: (row.city, row.postal_code)
        for row in session.execute(
            select(Customer.id, Customer.city, Customer.postal_code).where(
                Customer.id.in_([a.customer_id for a in appointments])
            )
        )
    }
    places = {}
    for appointment in appointments:
        site_id = site_of.get(appointment.referral_id)
        place = sites.get(site_id) if site_id is not None else None
        places[appointment.id] = place or customers.get(appointment.customer_id, (None, None))
    return places


@dataclass(frozen=True)
class Overlap:
    visit_id: int
    starts_at: dt.datetime
    customer: str


def visit_conflicts(
    session: Session,
    technician_id: int,
    starts_at: dt.datetime,
    minutes: int = VISIT_MINUTES,
    exclude_visit_id: int | None = None,
) -> list[Overlap]:
    """The technician's other visits that overlap this slot (each visit takes VISIT_MINUTES)."""
    starts_at = as_utc(starts_at)
    window_start = starts_at - dt.timedelta(minutes=VISIT_MINUTES)
    window_end = starts_at + dt.timedelta(minutes=minutes)
    statement = (
        select(ServiceVisit.id, ServiceVisit.scheduled_for, Customer.name)
        .join(Customer, ServiceVisit.customer_id == Customer.id)
        .where(
            ServiceVisit.technician_id == technician_id,
            ServiceVisit.status != VisitStatus.CANCELLED,
            ServiceVisit.scheduled_for > window_start,
            ServiceVisit.scheduled_for < window_end,
        )
        .order_by(ServiceVisit.scheduled_for)
    )
    return [
        Overlap(visit_id, scheduled, name)
        for visit_id, scheduled, name in session.execute(statement)
        if visit_id != exclude_visit_id
    ]


class ScheduleConflict(InputError):
    def __init__(self, conflicts: list[Overlap]) -> None:
        listed = "; ".join(f"{local(c.starts_at):%H:%M} at {c.customer}" for c in conflicts)
        super().__init__("time", f"the technician is already booked then: {listed}")
        self.conflicts = conflicts


class VisitChanged(Conflict):
    """Another desk moved or changed the visit since it was read; `theirs` is how it is now."""

    def __init__(self, visit_id: int, theirs: str, version: int) -> None:
        super().__init__(f"visit {visit_id} was changed on another desk: now {theirs}")
        self.theirs = theirs
        self.version = version


def visit_summary(session: Session, visit: ServiceVisit) -> str:
    """When, with whom and why, in one line: what a dispatcher compares."""
    technician = session.get(Staff, visit.technician_id) if visit.technician_id else None
    when = local(visit.scheduled_for).strftime("%Y-%m-%d %H:%M")
    who = technician.name if technician else "no technician"
    return f"{when} with {who}" + (f" ({visit.problem})" if visit.problem else "")


def _changed_visit(session: Session, visit_id: int) -> VisitChanged:
    visit = session.get(ServiceVisit, visit_id, populate_existing=True)
    if visit is None:
        raise NotFound("visit", f"visit {visit_id} was removed on another desk")
    return VisitChanged(visit_id, visit_summary(session, visit), visit.version)


def schedule_visit(
    session: Session,
    *,
    customer_id: int,
    technician: str | int,
    starts_at: dt.datetime,
    problem: str | None = None,
    equipment_id: int | None = None,
    visit_id: int | None = None,
    expected_version: int | None = None,
    accept_overlap: bool = False,
    site_id: int | None = None,
) -> ServiceVisit:
    """Book a visit (or move one); an overlap is refused unless the dispatcher accepts it.

    A move names the version it was read at; if another desk changed the visit since, the move
    is refused with `VisitChanged`, which says how the visit stands now. `starts_at` without a
    zone is the office's wall-clock time. The visit goes to `site_id`, else to the site of its
    equipment, else (a new visit) to the customer's first site; a site of another customer is
    refused.
    """
    starts_at = as_utc(starts_at)
    named_customer(session, customer_id)
    tech = find_staff(session, technician, StaffRole.TECHNICIAN, "technician")
    if site_id is not None:
        site = session.get(Site, site_id)
        if site is None or site.customer_id != customer_id:
            raise NotFound("site", f"no site {site_id} at this customer")
    if equipment_id is not None:
        equipment = named_equipment(session, customer_id, equipment_id)
        site_id = site_id if site_id is not None else equipment.site_id
    conflicts = visit_conflicts(session, tech.id, starts_at, exclude_visit_id=visit_id)
    if conflicts and not accept_overlap:
        raise ScheduleConflict(conflicts)
    if visit_id is None:
        visit = ServiceVisit(
            customer_id=customer_id, status=VisitStatus.SCHEDULED, scheduled_for=starts_at
        )
        session.add(visit)
    else:
        found = session.get(ServiceVisit, visit_id, populate_existing=True)
        if found is None:
            raise NotFound("visit", f"no visit {visit_id}")
        if expected_version is not None and found.version != expected_version:
            raise _changed_visit(session, visit_id)
        visit = found
    visit.technician_id = tech.id
    visit.scheduled_for = starts_at
    visit.problem = (problem or "").strip() or visit.problem
    visit.equipment_id = equipment_id if equipment_id is not None else visit.equipment_id
    visit.site_id = site_id if site_id is not None else visit.site_id
    try:
        session.flush()
    except StaleDataError:
        assert visit_id is not None
        with Session(session.get_bind()) as fresh:
            raise _changed_visit(fresh, visit_id) from None
    return visit
