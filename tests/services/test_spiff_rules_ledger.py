"""The spiff ledger: clawback of cancelled sales, payment, pay periods and the rule editor's
refusals."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from console.models import Referral, ReferralStatus, SpiffBasis, SpiffEntry, SpiffRule, SpiffStage
from console.services.errors import Conflict, InputError
from console.services.office.settings import SettingsProblem
from console.services.referrals.lifecycle import cancel_sale
from console.services.spiffs import (
    RuleDraft,
    RuleProblem,
    SpiffPlan,
    carry_over_referral_spiffs,
    ledger_rows,
    load_spiff_plan,
    mark_spiffs_paid,
    pay_period_of,
    period_summary,
    save_spiff_plan,
    spiff_ledger,
    technician_referrals,
)
from tests.services.test_spiff_rules import NOW, entries, office, referral, to_won, use_rules

__all__ = ["office"]  # the fixture, shared with the rule tests

FLAT, PERCENT = SpiffBasis.FLAT, SpiffBasis.PERCENT
SET, WON = SpiffStage.APPOINTMENT_SET, SpiffStage.WON
DAY = dt.timedelta(days=1)


def stored(sessions: sessionmaker[Session], referral_id: int) -> tuple[object, ...]:
    with sessions() as session:
        found = session.get(Referral, referral_id)
        assert found is not None
        return (found.status, found.spiff_amount, found.spiff_paid_at, found.version)


def test_a_sale_cancelled_inside_the_window_claws_back_what_it_earned(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    use_rules(
        sessions,
        RuleDraft(None, SET, FLAT, Decimal("25")),
        RuleDraft(None, WON, FLAT, Decimal("250")),
        spiff_clawback_days=30,
    )
    sale = referral(sessions, office)
    to_won(sessions, sale)
    with sessions.begin() as session:
        cancel_sale(session, sale, "sam", "Customer backed out", now=NOW + 30 * DAY)
    assert entries(sessions, sale) == [
        ("accrued", "Appointment set, any category: $25.00", Decimal("25.00")),
        ("accrued", "Won, any category: $250.00", Decimal("250.00")),
        ("clawed_back", "Won, any category: $250.00", Decimal("-250.00")),
    ]
    with sessions() as session:
        accrued, clawback = session.scalars(
            select(SpiffEntry).where(SpiffEntry.stage == WON).order_by(SpiffEntry.id)
        ).all()
        assert clawback.reverses_id == accrued.id and clawback.at == NOW + 30 * DAY
    status, amount, paid_at, _version = stored(sessions, sale)
    # The appointment happened, so its spiff stands; the sale's does not.
    assert (status, amount, paid_at) == (ReferralStatus.CANCELLED, Decimal("25.00"), None)


def test_a_sale_cancelled_after_the_window_or_with_clawback_off_keeps_its_spiff(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    use_rules(sessions, RuleDraft(None, WON, FLAT, Decimal("250")), spiff_clawback_days=30)
    late = referral(sessions, office)
    to_won(sessions, late)
    with sessions.begin() as session:
        cancel_sale(session, late, "sam", now=NOW + 30 * DAY + dt.timedelta(minutes=1))
    assert [kind for kind, _terms, _amount in entries(sessions, late)] == ["accrued"]
    assert stored(sessions, late)[:2] == (ReferralStatus.CANCELLED, Decimal("250.00"))

    use_rules(sessions, RuleDraft(None, WON, FLAT, Decimal("250")), spiff_clawback_days=0)
    never = referral(sessions, office)
    to_won(sessions, never)
    with sessions.begin() as session:
        cancel_sale(session, never, "sam", now=NOW + DAY)
    assert [kind for kind, _terms, _amount in entries(sessions, never)] == ["accrued"]


def test_a_paid_spiff_clawed_back_leaves_the_technician_owing_it(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    use_rules(sessions, RuleDraft(None, WON, FLAT, Decimal("250")), spiff_clawback_days=30)
    sale = referral(sessions, office)
    to_won(sessions, sale)
    with sessions.begin() as session:
        assert mark_spiffs_paid(session, [sale], "kim", now=NOW + DAY) == Decimal("250.00")
    with sessions.begin() as session:
        cancel_sale(session, sale, "sam", now=NOW + 2 * DAY)
    with sessions() as session:
        (line,) = spiff_ledger(session)
    assert (line.earned, line.paid, line.owed) == (Decimal("0.00"), Decimal("250.00"), -250)
    with pytest.raises(InputError) as refused, sessions.begin() as session:
        mark_spiffs_paid(session, [sale], "kim")
    assert str(refused.value) == f"referral: the spiff of referral {sale} is already paid"


def test_cancelling_a_sale_that_is_not_won_is_refused_and_changes_nothing(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    open_one = referral(sessions, office)
    before = stored(sessions, open_one)
    with pytest.raises(InputError) as refused, sessions.begin() as session:
        cancel_sale(session, open_one, "sam")
    assert str(refused.value) == (
        f"status: only a won sale can be cancelled; referral {open_one} is assigned"
    )
    assert stored(sessions, open_one) == before


def test_paying_records_paid_entries_and_keeps_the_referral_in_step(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    use_rules(sessions, RuleDraft(None, WON, PERCENT, Decimal("2.5")))
    first, second, lost = (referral(sessions, office) for _ in range(3))
    to_won(sessions, first, "10000")
    to_won(sessions, second, "4000")
    with sessions() as session:
        (line,) = spiff_ledger(session)
    assert (line.technician, line.won_referrals, line.owed, line.paid) == (
        "Ana Tech",
        2,
        Decimal("350.00"),
        Decimal("0.00"),
    )
    paid_at = NOW + 3 * DAY
    with sessions.begin() as session:
        assert mark_spiffs_paid(session, [first, second], "kim", now=paid_at) == Decimal("350.00")
    assert stored(sessions, first)[1:3] == (Decimal("250.00"), paid_at)
    assert entries(sessions, second)[-1] == (
        "paid",
        "Payment of what the referral's spiffs owed",
        Decimal("100.00"),
    )
    with sessions() as session:
        (line,) = spiff_ledger(session)
        behind = technician_referrals(session, line.technician_id)
    assert (line.owed, line.paid) == (0, Decimal("350.00"))
    assert {(r.referral_id, r.customer, r.owed) for r in behind} == {
        (first, "Ada Park", 0),
        (second, "Ada Park", 0),
    }

    before = stored(sessions, first)
    with pytest.raises(InputError) as again, sessions.begin() as session:
        mark_spiffs_paid(session, [lost], "kim")
    assert (
        str(again.value) == f"referral: referral {lost} earned no spiff: it is not a won referral"
    )
    with pytest.raises(InputError, match="already paid"), sessions.begin() as session:
        mark_spiffs_paid(session, [first], "kim")
    assert stored(sessions, first) == before
    with sessions() as session:
        assert len(session.scalars(select(SpiffEntry)).all()) == 4


def test_the_ledger_lists_entries_by_office_day_with_their_pay_period(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    use_rules(
        sessions,
        RuleDraft(None, WON, FLAT, Decimal("50")),
        spiff_pay_period="biweekly",
        spiff_pay_anchor="2026-03-09",
    )
    sale = referral(sessions, office)
    to_won(sessions, sale)
    with sessions.begin() as session:
        mark_spiffs_paid(session, [sale], "kim", now=NOW + 14 * DAY)
    with sessions() as session:
        rows = ledger_rows(session)
        only_paid = ledger_rows(session, since=dt.date(2026, 3, 20))
        none = ledger_rows(session, until=dt.date(2026, 3, 15))
        summary = period_summary(session, today=dt.date(2026, 3, 30))
    assert [(r.kind.value, r.amount, r.period_start, r.technician, r.customer) for r in rows] == [
        ("accrued", Decimal("50.00"), dt.date(2026, 3, 9), "Ana Tech", "Ada Park"),
        ("paid", Decimal("50.00"), dt.date(2026, 3, 23), "Ana Tech", "Ada Park"),
    ]
    assert [r.kind.value for r in only_paid] == ["paid"] and none == []
    assert summary.period.label == "Mar 23 – Apr 5, 2026"
    assert (summary.earned, summary.paid, summary.payable) == (0, Decimal("50.00"), 0)


@pytest.mark.parametrize(
    ("rules", "message", "row", "column"),
    [
        (
            (RuleDraft(None, WON, PERCENT, Decimal("101")),),
            "a percent must be at most 100",
            0,
            "amount",
        ),
        ((RuleDraft(None, WON, FLAT, Decimal("0")),), "must be more than zero", 0, "amount"),
        (
            (RuleDraft(None, WON, FLAT, Decimal("50"), cap=Decimal("40")),),
            "only a percent of the value has a cap",
            0,
            "cap",
        ),
        (
            (RuleDraft(None, WON, FLAT, Decimal("5")), RuleDraft("Boats", WON, FLAT, Decimal("5"))),
            "'Boats' is not a category; choose one of Equipment replacement, Maintenance plan, "
            "Indoor air quality, Repair upgrade, Other",
            1,
            "category",
        ),
        (
            (
                RuleDraft("Other", SET, FLAT, Decimal("5")),
                RuleDraft("other", SET, PERCENT, Decimal("5")),
            ),
            "rule 1 already pays Other at appointment set",
            1,
            "category",
        ),
    ],
)
def test_a_rule_the_office_cannot_use_is_refused_whole(
    sessions: sessionmaker[Session],
    rules: tuple[RuleDraft, ...],
    message: str,
    row: int,
    column: str,
) -> None:
    with sessions() as session:
        before = load_spiff_plan(session)
    with pytest.raises(RuleProblem) as refused, sessions.begin() as session:
        loaded = load_spiff_plan(session)
        save_spiff_plan(
            session, SpiffPlan(rules, replace(loaded.settings, spiff_clawback_days=9)), loaded
        )
    assert (refused.value.message, refused.value.row, refused.value.column) == (
        message,
        row,
        column,
    )
    assert str(refused.value) == f"Rule {row + 1}, {column}: {message}"
    with sessions() as session:
        assert load_spiff_plan(session) == before


def test_pay_settings_the_office_cannot_use_are_refused_with_the_rules_unsaved(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as session:
        before = load_spiff_plan(session)
    for change, message in (
        (
            {"spiff_clawback_days": -1},
            "Clawback within (days): must be a whole number from 0 to 3650, not -1",
        ),
        (
            {"spiff_pay_period": "daily"},
            "Pay period: must be one of weekly, biweekly, monthly, not 'daily'",
        ),
        (
            {"spiff_pay_anchor": "13/01/2026"},
            "Pay period starts on: '13/01/2026' is not a date as YYYY-MM-DD",
        ),
    ):
        with pytest.raises(SettingsProblem) as refused, sessions.begin() as session:
            loaded = load_spiff_plan(session)
            rules = (RuleDraft("Other", WON, FLAT, Decimal("10")),)
            save_spiff_plan(session, SpiffPlan(rules, replace(loaded.settings, **change)), loaded)  # type: ignore[arg-type]
        assert str(refused.value) == message
        with sessions() as session:
            assert load_spiff_plan(session) == before


def test_a_rule_changed_on_another_desk_is_a_conflict_and_nothing_is_saved(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as session:
        mine = load_spiff_plan(session)
    with sessions.begin() as session:
        theirs = load_spiff_plan(session)
        (rule,) = theirs.rules
        save_spiff_plan(
            session, SpiffPlan((replace(rule, amount=Decimal("60")),), theirs.settings), theirs
        )
    (rule,) = mine.rules
    with (
        pytest.raises(Conflict, match="spiff rules were changed on another desk"),
        sessions.begin() as session,
    ):
        save_spiff_plan(
            session,
            SpiffPlan(
                (replace(rule, amount=Decimal("70")), RuleDraft("Other", WON, FLAT, Decimal("5"))),
                mine.settings,
            ),
            mine,
        )
    with sessions() as session:
        assert [r.amount for r in session.scalars(select(SpiffRule))] == [Decimal("60.00")]


@given(
    day=st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2035, 12, 31)),
    anchor=st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2035, 12, 31)),
    period=st.sampled_from(["weekly", "biweekly", "monthly"]),
)
def test_every_day_falls_in_one_pay_period_that_follows_on_from_the_last(
    day: dt.date, anchor: dt.date, period: str
) -> None:
    found = pay_period_of(day, period, anchor)
    assert found.holds(day)
    following = pay_period_of(found.end + DAY, period, anchor)
    assert following.start == found.end + DAY
    assert pay_period_of(found.start, period, anchor) == found
    if period != "monthly":
        length = 7 if period == "weekly" else 14
        assert (found.end - found.start).days + 1 == length
        assert (found.start - anchor).days % length == 0
    else:
        assert 28 <= (found.end - found.start).days + 1 <= 31


def test_a_monthly_period_anchored_on_the_31st_starts_on_the_last_day_of_short_months() -> None:
    anchor = dt.date(2026, 1, 31)
    assert pay_period_of(dt.date(2026, 2, 28), "monthly", anchor).start == dt.date(2026, 2, 28)
    assert pay_period_of(dt.date(2026, 2, 27), "monthly", anchor).start == dt.date(2026, 1, 31)
    assert pay_period_of(dt.date(2026, 3, 30), "monthly", anchor).end == dt.date(2026, 3, 30)


def test_spiffs_written_on_referrals_alone_are_carried_into_the_ledger_once(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    paid_one, owed_one = referral(sessions, office), referral(sessions, office)
    with sessions.begin() as session:
        for referral_id, paid_at in ((paid_one, NOW + DAY), (owed_one, None)):
            found = session.get_one(Referral, referral_id)
            found.status, found.closed_at = ReferralStatus.WON, NOW
            found.spiff_amount, found.spiff_paid_at = Decimal("80.00"), paid_at
    with sessions.begin() as session:
        assert carry_over_referral_spiffs(session) == 2
    with sessions.begin() as session:
        assert carry_over_referral_spiffs(session) == 0
    carried = "Spiff recorded on the referral (carried over)"
    assert entries(sessions, paid_one) == [
        ("accrued", carried, Decimal("80.00")),
        ("paid", carried, Decimal("80.00")),
    ]
    assert entries(sessions, owed_one) == [("accrued", carried, Decimal("80.00"))]
    with sessions() as session:
        (line,) = spiff_ledger(session)
    assert (line.earned, line.paid, line.owed) == (Decimal("160.00"), Decimal("80.00"), 80)
