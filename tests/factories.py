"""Small builders for test data, so each test states only what matters to it."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from sqlalchemy.orm import Session

from console.models import Customer, Equipment, ServiceVisit, Staff, StaffRole, VisitStatus

_numbers = itertools.count(1)


def customer(session: Session, **fields: Any) -> Customer:
    number = next(_numbers)
    values: dict[str, Any] = {"account_number": f"T{number:06d}", "name": f"Customer {number}"}
    values.update(fields)
    row = Customer(**values)
    session.add(row)
    session.flush()
    return row


def staff(
    session: Session, name: str, role: StaffRole = StaffRole.TECHNICIAN, **fields: Any
) -> Staff:
    row = Staff(name=name, role=role, **fields)
    session.add(row)
    session.flush()
    return row


def equipment(session: Session, owner: Customer, kind: str = "Furnace", **fields: Any) -> Equipment:
    row = Equipment(customer_id=owner.id, kind=kind, **fields)
    session.add(row)
    session.flush()
    return row


def visit(
    session: Session,
    owner: Customer,
    technician: Staff | None,
    when: dt.datetime,
    **fields: Any,
) -> ServiceVisit:
    row = ServiceVisit(
        customer_id=owner.id,
        technician_id=technician.id if technician else None,
        scheduled_for=when,
        status=fields.pop("status", VisitStatus.COMPLETED),
        **fields,
    )
    session.add(row)
    session.flush()
    return row


def only_spiff_rule(session: Session, basis: str, amount: str, cap: str | None = None) -> None:
    """The office pays one spiff per won referral of any category, by `basis` (flat/percent)."""
    from decimal import Decimal

    from console.models.spiff import SpiffBasis, SpiffStage
    from console.services.spiffs import RuleDraft, SpiffPlan, load_spiff_plan, save_spiff_plan

    loaded = load_spiff_plan(session)
    rule = RuleDraft(
        None,
        SpiffStage.WON,
        SpiffBasis(basis),
        Decimal(amount),
        Decimal(cap) if cap is not None else None,
    )
    save_spiff_plan(session, SpiffPlan((rule,), loaded.settings), loaded)
