"""Money the spiff ledger must get right: rules two desks add at once, a clawback after payment
recovered from the next spiff, the Numbers report and the digest agreeing with the ledger, and
cents rounded as payroll rounds them."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import Engine, event, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from console.models import (
    EventKind,
    Referral,
    ReferralEvent,
    SpiffBasis,
    SpiffRule,
    SpiffStage,
    Staff,
)
from console.services.calendar.digest import IsoWeek, technician_digest
from console.services.errors import Conflict
from console.services.numbers.metrics import referral_metrics
from console.services.referrals.lifecycle import cancel_sale
from console.services.spiffs import (
    RuleDraft,
    RuleProblem,
    SpiffPlan,
    check_rules,
    load_spiff_plan,
    mark_spiffs_paid,
    save_spiff_plan,
    spiff_amount,
    spiff_ledger,
)
from tests.services.test_spiff_rules import (
    NOW,
    entries,
    office,
    referral,
    to_appointment,
    to_won,
    use_rules,
)

__all__ = ["office"]  # the fixture, shared with the rule tests

FLAT, PERCENT = SpiffBasis.FLAT, SpiffBasis.PERCENT
SET, WON, DONE = SpiffStage.APPOINTMENT_SET, SpiffStage.WON, SpiffStage.WORK_COMPLETED
DAY = dt.timedelta(days=1)
RULES_CHANGED = (
    "the spiff rules were changed on another desk while you were working; nothing was saved"
)


def live_rules(sessions: sessionmaker[Session]) -> list[tuple[str | None, str, str, Decimal]]:
    with sessions() as session:
        return [
            (rule.category, rule.stage.value, rule.basis.value, rule.amount)
            for rule in session.scalars(
                select(SpiffRule).where(SpiffRule.removed_at.is_(None)).order_by(SpiffRule.id)
            )
        ]


# Two desks and the rules


def test_two_desks_adding_the_same_rule_save_it_once(sessions: sessionmaker[Session]) -> None:
    use_rules(sessions)  # an office with no rules
    with sessions() as session:
        mine = load_spiff_plan(session)
        theirs = load_spiff_plan(session)
    added = RuleDraft(None, WON, FLAT, Decimal("250"))
    with sessions.begin() as session:
        save_spiff_plan(session, SpiffPlan((added,), theirs.settings), theirs)
    saved = live_rules(sessions)
    with pytest.raises(Conflict) as refused, sessions.begin() as session:
        save_spiff_plan(session, SpiffPlan((added,), mine.settings), mine)
    assert str(refused.value) == RULES_CHANGED
    assert live_rules(sessions) == saved == [(None, "won", "flat", Decimal("250.00"))]


def test_a_rule_retired_on_another_desk_is_a_conflict_and_nothing_is_saved(
    sessions: sessionmaker[Session],
) -> None:
    use_rules(
        sessions,
        RuleDraft(None, WON, FLAT, Decimal("250")),
        RuleDraft(None, SET, FLAT, Decimal("25")),
    )
    with sessions() as session:
        mine = load_spiff_plan(session)
    with sessions.begin() as session:
        theirs = load_spiff_plan(session)
        save_spiff_plan(session, SpiffPlan(theirs.rules[:1], theirs.settings), theirs)
    before = live_rules(sessions)
    with pytest.raises(Conflict, match="changed on another desk"), sessions.begin() as session:
        plan = SpiffPlan((*mine.rules, RuleDraft("Other", WON, FLAT, Decimal("5"))), mine.settings)
        save_spiff_plan(session, plan, mine)
    assert live_rules(sessions) == before


def test_the_database_holds_one_live_rule_per_category_and_stage(engine: Engine) -> None:
    sessions = sessionmaker(engine)

    def rule(amount: int, category: str | None = None, removed: bool = False) -> SpiffRule:
        return SpiffRule(
            category=category,
            stage=DONE,
            basis=FLAT,
            amount=Decimal(amount),
            created_at=NOW,
            removed_at=NOW if removed else None,
        )

    with sessions.begin() as session:
        session.add_all([rule(1), rule(2, removed=True), rule(3, "Other")])
    with pytest.raises(IntegrityError), sessions.begin() as session:
        session.add(rule(4))
    with pytest.raises(IntegrityError), sessions.begin() as session:
        session.add(rule(5, "Other"))
    with sessions() as session:
        amounts = session.scalars(select(SpiffRule.amount).where(SpiffRule.stage == DONE))
        assert sorted(amounts) == [1, 2, 3]


def test_a_rule_another_desk_adds_while_this_one_saves_is_a_conflict(
    sessions: sessionmaker[Session], engine: Engine
) -> None:
    """The other desk's rule lands after this desk checked the rules in force but before it
    writes its own: the database refuses the second, and the desk sees the usual Conflict."""
    use_rules(sessions)
    added = RuleDraft(None, WON, FLAT, Decimal("250"))

    def other_desk_adds(*_args: object) -> None:
        with engine.begin() as connection:
            connection.execute(
                insert(SpiffRule).values(
                    category=None, stage=WON, basis=FLAT, amount=Decimal(99), created_at=NOW
                )
            )

    with pytest.raises(Conflict) as refused, sessions.begin() as session:
        loaded = load_spiff_plan(session)
        event.listen(session, "before_flush", other_desk_adds, once=True)
        save_spiff_plan(session, SpiffPlan((added,), loaded.settings), loaded)
    assert str(refused.value) == RULES_CHANGED
    assert live_rules(sessions) == [(None, "won", "flat", Decimal("99.00"))]


def test_two_rules_can_trade_categories_in_one_save(sessions: sessionmaker[Session]) -> None:
    use_rules(
        sessions,
        RuleDraft("Other", WON, FLAT, Decimal("10")),
        RuleDraft(None, WON, FLAT, Decimal("20")),
    )
    with sessions.begin() as session:
        loaded = load_spiff_plan(session)
        first, second = loaded.rules
        traded = (replace(first, category="Other"), replace(second, category=None))
        save_spiff_plan(session, SpiffPlan(traded, loaded.settings), loaded)
    assert sorted(live_rules(sessions), key=str) == sorted(
        [("Other", "won", "flat", Decimal("20.00")), (None, "won", "flat", Decimal("10.00"))],
        key=str,
    )


# A clawback after payment


def _paid_then_clawed_back(sessions: sessionmaker[Session], office: dict[str, int]) -> int:
    use_rules(sessions, RuleDraft(None, WON, FLAT, Decimal("250")), spiff_clawback_days=30)
    first = referral(sessions, office)
    to_won(sessions, first)
    with sessions.begin() as session:
        mark_spiffs_paid(session, [first], "kim", now=NOW + DAY)
    with sessions.begin() as session:
        cancel_sale(session, first, "sam", "Customer backed out", now=NOW + 2 * DAY)
    return first


def owed_paid(sessions: sessionmaker[Session]) -> tuple[Decimal, Decimal]:
    with sessions() as session:
        (line,) = spiff_ledger(session)
    return line.owed, line.paid


def test_a_clawback_after_payment_is_recovered_from_the_next_spiff(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    first = _paid_then_clawed_back(sessions, office)
    assert owed_paid(sessions) == (Decimal("-250.00"), Decimal("250.00"))
    second = referral(sessions, office)
    to_won(sessions, second)
    assert owed_paid(sessions) == (Decimal("0.00"), Decimal("250.00"))

    with sessions.begin() as session:
        paid_out = mark_spiffs_paid(session, [second], "kim", now=NOW + 5 * DAY)
    assert paid_out == Decimal("0.00")
    assert owed_paid(sessions) == (Decimal("0.00"), Decimal("250.00"))
    assert entries(sessions, second)[-1] == (
        "paid",
        f"$250.00 owed, $250.00 offset against the clawback of referral {first}, $0.00 paid",
        Decimal("250.00"),
    )
    assert entries(sessions, first)[-1] == (
        "paid",
        f"$250.00 of the clawback recovered from the spiff of referral {second}",
        Decimal("-250.00"),
    )
    with sessions() as session:
        settled = session.get_one(Referral, second)
        assert (settled.spiff_amount, settled.spiff_paid_at) == (Decimal("250.00"), NOW + 5 * DAY)
        note = session.scalar(
            select(ReferralEvent.note).where(
                ReferralEvent.referral_id == second, ReferralEvent.kind == EventKind.SPIFF_PAID
            )
        )
    assert note == (
        "Spiff of $250.00 settled: $250.00 owed, $250.00 offset against the clawback of "
        f"referral {first}, $0.00 paid"
    )
    # Neither referral owes anything now, so neither can be paid again.
    with pytest.raises(Exception, match="already paid"), sessions.begin() as session:
        mark_spiffs_paid(session, [second], "kim")


def test_a_spiff_larger_than_the_clawback_pays_out_only_the_difference(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    first = _paid_then_clawed_back(sessions, office)
    use_rules(
        sessions,
        RuleDraft(None, WON, FLAT, Decimal("250")),
        RuleDraft(None, SET, FLAT, Decimal("150")),
    )
    second = referral(sessions, office)
    to_won(sessions, second)  # $150 at the appointment, $250 at the sale
    with sessions.begin() as session:
        assert mark_spiffs_paid(session, [second], "kim", now=NOW + 5 * DAY) == Decimal("150.00")
    assert owed_paid(sessions) == (Decimal("0.00"), Decimal("400.00"))
    assert entries(sessions, second)[-1][1] == (
        f"$400.00 owed, $250.00 offset against the clawback of referral {first}, $150.00 paid"
    )


def test_two_referrals_in_one_payment_offset_the_clawback_once(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    _paid_then_clawed_back(sessions, office)
    use_rules(sessions, RuleDraft(None, WON, FLAT, Decimal("200")))
    second, third = referral(sessions, office), referral(sessions, office)
    to_won(sessions, second)
    to_won(sessions, third)
    assert owed_paid(sessions) == (Decimal("150.00"), Decimal("250.00"))
    with sessions.begin() as session:
        assert mark_spiffs_paid(session, [second, third], "kim") == Decimal("150.00")
    assert owed_paid(sessions) == (Decimal("0.00"), Decimal("400.00"))


# The Numbers report and the digest read the ledger


def test_the_numbers_and_the_digest_agree_with_the_ledger(
    sessions: sessionmaker[Session], engine: Engine, office: dict[str, int]
) -> None:
    _paid_then_clawed_back(sessions, office)  # $250 paid, then clawed back
    use_rules(
        sessions,
        RuleDraft(None, WON, FLAT, Decimal("250")),
        RuleDraft(None, SET, FLAT, Decimal("40")),
    )
    appointment_only = referral(sessions, office)
    to_appointment(sessions, appointment_only)  # $40, on a referral not won
    sale = referral(sessions, office)
    to_won(sessions, sale)  # $290
    with sessions() as session:
        (line,) = spiff_ledger(session)
    assert (line.owed, line.paid) == (Decimal("80.00"), Decimal("250.00"))

    with engine.connect() as connection:
        metrics = referral_metrics(connection)
    ana = metrics.by_technician.loc["Ana Tech"]
    assert (ana.spiffs_owed, ana.spiffs_paid) == (80.0, 250.0)

    with sessions() as session:
        tech = session.get_one(Staff, office["tech"])
        week = IsoWeek(*NOW.isocalendar()[:2])
        digest = technician_digest(session, tech, week, now=NOW + 7 * DAY)
    # Earned this week: 250 and its clawback, 40, and 40 + 250 on the sale.
    assert digest.spiffs_accrued == Decimal("330.00")
    assert digest.spiffs_paid == Decimal("250.00")
    assert digest.owed_to_date == line.owed


# Rounding and rates


def test_money_rounds_half_up_to_the_cent() -> None:
    assert spiff_amount(PERCENT, Decimal("2.5"), None, Decimal("1.00")) == Decimal("0.03")
    assert spiff_amount(PERCENT, Decimal("5"), None, Decimal("10.50")) == Decimal("0.53")
    assert spiff_amount(PERCENT, Decimal("2.125"), None, Decimal("200")) == Decimal("4.25")


@example(rate=Decimal("2.5"), value=Decimal("1.00"))
@example(rate=Decimal("5"), value=Decimal("10.50"))
@given(
    rate=st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(100), places=4),
    value=st.decimals(min_value=Decimal(0), max_value=Decimal("9999999.99"), places=2),
)
def test_a_percent_spiff_is_the_exact_share_rounded_half_up(rate: Decimal, value: Decimal) -> None:
    exact = value * rate / Decimal(100)
    paid = spiff_amount(PERCENT, rate, None, value)
    assert paid == exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert paid is not None and abs(paid - exact) <= Decimal("0.005")


def test_a_percent_is_kept_as_typed(sessions: sessionmaker[Session]) -> None:
    use_rules(sessions, RuleDraft(None, WON, PERCENT, Decimal("2.125")))
    with sessions() as session:
        (rule,) = load_spiff_plan(session).rules
    assert rule.amount == Decimal("2.125")
    assert rule.terms == "Won, any category: 2.125% of the value"


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            RuleDraft(None, WON, PERCENT, Decimal("2.12345")),
            "Rule 1, amount: a percent has at most 4 decimals",
        ),
        (
            RuleDraft(None, WON, FLAT, Decimal("25.005")),
            "Rule 1, amount: is money: at most 2 decimals (cents)",
        ),
        (
            RuleDraft(None, WON, PERCENT, Decimal("5"), Decimal("100.001")),
            "Rule 1, cap: is money: at most 2 decimals (cents)",
        ),
    ],
)
def test_more_decimals_than_the_ledger_keeps_are_refused_not_rounded(
    sessions: sessionmaker[Session], rule: RuleDraft, message: str
) -> None:
    use_rules(sessions, RuleDraft(None, SET, FLAT, Decimal("25")))
    before = live_rules(sessions)
    with sessions() as session:
        loaded = load_spiff_plan(session)
        with pytest.raises(RuleProblem) as refused:
            check_rules((rule,), loaded.settings)
    assert str(refused.value) == message
    with pytest.raises(RuleProblem), sessions.begin() as session:
        save_spiff_plan(session, SpiffPlan((rule,), loaded.settings), loaded)
    assert live_rules(sessions) == before
