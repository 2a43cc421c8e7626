"""The office's spiff rules: what each pays, checking a rule set, and saving it whole.

Every rule that matches a referral pays once for it: a rule for "any category" and one for the
referral's own category at the same stage both pay. Two rules for the same category and stage
are refused, since one of them would be a mistake.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from console.models import SpiffBasis, SpiffRule, SpiffStage
from console.services.errors import Conflict, InputError, stale_as_conflict
from console.services.office import formatting
from console.services.office.clock import utc_now
from console.services.office.settings import (
    OfficeSettings,
    load_office_settings,
    save_office_settings,
)

CENT = Decimal("0.01")
# A percent rate is kept as typed, to as many decimals as its column holds.
RATE_PLACES = 4
MAX_AMOUNT = Decimal("99999999.99")
ANY_CATEGORY = "any category"
RULES_CHANGED = (
    "the spiff rules were changed on another desk while you were working; nothing was saved"
)


@dataclass(frozen=True, slots=True)
class RuleDraft:
    """A rule as the office edits it; `id` and `version` are set for a rule already stored."""

    category: str | None
    stage: SpiffStage
    basis: SpiffBasis
    amount: Decimal
    cap: Decimal | None = None
    id: int | None = None
    version: int | None = None

    @property
    def terms(self) -> str:
        return rule_terms(self.category, self.stage, self.basis, self.amount, self.cap)

    def pays(self, value: Decimal | None) -> Decimal | None:
        return spiff_amount(self.basis, self.amount, self.cap, value)


class RuleProblem(InputError):
    """A rule the office cannot use: `row` is its place in the set (0-based), `column` the
    part of it at fault (category, stage, amount or cap)."""

    def __init__(self, row: int, column: str, message: str) -> None:
        self.row = row
        self.column = column
        super().__init__(f"Rule {row + 1}, {column}", message)


@dataclass(frozen=True, slots=True)
class SpiffPlan:
    """The rules and the pay settings, edited and saved together."""

    rules: tuple[RuleDraft, ...]
    settings: OfficeSettings


def rule_terms(
    category: str | None,
    stage: SpiffStage,
    basis: SpiffBasis,
    amount: Decimal,
    cap: Decimal | None,
) -> str:
    """A rule's terms as the ledger keeps and prints them: money in the office's currency, as
    the desk's locale writes it when the entry is made. An entry keeps the words it was
    written with, so a later change of locale or rule leaves its history as it was."""
    if basis is SpiffBasis.FLAT:
        pay = formatting.money(amount)
    else:
        pay = f"{formatting.number(amount, decimals=_places(amount))}% of the value"
        if cap is not None:
            pay += f", at most {formatting.money(cap)}"
    return f"{stage.label}, {category or ANY_CATEGORY}: {pay}"


def _places(share: Decimal) -> int:
    """How many decimals a percentage needs: 5 for 5.00, 2.5 for 2.50."""
    exponent = share.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def spiff_amount(
    basis: SpiffBasis, amount: Decimal, cap: Decimal | None, value: Decimal | None
) -> Decimal | None:
    """What a rule pays on a referral worth `value`; None when a percent has no value to go by."""
    if basis is SpiffBasis.FLAT:
        return amount
    if value is None:
        return None
    earned = to_cents(value * amount / Decimal(100))
    return min(earned, cap) if cap is not None else earned


def to_cents(amount: Decimal) -> Decimal:
    """Money to the cent, halves rounded up as payroll rounds them (2.5% of $1.00 is $0.03)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _decimals(amount: Decimal) -> int:
    exponent = amount.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def draft_of(rule: SpiffRule) -> RuleDraft:
    return RuleDraft(
        rule.category, rule.stage, rule.basis, rule.amount, rule.cap, rule.id, rule.version
    )


def current_rules(session: Session) -> list[SpiffRule]:
    """The rules in force, in the order the office sees them: by stage, then category."""
    order = {stage: index for index, stage in enumerate(SpiffStage)}
    rules = session.scalars(select(SpiffRule).where(SpiffRule.removed_at.is_(None))).all()
    return sorted(
        rules, key=lambda r: (order[r.stage], r.category is not None, r.category or "", r.id)
    )


def load_spiff_plan(session: Session) -> SpiffPlan:
    return SpiffPlan(
        tuple(draft_of(rule) for rule in current_rules(session)), load_office_settings(session)
    )


def parse_amount(
    text: str,
    row: int,
    column: str,
    required: bool = True,
    locale: str | None = None,
    decimals: int = 2,
) -> Decimal | None:
    """An amount typed in the editor as `locale` (None: the desk's) writes one ("$1,250" or
    "7.5" in English, "1.250 €" or "7,5 %" in German), or a RuleProblem naming the cell."""
    cleaned = text.replace("%", "").strip()
    if not cleaned:
        if required:
            raise RuleProblem(row, column, "is required")
        return None
    try:
        return formatting.read_amount(cleaned, locale, decimals)
    except formatting.AmountProblem as problem:
        raise RuleProblem(row, column, str(problem)) from None


def check_rules(rules: tuple[RuleDraft, ...], settings: OfficeSettings) -> tuple[RuleDraft, ...]:
    """The rules with their categories spelled as the office spells them, money to the cent and
    rates as typed, or a RuleProblem for the first rule that cannot be used. An amount with more
    decimals than the ledger keeps is refused, never rounded behind the office's back."""
    seen: dict[tuple[str, SpiffStage], int] = {}
    checked = []
    for row, rule in enumerate(rules):
        category = None
        if rule.category is not None and rule.category.strip():
            category = settings.category_named(rule.category)
            if category is None:
                choices = ", ".join(settings.referral_categories)
                raise RuleProblem(
                    row,
                    "category",
                    f"{rule.category.strip()!r} is not a category; choose one of {choices}",
                )
        amount = rule.amount
        if amount <= 0:
            raise RuleProblem(row, "amount", "must be more than zero")
        if rule.basis is SpiffBasis.PERCENT and amount > 100:
            raise RuleProblem(row, "amount", "a percent must be at most 100")
        if amount > MAX_AMOUNT:
            raise RuleProblem(row, "amount", "is too large")
        if rule.basis is SpiffBasis.PERCENT and _decimals(amount) > RATE_PLACES:
            raise RuleProblem(row, "amount", f"a percent has at most {RATE_PLACES} decimals")
        if rule.basis is SpiffBasis.FLAT and _decimals(amount) > 2:
            raise RuleProblem(row, "amount", "is money: at most 2 decimals (cents)")
        if rule.cap is not None:
            if rule.basis is SpiffBasis.FLAT:
                raise RuleProblem(row, "cap", "only a percent of the value has a cap")
            if rule.cap <= 0:
                raise RuleProblem(row, "cap", "must be more than zero")
            if rule.cap > MAX_AMOUNT:
                raise RuleProblem(row, "cap", "is too large")
            if _decimals(rule.cap) > 2:
                raise RuleProblem(row, "cap", "is money: at most 2 decimals (cents)")
        key = ((category or "").casefold(), rule.stage)
        if key in seen:
            raise RuleProblem(
                row,
                "category",
                f"rule {seen[key] + 1} already pays {category or ANY_CATEGORY} "
                f"at {rule.stage.label.lower()}",
            )
        seen[key] = row
        checked.append(
            replace(
                rule,
                category=category,
                amount=amount.quantize(
                    Decimal(1).scaleb(-RATE_PLACES) if rule.basis is SpiffBasis.PERCENT else CENT
                ),
                cap=rule.cap.quantize(CENT) if rule.cap is not None else None,
            )
        )
    return tuple(checked)


def save_spiff_plan(
    session: Session, plan: SpiffPlan, loaded: SpiffPlan, now: dt.datetime | None = None
) -> None:
    """Store the office's rules and pay settings as edited from `loaded`, or refuse it whole.

    A rule missing from `plan` is retired (it stays for the ledger lines it made); a rule
    added, changed or retired on another desk since `loaded` is a Conflict, and nothing is
    saved, so two desks adding the same rule never pay a sale twice.
    """
    at = now or utc_now()
    rules = check_rules(plan.rules, plan.settings)
    _refuse_rules_changed_since(session, loaded)
    kept = {rule.id for rule in rules if rule.id is not None}
    moved: list[tuple[SpiffRule, RuleDraft]] = []
    with stale_as_conflict("the spiff rules"):
        for before in loaded.rules:
            if before.id is not None and before.id not in kept:
                stored = _stored(session, before)
                stored.removed_at = at
        for rule in rules:
            if rule.id is None:
                session.add(
                    SpiffRule(
                        category=rule.category,
                        stage=rule.stage,
                        basis=rule.basis,
                        amount=rule.amount,
                        cap=rule.cap,
                        created_at=at,
                    )
                )
                continue
            stored = _stored(session, rule)
            if draft_of(stored) == rule:
                continue
            if (stored.category, stored.stage) != (rule.category, rule.stage):
                # Out of force for a moment, so rules trading categories or stages never meet
                # in the database's one-rule-in-force-per-category-and-stage index.
                stored.removed_at = at
                moved.append((stored, rule))
            else:
                _take_terms(stored, rule)
        _flush_rules(session)
        for stored, rule in moved:
            _take_terms(stored, rule)
            stored.removed_at = None
        _flush_rules(session)
    if plan.settings != loaded.settings:
        save_office_settings(session, plan.settings, expected=loaded.settings)


def _take_terms(stored: SpiffRule, rule: RuleDraft) -> None:
    stored.category = rule.category
    stored.stage = rule.stage
    stored.basis = rule.basis
    stored.amount = rule.amount
    stored.cap = rule.cap


def _flush_rules(session: Session) -> None:
    """Write the rules; a rule in force that another desk added for the same category and stage
    a moment ago (the database's index refuses the second) is a Conflict like any other."""
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(RULES_CHANGED) from None


def _refuse_rules_changed_since(session: Session, loaded: SpiffPlan) -> None:
    """A Conflict when the rules in force are not the ones (and versions) `loaded` read."""
    live = {
        (rule_id, version)
        for rule_id, version in session.execute(
            select(SpiffRule.id, SpiffRule.version).where(SpiffRule.removed_at.is_(None))
        )
    }
    read = {(rule.id, rule.version) for rule in loaded.rules if rule.id is not None}
    if live != read:
        raise Conflict(RULES_CHANGED)


def _stored(session: Session, draft: RuleDraft) -> SpiffRule:
    assert draft.id is not None
    rule = session.get(SpiffRule, draft.id)
    if rule is None or rule.removed_at is not None or rule.version != draft.version:
        raise Conflict(RULES_CHANGED)
    return rule
