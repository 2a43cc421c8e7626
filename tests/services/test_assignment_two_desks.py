"""Two desks creating referrals at the same moment never give the same turn twice.

Each desk has its own engine. Desk one picks and holds its transaction open; desk two's pick
must wait for it, then see desk one's referral and take the next person.
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from collections import Counter
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select

from console.database import make_engine, session_factory
from console.models import Customer, Referral, StaffRole
from console.models.referral import Assignment
from console.services.office.settings import OfficeSettings, save_office_settings
from console.services.office.staff import set_categories
from console.services.referrals.lifecycle import create_referral
from tests import factories

NOW = dt.datetime(2026, 3, 16, 15, 0, tzinfo=dt.UTC)
PLAN = "Maintenance plan"


@pytest.fixture
def desks(engine: Engine) -> Iterator[tuple[Engine, Engine]]:
    other = make_engine(engine.url.render_as_string(hide_password=False))
    with session_factory(engine).begin() as session:
        save_office_settings(session, OfficeSettings(assign_round_robin=True, time_zone="UTC"))
        factories.customer(session, name="Shared Customer")
        factories.staff(session, "Ana Tech")
        for name in ("Amy Reed", "Bob Stone"):
            factories.staff(session, name, role=StaffRole.SALESPERSON)
            set_categories(session, name, [PLAN])
    yield engine, other
    other.dispose()


def refer_on(engine: Engine) -> str:
    with session_factory(engine).begin() as session:
        customer_id = session.scalars(select(Customer.id)).one()
        referral = create_referral(
            session,
            customer_id=customer_id,
            technician="Ana Tech",
            pain_point="no plan",
            category=PLAN,
            actor="desk",
            now=NOW,
        )
        assert referral.salesperson is not None
        return referral.salesperson.name


def test_the_second_desk_waits_for_the_first_and_takes_the_next_turn(
    desks: tuple[Engine, Engine],
) -> None:
    first, second = desks
    picked: list[str] = []
    second_done = threading.Event()

    def second_desk() -> None:
        picked.append(refer_on(second))
        second_done.set()

    with session_factory(first).begin() as session:
        customer_id = session.scalars(select(Customer.id)).one()
        mine = create_referral(
            session,
            customer_id=customer_id,
            technician="Ana Tech",
            pain_point="no plan",
            category=PLAN,
            actor="desk one",
            now=NOW,
        )
        assert mine.salesperson is not None
        first_pick = mine.salesperson.name
        worker = threading.Thread(target=second_desk)
        worker.start()
        # Desk one has not committed: desk two must be waiting on its lock, not done.
        assert not second_done.wait(1.5)
    worker.join(30)
    assert not worker.is_alive()
    assert (first_pick, picked) == ("Amy Reed", ["Bob Stone"])


def test_many_referrals_from_two_desks_at_once_share_the_turns_evenly(
    desks: tuple[Engine, Engine],
) -> None:
    per_desk = 10
    names: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(2)

    def desk(engine: Engine) -> None:
        start.wait()
        for _ in range(per_desk):
            name = refer_on(engine)
            with lock:
                names.append(name)

    workers = [threading.Thread(target=desk, args=(engine,)) for engine in desks]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert Counter(names) == {"Amy Reed": per_desk, "Bob Stone": per_desk}
    with session_factory(desks[0])() as session:
        rows = session.execute(
            select(Referral.salesperson_id, Referral.assignment).order_by(Referral.id)
        ).all()
    assert {assignment for _, assignment in rows} == {Assignment.ROUND_ROBIN}
    holders = [staff_id for staff_id, _ in rows]
    # In the order the referrals were saved, the turns strictly alternate.
    assert all(a != b for a, b in itertools.pairwise(holders))
