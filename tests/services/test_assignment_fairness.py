"""Any sequence of new referrals, time away and manual choices keeps the round-robin fair.

Between two changes of who is present, every eligible salesperson's count of round-robin
referrals in a category differs by at most one from anyone else's; with nobody ever away,
that holds for the whole sequence. A manual choice always wins, and nobody away, inactive or
not taking the category is ever given a turn.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from console.database import make_engine
from console.migrate import upgrade_database
from console.models import ReferralStatus, StaffRole
from console.models.referral import Assignment
from console.services.office.settings import OfficeSettings, save_office_settings
from console.services.office.staff import mark_away, mark_back, set_categories
from console.services.referrals.lifecycle import create_referral
from tests import factories

START = dt.datetime(2026, 3, 16, 15, 0, tzinfo=dt.UTC)
PLAN, SWAP = "Maintenance plan", "Equipment replacement"
TAKES = {
    "Amy Reed": (PLAN, SWAP),
    "Bob Stone": (PLAN,),
    "Cat Lane": (SWAP,),
    "Dan Ortiz": (PLAN, SWAP),
}
PEOPLE = sorted(TAKES)

refer = st.tuples(
    st.just("refer"), st.sampled_from([PLAN, SWAP]), st.none() | st.sampled_from(PEOPLE)
)
away = st.tuples(st.just("away"), st.sampled_from(PEOPLE), st.none() | st.integers(0, 3))
back = st.tuples(st.just("back"), st.sampled_from(PEOPLE), st.none())
next_day = st.tuples(st.just("next day"), st.none(), st.none())
steps = st.lists(st.one_of(refer, refer, refer, away, back, next_day), max_size=40)


@pytest.fixture(scope="module")
def office_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path: Path = tmp_path_factory.mktemp("fairness") / "office.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_database(engine)
    with Session(engine) as session:
        save_office_settings(session, OfficeSettings(assign_round_robin=True, time_zone="UTC"))
        factories.customer(session, name="Miller Household")
        factories.staff(session, "Ana Tech")
        for name, categories in TAKES.items():
            factories.staff(session, name, role=StaffRole.SALESPERSON)
            set_categories(session, name, categories)
        session.commit()
    yield engine
    engine.dispose()


def present(away_until: dict[str, dt.date | None], today: dt.date) -> set[str]:
    """Who is here on `today`, by the rule the test states independently of the service."""
    return {
        name
        for name in PEOPLE
        if name not in away_until or (away_until[name] is not None and today > away_until[name])
    }


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=steps)
def test_round_robin_stays_fair(office_engine: Engine, sequence: list[tuple]) -> None:
    with office_engine.connect() as connection:
        transaction = connection.begin()
        session = Session(bind=connection, join_transaction_mode="create_savepoint")
        try:
            run(session, sequence)
        finally:
            session.close()
            transaction.rollback()


def run(session: Session, sequence: list[tuple]) -> None:
    now = START
    away_until: dict[str, dt.date | None] = {}
    anyone_away = False
    total: dict[str, Counter[str]] = {PLAN: Counter(), SWAP: Counter()}
    # Per category: the eligible set of the current stretch and the counts within it.
    stretch: dict[str, tuple[frozenset[str], Counter[str]]] = {}
    for action, what, extra in sequence:
        today = now.date()
        if action == "next day":
            now += dt.timedelta(days=1)
        elif action == "away":
            until = today + dt.timedelta(days=extra) if extra is not None else None
            mark_away(session, what, until=until, now=now)
            away_until[what] = until
            anyone_away = True
        elif action == "back":
            mark_back(session, what)
            away_until.pop(what, None)
        else:
            referral = create_referral(
                session,
                customer_id=1,
                technician="Ana Tech",
                pain_point="needs a plan",
                category=what,
                salesperson=extra,
                actor="desk",
                now=now,
            )
            holder = referral.salesperson.name if referral.salesperson else None
            if extra is not None:
                assert (holder, referral.assignment) == (extra, Assignment.MANUAL)
                continue
            eligible = frozenset(n for n in present(away_until, today) if what in TAKES[n])
            if not eligible:
                assert (holder, referral.status) == (None, ReferralStatus.NEW)
                assert referral.assignment is None
                continue
            assert holder in eligible
            assert referral.assignment is Assignment.ROUND_ROBIN
            total[what][holder] += 1
            people, counts = stretch.get(what, (eligible, Counter()))
            if people != eligible:
                people, counts = eligible, Counter()
            counts[holder] += 1
            stretch[what] = (people, counts)
            spread = [counts[name] for name in people]
            assert max(spread) - min(spread) <= 1, (what, counts)
    if not anyone_away:
        for category, counts in total.items():
            takers = [counts[name] for name in PEOPLE if category in TAKES[name]]
            assert max(takers) - min(takers) <= 1, (category, counts)
