"""The customer 360: everything the desk needs about one customer, read in one unit of work."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from console.models import (
    OPEN_STATUSES,
    Customer,
    Equipment,
    Referral,
    ReferralStatus,
    ServiceVisit,
    Staff,
    UpsellNote,
    Urgency,
    VisitStatus,
)
from console.services.office_settings import OfficeSettings, load_office_settings
from console.services.promptness import is_overdue
from console.services.referrals import awaits_tell_tech


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


def _equipment(session: Session, customer_id: int, today: dt.date) -> list[EquipmentRow]:
    rows = session.scalars(
        select(Equipment)
        .where(Equipment.customer_id == customer_id)
        .order_by(Equipment.installed_on, Equipment.id)
    ).all()
    return [
        EquipmentRow(
            id=row.id,
            kind=row.kind,
            make=row.make,
            model=row.model,
            serial=row.serial,
            installed_on=row.installed_on,
            location=row.location,
            age_years=row.age_years(today),
        )
        for row in rows
    ]


def referral_rows(
    session: Session,
    customer_id: int,
    now: dt.datetime,
    settings: OfficeSettings,
) -> list[ReferralRow]:
    technician = aliased(Staff)
    salesperson = aliased(Staff)
    statement = (
        select(
            Referral,
            technician.name,
            technician.phone,
            salesperson.name,
            Equipment,
        )
        .join(technician, Referral.technician_id == technician.id)
        .outerjoin(salesperson, Referral.salesperson_id == salesperson.id)
        .outerjoin(Equipment, Referral.equipment_id == Equipment.id)
        .where(Referral.customer_id == customer_id)
        .order_by(Referral.created_at.desc(), Referral.id.desc())
    )
    rows = []
    for referral, tech_name, tech_phone, sales_name, equipment in session.execute(statement):
        rows.append(
            ReferralRow(
                id=referral.id,
                status=referral.status,
                created_at=referral.created_at,
                technician=tech_name,
                technician_phone=tech_phone,
                salesperson=sales_name,
                pain_point=referral.pain_point,
                recommendation=referral.recommendation,
                urgency=referral.urgency,
                estimated_value=referral.estimated_value,
                equipment=equipment.label if equipment else None,
                overdue=is_overdue(
                    referral.status, referral.created_at, referral.first_contact_at, now, settings
                ),
                awaiting_tell_tech=awaits_tell_tech(referral.status, referral.tech_informed_at),
            )
        )
    return rows


def note_rows(session: Session, customer_id: int) -> list[NoteRow]:
    statement = (
        select(UpsellNote)
        .where(UpsellNote.customer_id == customer_id, UpsellNote.removed_at.is_(None))
        .order_by(UpsellNote.pinned.desc(), UpsellNote.created_at.desc(), UpsellNote.id.desc())
    )
    return [
        NoteRow(
            id=note.id,
            created_at=note.created_at,
            author=note.author,
            category=note.category,
            text=note.text,
            pinned=note.pinned,
            referral_id=note.referral_id,
            equipment_id=note.equipment_id,
            version=note.version,
        )
        for note in session.scalars(statement)
    ]


def customer_overview(
    session: Session,
    customer_id: int,
    now: dt.datetime | None = None,
    settings: OfficeSettings | None = None,
) -> CustomerOverview:
    """One customer's header, equipment, referrals and notes; the visit history pages separately."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise CustomerNotFound(f"no customer with id {customer_id}")
    now = now or dt.datetime.now(dt.UTC)
    settings = settings or load_office_settings(session)
    visit_count = session.scalar(
        select(func.count())
        .select_from(ServiceVisit)
        .where(ServiceVisit.customer_id == customer_id)
    )
    return CustomerOverview(
        id=customer.id,
        account_number=customer.account_number,
        external_id=customer.external_id,
        name=customer.name,
        company=customer.company,
        phone=customer.phone,
        phone_alt=customer.phone_alt,
        email=customer.email,
        address=customer.address,
        notes=customer.notes,
        version=customer.version,
        equipment=_equipment(session, customer_id, now.date()),
        visit_count=visit_count or 0,
        referrals=referral_rows(session, customer_id, now, settings),
        notes_list=note_rows(session, customer_id),
    )


_HISTORY_ORDER = {
    HistoryColumn.DATE: lambda: [ServiceVisit.scheduled_for],
    HistoryColumn.TECHNICIAN: lambda: [Staff.name, ServiceVisit.scheduled_for],
    HistoryColumn.EQUIPMENT: lambda: [equipment_label_sql(), ServiceVisit.scheduled_for],
    HistoryColumn.STATUS: lambda: [ServiceVisit.status, ServiceVisit.scheduled_for],
}


def visit_history(
    session: Session,
    customer_id: int,
    offset: int = 0,
    limit: int = 200,
    order_by: HistoryColumn = HistoryColumn.DATE,
    descending: bool = True,
) -> list[VisitRow]:
    """A page of the service history, newest first unless asked otherwise."""
    keys = _HISTORY_ORDER[order_by]()
    ordering = [key.desc() if descending else key.asc() for key in keys]
    ordering.append(ServiceVisit.id.desc() if descending else ServiceVisit.id.asc())
    statement = (
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
        )
        .outerjoin(Staff, ServiceVisit.technician_id == Staff.id)
        .outerjoin(Equipment, ServiceVisit.equipment_id == Equipment.id)
        .where(ServiceVisit.customer_id == customer_id)
        .order_by(*ordering)
        .offset(offset)
        .limit(limit)
    )
    return [VisitRow(*row) for row in session.execute(statement)]


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
