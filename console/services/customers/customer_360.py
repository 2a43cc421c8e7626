"""The customer 360: everything the desk needs about one customer, read in one unit of work.

A customer is served at one or more sites; the 360 lists them with their counts, and each
site's own equipment and visits are one more read (`site_detail`).

The reads are Core statements built once, with the customer as a bound parameter, run on the
session's connection: building a statement and the ORM's row handling cost more than the
queries themselves when the desk opens one customer after another.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session, aliased

from console.models import (
    OPEN_STATUSES,
    Customer,
    Equipment,
    Referral,
    ReferralStatus,
    ServiceVisit,
    Site,
    Staff,
    UpsellNote,
    Urgency,
    VisitStatus,
)
from console.models.customer import one_line_address
from console.models.equipment import equipment_label
from console.services.office.settings import OfficeSettings, load_office_settings
from console.services.referrals.lifecycle import awaits_tell_tech
from console.services.referrals.promptness import is_overdue


class CustomerNotFound(LookupError):
    pass


@dataclass(frozen=True, slots=True)
class EquipmentRow:
    id: int
    kind: str
    make: str | None
    model: str | None
    serial: str | None
    installed_on: dt.date | None
    location: str | None
    age_years: float | None
    site_id: int | None = None
    site: str | None = None

    @property
    def label(self) -> str:
        return " ".join(part for part in (self.kind, self.make, self.model) if part)


@dataclass(frozen=True, slots=True)
class VisitRow:
    id: int
    scheduled_for: dt.datetime
    completed_at: dt.datetime | None
    status: VisitStatus
    technician_id: int | None
    technician: str | None
    technician_phone: str | None
    equipment_id: int | None
    equipment: str | None
    problem: str | None
    work_done: str | None
    tech_notes: str | None
    site_id: int | None = None
    site: str | None = None


@dataclass(frozen=True, slots=True)
class SiteRow:
    """One place the customer is served, with how much the office has there."""

    id: int
    customer_id: int
    external_id: str | None
    name: str
    street: str | None
    city: str | None
    postal_code: str | None
    country: str | None
    notes: str | None
    version: int
    equipment_count: int
    visit_count: int
    last_visit: dt.datetime | None
    """When the latest completed visit there was."""
    next_visit: dt.datetime | None = None
    """When the first visit still scheduled there is (a site may have only that)."""

    @property
    def address(self) -> str:
        return one_line_address(self.street, self.postal_code, self.city, self.country)


@dataclass(frozen=True, slots=True)
class SiteDetail:
    """One site's equipment and its visits, newest first."""

    site: SiteRow
    equipment: list[EquipmentRow]
    visits: list[VisitRow]


@dataclass(frozen=True, slots=True)
class ReferralRow:
    id: int
    status: ReferralStatus
    created_at: dt.datetime
    technician: str
    technician_phone: str | None
    salesperson: str | None
    pain_point: str
    recommendation: str | None
    urgency: Urgency
    estimated_value: Decimal | None
    equipment: str | None
    overdue: bool
    awaiting_tell_tech: bool
    won_value: Decimal | None = None

    @property
    def value(self) -> Decimal | None:
        """What the referral is worth as far as the desk knows: the won value once won."""
        return self.won_value if self.won_value is not None else self.estimated_value


@dataclass(frozen=True, slots=True)
class NoteRow:
    id: int
    created_at: dt.datetime
    author: str
    category: str
    text: str
    pinned: bool
    referral_id: int | None
    equipment_id: int | None
    version: int


@dataclass(frozen=True, slots=True)
class CustomerOverview:
    id: int
    account_number: str
    external_id: str | None
    name: str
    company: str | None
    phone: str | None
    phone_alt: str | None
    email: str | None
    address: str
    notes: str | None
    version: int
    equipment: list[EquipmentRow]
    visit_count: int
    referrals: list[ReferralRow]
    notes_list: list[NoteRow]
    sites: list[SiteRow] = field(default_factory=list)

    @property
    def open_referral_count(self) -> int:
        return sum(1 for referral in self.referrals if referral.status in OPEN_STATUSES)


class HistoryColumn(enum.StrEnum):
    """Columns the service history can be ordered by."""

    DATE = "date"
    TECHNICIAN = "technician"
    EQUIPMENT = "equipment"
    STATUS = "status"


def equipment_label_sql():  # type: ignore[no-untyped-def]
    return func.trim(
        func.coalesce(Equipment.kind, "")
        + " "
        + func.coalesce(Equipment.make, "")
        + " "
        + func.coalesce(Equipment.model, "")
    )


@cache
def _equipment_statement() -> Select:
    return (
        select(
            Equipment.id,
            Equipment.kind,
            Equipment.make,
            Equipment.model,
            Equipment.serial,
            Equipment.installed_on,
            Equipment.location,
            Equipment.site_id,
            Site.name.label("site_name"),
        )
        .outerjoin(Site, Equipment.site_id == Site.id)
        .where(Equipment.customer_id == bindparam("customer_id"))
        .order_by(Equipment.installed_on, Equipment.id)
    )


@cache
def _site_equipment_statement() -> Select:
    base = _equipment_statement()
    return base.where(Equipment.site_id == bindparam("site_id"))


def _equipment(
    session: Session, customer_id: int, today: dt.date, site_id: int | None = None
) -> list[EquipmentRow]:
    if site_id is None:
        rows = session.connection().execute(_equipment_statement(), {"customer_id": customer_id})
    else:
        parameters = {"customer_id": customer_id, "site_id": site_id}
        rows = session.connection().execute(_site_equipment_statement(), parameters)
    return [
        EquipmentRow(
            row.id,
            row.kind,
            row.make,
            row.model,
            row.serial,
            row.installed_on,
            row.location,
            age_years=(today - row.installed_on).days / 365.25 if row.installed_on else None,
            site_id=row.site_id,
            site=row.site_name,
        )
        for row in rows
    ]


@cache
def _referral_statement() -> Select:
    """Built once: constructing a statement costs more than running it on one customer."""
    technician, salesperson = aliased(Staff), aliased(Staff)
    return (
        select(
            Referral.id,
            Referral.status,
            Referral.created_at,
            Referral.first_contact_at,
            Referral.tech_informed_at,
            technician.name,
            technician.phone,
            salesperson.name,
            Referral.pain_point,
            Referral.recommendation,
            Referral.urgency,
            Referral.estimated_value,
            Equipment.kind,
            Equipment.make,
            Equipment.model,
            Referral.won_value,
        )
        .join(technician, Referral.technician_id == technician.id)
        .outerjoin(salesperson, Referral.salesperson_id == salesperson.id)
        .outerjoin(Equipment, Referral.equipment_id == Equipment.id)
        .where(Referral.customer_id == bindparam("customer_id"))
        .order_by(Referral.created_at.desc(), Referral.id.desc())
    )


def referral_rows(
    session: Session,
    customer_id: int,
    now: dt.datetime,
    settings: OfficeSettings,
) -> list[ReferralRow]:
    rows = []
    for (
        referral_id,
        status,
        created_at,
        first_contact_at,
        tech_informed_at,
        tech_name,
        tech_phone,
        sales_name,
        pain_point,
        recommendation,
        urgency,
        estimated_value,
        kind,
        make,
        model,
        won_value,
    ) in session.connection().execute(_referral_statement(), {"customer_id": customer_id}):
        rows.append(
            ReferralRow(
                id=referral_id,
                status=status,
                created_at=created_at,
                technician=tech_name,
                technician_phone=tech_phone,
                salesperson=sales_name,
                pain_point=pain_point,
                recommendation=recommendation,
                urgency=urgency,
                estimated_value=estimated_value,
                equipment=equipment_label(kind, make, model) if kind else None,
                overdue=is_overdue(status, created_at, first_contact_at, now, settings),
                awaiting_tell_tech=awaits_tell_tech(status, tech_informed_at),
                won_value=won_value,
            )
        )
    return rows


@cache
def _note_statement() -> Select:
    return (
        select(
            UpsellNote.id,
            UpsellNote.created_at,
            UpsellNote.author,
            UpsellNote.category,
            UpsellNote.text,
            UpsellNote.pinned,
            UpsellNote.referral_id,
            UpsellNote.equipment_id,
            UpsellNote.version,
        )
        .where(UpsellNote.customer_id == bindparam("customer_id"), UpsellNote.removed_at.is_(None))
        .order_by(UpsellNote.pinned.desc(), UpsellNote.created_at.desc(), UpsellNote.id.desc())
    )


def note_rows(session: Session, customer_id: int) -> list[NoteRow]:
    return [
        NoteRow(*row)
        for row in session.connection().execute(_note_statement(), {"customer_id": customer_id})
    ]


@cache
def _customer_statement() -> Select:
    return select(
        Customer.id,
        Customer.account_number,
        Customer.external_id,
        Customer.name,
        Customer.company,
        Customer.phone,
        Customer.phone_alt,
        Customer.email,
        Customer.street,
        Customer.postal_code,
        Customer.city,
        Customer.country,
        Customer.notes,
        Customer.version,
        select(func.count())
        .select_from(ServiceVisit)
        .where(ServiceVisit.customer_id == Customer.id)
        .scalar_subquery(),
    ).where(Customer.id == bindparam("customer_id"))


def customer_overview(
    session: Session,
    customer_id: int,
    now: dt.datetime | None = None,
    settings: OfficeSettings | None = None,
) -> CustomerOverview:
    """One customer's header, equipment, referrals and notes; the visit history pages separately."""
    found = (
        session.connection().execute(_customer_statement(), {"customer_id": customer_id}).first()
    )
    if found is None:
        raise CustomerNotFound(f"no customer with id {customer_id}")
    (
        _id,
        account_number,
        external_id,
        name,
        company,
        phone,
        phone_alt,
        email,
        street,
        postal_code,
        city,
        country,
        notes,
        version,
        visit_count,
    ) = found
    now = now or dt.datetime.now(dt.UTC)
    settings = settings or load_office_settings(session)
    return CustomerOverview(
        id=customer_id,
        account_number=account_number,
        external_id=external_id,
        name=name,
        company=company,
        phone=phone,
        phone_alt=phone_alt,
        email=email,
        address=one_line_address(street, postal_code, city, country),
        notes=notes,
        version=version,
        equipment=_equipment(session, customer_id, now.date()),
        visit_count=visit_count or 0,
        referrals=referral_rows(session, customer_id, now, settings),
        notes_list=note_rows(session, customer_id),
        sites=site_rows(session, customer_id),
    )


_HISTORY_ORDER: dict[HistoryColumn, Callable[[], list[Any]]] = {
    HistoryColumn.DATE: lambda: [ServiceVisit.scheduled_for],
    HistoryColumn.TECHNICIAN: lambda: [Staff.name, ServiceVisit.scheduled_for],
    HistoryColumn.EQUIPMENT: lambda: [equipment_label_sql(), ServiceVisit.scheduled_for],
    HistoryColumn.STATUS: lambda: [ServiceVisit.status, ServiceVisit.scheduled_for],
}


@cache
def _history_statement(order_by: HistoryColumn, descending: bool) -> Select:
    keys = _HISTORY_ORDER[order_by]()
    ordering = [key.desc() if descending else key.asc() for key in keys]
    ordering.append(ServiceVisit.id.desc() if descending else ServiceVisit.id.asc())
    return (
        select(
            ServiceVisit.id,
            ServiceVisit.scheduled_for,
            ServiceVisit.completed_at,
            ServiceVisit.status,
            ServiceVisit.technician_id,
            Staff.name,
            Staff.phone,
            ServiceVisit.equipment_id,
            equipment_label_sql(),
            ServiceVisit.problem,
            ServiceVisit.work_done,
            ServiceVisit.tech_notes,
            ServiceVisit.site_id,
            Site.name,
        )
        .outerjoin(Staff, ServiceVisit.technician_id == Staff.id)
        .outerjoin(Equipment, ServiceVisit.equipment_id == Equipment.id)
        .outerjoin(Site, ServiceVisit.site_id == Site.id)
        .where(ServiceVisit.customer_id == bindparam("customer_id"))
        .order_by(*ordering)
        .offset(bindparam("offset"))
        .limit(bindparam("limit"))
    )


@cache
def _site_history_statement() -> Select:
    return _history_statement(HistoryColumn.DATE, True).where(
        ServiceVisit.site_id == bindparam("site_id")
    )


def visit_history(
    session: Session,
    customer_id: int,
    offset: int = 0,
    limit: int = 200,
    order_by: HistoryColumn = HistoryColumn.DATE,
    descending: bool = True,
) -> list[VisitRow]:
    """A page of the service history, newest first unless asked otherwise."""
    statement = _history_statement(HistoryColumn(order_by), descending)
    parameters = {"customer_id": customer_id, "offset": offset, "limit": limit}
    return [VisitRow(*row) for row in session.connection().execute(statement, parameters)]


def _site_columns() -> list[Any]:
    return [
        Site.id,
        Site.customer_id,
        Site.external_id,
        Site.name,
        Site.street,
        Site.city,
        Site.postal_code,
        Site.country,
        Site.notes,
        Site.version,
        select(func.count())
        .select_from(Equipment)
        .where(Equipment.site_id == Site.id)
        .scalar_subquery(),
        select(func.count())
        .select_from(ServiceVisit)
        .where(ServiceVisit.site_id == Site.id)
        .scalar_subquery(),
        select(func.max(ServiceVisit.scheduled_for))
        .where(ServiceVisit.site_id == Site.id, ServiceVisit.status == VisitStatus.COMPLETED)
        .scalar_subquery(),
        select(func.min(ServiceVisit.scheduled_for))
        .where(ServiceVisit.site_id == Site.id, ServiceVisit.status == VisitStatus.SCHEDULED)
        .scalar_subquery(),
    ]


@cache
def _sites_statement() -> Select:
    return (
        select(*_site_columns())
        .where(Site.customer_id == bindparam("customer_id"))
        .order_by(Site.id)
    )


@cache
def _site_statement() -> Select:
    return select(*_site_columns()).where(Site.id == bindparam("site_id"))


def _site_row(row: Any) -> SiteRow:
    return SiteRow(
        id=row[0],
        customer_id=row[1],
        external_id=row[2],
        name=row[3],
        street=row[4],
        city=row[5],
        postal_code=row[6],
        country=row[7],
        notes=row[8],
        version=row[9],
        equipment_count=row[10] or 0,
        visit_count=row[11] or 0,
        last_visit=row[12],
        next_visit=row[13],
    )


def site_rows(session: Session, customer_id: int) -> list[SiteRow]:
    """The customer's sites, first site first, each with its equipment and visit counts."""
    result = session.connection().execute(_sites_statement(), {"customer_id": customer_id})
    return [_site_row(row) for row in result]


class SiteNotFound(LookupError):
    pass


def site_detail(
    session: Session, site_id: int, today: dt.date | None = None, visits: int = 200
) -> SiteDetail:
    """One site with its equipment and its latest `visits` visits, newest first."""
    found = session.connection().execute(_site_statement(), {"site_id": site_id}).first()
    if found is None:
        raise SiteNotFound(f"no site with id {site_id}")
    site = _site_row(found)
    today = today or dt.datetime.now(dt.UTC).date()
    parameters = {"customer_id": site.customer_id, "site_id": site_id, "offset": 0}
    history = session.connection().execute(
        _site_history_statement(), {**parameters, "limit": visits}
    )
    return SiteDetail(
        site=site,
        equipment=_equipment(session, site.customer_id, today, site_id),
        visits=[VisitRow(*row) for row in history],
    )


def referral_site_ids(session: Session, referral_ids: list[int]) -> dict[int, int | None]:
    """Where each referral's sales visit goes: the site of its source visit, else of its
    equipment, else the customer's first site."""
    if not referral_ids:
        return {}
    first_site = (
        select(func.min(Site.id)).where(Site.customer_id == Referral.customer_id).scalar_subquery()
    )
    statement = (
        select(Referral.id, func.coalesce(ServiceVisit.site_id, Equipment.site_id, first_site))
        .outerjoin(ServiceVisit, Referral.visit_id == ServiceVisit.id)
        .outerjoin(Equipment, Referral.equipment_id == Equipment.id)
        .where(Referral.id.in_(referral_ids))
    )
    return {referral_id: site_id for referral_id, site_id in session.execute(statement)}


def find_customers(session: Session, key: str) -> list[Customer]:
    """Customers named by an account number, external id or exact name (case-insensitive)."""
    key = key.strip()
    for column in (Customer.account_number, Customer.external_id):
        found = session.scalars(select(Customer).where(column == key)).all()
        if found:
            return list(found)
    exact = session.scalars(
        select(Customer).where(func.lower(Customer.name) == key.lower()).order_by(Customer.name)
    ).all()
    return list(exact)
