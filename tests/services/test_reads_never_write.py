"""Reading the worklists writes nothing, so desks reloading at the same moment never collide."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session, sessionmaker

from console.models import Referral, ReferralEvent, ReferralStatus, StaffRole
from console.services.referrals.lifecycle import StepDetails, create_referral, move_referral
from console.services.referrals.worklists import Worklist, desk_worklists, worklist
from tests import factories

RS = ReferralStatus
PUT_OFF_AT = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)
FOLLOW_UP_ON = dt.date(2026, 3, 20)
# Midday everywhere in the world, so the office's zone cannot move the day.
DAY_BEFORE = dt.datetime(2026, 3, 19, 12, 0, tzinfo=dt.UTC)
FOLLOW_UP_DAY = dt.datetime(2026, 3, 20, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def put_off(sessions: sessionmaker[Session]) -> dict[str, int]:
    """One referral put off until FOLLOW_UP_ON, one new referral still waiting."""
    with sessions.begin() as session:
        customer = factories.customer(session, name="Ada Park")
        factories.staff(session, "Ana Tech")
        factories.staff(session, "Sal Es", role=StaffRole.SALESPERSON)
        later = create_referral(
            session,
            customer_id=customer.id,
            technician="Ana Tech",
            pain_point="Boiler leaking",
            actor="sam",
            now=PUT_OFF_AT,
        )
        waiting = create_referral(
            session,
            customer_id=customer.id,
            technician="Ana Tech",
            pain_point="No maintenance plan",
            actor="sam",
            now=PUT_OFF_AT,
        )
        for target, details in (
            (RS.ASSIGNED, StepDetails(salesperson="Sal Es")),
            (RS.CONTACTED, StepDetails()),
            (RS.NOT_NOW, StepDetails(follow_up_on=FOLLOW_UP_ON)),
        ):
            move_referral(session, later.id, target, "sam", details, now=PUT_OFF_AT)
        return {"later": later.id, "waiting": waiting.id}


@pytest.fixture
def writes(engine: Engine) -> Iterator[list[str]]:
    """Every statement sent to the database that is not a read."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().split(None, 1)[0].upper() not in ("SELECT", "WITH", "PRAGMA"):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def _stored(session: Session) -> tuple[dict[int, tuple[RS, int]], int]:
    versions = {
        referral_id: (status, version)
        for referral_id, status, version in session.execute(
            select(Referral.id, Referral.status, Referral.version)
        )
    }
    return versions, session.scalar(select(func.count(ReferralEvent.id))) or 0


def test_a_put_off_referral_is_due_on_its_date_by_the_query_alone(
    sessions: sessionmaker[Session], put_off: dict[str, int], writes: list[str]
) -> None:
    with sessions() as session:
        before = worklist(session, Worklist.FOLLOW_UP, now=DAY_BEFORE)
        due = worklist(session, Worklist.FOLLOW_UP, now=FOLLOW_UP_DAY)
        everything = {item.id: item for item in worklist(session, Worklist.ALL, now=FOLLOW_UP_DAY)}
    assert before == []
    assert [(item.id, item.status, item.follow_up_due) for item in due] == [
        (put_off["later"], RS.NOT_NOW, True)
    ]
    assert everything[put_off["later"]].follow_up_on == FOLLOW_UP_ON
    assert not everything[put_off["waiting"]].follow_up_due
    assert writes == []


def test_two_desks_reading_the_worklists_at_once_write_nothing(
    sessions: sessionmaker[Session], put_off: dict[str, int], writes: list[str]
) -> None:
    with sessions() as session:
        stored_before = _stored(session)
    # Two desks open their transactions, read every list, and finish in the opposite order.
    first, second = sessions(), sessions()
    try:
        first.begin()
        second.begin()
        lists_first = desk_worklists(first, now=FOLLOW_UP_DAY)
        lists_second = desk_worklists(second, now=FOLLOW_UP_DAY)
        all_second = worklist(second, Worklist.ALL, now=FOLLOW_UP_DAY)
        all_first = worklist(first, Worklist.ALL, now=FOLLOW_UP_DAY)
        second.commit()
        first.commit()
    finally:
        first.close()
        second.close()
    assert lists_first == lists_second
    assert all_first == all_second
    assert [item.id for item in lists_first[Worklist.FOLLOW_UP]] == [put_off["later"]]
    assert writes == []
    with sessions() as session:
        assert _stored(session) == stored_before


def test_the_next_step_with_a_due_referral_goes_through_the_lifecycle(
    sessions: sessionmaker[Session], put_off: dict[str, int]
) -> None:
    with sessions.begin() as session:
        events_before = _stored(session)[1]
        move_referral(session, put_off["later"], RS.ASSIGNED, "sam", now=FOLLOW_UP_DAY)
    with sessions() as session:
        versions, events = _stored(session)
        due = worklist(session, Worklist.FOLLOW_UP, now=FOLLOW_UP_DAY)
    assert versions[put_off["later"]][0] is RS.ASSIGNED
    assert events == events_before + 1
    assert [(item.id, item.status, item.follow_up_due) for item in due] == [
        (put_off["later"], RS.ASSIGNED, False)
    ]
