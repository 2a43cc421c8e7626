"""Demo data: deterministic for a seed, and covering every referral state."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from console.database import make_engine
from console.migrate import upgrade_database
from console.models import Base, Referral, ReferralStatus, SalesAppointment
from console.services.demo import DatabaseNotEmpty, is_empty, seed_demo
from console.services.office_settings import OfficeSettings
from console.services.promptness import is_overdue

TODAY = dt.date(2026, 3, 16)


def seeded_copy(path: Path, seed: int) -> list[tuple[str, list[tuple]]]:
    engine = make_engine(f"sqlite:///{path}")
    upgrade_database(engine)
    seed_demo(engine, customers=60, seed=seed, today=TODAY)
    engine.dispose()
    with sqlite3.connect(path) as connection:
        return [
            (table, connection.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall())
            for table in Base.metadata.tables
        ]


def test_same_seed_same_data(tmp_path: Path) -> None:
    first = seeded_copy(tmp_path / "a.sqlite", seed=3)
    assert first == seeded_copy(tmp_path / "b.sqlite", seed=3)
    assert first != seeded_copy(tmp_path / "c.sqlite", seed=4)


def test_every_referral_state_and_the_worklists_have_work(demo_engine: Engine) -> None:
    now = dt.datetime.combine(dt.date(2026, 3, 16), dt.time(15), tzinfo=dt.UTC)
    with demo_engine.connect() as connection:
        referrals = connection.execute(
            select(
                Referral.status,
                Referral.created_at,
                Referral.first_contact_at,
                Referral.tech_informed_at,
            )
        ).all()
        appointments = connection.execute(
            select(func.count()).select_from(SalesAppointment)
        ).scalar_one()
    assert {row.status for row in referrals} == set(ReferralStatus)
    settings = OfficeSettings()
    assert any(
        is_overdue(r.status, r.created_at, r.first_contact_at, now, settings) for r in referrals
    )
    assert any(
        r.status in (ReferralStatus.WON, ReferralStatus.LOST) and r.tech_informed_at is None
        for r in referrals
    )
    assert appointments > 0


def test_refuses_a_database_with_customers(demo_engine: Engine) -> None:
    with pytest.raises(DatabaseNotEmpty):
        seed_demo(demo_engine, customers=5)


def test_only_a_database_without_customers_counts_as_empty(engine: Engine) -> None:
    assert is_empty(engine)
    seed_demo(engine, customers=5, seed=3, today=TODAY)
    assert not is_empty(engine)
