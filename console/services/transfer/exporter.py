"""Export records with the import's own columns, so a file can go out and come back in."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, Select, func, select
from sqlalchemy.orm import aliased

from console.models import (
    Customer,
    Equipment,
    Referral,
    ServiceVisit,
    Site,
    Staff,
    StaffRole,
    UpsellNote,
)
from console.services.transfer.external_ids import give_external_ids
from console.services.transfer.formulas import protect, workbook_refusal
from console.services.transfer.kinds import KINDS
from console.services.transfer.table_file import FileProblem


def _staff_key(staff: Any) -> Any:
    """A person as a file names them: the external id when there is one, else the name."""
    return func.coalesce(staff.external_id, staff.name)


def _statement(kind: str) -> Select:
    customer = aliased(Customer)
    equipment = aliased(Equipment)
    site = aliased(Site)
    if kind == "customers":
        c = Customer
        return select(
            c.external_id,
            c.name,
            c.company,
            c.phone,
            c.email,
            c.street,
            c.city,
            c.postal_code,
            c.country,
            c.notes,
            c.account_number,
        ).order_by(c.id)
    if kind == "sites":
        return (
            select(
                Site.external_id,
                customer.external_id,
                Site.name,
                Site.street,
                Site.city,
                Site.postal_code,
                Site.country,
                Site.notes,
            )
            .join(customer, Site.customer_id == customer.id)
            .order_by(Site.customer_id, Site.id)  # each customer's sites together, first first
        )
    if kind in ("technicians", "salespeople"):
        role = StaffRole.TECHNICIAN if kind == "technicians" else StaffRole.SALESPERSON
        return (
            select(Staff.external_id, Staff.name, Staff.phone, Staff.email, Staff.active)
            .where(Staff.role == role)
            .order_by(Staff.id)
        )
    if kind == "equipment":
        e = Equipment
        return (
            select(
                e.external_id,
                customer.external_id,
                e.kind,
                e.make,
                e.model,
                e.serial,
                e.installed_on,
                site.external_id,
            )
            .join(customer, e.customer_id == customer.id)
            .outerjoin(site, e.site_id == site.id)
            .order_by(e.id)
        )
    if kind == "visits":
        v, tech = ServiceVisit, aliased(Staff)
        return (
            select(
                v.external_id,
                customer.external_id,
                equipment.external_id,
                _staff_key(tech),
                v.scheduled_for,
                v.completed_at,
                v.status,
                v.problem,
                v.work_done,
                v.tech_notes,
                site.external_id,
            )
            .join(customer, v.customer_id == customer.id)
            .outerjoin(site, v.site_id == site.id)
            .outerjoin(equipment, v.equipment_id == equipment.id)
            .outerjoin(tech, v.technician_id == tech.id)
            .order_by(v.id)
        )
    if kind == "referrals":
        r, tech, sales = Referral, aliased(Staff), aliased(Staff)
        return (
            select(
                r.external_id,
                customer.external_id,
                equipment.external_id,
                _staff_key(tech),
                _staff_key(sales),
                r.status,
                r.created_at,
                r.pain_point,
                r.recommendation,
                r.urgency,
                r.estimated_value,
            )
            .join(customer, r.customer_id == customer.id)
            .outerjoin(equipment, r.equipment_id == equipment.id)
            .join(tech, r.technician_id == tech.id)
            .outerjoin(sales, r.salesperson_id == sales.id)
            .order_by(r.id)
        )
    n = UpsellNote
    return (
        select(
            n.external_id,
            customer.external_id,
            n.author,
            n.category,
            n.text,
            n.pinned,
            n.created_at,
        )
        .join(customer, n.customer_id == customer.id)
        .where(n.removed_at.is_(None))
        .order_by(n.id)
    )


def _cell(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "value"):
        return value.value
    if value is None:
        return ""
    return protect(value) if isinstance(value, str) else str(value)


def export_frame(connection: Connection, kind: str) -> pd.DataFrame:
    """Every record of `kind` as text cells; records without an external id get one first."""
    if kind not in KINDS:
        raise FileProblem(f"{kind!r} is not a kind; use one of: {', '.join(KINDS)}")
    # Customers first: a customer's first site takes the customer's external id.
    for table in dict.fromkeys(("customers", "sites", "equipment", KINDS[kind].table)):
        give_external_ids(connection, table)
    rows = [[_cell(value) for value in row] for row in connection.execute(_statement(kind))]
    return pd.DataFrame(rows, columns=KINDS[kind].columns, dtype=object)


def write_frame(frame: pd.DataFrame, path: Path) -> None:
    """CSV (UTF-8 with a byte-order mark, which spreadsheets need for accents) or XLSX."""
    suffix = path.suffix.lower()
    partial = path.with_name(path.name + ".part")
    if suffix == ".csv":
        frame.to_csv(partial, index=False, encoding="utf-8-sig")
    elif suffix == ".xlsx":
        if (refusal := workbook_refusal(frame)) is not None:
            raise FileProblem(f"{path.name}: {refusal}")
        frame.to_excel(partial, index=False, engine="openpyxl")
    else:
        raise FileProblem(f"{path.name}: export writes .csv or .xlsx")
    partial.replace(path)


def export_kind(engine: Engine, kind: str, path: Path) -> int:
    """Write every record of `kind` to `path`; returns how many rows were written."""
    if path.suffix.lower() not in (".csv", ".xlsx"):
        raise FileProblem(f"{path.name}: export writes .csv or .xlsx")
    with engine.begin() as connection:
        frame = export_frame(connection, kind)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_frame(frame, path)
    return len(frame)
