"""Reading the spiff ledger: per technician, per referral, the pay period, and the lines
payroll exports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session, aliased

from console.models import (
    Customer,
    Referral,
    ReferralStatus,
    SpiffEntry,
    SpiffEntryKind,
    SpiffStage,
    Staff,
    StaffRole,
)
from console.services.office.clock import day_start, local_today
from console.services.office.settings import OfficeSettings, load_office_settings
from console.services.spiffs.periods import PayPeriod, office_pay_period

ZERO = Decimal("0.00")


def _signed() -> ColumnElement[Decimal]:
    """An entry's effect on what is owed: payments reduce it, everything else adds."""
    return case(
        (SpiffEntry.kind == SpiffEntryKind.PAID, -SpiffEntry.amount), else_=SpiffEntry.amount
    )


def _earned() -> ColumnElement[Decimal]:
    return case((SpiffEntry.kind == SpiffEntryKind.PAID, 0), else_=SpiffEntry.amount)


def _paid() -> ColumnElement[Decimal]:
    return case((SpiffEntry.kind == SpiffEntryKind.PAID, SpiffEntry.amount), else_=0)


def _money(value: object) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01")) if value is not None else ZERO


@dataclass(frozen=True, slots=True)
class SpiffLine:
    """One technician's spiffs: earned (net of clawbacks), paid, and still owed."""

    technician_id: int
    technician: str
    phone: str | None
    won_referrals: int
    earned: Decimal
    paid: Decimal

    @property
    def owed(self) -> Decimal:
        return self.earned - self.paid


def spiff_ledger(session: Session) -> list[SpiffLine]:
    """Per technician with any ledger entry: what their spiffs earned, paid and still owe."""
    owed = func.sum(_signed())
    won = func.count(func.distinct(case((Referral.status == ReferralStatus.WON, Referral.id))))
    statement = (
        select(Staff.id, Staff.name, Staff.phone, won, func.sum(_earned()), func.sum(_paid()), owed)
        .join(SpiffEntry, SpiffEntry.technician_id == Staff.id)
        .join(Referral, Referral.id == SpiffEntry.referral_id)
        .where(Staff.role == StaffRole.TECHNICIAN)
        .group_by(Staff.id, Staff.name, Staff.phone)
        .order_by(owed.desc(), Staff.name)
    )
    return [
        SpiffLine(tid, name, phone, count, _money(earned), _money(paid))
        for tid, name, phone, count, earned, paid, _owed in session.execute(statement)
    ]


@dataclass(frozen=True, slots=True)
class ReferralSpiff:
    """One referral behind a technician's spiffs."""

    referral_id: int
    customer: str
    category: str | None
    status: ReferralStatus
    earned: Decimal
    paid: Decimal
    last_entry_at: dt.datetime

    @property
    def owed(self) -> Decimal:
        return self.earned - self.paid


def technician_referrals(session: Session, technician_id: int) -> list[ReferralSpiff]:
    """The referrals behind a technician's spiffs, those still owing first, newest first."""
    owed = func.sum(_signed())
    statement = (
        select(
            Referral.id,
            Customer.name,
            Referral.category,
            Referral.status,
            func.sum(_earned()),
            func.sum(_paid()),
            func.max(SpiffEntry.at),
        )
        .join(SpiffEntry, SpiffEntry.referral_id == Referral.id)
        .join(Customer, Customer.id == Referral.customer_id)
        .where(SpiffEntry.technician_id == technician_id)
        .group_by(Referral.id, Customer.name, Referral.category, Referral.status)
        .order_by((owed == 0), func.max(SpiffEntry.at).desc(), Referral.id.desc())
    )
    return [
        ReferralSpiff(rid, customer, category, status, _money(earned), _money(paid), last)
        for rid, customer, category, status, earned, paid, last in session.execute(statement)
    ]


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """A ledger entry as payroll sees it."""

    entry_id: int
    at: dt.datetime
    period_start: dt.date
    technician: str
    referral_id: int
    customer: str
    category: str | None
    stage: SpiffStage | None
    kind: SpiffEntryKind
    amount: Decimal
    terms: str
    reverses_id: int | None
    actor: str


def ledger_rows(
    session: Session,
    since: dt.date | None = None,
    until: dt.date | None = None,
    *,
    technician_id: int | None = None,
    referral_id: int | None = None,
) -> list[LedgerRow]:
    """Entries made on office days `since` to `until` (both included), oldest first."""
    technician = aliased(Staff)
    statement = (
        select(
            SpiffEntry.id,
            SpiffEntry.at,
            SpiffEntry.period_start,
            technician.name,
            SpiffEntry.referral_id,
            Customer.name,
            Referral.category,
            SpiffEntry.stage,
            SpiffEntry.kind,
            SpiffEntry.amount,
            SpiffEntry.terms,
            SpiffEntry.reverses_id,
            SpiffEntry.actor,
        )
        .join(technician, technician.id == SpiffEntry.technician_id)
        .join(Referral, Referral.id == SpiffEntry.referral_id)
        .join(Customer, Customer.id == Referral.customer_id)
        .order_by(SpiffEntry.at, SpiffEntry.id)
    )
    if since is not None:
        statement = statement.where(SpiffEntry.at >= day_start(since))
    if until is not None:
        statement = statement.where(SpiffEntry.at < day_start(until + dt.timedelta(days=1)))
    if technician_id is not None:
        statement = statement.where(SpiffEntry.technician_id == technician_id)
    if referral_id is not None:
        statement = statement.where(SpiffEntry.referral_id == referral_id)
    return [LedgerRow(*tuple(row)) for row in session.execute(statement)]


@dataclass(frozen=True, slots=True)
class PeriodSummary:
    """The pay period holding today: what was earned and paid in it, and what is payable."""

    period: PayPeriod
    earned: Decimal
    paid: Decimal
    payable: Decimal


def period_summary(
    session: Session, today: dt.date | None = None, settings: OfficeSettings | None = None
) -> PeriodSummary:
    """Payable is everything owed up to the end of the period, older periods included."""
    settings = settings or load_office_settings(session)
    period = office_pay_period(today or local_today(), settings)
    in_period = SpiffEntry.period_start == period.start
    earned, paid = session.execute(
        select(func.sum(_earned()), func.sum(_paid())).where(in_period)
    ).one()
    payable = session.scalar(
        select(func.sum(_signed())).where(SpiffEntry.period_start <= period.start)
    )
    return PeriodSummary(period, _money(earned), _money(paid), _money(payable))
