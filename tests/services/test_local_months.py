"""The numbers per month and per period are cut on the office's calendar, the same way on
SQLite and PostgreSQL: a referral made late on the last evening of a month counts in it."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from console.database import session_factory
from console.models import Referral, ReferralStatus
from console.services.numbers.metrics import referral_metrics
from console.services.office.clock import ZONE_ENV, configure_office_zone
from tests import factories

UTC = dt.UTC


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    configure_office_zone(None)
    yield monkeypatch
    configure_office_zone(None)


# When each referral was made, in UTC, and what the office's clock said then.
MADE = [
    utc(2026, 1, 31, 12),  # January everywhere
    utc(2026, 2, 28, 23, 30),  # 18:30 on 28 Feb in New York; 10:30 on 1 Mar in Sydney
    utc(2026, 4, 1, 3, 30),  # 23:30 on 31 Mar in New York; 14:30 on 1 Apr in Sydney
    utc(2026, 4, 1, 4, 30),  # 00:30 on 1 Apr in New York
    utc(2026, 3, 31, 13, 30),  # 00:30 on 1 Apr in Sydney (AEDT); 09:30 on 31 Mar in New York
    utc(2026, 11, 1, 3, 59),  # 23:59 on 31 Oct in New York (EDT)
]


@pytest.fixture
def office(engine: Engine) -> Engine:
    with session_factory(engine).begin() as session:
        customer = factories.customer(session)
        ana = factories.staff(session, "Ana Tech")
        for made in MADE:
            session.add(
                Referral(
                    customer_id=customer.id,
                    technician_id=ana.id,
                    status=ReferralStatus.NEW,
                    pain_point="Old boiler",
                    created_at=made,
                )
            )
    return engine


def monthly(engine: Engine, since: dt.date | None = None, until: dt.date | None = None) -> dict:
    with engine.connect() as connection:
        metrics = referral_metrics(connection, since=since, until=until)
    return {month: int(row.referrals) for month, row in metrics.monthly.iterrows()}


def test_months_are_new_yorks_months(office: Engine, zone: pytest.MonkeyPatch) -> None:
    zone.setenv(ZONE_ENV, "America/New_York")
    assert monthly(office) == {"2026-01": 1, "2026-02": 1, "2026-03": 2, "2026-04": 1, "2026-10": 1}


def test_months_are_sydneys_months(office: Engine, zone: pytest.MonkeyPatch) -> None:
    zone.setenv(ZONE_ENV, "Australia/Sydney")
    assert monthly(office) == {"2026-01": 1, "2026-03": 1, "2026-04": 3, "2026-11": 1}


def test_a_period_is_whole_office_days(office: Engine, zone: pytest.MonkeyPatch) -> None:
    zone.setenv(ZONE_ENV, "America/New_York")
    march = monthly(office, dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert march == {"2026-03": 2}
    assert monthly(office, since=dt.date(2026, 4, 1)) == {"2026-04": 1, "2026-10": 1}
    assert monthly(office, until=dt.date(2026, 2, 28)) == {"2026-01": 1, "2026-02": 1}
    assert monthly(office, dt.date(2026, 5, 1), dt.date(2026, 9, 30)) == {}


def test_a_configured_zone_wins_over_the_variable(office: Engine, zone: pytest.MonkeyPatch) -> None:
    zone.setenv(ZONE_ENV, "Australia/Sydney")
    configure_office_zone("America/New_York")
    with office.connect() as connection:
        metrics = referral_metrics(
            connection, since=dt.date(2026, 3, 31), until=dt.date(2026, 3, 31)
        )
    assert list(metrics.monthly.index) == ["2026-03"]
    assert metrics.totals["referrals"] == 2


@pytest.mark.parametrize("zone_name", ["America/New_York", "Pacific/Kiritimati", "Asia/Kathmandu"])
def test_every_referral_lands_in_the_month_the_office_clock_showed(
    engine: Engine, zone: pytest.MonkeyPatch, zone_name: str
) -> None:
    """Random moments within a day of a month's turn, over two years of month ends."""
    zone.setenv(ZONE_ENV, zone_name)
    rng = random.Random(zone_name)
    made = [
        utc(2025, 1, 1) + dt.timedelta(days=30.44 * rng.randrange(24) + rng.uniform(-1.5, 1.5))
        for _ in range(300)
    ]
    with session_factory(engine).begin() as session:
        customer = factories.customer(session)
        ana = factories.staff(session, "Ana Tech")
        session.add_all(
            Referral(
                customer_id=customer.id,
                technician_id=ana.id,
                status=ReferralStatus.NEW,
                pain_point="x",
                created_at=moment,
            )
            for moment in made
        )
    office_zone = ZoneInfo(zone_name)
    expected = Counter(f"{moment.astimezone(office_zone):%Y-%m}" for moment in made)
    assert monthly(engine) == dict(sorted(expected.items()))
