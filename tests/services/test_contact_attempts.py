"""Contact attempts: the first one that reaches the customer is the first contact; the others
leave the overdue clock running. Each refusal names its field and leaves the referral as it was."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, sessionmaker

from console.models import (
    ContactAttempt,
    ContactChannel,
    EventKind,
    Referral,
    ReferralEvent,
    ReferralStatus,
    StaffRole,
)
from console.services.errors import Conflict, InputError, NotFound
from console.services.office.clock import configure_office_zone
from console.services.office.settings import OfficeSettings, save_office_settings
from console.services.referrals.contact_attempts import (
    attempt_summaries,
    attempts_for,
    describe_attempt,
    record_attempt,
)
from console.services.referrals.detail import referral_detail
from console.services.referrals.lifecycle import StepDetails, create_referral, move_referral
from tests import factories

RS = ReferralStatus
CREATED = dt.datetime(2026, 3, 16, 9, 0, tzinfo=dt.UTC)
ASSIGNED = CREATED + dt.timedelta(minutes=30)
NOW = dt.datetime(2026, 3, 16, 15, 0, tzinfo=dt.UTC)


@pytest.fixture
def office(sessions: sessionmaker[Session]) -> dict[str, int]:
    with sessions.begin() as session:
        customer = factories.customer(session, name="Ada Park")
        factories.staff(session, "Ana Tech", phone="555-0199")
        factories.staff(session, "Sal Es", role=StaffRole.SALESPERSON)
        return {"customer": customer.id}


def office_zone_is(sessions: sessionmaker[Session], zone: str) -> None:
    """The office works in `zone`, as its settings say (loading them puts it into effect)."""
    with sessions.begin() as session:
        save_office_settings(session, OfficeSettings(time_zone=zone))


def referral_at(
    sessions: sessionmaker[Session], office: dict[str, int], status: RS = RS.ASSIGNED
) -> int:
    """A referral recorded at CREATED, assigned at ASSIGNED, then walked on to `status`."""
    path = {
        RS.NEW: [],
        RS.ASSIGNED: [RS.ASSIGNED],
        RS.CONTACTED: [RS.ASSIGNED, RS.CONTACTED],
        RS.QUOTED: [RS.ASSIGNED, RS.CONTACTED, RS.QUOTED],
        RS.NOT_NOW: [RS.ASSIGNED, RS.CONTACTED, RS.NOT_NOW],
        RS.WON: [RS.ASSIGNED, RS.CONTACTED, RS.WON],
        RS.LOST: [RS.ASSIGNED, RS.CONTACTED, RS.LOST],
        RS.CANCELLED: [RS.CANCELLED],
    }[status]
    with sessions.begin() as session:
        referral = create_referral(
            session,
            customer_id=office["customer"],
            technician="Ana Tech",
            pain_point="Boiler leaking, 19 years old",
            actor="sam",
            now=CREATED,
        )
        details = StepDetails(
            salesperson="Sal Es",
            value="9000",
            reason="Price",
            follow_up_on=dt.date(2026, 6, 1),
        )
        for index, target in enumerate(path):
            at = ASSIGNED + dt.timedelta(minutes=index)
            move_referral(session, referral, target, "sam", details, now=at)
        return referral.id


def attempt(sessions: sessionmaker[Session], referral_id: int, **fields: object) -> ContactAttempt:
    values: dict = {
        "channel": "phone",
        "reached": False,
        "note": None,
        "next_try": None,
        "actor": "sam",
        "expected_version": None,
        "now": NOW,
    }
    values.update(fields)
    with sessions.begin() as session:
        saved = record_attempt(session, referral_id, **values)
        session.expunge(saved)
        return saved


def snapshot(sessions: sessionmaker[Session], referral_id: int) -> tuple[object, ...]:
    """What a refused attempt must leave untouched."""
    with sessions() as session:
        referral = session.get(Referral, referral_id)
        assert referral is not None
        count = session.scalar(
            select(func.count())
            .select_from(ContactAttempt)
            .where(ContactAttempt.referral_id == referral_id)
        )
        events = session.scalar(
            select(func.count())
            .select_from(ReferralEvent)
            .where(ReferralEvent.referral_id == referral_id)
        )
        return (referral.status, referral.version, referral.first_contact_at, count, events)


def test_an_attempt_that_does_not_reach_changes_no_status_and_the_clock_runs(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    referral_id = referral_at(sessions, office)
    before = snapshot(sessions, referral_id)
    attempt(
        sessions,
        referral_id,
        note="  left voicemail ",
        next_try=dt.datetime(2026, 3, 17, 10, 0, tzinfo=dt.UTC),
        at=NOW - dt.timedelta(hours=1),
    )
    with sessions() as session:
        referral = session.get(Referral, referral_id)
        assert referral is not None
        assert referral.status is RS.ASSIGNED
        assert referral.first_contact_at is None
        assert referral.version == before[1] + 1  # the referral was saved: other desks see it
        (row,) = attempts_for(session, referral_id)
        assert (row.channel, row.reached, row.note) == (
            ContactChannel.PHONE,
            False,
            "left voicemail",
        )
        assert row.at == NOW - dt.timedelta(hours=1)
        # Recorded at 09:00, 24 hours to first contact: the next morning it is overdue.
        assert referral_detail(session, referral_id, now=CREATED + dt.timedelta(hours=25)).overdue


def test_the_first_reached_attempt_is_the_first_contact_through_the_lifecycle(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    referral_id = referral_at(sessions, office)
    attempt(sessions, referral_id, at=NOW - dt.timedelta(hours=3), note="no answer")
    reached_at = NOW - dt.timedelta(hours=2)
    attempt(sessions, referral_id, channel="text", reached=True, at=reached_at, note="call Tue")
    attempt(sessions, referral_id, channel="email", reached=True, note="sent the brochure")
    with sessions() as session:
        referral = session.get(Referral, referral_id)
        assert referral is not None
        assert referral.status is RS.CONTACTED
        assert referral.first_contact_at == reached_at  # the later reached one changed nothing
        steps = session.scalars(
            select(ReferralEvent).where(
                ReferralEvent.referral_id == referral_id, ReferralEvent.kind == EventKind.STATUS
            )
        ).all()
        contacted = [e for e in steps if e.to_status is RS.CONTACTED]
        assert len(contacted) == 1
        assert contacted[0].at == reached_at
        assert contacted[0].from_status is RS.ASSIGNED
        assert contacted[0].actor == "sam"
        detail = referral_detail(session, referral_id, now=CREATED + dt.timedelta(hours=30))
    assert not detail.overdue
    assert detail.attempts is not None
    assert (detail.attempts.count, detail.attempts.not_reached) == (3, 1)
    assert detail.attempts.last.note == "sent the brochure"
    lines = [entry.text for entry in detail.timeline]
    assert lines == [
        "Referral recorded",
        "New → Assigned",
        "Phone, not reached — no answer",
        "Text, reached — call Tue",
        "Assigned → Contacted — first contact by text",
        "Email, reached — sent the brochure",
    ]


def test_attempts_on_later_open_steps_are_recorded_without_moving_the_referral(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    referral_id = referral_at(sessions, office, RS.QUOTED)
    before = snapshot(sessions, referral_id)
    attempt(sessions, referral_id, channel="in_person", reached=True, note="chasing the quote")
    after = snapshot(sessions, referral_id)
    assert after[0] is RS.QUOTED
    assert after[2] == before[2]  # first contact stays as the desk recorded it
    assert after[3:] == (1, before[4] + 1)


@pytest.mark.parametrize(
    ("status", "says"),
    [
        (RS.NEW, "referral {id} is new; assign it to a salesperson before contacting"),
        (RS.NOT_NOW, "referral {id} is not_now; take it back to the worklist (assigned)"),
        (RS.WON, "referral {id} is won; attempts are recorded on open referrals only"),
        (RS.LOST, "referral {id} is lost; attempts are recorded on open referrals only"),
        (RS.CANCELLED, "referral {id} is cancelled; attempts are recorded on open referrals"),
    ],
)
def test_attempts_are_refused_where_contacting_makes_no_sense(
    sessions: sessionmaker[Session], office: dict[str, int], status: RS, says: str
) -> None:
    referral_id = referral_at(sessions, office, status)
    before = snapshot(sessions, referral_id)
    with pytest.raises(InputError) as refused:
        attempt(sessions, referral_id, reached=True)
    assert refused.value.field == "status"
    assert says.format(id=referral_id) in str(refused.value)
    assert snapshot(sessions, referral_id) == before


def test_unknown_referral_and_channel_are_refused_by_name(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    referral_id = referral_at(sessions, office)
    before = snapshot(sessions, referral_id)
    with pytest.raises(NotFound, match="no referral with id 999"):
        attempt(sessions, 999)
    with pytest.raises(InputError) as refused:
        attempt(sessions, referral_id, channel="fax")
    assert str(refused.value) == (
        "channel: 'fax' is not a channel; use one of: phone, text, email, in_person"
    )
    assert snapshot(sessions, referral_id) == before


def test_times_out_of_order_are_refused(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    office_zone_is(sessions, "UTC")
    referral_id = referral_at(sessions, office)
    before = snapshot(sessions, referral_id)
    cases = [
        ({"at": NOW + dt.timedelta(minutes=5)}, "attempt time: 2026-03-16 15:05 is in the future"),
        (
            {"at": CREATED - dt.timedelta(minutes=1)},
            "attempt time: 2026-03-16 08:59 is before the referral was recorded (2026-03-16 09:00)",
        ),
        (
            {"at": ASSIGNED - dt.timedelta(minutes=10), "reached": True},
            "attempt time: 2026-03-16 09:20 is before the referral was assigned (2026-03-16 09:30)",
        ),
        (
            {"next_try": NOW - dt.timedelta(minutes=1)},
            "next try: 2026-03-16 14:59 is not in the future; it is 2026-03-16 15:00 in the office",
        ),
    ]
    for fields, message in cases:
        with pytest.raises(InputError) as refused:
            attempt(sessions, referral_id, **fields)
        assert str(refused.value).startswith(message)
        assert snapshot(sessions, referral_id) == before


@pytest.mark.parametrize(
    ("zone", "typed", "accepted"),
    [
        # 15:00 UTC is 11:00 in New York: 12:00 typed there is still to come.
        ("America/New_York", dt.datetime(2026, 3, 16, 12, 0), True),
        ("America/New_York", dt.datetime(2026, 3, 16, 10, 30), False),
        # ...and 16:00 in Berlin: 15:30 typed there has passed, though 15:30 UTC has not.
        ("Europe/Berlin", dt.datetime(2026, 3, 16, 15, 30), False),
        ("Europe/Berlin", dt.datetime(2026, 3, 16, 16, 30), True),
    ],
)
def test_next_try_is_read_on_the_office_clock(
    sessions: sessionmaker[Session],
    office: dict[str, int],
    zone: str,
    typed: dt.datetime,
    accepted: bool,
) -> None:
    office_zone_is(sessions, zone)
    referral_id = referral_at(sessions, office)
    before = snapshot(sessions, referral_id)
    if accepted:
        saved = attempt(sessions, referral_id, next_try=typed)
        assert saved.next_try_at is not None
        assert saved.next_try_at.astimezone(ZoneInfo(zone)).replace(tzinfo=None) == typed
    else:
        with pytest.raises(InputError, match=f"next try: {typed:%Y-%m-%d %H:%M} is not in the"):
            attempt(sessions, referral_id, next_try=typed)
        assert snapshot(sessions, referral_id) == before


def test_a_stale_version_is_a_conflict_and_saves_nothing(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    referral_id = referral_at(sessions, office)
    with sessions() as session:
        seen = referral_detail(session, referral_id, now=NOW).version
    attempt(sessions, referral_id, expected_version=seen)  # another desk, first
    before = snapshot(sessions, referral_id)
    with pytest.raises(Conflict, match=f"referral {referral_id} was changed on another desk"):
        attempt(sessions, referral_id, reached=True, expected_version=seen)
    assert snapshot(sessions, referral_id) == before


def test_two_desks_reaching_the_customer_at_once_make_one_first_contact(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    referral_id = referral_at(sessions, office)
    with sessions() as slow:
        seen = slow.get(Referral, referral_id)  # read before the other desk saved
        assert seen is not None and seen.status is RS.ASSIGNED
        attempt(sessions, referral_id, reached=True, note="desk one")
        before = snapshot(sessions, referral_id)
        with pytest.raises(Conflict, match="changed on another desk"):
            record_attempt(
                slow,
                referral_id,
                channel="phone",
                reached=True,
                note="desk two",
                next_try=None,
                actor="kim",
                expected_version=None,
                now=NOW,
            )
        slow.rollback()
    assert snapshot(sessions, referral_id) == before
    with sessions() as session:
        assert [row.note for row in attempts_for(session, referral_id)] == ["desk one"]


def test_summaries_for_many_referrals_come_from_one_query(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    first, second, untouched = (referral_at(sessions, office) for _ in range(3))
    attempt(sessions, first, at=NOW - dt.timedelta(hours=2), note="no answer")
    attempt(sessions, first, at=NOW - dt.timedelta(hours=1), note="voicemail", channel="text")
    attempt(sessions, second, reached=True, channel="email", note="replied")
    with sessions() as session:
        statements: list[str] = []
        engine = session.get_bind()
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            found = attempt_summaries(session, [first, second, untouched])
        finally:
            event.remove(engine, "before_cursor_execute", listener)
    assert len(statements) == 1
    assert set(found) == {first, second}
    assert (found[first].count, found[first].not_reached) == (2, 2)
    assert found[first].last.note == "voicemail"
    assert found[first].text.startswith("2 attempts (2 not reached); last Mon 16 Mar ")
    assert found[first].text.endswith(": Text, not reached — voicemail")
    assert (found[second].count, found[second].not_reached, found[second].last.reached) == (
        1,
        0,
        True,
    )


def test_an_attempt_reads_as_a_sentence_in_the_office_zone() -> None:
    configure_office_zone("America/New_York")
    next_try = dt.datetime(2026, 3, 17, 14, 0, tzinfo=dt.UTC)  # 10:00 in New York
    assert (
        describe_attempt(ContactChannel.PHONE, False, "left voicemail", next_try)
        == "Phone, not reached — left voicemail; next try Tue 17 Mar 10:00"
    )
    assert describe_attempt(ContactChannel.IN_PERSON, True, None, None) == "In person, reached"
