"""The spiff ledger: accruals as referrals reach a paying stage, clawbacks when a sale is
cancelled soon after, and payments.

Entries are only appended. A referral's `spiff_amount` (what it earned, net of clawbacks) and
`spiff_paid_at` (when it was paid in full) are kept in step with its entries, in the same
transaction, so the numbers, the digest and the referral panel read the same figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from console.models import (
    EventKind,
    Referral,
    ReferralEvent,
    ReferralStatus,
    SpiffEntry,
    SpiffEntryKind,
    SpiffRule,
    SpiffStage,
)
from console.services.errors import InputError, stale_as_conflict
from console.services.office import formatting
from console.services.office.clock import local_date, utc_now
from console.services.office.settings import OfficeSettings, load_office_settings
from console.services.spiffs.periods import office_pay_period
from console.services.spiffs.rules import current_rules, rule_terms, spiff_amount

ZERO = Decimal("0.00")
EARNED = (SpiffEntryKind.ACCRUED, SpiffEntryKind.CLAWED_BACK)
# What a cancelled sale takes back: the appointment was still set, so its spiff stays.
SALE_STAGES = (SpiffStage.WON, SpiffStage.WORK_COMPLETED)
PAYMENT = "Payment of what the referral's spiffs owed"
CARRIED_OVER = "Spiff recorded on the referral (carried over)"


def _period_start(at: dt.datetime, settings: OfficeSettings) -> dt.date:
    return office_pay_period(local_date(at), settings).start


def _value_for(referral: Referral, stage: SpiffStage) -> Decimal | None:
    """Appointment-set spiffs go by the estimate; later stages by the sale."""
    return referral.estimated_value if stage is SpiffStage.APPOINTMENT_SET else referral.won_value


def _matches(rule: SpiffRule, referral: Referral) -> bool:
    return rule.category is None or (
        referral.category is not None and rule.category.casefold() == referral.category.casefold()
    )


def _entries(session: Session, referral_id: int) -> list[SpiffEntry]:
    with session.no_autoflush:
        return list(
            session.scalars(
                select(SpiffEntry)
                .where(SpiffEntry.referral_id == referral_id)
                .order_by(SpiffEntry.id)
            )
        )


def accrue_spiffs(
    session: Session,
    referral: Referral,
    stage: SpiffStage,
    actor: str,
    at: dt.datetime,
    settings: OfficeSettings,
) -> list[SpiffEntry]:
    """Add an accrued entry for each rule in force that pays this referral at `stage` and has
    not paid it before. Called by the lifecycle inside the step's own transaction."""
    entries = _entries(session, referral.id)
    earlier = {e.rule_id for e in entries if e.kind is SpiffEntryKind.ACCRUED}
    made: list[SpiffEntry] = []
    with session.no_autoflush:
        rules = current_rules(session)
    for rule in rules:
        if rule.stage is not stage or rule.id in earlier or not _matches(rule, referral):
            continue
        amount = spiff_amount(rule.basis, rule.amount, rule.cap, _value_for(referral, stage))
        if amount is None or amount <= 0:
            continue
        entry = SpiffEntry(
            referral_id=referral.id,
            technician_id=referral.technician_id,
            rule_id=rule.id,
            terms=rule_terms(rule.category, rule.stage, rule.basis, rule.amount, rule.cap),
            stage=stage,
            kind=SpiffEntryKind.ACCRUED,
            amount=amount,
            at=at,
            period_start=_period_start(at, settings),
            actor=actor,
        )
        session.add(entry)
        made.append(entry)
    if made:
        keep_referral_in_step(referral, entries + made)
    return made


def claw_back_spiffs(
    session: Session,
    referral: Referral,
    won_at: dt.datetime,
    actor: str,
    at: dt.datetime,
    settings: OfficeSettings,
) -> list[SpiffEntry]:
    """A sale cancelled within the office's clawback days of `won_at` takes back what the sale
    earned: a negative entry for each accrual it reverses. Outside the window, or with
    clawback off (0 days), the spiffs stand."""
    days = settings.spiff_clawback_days
    if days == 0 or at - won_at > dt.timedelta(days=days):
        return []
    entries = _entries(session, referral.id)
    reversed_ids = {e.reverses_id for e in entries if e.reverses_id is not None}
    made: list[SpiffEntry] = []
    for accrued in entries:
        if (
            accrued.kind is not SpiffEntryKind.ACCRUED
            or accrued.stage not in SALE_STAGES
            or accrued.id in reversed_ids
        ):
            continue
        entry = SpiffEntry(
            referral_id=referral.id,
            technician_id=accrued.technician_id,
            rule_id=accrued.rule_id,
            terms=accrued.terms,
            stage=accrued.stage,
            kind=SpiffEntryKind.CLAWED_BACK,
            amount=-accrued.amount,
            at=at,
            period_start=_period_start(at, settings),
            reverses_id=accrued.id,
            actor=actor,
        )
        session.add(entry)
        made.append(entry)
    if made:
        keep_referral_in_step(referral, entries + made)
    return made


def referral_balance(entries: Iterable[SpiffEntry]) -> tuple[Decimal, Decimal]:
    """(earned net of clawbacks, paid) from a referral's entries."""
    earned = paid = ZERO
    for entry in entries:
        if entry.kind is SpiffEntryKind.PAID:
            paid += entry.amount
        else:
            earned += entry.amount
    return earned, paid


def keep_referral_in_step(referral: Referral, entries: list[SpiffEntry]) -> None:
    """The referral's spiff amount and paid time as its entries (all of them) say."""
    if not any(entry.kind in EARNED for entry in entries):
        return
    earned, paid = referral_balance(entries)
    referral.spiff_amount = earned
    paid_times = [entry.at for entry in entries if entry.kind is SpiffEntryKind.PAID]
    referral.spiff_paid_at = max(paid_times) if paid_times and paid >= earned else None


def _carried_over(
    session: Session, referral: Referral, paid_at: dt.datetime | None, settings: OfficeSettings
) -> list[SpiffEntry]:
    """A spiff written on the referral alone (before the ledger, or by a bulk load) enters the
    ledger as it stands, so it can be paid and is never lost: accrued, and paid if it was."""
    amount = referral.spiff_amount
    if amount is None or amount <= 0:
        return []
    earned_at = referral.closed_at or referral.created_at
    common = {
        "referral_id": referral.id,
        "technician_id": referral.technician_id,
        "rule_id": None,
        "terms": CARRIED_OVER,
        "stage": SpiffStage.WON,
        "actor": "spiff ledger",
    }
    made = [
        SpiffEntry(
            **common,
            kind=SpiffEntryKind.ACCRUED,
            amount=amount,
            at=earned_at,
            period_start=_period_start(earned_at, settings),
        )
    ]
    if paid_at is not None:
        made.append(
            SpiffEntry(
                **common,
                kind=SpiffEntryKind.PAID,
                amount=amount,
                at=paid_at,
                period_start=_period_start(paid_at, settings),
            )
        )
    session.add_all(made)
    return made


def mark_spiffs_paid(
    session: Session,
    referral_ids: Iterable[int],
    actor: str,
    now: dt.datetime | None = None,
    settings: OfficeSettings | None = None,
) -> Decimal:
    """Settle what each referral's spiffs still owe, as one paid entry per referral; returns
    the money paid out. Refuses the whole payment, naming the referral, if any of them owes
    nothing.

    A technician is never paid more than they are owed overall: what a clawback took back
    after it was paid (a referral paid more than it earned) is offset first, and the ledger
    says so on both referrals.

    Each referral's row is written first, against the version this desk read, so two desks
    paying the same spiff meet a Conflict rather than paying it twice.
    """
    at = now or utc_now()
    settings = settings or load_office_settings(session)
    referrals: list[Referral] = []
    with session.no_autoflush:
        for referral_id in referral_ids:
            referral = session.get(Referral, referral_id)
            if referral is None:
                raise InputError("referral", f"no referral with id {referral_id}")
            if referral.spiff_paid_at is not None:
                raise InputError("referral", f"the spiff of referral {referral_id} is already paid")
            referral.spiff_paid_at = at
            referrals.append(referral)
    ids = [referral.id for referral in referrals]
    what = (
        f"the spiff of referral {ids[0]}"
        if len(ids) == 1
        else f"the spiffs of referrals {', '.join(map(str, ids))}"
    )
    with stale_as_conflict(what):
        session.flush()
    total = ZERO
    owed_back: dict[int, list[OwedBack]] = {}
    for referral in referrals:
        entries = _entries(session, referral.id)
        if not any(entry.kind in EARNED for entry in entries):
            # Unpaid as this desk read it (a paid one was refused above).
            entries += _carried_over(session, referral, None, settings)
        if not any(entry.kind in EARNED for entry in entries):
            why = (
                "it is not a won referral"
                if referral.status is not ReferralStatus.WON
                else "no spiff rule paid it"
            )
            raise InputError("referral", f"referral {referral.id} earned no spiff: {why}")
        earned, already = referral_balance(entries)
        owed = earned - already
        if owed <= 0:
            raise InputError("referral", f"referral {referral.id} has no spiff owed")
        if referral.technician_id not in owed_back:
            owed_back[referral.technician_id] = _paid_back_owing(
                session, referral.technician_id, set(ids)
            )
        offsets = _take_offsets(owed, owed_back[referral.technician_id])
        cash = owed - sum((amount for _rid, amount in offsets), ZERO)
        session.add(
            SpiffEntry(
                referral_id=referral.id,
                technician_id=referral.technician_id,
                rule_id=None,
                terms=_settled_terms(owed, cash, offsets),
                stage=None,
                kind=SpiffEntryKind.PAID,
                amount=owed,
                at=at,
                period_start=_period_start(at, settings),
                actor=actor,
            )
        )
        for offset_id, amount in offsets:
            _recover(session, offset_id, referral, amount, actor, at, settings)
        referral.spiff_amount = earned
        total += cash
        note = f"Spiff of {formatting.money(owed)} paid"
        if offsets:
            note = (
                f"Spiff of {formatting.money(owed)} settled: {_settled_terms(owed, cash, offsets)}"
            )
        session.add(
            ReferralEvent(
                referral_id=referral.id,
                actor=actor,
                kind=EventKind.SPIFF_PAID,
                at=at,
                note=note[:500],
            )
        )
    with stale_as_conflict(what):
        session.flush()
    return total


@dataclass(slots=True)
class OwedBack:
    """What a technician still owes back on one referral paid more than it earned."""

    referral_id: int
    amount: Decimal


def _paid_back_owing(session: Session, technician_id: int, paying: set[int]) -> list[OwedBack]:
    """What is owed back on each of the technician's referrals (other than those being
    paid) that was paid more than it earned after a clawback, oldest referral first."""
    balance = func.sum(
        case((SpiffEntry.kind == SpiffEntryKind.PAID, -SpiffEntry.amount), else_=SpiffEntry.amount)
    )
    rows = session.execute(
        select(SpiffEntry.referral_id, balance)
        .where(SpiffEntry.technician_id == technician_id, SpiffEntry.referral_id.not_in(paying))
        .group_by(SpiffEntry.referral_id)
        .having(balance < 0)
        .order_by(SpiffEntry.referral_id)
    ).all()
    return [
        OwedBack(referral_id, -Decimal(str(amount)).quantize(ZERO)) for referral_id, amount in rows
    ]


def _take_offsets(owed: Decimal, owed_back: list[OwedBack]) -> list[tuple[int, Decimal]]:
    """Use up to `owed` of what the technician owes back, oldest first; what was taken is
    removed from `owed_back` so a later referral in the same payment does not take it again."""
    taken: list[tuple[int, Decimal]] = []
    left = owed
    for item in owed_back:
        if left <= 0:
            break
        amount = min(left, item.amount)
        if amount <= 0:
            continue
        item.amount -= amount
        left -= amount
        taken.append((item.referral_id, amount))
    return taken


def _settled_terms(owed: Decimal, cash: Decimal, offsets: list[tuple[int, Decimal]]) -> str:
    """How a referral's spiff was settled, in the ledger's words."""
    if not offsets:
        return PAYMENT
    offset = sum((amount for _rid, amount in offsets), ZERO)
    ids = [str(referral_id) for referral_id, _amount in offsets]
    named = f"referral {ids[0]}" if len(ids) == 1 else f"referrals {', '.join(ids[:10])}"
    if len(ids) > 10:
        named += f" and {len(ids) - 10} more"
    clawback = "clawback" if len(ids) == 1 else "clawbacks"
    terms = (
        f"{formatting.money(owed)} owed, {formatting.money(offset)} offset against the "
        f"{clawback} of {named}, {formatting.money(cash)} paid"
    )
    return terms[:200]


def _recover(
    session: Session,
    referral_id: int,
    settled: Referral,
    amount: Decimal,
    actor: str,
    at: dt.datetime,
    settings: OfficeSettings,
) -> None:
    """A negative payment on a referral paid more than it earned after a clawback: `amount`
    of it is taken back out of `settled`'s spiff. Its row is written too, so a desk offsetting
    the same clawback at the same time meets a Conflict."""
    referral = session.get(Referral, referral_id)
    assert referral is not None
    entry = SpiffEntry(
        referral_id=referral_id,
        technician_id=settled.technician_id,
        rule_id=None,
        terms=f"{formatting.money(amount)} of the clawback recovered from the spiff of "
        f"referral {settled.id}",
        stage=None,
        kind=SpiffEntryKind.PAID,
        amount=-amount,
        at=at,
        period_start=_period_start(at, settings),
        actor=actor,
    )
    session.add(entry)
    keep_referral_in_step(referral, [*_entries(session, referral_id), entry])
    flag_modified(referral, "spiff_paid_at")


def carry_over_referral_spiffs(session: Session, settings: OfficeSettings | None = None) -> int:
    """Enter in the ledger every won referral's spiff that stands on the referral alone (as a
    bulk load such as the demo office writes them), paid ones as paid; returns how many.
    Running it again finds nothing more to enter."""
    settings = settings or load_office_settings(session)
    with_entries = select(SpiffEntry.referral_id).distinct()
    alone = session.scalars(
        select(Referral)
        .where(
            Referral.status == ReferralStatus.WON,
            Referral.spiff_amount.is_not(None),
            Referral.id.not_in(with_entries),
        )
        .order_by(Referral.id)
    ).all()
    carried = sum(
        1
        for referral in alone
        if _carried_over(session, referral, referral.spiff_paid_at, settings)
    )
    session.flush()
    return carried
