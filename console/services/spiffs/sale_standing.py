"""Where a won sale stands after the win: its work done or not, cancelled or not, and what
cancelling it now would take back from the technician.

The referral panel shows this beside a won (or cancelled-after-won) referral, and the cancel
confirmation quotes the clawback before anything is written, by the same rule the ledger uses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.models import (
    ReferralEvent,
    ReferralStatus,
    SpiffEntry,
    SpiffEntryKind,
    WorkCompletion,
)
from console.services.office.clock import utc_now
from console.services.office.settings import OfficeSettings, load_office_settings
from console.services.spiffs.ledger import SALE_STAGES

RS = ReferralStatus


@dataclass(frozen=True, slots=True)
class Clawback:
    """One accrual a cancellation would reverse."""

    technician: str
    stage: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class SaleStanding:
    """A referral's life after it was won; every field is None for a referral never won."""

    referral_id: int
    won_at: dt.datetime | None
    work_completed_at: dt.datetime | None
    work_completed_by: str | None
    cancelled_at: dt.datetime | None
    cancelled_by: str | None
    cancel_reason: str | None
    clawback_days: int
    clawbacks: tuple[Clawback, ...]
    as_of: dt.datetime

    @property
    def clawback_total(self) -> Decimal:
        return sum((c.amount for c in self.clawbacks), Decimal("0.00"))

    @property
    def clawback_until(self) -> dt.datetime | None:
        """The last moment a cancellation still claws back, or None when it never would."""
        if self.won_at is None or self.clawback_days == 0:
            return None
        return self.won_at + dt.timedelta(days=self.clawback_days)

    @property
    def clawback_passed(self) -> bool:
        """The sale is older than the office's clawback days."""
        until = self.clawback_until
        return until is not None and self.as_of - until > dt.timedelta(0)


def _won_event(events: list[ReferralEvent]) -> ReferralEvent | None:
    return next((e for e in reversed(events) if e.to_status is RS.WON), None)


def _cancel_event(events: list[ReferralEvent]) -> ReferralEvent | None:
    return next(
        (e for e in reversed(events) if e.from_status is RS.WON and e.to_status is RS.CANCELLED),
        None,
    )


def _would_claw_back(
    session: Session, referral_id: int, won_at: dt.datetime, now: dt.datetime, days: int
) -> tuple[Clawback, ...]:
    """The accruals `claw_back_spiffs` would reverse if the sale were cancelled at `now`."""
    if days == 0 or now - won_at > dt.timedelta(days=days):
        return ()
    entries = list(
        session.scalars(
            select(SpiffEntry).where(SpiffEntry.referral_id == referral_id).order_by(SpiffEntry.id)
        )
    )
    reversed_ids = {e.reverses_id for e in entries if e.reverses_id is not None}
    return tuple(
        Clawback(
            entry.technician.name,
            entry.stage.label if entry.stage is not None else "",
            entry.amount,
        )
        for entry in entries
        if entry.kind is SpiffEntryKind.ACCRUED
        and entry.stage in SALE_STAGES
        and entry.id not in reversed_ids
    )


def sale_standing(
    session: Session,
    referral_id: int,
    *,
    now: dt.datetime | None = None,
    settings: OfficeSettings | None = None,
) -> SaleStanding:
    """Read where referral `referral_id`'s sale stands, as of `now`."""
    now = now or utc_now()
    settings = settings or load_office_settings(session)
    events = list(
        session.scalars(
            select(ReferralEvent)
            .where(ReferralEvent.referral_id == referral_id)
            .order_by(ReferralEvent.at, ReferralEvent.id)
        )
    )
    won = _won_event(events)
    cancelled = _cancel_event(events)
    done = session.get(WorkCompletion, referral_id)
    days = settings.spiff_clawback_days
    clawbacks: tuple[Clawback, ...] = ()
    if won is not None and cancelled is None:
        clawbacks = _would_claw_back(session, referral_id, won.at, now, days)
    return SaleStanding(
        referral_id=referral_id,
        won_at=won.at if won is not None else None,
        work_completed_at=done.at if done is not None else None,
        work_completed_by=done.actor if done is not None else None,
        cancelled_at=cancelled.at if cancelled is not None else None,
        cancelled_by=cancelled.actor if cancelled is not None else None,
        cancel_reason=cancelled.note if cancelled is not None else None,
        clawback_days=days,
        clawbacks=clawbacks,
        as_of=now,
    )
