"""The coordinator's worklists: which referrals each list holds, most urgent first, on both
backends; every open referral is on a list that says what to do with it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session, sessionmaker

from console.models import ReferralStatus, StaffRole
from console.services.office.clock import as_utc
from console.services.referrals.contact_attempts import record_attempt
from console.services.referrals.lifecycle import (
    StepDetails,
    create_referral,
    move_referral,
    tell_tech,
)
from console.services.referrals.worklists import (
    DESK_WORKLISTS,
    Due,
    WorkItem,
    Worklist,
    desk_worklists,
    matches,
    worklist,
)
from tests import factories

RS = ReferralStatus
W = Worklist
NOW = dt.datetime(2026, 3, 16, 15, 0, tzinfo=dt.UTC)  # a Monday
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


def _make(session: Session, name: str, age: dt.timedelta, pain: str = "Boiler leaking") -> int:
    customer = factories.customer(session, name=name, phone=f"555-01{len(name):02d}")
    return create_referral(
        session,
        customer_id=customer.id,
        technician="Ana Tech",
        pain_point=pain,
        recommendation="Replace with a condensing boiler",
        actor="sam",
        category="Equipment replacement",
        now=NOW - age,
    ).id


def _step(session: Session, referral_id: int, to: RS, at: dt.datetime, **details: object) -> None:
    move_referral(session, referral_id, to, "sam", StepDetails(**details), now=at)  # type: ignore[arg-type]


@pytest.fixture
def office(sessions: sessionmaker[Session]) -> dict[str, int]:
    """One referral in every place a coordinator looks, made at known times before NOW."""
    with sessions.begin() as session:
        factories.staff(session, "Ana Tech", phone="555-0199")
        factories.staff(session, "Sal Es", role=StaffRole.SALESPERSON)
        made: dict[str, int] = {}
        made["fresh"] = _make(session, "Fresh Farm", 2 * HOUR)
        made["late"] = _make(session, "Late Diner", 30 * HOUR)
        made["assigned"] = _make(session, "Assigned Arts", 3 * HOUR)
        made["assigned_late"] = _make(session, "Slow Shop", 40 * HOUR)
        for key in ("assigned", "assigned_late"):
            _step(session, made[key], RS.ASSIGNED, NOW - 2 * HOUR, salesperson="Sal Es")
        for key, age in (
            ("contacted", 5 * DAY),
            ("call_back", 5 * DAY),
            ("upcoming", 6 * DAY),
            ("visited", 7 * DAY),
            ("quoted", 8 * DAY),
            ("put_off", 9 * DAY),
            ("follow_up", 10 * DAY),
            ("won", 11 * DAY),
            ("told", 12 * DAY),
            ("cancelled", 13 * DAY),
        ):
            made[key] = _make(session, key.replace("_", " ").title() + " Co", age)
            _step(session, made[key], RS.ASSIGNED, NOW - age + HOUR, salesperson="Sal Es")
        for key in ("contacted", "upcoming", "visited", "quoted", "put_off", "follow_up", "won"):
            _step(session, made[key], RS.CONTACTED, NOW - 4 * DAY)
        _step(session, made["told"], RS.CONTACTED, NOW - 4 * DAY)
        record_attempt(
            session,
            made["call_back"],
            channel="phone",
            reached=True,
            note="Wants to talk it over; call back Wednesday",
            next_try=NOW + 2 * DAY,
            at=NOW - 4 * DAY,
            actor="sam",
            expected_version=None,
            now=NOW - 4 * DAY,
        )
        _step(session, made["upcoming"], RS.APPOINTMENT_SET, NOW - DAY, appointment_at=NOW + DAY)
        _step(session, made["visited"], RS.APPOINTMENT_SET, NOW - 3 * DAY, appointment_at=NOW - DAY)
        _step(session, made["quoted"], RS.QUOTED, NOW - 2 * DAY, value="8000")
        _step(session, made["put_off"], RS.NOT_NOW, NOW - 3 * DAY, follow_up_on=dt.date(2026, 6, 1))
        _step(
            session, made["follow_up"], RS.NOT_NOW, NOW - 3 * DAY, follow_up_on=dt.date(2026, 3, 15)
        )
        for key in ("won", "told"):
            _step(session, made[key], RS.WON, NOW - 2 * DAY, value="9000")
        tell_tech(session, made["told"], "sam", thanked=True, now=NOW - DAY)
        _step(session, made["cancelled"], RS.CANCELLED, NOW - 2 * DAY)
        return made


EXPECTED = {
    W.OVERDUE: ["assigned_late", "late"],
    W.NEW: ["late", "fresh"],
    W.NEEDS_APPOINTMENT: ["contacted"],
    W.FOLLOW_UP: ["follow_up"],
    W.UPCOMING: ["upcoming"],
    W.AWAITING_OUTCOME: ["visited", "quoted"],
    W.TELL_TECH: ["won"],
    W.ASSIGNED: ["assigned_late", "assigned"],
    W.CONTACTED: ["call_back", "contacted"],
    W.APPOINTMENT_SET: ["visited", "upcoming"],
    W.QUOTED: ["quoted"],
    W.NOT_NOW: ["follow_up", "put_off"],
}


def _names(items: list[WorkItem], office: dict[str, int]) -> list[str]:
    by_id = {referral_id: name for name, referral_id in office.items()}
    return [by_id[item.id] for item in items]


@pytest.mark.parametrize("which", list(EXPECTED))
def test_each_list_holds_its_referrals_most_urgent_first(
    sessions: sessionmaker[Session], office: dict[str, int], which: Worklist
) -> None:
    with sessions() as session:
        assert _names(worklist(session, which, now=NOW), office) == EXPECTED[which]


def test_the_desk_reads_every_list_at_once_the_same_as_one_by_one(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    with sessions() as session:
        together = desk_worklists(session, now=NOW)
        for which in DESK_WORKLISTS:
            alone = worklist(session, which, now=NOW)
            assert [item.id for item in together[which]] == [item.id for item in alone], which
    assert list(together) == list(DESK_WORKLISTS)


def test_every_open_referral_is_on_a_list_that_says_what_to_do(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    with sessions() as session:
        lists = desk_worklists(session, now=NOW)
    everything_open = {item.id for item in lists[W.OPEN]}
    assert everything_open == {
        office[name] for name in office if name not in ("won", "told", "cancelled")
    }
    for referral_id in everything_open:
        on = [
            which
            for which in DESK_WORKLISTS
            if which is not W.OPEN and any(item.id == referral_id for item in lists[which])
        ]
        assert on, f"referral {referral_id} is on no list but All open"
    closed = {office["told"], office["cancelled"]}
    assert not closed & {item.id for items in lists.values() for item in items}


def test_all_open_comes_most_urgent_first(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    with sessions() as session:
        names = _names(worklist(session, W.OPEN, now=NOW), office)
    # The longest overdue leads, whatever it waits for: the follow-up due yesterday morning,
    # the outcome of yesterday's visit, then the first contacts overdue for 16 h and 6 h.
    assert names[:4] == ["follow_up", "visited", "assigned_late", "late"]
    assert names.index("fresh") < names.index("upcoming") < names.index("call_back")
    assert names[-2:] == ["quoted", "contacted"]


def test_what_each_referral_waits_for(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    with sessions() as session:
        items = {item.id: item for item in worklist(session, W.OPEN, now=NOW)}
    due = {name: items[office[name]].due for name in office if office[name] in items}
    assert due["fresh"] == Due("First contact", NOW - 2 * HOUR + 24 * HOUR)
    assert due["late"] == Due("First contact", NOW + 6 * HOUR - 12 * HOUR)
    assert due["upcoming"] == Due("Appointment", NOW + DAY)
    assert due["visited"] == Due("Outcome", NOW - DAY)
    assert due["call_back"] == Due("Next try", NOW + 2 * DAY)
    assert due["follow_up"] == Due("Follow-up", as_utc(dt.datetime(2026, 3, 15, 8)))
    assert due["contacted"] is None and due["quoted"] is None
    call_back = items[office["call_back"]]
    assert (call_back.attempts, call_back.next_try_at) == (1, NOW + 2 * DAY)
    assert items[office["late"]].overdue and not items[office["fresh"]].overdue
    assert items[office["fresh"]].category == "Equipment replacement"
    assert items[office["fresh"]].recommendation == "Replace with a condensing boiler"


def test_a_booked_call_back_that_has_come_needs_an_appointment_again(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    later = NOW + 2 * DAY + HOUR
    with sessions() as session:
        names = _names(worklist(session, W.NEEDS_APPOINTMENT, now=later), office)
    assert names == ["call_back", "contacted"]  # its next try is due, so it leads


def test_filters_by_salesperson_and_technician(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    with sessions.begin() as session:
        other = factories.staff(session, "Other Sales", role=StaffRole.SALESPERSON)
        sal = factories.staff(session, "Extra Tech")
        other_id, tech_id = other.id, sal.id
    with sessions() as session:
        assert worklist(session, W.OPEN, now=NOW, salesperson_id=other_id) == []
        assert worklist(session, W.OPEN, now=NOW, technician_id=tech_id) == []
        lists = desk_worklists(session, now=NOW, salesperson_id=other_id)
    assert all(items == [] for items in lists.values())


def test_typed_words_match_customer_people_and_the_referral_text(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    with sessions() as session:
        items = worklist(session, W.OPEN, now=NOW)
    assert {item.id for item in items if matches(item, "late diner")} == {office["late"]}
    assert len([item for item in items if matches(item, "ana")]) == len(items)  # the tech
    assert len([item for item in items if matches(item, "SAL es")]) == len(items) - 2
    assert [item for item in items if matches(item, "condensing")] == items  # recommendation
    assert [item for item in items if matches(item, "boiler nowhere")] == []
    assert [item for item in items if matches(item, "   ")] == items
    phone = items[0].customer_phone
    assert phone is not None
    assert items[0] in [item for item in items if matches(item, phone)]


def test_the_list_of_everything_keeps_closed_referrals_newest_first(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    with sessions() as session:
        everything = worklist(session, W.ALL, now=NOW)
    assert len(everything) == len(office)
    created = [item.created_at for item in everything]
    assert created == sorted(created, reverse=True)
    statuses = {item.id: item.status for item in everything}
    assert (statuses[office["told"]], statuses[office["cancelled"]]) == (RS.WON, RS.CANCELLED)
