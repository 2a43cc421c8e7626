"""A technician's week: the referrals they made, the outcomes reached, the spiffs, and thanks.

The week is an ISO week (Monday to Sunday) cut in the office's zone, so a referral made at
23:30 on Sunday evening in the office counts in that week even when it is Monday in UTC. The
digest reads; it changes nothing. `digest_pdf` lays it out for print, `digest_text` for mail.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from console.models import (
    Customer,
    EventKind,
    Referral,
    ReferralEvent,
    ReferralStatus,
    SpiffEntry,
    SpiffEntryKind,
    Staff,
    StaffRole,
)
from console.services.errors import InputError
from console.services.office import formatting
from console.services.office.clock import day_start, local_today, office_zone, utc_now

DIGEST_KIND = "digest"
WEEK_FORMAT = "YYYY-Www, e.g. 2026-W49"
WEEK_PATTERN = re.compile(r"(\d{4})-?W(\d{1,2})", re.IGNORECASE)
# The steps that end a referral's wait for the tech: the customer said yes, no or later.
OUTCOMES = (ReferralStatus.WON, ReferralStatus.LOST, ReferralStatus.NOT_NOW)
ZERO = Decimal("0.00")
WON = ReferralStatus.WON


@dataclass(frozen=True, slots=True, order=True)
class IsoWeek:
    """An ISO 8601 week: Monday to Sunday, numbered within its ISO year."""

    year: int
    week: int

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        """`2026-W49` (or `2026W49`); anything else is refused with the format shown."""
        match = WEEK_PATTERN.fullmatch(text.strip())
        if match is None:
            raise InputError("week", f"{text!r} is not a week; write it as {WEEK_FORMAT}")
        year, week = int(match.group(1)), int(match.group(2))
        try:
            dt.date.fromisocalendar(year, week, 1)
        except ValueError:
            raise InputError(
                "week", f"{year} has no week {week}; write the week as {WEEK_FORMAT}"
            ) from None
        return cls(year, week)

    @classmethod
    def containing(cls, day: dt.date) -> IsoWeek:
        year, week, _weekday = day.isocalendar()
        return cls(year, week)

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def monday(self) -> dt.date:
        return dt.date.fromisocalendar(self.year, self.week, 1)

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(days=6)

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[start, end) in UTC: from the office's Monday midnight to the next Monday's."""
        return day_start(self.monday), day_start(self.monday + dt.timedelta(days=7))

    @property
    def span(self) -> str:
        return formatting.day_span(self.monday, self.sunday)


@dataclass(frozen=True, slots=True)
class MadeReferral:
    id: int
    customer: str
    pain_point: str
    status: ReferralStatus
    created_at: dt.datetime
    estimated_value: Decimal | None


@dataclass(frozen=True, slots=True)
class Outcome:
    id: int
    customer: str
    status: ReferralStatus
    at: dt.datetime
    won_value: Decimal | None
    lost_reason: str | None
    spiff: Decimal | None


@dataclass(frozen=True, slots=True)
class PaidSpiff:
    id: int
    customer: str
    amount: Decimal
    paid_at: dt.datetime


@dataclass(frozen=True)
class TechnicianDigest:
    technician: str
    email: str | None
    week: IsoWeek
    zone: str
    referrals: list[MadeReferral]
    outcomes: list[Outcome]
    paid: list[PaidSpiff]
    # From the spiff ledger: earned in the week (net of clawbacks, every stage) and owed at
    # its end, as the Spiffs view and payroll count them.
    spiffs_accrued: Decimal
    owed_to_date: Decimal
    made_at: dt.datetime

    @property
    def first_name(self) -> str:
        return self.technician.split()[0] if self.technician.split() else self.technician

    @property
    def won(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.status is ReferralStatus.WON]

    @property
    def won_value(self) -> Decimal:
        return sum((outcome.won_value or ZERO for outcome in self.won), ZERO)

    @property
    def spiffs_paid(self) -> Decimal:
        return sum((spiff.amount for spiff in self.paid), ZERO)

    @property
    def thanks(self) -> str:
        made, won = len(self.referrals), len(self.won)
        name = self.first_name
        if made and won:
            return (
                f"Thank you, {name}: {_count(made, 'referral')} this week and"
                f" {_count(won, 'sale')} won from your referrals. You spotted the work;"
                " the office is grateful."
            )
        if made:
            return (
                f"Thank you, {name}, for {_count(made, 'referral')} this week: each one is a"
                " customer we can help because you spoke up."
            )
        if won:
            return (
                f"Thank you, {name}: {_count(won, 'sale')} won this week from referrals you"
                " made. It started with you."
            )
        return (
            f"Thank you for your work this week, {name}. When a unit is old or a customer"
            " is worried, one call to the office turns it into a referral."
        )


def _cents(total: object) -> Decimal:
    """A ledger sum as money; a sum over no entries (None) is nothing."""
    return Decimal(str(total)).quantize(ZERO) if total is not None else ZERO


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def this_week(now: dt.datetime | None = None) -> IsoWeek:
    """The office's current ISO week."""
    return IsoWeek.containing(local_today(now))


def technician_digest(
    session: Session, technician: Staff, week: IsoWeek, now: dt.datetime | None = None
) -> TechnicianDigest:
    """What `technician` did and earned in the office's ISO `week`."""
    if technician.role is not StaffRole.TECHNICIAN:
        raise InputError("technician", f"{technician.name} is a {technician.role.value}")
    start, end = week.bounds()
    made = session.execute(
        select(
            Referral.id,
            Customer.name,
            Referral.pain_point,
            Referral.status,
            Referral.created_at,
            Referral.estimated_value,
        )
        .join(Customer, Referral.customer_id == Customer.id)
        .where(
            Referral.technician_id == technician.id,
            Referral.created_at >= start,
            Referral.created_at < end,
        )
        .order_by(Referral.created_at, Referral.id)
    )
    reached = session.execute(
        select(
            Referral.id,
            Customer.name,
            ReferralEvent.to_status,
            ReferralEvent.at,
            Referral.won_value,
            Referral.lost_reason,
            Referral.spiff_amount,
        )
        .join(Referral, ReferralEvent.referral_id == Referral.id)
        .join(Customer, Referral.customer_id == Customer.id)
        .where(
            Referral.technician_id == technician.id,
            ReferralEvent.kind == EventKind.STATUS,
            ReferralEvent.to_status.in_(OUTCOMES),
            ReferralEvent.at >= start,
            ReferralEvent.at < end,
        )
        .order_by(ReferralEvent.at, ReferralEvent.id)
    )
    is_paid = SpiffEntry.kind == SpiffEntryKind.PAID
    technicians = SpiffEntry.technician_id == technician.id
    paid = session.execute(
        select(Referral.id, Customer.name, func.sum(SpiffEntry.amount), func.max(SpiffEntry.at))
        .join(Referral, SpiffEntry.referral_id == Referral.id)
        .join(Customer, Referral.customer_id == Customer.id)
        .where(technicians, is_paid, SpiffEntry.at >= start, SpiffEntry.at < end)
        .group_by(Referral.id, Customer.name)
        .order_by(func.max(SpiffEntry.at), Referral.id)
    )
    earned = session.scalar(
        select(func.sum(SpiffEntry.amount)).where(
            technicians, ~is_paid, SpiffEntry.at >= start, SpiffEntry.at < end
        )
    )
    owed = session.scalar(
        select(func.sum(case((is_paid, -SpiffEntry.amount), else_=SpiffEntry.amount))).where(
            technicians, SpiffEntry.at < end
        )
    )
    return TechnicianDigest(
        technician=technician.name,
        email=(technician.email or "").strip() or None,
        week=week,
        zone=office_zone().key,
        referrals=[MadeReferral(*row) for row in made],
        outcomes=[
            Outcome(rid, name, status, at, value, reason, spiff if status is WON else None)
            for rid, name, status, at, value, reason, spiff in reached
            if status is not None
        ],
        paid=[PaidSpiff(rid, name, _cents(amount), at) for rid, name, amount, at in paid if amount],
        spiffs_accrued=_cents(earned),
        owed_to_date=_cents(owed),
        made_at=now or utc_now(),
    )


def money(value: Decimal | None) -> str:
    """An amount in the office's currency, as the desk's locale writes it."""
    return formatting.money(value)


def outcome_line(outcome: Outcome) -> str:
    if outcome.status is ReferralStatus.WON:
        spiff = f", your spiff {money(outcome.spiff)}" if outcome.spiff else ""
        return f"Won {money(outcome.won_value)}{spiff}"
    if outcome.status is ReferralStatus.LOST:
        return f"Lost: {outcome.lost_reason}" if outcome.lost_reason else "Lost"
    return "Not now: the customer wants to wait"


def digest_subject(digest: TechnicianDigest) -> str:
    return (
        f"Your week {digest.week.label}: {_count(len(digest.referrals), 'referral')},"
        f" {len(digest.won)} won"
    )


def digest_text(digest: TechnicianDigest) -> str:
    """The digest as a plain email a tech reads on a phone."""
    lines = [
        f"Hello {digest.first_name},",
        "",
        f"Your referrals for week {digest.week.label} ({digest.week.span}).",
        "",
        f"Referrals you made: {len(digest.referrals)}",
        f"Outcomes reached: {len(digest.outcomes)} ({len(digest.won)} won)",
        f"Value won: {money(digest.won_value)}",
        f"Spiffs earned this week: {money(digest.spiffs_accrued)}",
        f"Spiffs paid this week: {money(digest.spiffs_paid)}",
        f"Spiffs owed to you so far: {money(digest.owed_to_date)}",
    ]
    if digest.referrals:
        lines += ["", "Referrals you made:"]
        lines += [
            f"- {formatting.day(row.created_at)}: {row.customer}: {row.pain_point}"
            f" ({row.status.label})"
            for row in digest.referrals
        ]
    if digest.outcomes:
        lines += ["", "Outcomes:"]
        lines += [f"- {row.customer}: {outcome_line(row)}" for row in digest.outcomes]
    if digest.paid:
        lines += ["", "Spiffs paid:"]
        lines += [
            f"- {row.customer}: {money(row.amount)} on {formatting.day(row.paid_at)}"
            for row in digest.paid
        ]
    lines += ["", digest.thanks, "", "The office"]
    return "\n".join(lines)
