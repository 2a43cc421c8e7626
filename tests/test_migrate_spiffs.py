"""The spiff rules migration: today's one rule becomes an equal rule set, and every accrued and
paid spiff is in the ledger."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, bindparam, select, text

from console.database import make_engine, session_factory
from console.migrate import alembic_config, current_revision, head_revision, upgrade_database
from console.models import (
    Base,
    Referral,
    ReferralStatus,
    SpiffBasis,
    SpiffEntry,
    SpiffEntryKind,
    SpiffRule,
    SpiffStage,
)
from console.models.base import UTCDateTime
from console.services.office.clock import ZONE_ENV, configure_office_zone, local_date
from console.services.office.settings import load_office_settings
from console.services.referrals.lifecycle import StepDetails, move_referral
from console.services.spiffs import (
    RuleDraft,
    SpiffPlan,
    load_spiff_plan,
    office_pay_period,
    save_spiff_plan,
    spiff_ledger,
)
from tests.conftest import DEMO_TODAY
from tests.demo_at_revision import seed_demo_at
from tests.test_migrate import all_rows

SPIFF_SETTINGS = ("spiff_mode", "spiff_flat_amount", "spiff_percent")


def _old_columns(engine: Engine) -> dict[str, list[str]]:
    with engine.connect() as connection:
        return {
            table: list(connection.execute(text(f"SELECT * FROM {table} WHERE 1 = 0")).keys())
            for table in Base.metadata.tables
            if connection.dialect.has_table(connection, table)
        }


def _store_settings(engine: Engine, **values: str) -> None:
    with engine.begin() as connection:
        for key, value in values.items():
            connection.execute(
                text("INSERT INTO office_settings (key, value) VALUES (:key, :value)"),
                {"key": key, "value": json.dumps(value)},
            )


def _won_spiffs(engine: Engine) -> list[tuple]:
    with engine.connect() as connection:
        return list(
            connection.execute(
                text(
                    "SELECT id, technician_id, spiff_amount, spiff_paid_at IS NOT NULL"
                    " FROM referrals WHERE status = 'won' ORDER BY id"
                )
            )
        )


def test_a_percent_office_at_0010_keeps_its_rule_and_every_spiff(
    database_url: str, tmp_path: Path
) -> None:
    engine = make_engine(database_url)
    try:
        seed_demo_at(engine, "0010", tmp_path / "scratch.sqlite", 30, 4, DEMO_TODAY)
        _store_settings(engine, spiff_mode="percent", spiff_percent="2.5", time_zone="")
        columns_of = _old_columns(engine)
        assert "spiff_entries" not in columns_of
        before = all_rows(engine, columns_of)
        won = _won_spiffs(engine)
        assert len(won) > 10 and any(paid for *_rest, paid in won)
        assert any(not paid for *_rest, paid in won)

        assert upgrade_database(engine) is True
        assert current_revision(engine) == head_revision()
        after = all_rows(engine, columns_of)
        kept_settings = [row for row in before["office_settings"] if row[0] not in SPIFF_SETTINGS]
        assert after.pop("office_settings") == kept_settings
        before.pop("office_settings")
        assert after == before  # referrals keep their spiff amounts and paid times

        with session_factory(engine)() as session:
            (rule,) = session.scalars(select(SpiffRule)).all()
            assert (rule.category, rule.stage, rule.basis, rule.amount, rule.cap) == (
                None,
                SpiffStage.WON,
                SpiffBasis.PERCENT,
                Decimal("2.50"),
                None,
            )
            entries = session.scalars(select(SpiffEntry).order_by(SpiffEntry.id)).all()
            by_referral: dict[int, list[SpiffEntry]] = defaultdict(list)
            for entry in entries:
                by_referral[entry.referral_id].append(entry)
            assert sorted(by_referral) == [referral_id for referral_id, *_rest in won]
            owed: dict[int, Decimal] = defaultdict(Decimal)
            paid_total: dict[int, Decimal] = defaultdict(Decimal)
            for referral_id, technician_id, amount, paid in won:
                referral = session.get(Referral, referral_id)
                assert referral is not None
                kinds = [(e.kind, e.amount, e.at, e.rule_id) for e in by_referral[referral_id]]
                expected = [(SpiffEntryKind.ACCRUED, amount, referral.closed_at, rule.id)]
                if paid:
                    expected.append((SpiffEntryKind.PAID, amount, referral.spiff_paid_at, rule.id))
                    paid_total[technician_id] += amount
                else:
                    owed[technician_id] += amount
                assert kinds == expected
                terms = {e.terms for e in by_referral[referral_id]}
                assert terms == {"Won, any category: 2.5% of the value (carried over)"}
                # Monthly pay periods from the 1st, as a new office starts out.
                assert all(e.period_start.day == 1 for e in by_referral[referral_id])
            ledger = {line.technician_id: (line.owed, line.paid) for line in spiff_ledger(session)}
            assert ledger == {
                tech: (owed[tech], paid_total[tech]) for tech in set(owed) | set(paid_total)
            }

        # The carried-over rule pays the next sale as the old setting did.
        with session_factory(engine).begin() as session:
            quoted = session.scalars(
                select(Referral).where(Referral.status == ReferralStatus.QUOTED)
            ).first()
            assert quoted is not None
            move_referral(session, quoted, "won", "desk", StepDetails(value="10000"))
            assert quoted.spiff_amount == Decimal("250.00")
    finally:
        engine.dispose()


def test_an_office_that_never_set_its_spiff_gets_the_default_rule_and_downgrade_restores_it(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'office.sqlite'}")
    try:
        seed_demo_at(engine, "0010", tmp_path / "scratch.sqlite", 8, 2, DEMO_TODAY)
        columns_of = _old_columns(engine)
        before = all_rows(engine, columns_of)
        upgrade_database(engine, target="0011")
        with session_factory(engine)() as session:
            (rule,) = session.scalars(select(SpiffRule)).all()
            assert (rule.category, rule.stage, rule.basis, rule.amount) == (
                None,
                SpiffStage.WON,
                SpiffBasis.FLAT,
                Decimal("50.00"),
            )
            assert session.scalar(select(SpiffEntry.terms).limit(1)) == (
                "Won, any category: $50.00 (carried over)"
            )
        config = alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0010")
        after = all_rows(engine, columns_of)
        assert after.pop("referrals") == before.pop("referrals")
        restored = {key: json.loads(value) for key, value in after.pop("office_settings")}
        assert (restored["spiff_mode"], restored["spiff_flat_amount"]) == ("flat", "50.00")
        assert "spiff_entries" not in _old_columns(engine)
    finally:
        engine.dispose()


def _entry_rows(engine: Engine) -> list[tuple]:
    with engine.connect() as connection:
        return list(
            connection.execute(
                text("SELECT referral_id, kind, amount, rule_id, terms FROM spiff_entries")
            )
        )


def test_an_office_that_paid_no_spiff_gets_no_rule_and_can_save_its_rules(
    database_url: str, tmp_path: Path
) -> None:
    engine = make_engine(database_url)
    try:
        seed_demo_at(engine, "0010", tmp_path / "scratch.sqlite", 12, 3, DEMO_TODAY)
        _store_settings(engine, spiff_mode="flat", spiff_flat_amount="0", time_zone="")
        with engine.begin() as connection:
            zeroed = connection.execute(
                text("SELECT min(id) FROM referrals WHERE status = 'won'")
            ).scalar_one()
            connection.execute(
                text("UPDATE referrals SET spiff_amount = 0, spiff_paid_at = NULL WHERE id = :id"),
                {"id": zeroed},
            )
        still_paying = [rid for rid, _tech, amount, _paid in _won_spiffs(engine) if amount > 0]
        assert still_paying

        assert upgrade_database(engine) is True
        with session_factory(engine)() as session:
            assert session.scalars(select(SpiffRule)).all() == []
        rows = _entry_rows(engine)
        # Spiffs the referrals were paid before the office stopped paying stay in the ledger,
        # and no spiff of zero enters it.
        assert sorted({rid for rid, *_rest in rows}) == sorted(still_paying)
        assert all(amount > 0 and rule_id is None for _rid, _kind, amount, rule_id, _t in rows)
        assert {terms for *_rest, terms in rows} == {
            "Spiff recorded on the referral (carried over)"
        }

        with session_factory(engine).begin() as session:
            loaded = load_spiff_plan(session)
            plan = SpiffPlan(
                (RuleDraft(None, SpiffStage.WON, SpiffBasis.FLAT, Decimal("75")),), loaded.settings
            )
            save_spiff_plan(session, plan, loaded)
        with session_factory(engine)() as session:
            (rule,) = session.scalars(select(SpiffRule)).all()
            assert rule.amount == Decimal("75.00")
    finally:
        engine.dispose()


def test_a_percent_is_carried_over_as_typed_and_downgrade_restores_it(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'office.sqlite'}")
    try:
        seed_demo_at(engine, "0010", tmp_path / "scratch.sqlite", 8, 2, DEMO_TODAY)
        _store_settings(engine, spiff_mode="percent", spiff_percent="2.125", time_zone="")
        upgrade_database(engine, target="0011")
        with session_factory(engine)() as session:
            (rule,) = session.scalars(select(SpiffRule)).all()
            assert (rule.basis, rule.amount) == (SpiffBasis.PERCENT, Decimal("2.125"))
            assert session.scalar(select(SpiffEntry.terms).limit(1)) == (
                "Won, any category: 2.125% of the value (carried over)"
            )
            assert load_spiff_plan(session).rules[0].terms == (
                "Won, any category: 2.125% of the value"
            )
        config = alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0010")
        with engine.connect() as connection:
            restored = dict(
                connection.execute(text("SELECT key, value FROM office_settings")).all()
            )
        assert json.loads(restored["spiff_percent"]) == "2.125"
    finally:
        engine.dispose()


def test_carried_over_pay_periods_follow_the_zone_the_app_uses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No office zone set: `CONSOLE_TIME_ZONE` decides the office day, as it does in the app.
    Noon UTC on January 31 is already February 1 at UTC+14."""
    monkeypatch.setenv(ZONE_ENV, "Pacific/Kiritimati")
    engine = make_engine(f"sqlite:///{tmp_path / 'office.sqlite'}")
    try:
        seed_demo_at(engine, "0010", tmp_path / "scratch.sqlite", 8, 2, DEMO_TODAY)
        _store_settings(engine, time_zone="")
        closed = dt.datetime(2026, 1, 31, 12, 0, tzinfo=dt.UTC)
        with engine.begin() as connection:
            moved = connection.execute(
                text("SELECT min(id) FROM referrals WHERE status = 'won'")
            ).scalar_one()
            connection.execute(
                text(
                    "UPDATE referrals SET closed_at = :at, spiff_paid_at = NULL WHERE id = :id"
                ).bindparams(bindparam("at", type_=UTCDateTime())),
                {"at": closed, "id": moved},
            )
        upgrade_database(engine)
        with session_factory(engine)() as session:
            settings = load_office_settings(session)
            configure_office_zone(None)
            starts = set(
                session.scalars(
                    select(SpiffEntry.period_start).where(SpiffEntry.referral_id == moved)
                )
            )
        assert starts == {office_pay_period(local_date(closed), settings).start}
        assert starts == {dt.date(2026, 2, 1)}
    finally:
        engine.dispose()
