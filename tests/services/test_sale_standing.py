"""Where a won sale stands: work done, cancelled, and what a cancellation would claw back, read
by the same rule the ledger then applies."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from console.models import SpiffEntry, SpiffEntryKind, SpiffStage
from console.services.referrals.lifecycle import cancel_sale
from console.services.spiffs import RuleDraft
from console.services.spiffs.sale_standing import Clawback, SaleStanding, sale_standing
from console.services.spiffs.work import mark_work_completed
from tests.services.test_spiff_rules import (
    FLAT,
    NOW,
    office,  # noqa: F401 - the fixture
    referral,
    to_appointment,
    to_won,
    use_rules,
)

CATEGORY = "Equipment replacement"
RULES = (
    RuleDraft(CATEGORY, SpiffStage.APPOINTMENT_SET, FLAT, Decimal("20")),
    RuleDraft(CATEGORY, SpiffStage.WON, FLAT, Decimal("125")),
    RuleDraft(CATEGORY, SpiffStage.WORK_COMPLETED, FLAT, Decimal("50")),
)


def read(sessions: sessionmaker[Session], referral_id: int, at: dt.datetime) -> SaleStanding:
    with sessions() as session:
        return sale_standing(session, referral_id, now=at)


def test_a_referral_never_won_has_no_standing(
    sessions: sessionmaker[Session],
    office: dict[str, int],  # noqa: F811
) -> None:
    use_rules(sessions, *RULES, spiff_clawback_days=30)
    referral_id = referral(sessions, office, CATEGORY)
    to_appointment(sessions, referral_id)
    standing = read(sessions, referral_id, NOW)
    assert standing.won_at is None and standing.clawback_until is None
    assert standing.clawbacks == () and standing.work_completed_at is None


def test_a_fresh_sale_would_give_back_its_sale_spiffs_but_not_the_appointments(
    sessions: sessionmaker[Session],
    office: dict[str, int],  # noqa: F811
) -> None:
    use_rules(sessions, *RULES, spiff_clawback_days=30)
    referral_id = referral(sessions, office, CATEGORY)
    to_won(sessions, referral_id)
    with sessions.begin() as session:
        mark_work_completed(session, referral_id, "lee", now=NOW + dt.timedelta(days=3))
    standing = read(sessions, referral_id, NOW + dt.timedelta(days=4))
    assert standing.won_at == NOW
    assert standing.work_completed_at == NOW + dt.timedelta(days=3)
    assert standing.work_completed_by == "lee"
    assert standing.clawbacks == (
        Clawback("Ana Tech", "Won", Decimal("125.00")),
        Clawback("Ana Tech", "Work completed", Decimal("50.00")),
    )
    assert standing.clawback_total == Decimal("175.00")
    assert standing.clawback_until == NOW + dt.timedelta(days=30)
    assert not standing.clawback_passed


def test_a_cancelled_sale_says_who_when_and_why_and_would_take_nothing_more(
    sessions: sessionmaker[Session],
    office: dict[str, int],  # noqa: F811
) -> None:
    use_rules(sessions, *RULES, spiff_clawback_days=30)
    referral_id = referral(sessions, office, CATEGORY)
    to_won(sessions, referral_id)
    cancelled_at = NOW + dt.timedelta(days=2)
    with sessions.begin() as session:
        cancel_sale(session, referral_id, "lee", "Financing fell through", now=cancelled_at)
    standing = read(sessions, referral_id, cancelled_at + dt.timedelta(hours=1))
    assert (standing.cancelled_at, standing.cancelled_by, standing.cancel_reason) == (
        cancelled_at,
        "lee",
        "Financing fell through",
    )
    assert standing.clawbacks == ()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    clawback_days=st.integers(min_value=0, max_value=45),
    hours_after_win=st.integers(min_value=0, max_value=24 * 60),
    work_done=st.booleans(),
)
def test_what_is_quoted_is_what_the_cancellation_takes(
    sessions: sessionmaker[Session],
    office: dict[str, int],  # noqa: F811
    clawback_days: int,
    hours_after_win: int,
    work_done: bool,
) -> None:
    use_rules(sessions, *RULES, spiff_clawback_days=clawback_days)
    referral_id = referral(sessions, office, CATEGORY)
    to_won(sessions, referral_id)
    if work_done:
        with sessions.begin() as session:
            mark_work_completed(session, referral_id, "sam", now=NOW)
    at = NOW + dt.timedelta(hours=hours_after_win)
    quoted = read(sessions, referral_id, at)
    with sessions.begin() as session:
        cancel_sale(session, referral_id, "sam", "Changed their mind", now=at)
    with sessions() as session:
        taken = [
            -entry.amount
            for entry in session.scalars(
                select(SpiffEntry)
                .where(
                    SpiffEntry.referral_id == referral_id,
                    SpiffEntry.kind == SpiffEntryKind.CLAWED_BACK,
                )
                .order_by(SpiffEntry.id)
            )
        ]
    assert [c.amount for c in quoted.clawbacks] == taken
    assert quoted.clawback_passed is (
        clawback_days > 0 and at - NOW > dt.timedelta(days=clawback_days)
    )
