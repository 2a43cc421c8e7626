"""Technicians' spiffs: what each has earned from won referrals, owed and paid."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from console.models import EventKind, Referral, ReferralEvent, ReferralStatus, Staff, StaffRole
from console.services.errors import InputError, stale_as_conflict


@dataclass(frozen=True, slots=True)
class SpiffLine:
    technician_id: int
    technician: str
    phone: str | None
    won_referrals: int
    owed: Decimal
    paid: Decimal


def spiff_ledger(session: Session) -> list[SpiffLine]:
    """Per technician: the spiffs of won referrals still owed and those already paid."""
    zero = Decimal("0")
    owed = func.sum(case((Referral.spiff_paid_at.is_(None), Referral.spiff_amount), else_=0))
    paid = func.sum(case((Referral.spiff_paid_at.is_not(None), Referral.spiff_amount), else_=0))
    statement = (
        select(Staff.id, Staff.name, Staff.phone, func.count(Referral.id), owed, paid)
        .join(Referral, Referral.technician_id == Staff.id)
        .where(Staff.role == StaffRole.TECHNICIAN, Referral.status == ReferralStatus.WON)
        .group_by(Staff.id, Staff.name, Staff.phone)
        .order_by(owed.desc(), Staff.name)
    )
    return [
        SpiffLine(tid, name, phone, count, Decimal(owe or zero), Decimal(pay or zero))
        for tid, name, phone, count, owe, pay in session.execute(statement)
    ]


def unpaid_spiffs(session: Session, technician_id: int) -> list[Referral]:
    return list(
        session.scalars(
            select(Referral)
            .where(
                Referral.technician_id == technician_id,
                Referral.status == ReferralStatus.WON,
                Referral.spiff_paid_at.is_(None),
            )
            .order_by(Referral.closed_at)
        )
    )


def mark_spiffs_paid(
    session: Session, referral_ids: Iterable[int], actor: str, now: dt.datetime | None = None
) -> Decimal:
    """Record payment of the given referrals' spiffs; returns the total paid."""
    at = now or dt.datetime.now(dt.UTC)
    total = Decimal("0")
    paid: list[int] = []
    # Nothing is flushed until every referral is checked, so a clash surfaces in one place.
    with session.no_autoflush:
        for referral_id in referral_ids:
            referral = session.get(Referral, referral_id)
            if referral is None or referral.status is not ReferralStatus.WON:
                raise InputError("referral", f"referral {referral_id} is not a won referral")
            if referral.spiff_paid_at is not None:
                raise InputError("referral", f"the spiff of referral {referral_id} is already paid")
            referral.spiff_paid_at = at
            amount = referral.spiff_amount or Decimal("0")
            total += amount
            paid.append(referral.id)
            session.add(
                ReferralEvent(
                    referral_id=referral.id,
                    actor=actor,
                    kind=EventKind.SPIFF_PAID,
                    at=at,
                    note=f"Spiff of ${amount:,.2f} paid",
                )
            )
    what = (
        f"the spiff of referral {paid[0]}"
        if len(paid) == 1
        else f"the spiffs of referrals {', '.join(map(str, paid))}"
    )
    with stale_as_conflict(what):
        session.flush()
    return total
