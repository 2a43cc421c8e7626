"""Tries to reach a referral's customer, and what they mean for the referral.

"Contacted" used to be one click; now each try is recorded: when, the channel, whether it
reached the customer, a note and when to try next. The first try that reaches the customer is
the first contact: it takes the referral to contacted through the lifecycle (same version and
event rules as the step itself) and its time becomes the first-contact time. A try that does not
reach them changes no status, so the overdue clock keeps running.

Attempts are recorded on referrals someone is working: assigned (the salesperson is trying to
reach the customer), contacted, appointment set and quoted (confirming, rescheduling, chasing a
quote). A new referral has nobody to call yet, not now waits for its follow-up date until a desk
takes it back to the worklist, and won, lost and cancelled are closed.

Each attempt also appends an `attempt` event to the referral's history, so the timeline shows it
in order with the other events; the attempt row holds its details. Every attempt saves the
referral (its version moves), so two desks working the same referral never overlook each other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from console.models import (
    ContactAttempt,
    ContactChannel,
    EventKind,
    ReferralEvent,
    ReferralStatus,
)
from console.services.errors import InputError
from console.services.office import formatting
from console.services.office.clock import as_utc, local, utc_now
from console.services.referrals.lifecycle import (
    StepDetails,
    get_referral,
    move_referral,
    saving_referral,
)

RS = ReferralStatus

ATTEMPT_STATUSES = (RS.ASSIGNED, RS.CONTACTED, RS.APPOINTMENT_SET, RS.QUOTED)
CHANNELS = tuple(channel.value for channel in ContactChannel)
# Ids per statement when summarising a long list: well under every backend's parameter limit.
_IDS_PER_QUERY = 5000


def shown_time(moment: dt.datetime, beside: dt.datetime | None = None) -> str:
    """A moment as the office's clock shows it, with its weekday: 'Tue 17 Mar 10:00'; with
    the year too when it is not the year of `beside`."""
    other_year = beside is not None and local(beside).year != local(moment).year
    return f"{formatting.day(moment, year=other_year)} {formatting.time(moment)}"


def describe_attempt(
    channel: ContactChannel,
    reached: bool,
    note: str | None,
    next_try_at: dt.datetime | None,
    at: dt.datetime | None = None,
) -> str:
    """One attempt as a line: 'Phone, not reached — left voicemail; next try Tue 17 Mar 10:00'
    (the next try's year is shown when it is not the year of the attempt, `at`)."""
    text = f"{channel.label}, {'reached' if reached else 'not reached'}"
    if note:
        text += f" — {note}"
    if next_try_at is not None:
        text += f"; next try {shown_time(next_try_at, at)}"
    return text


@dataclass(frozen=True, slots=True)
class AttemptRow:
    """One attempt, detached for display."""

    id: int
    referral_id: int
    at: dt.datetime
    channel: ContactChannel
    reached: bool
    note: str | None
    next_try_at: dt.datetime | None
    actor: str

    @property
    def text(self) -> str:
        return describe_attempt(self.channel, self.reached, self.note, self.next_try_at, self.at)


@dataclass(frozen=True, slots=True)
class AttemptSummary:
    """A referral's attempts so far: how many, how many missed, and the last one."""

    count: int
    not_reached: int
    last: AttemptRow

    @property
    def text(self) -> str:
        """'3 attempts (2 not reached); last Tue 17 Mar 10:05: Phone, reached — booked'."""
        plural = "s" if self.count != 1 else ""
        missed = f" ({self.not_reached} not reached)" if self.not_reached else ""
        return (
            f"{self.count} attempt{plural}{missed}; last {shown_time(self.last.at)}: "
            f"{self.last.text}"
        )


def summarise(attempts: Collection[AttemptRow]) -> AttemptSummary | None:
    """The summary of one referral's attempts already read, or None when there are none."""
    if not attempts:
        return None
    last = max(attempts, key=lambda attempt: (attempt.at, attempt.id))
    missed = sum(1 for attempt in attempts if not attempt.reached)
    return AttemptSummary(count=len(attempts), not_reached=missed, last=last)


def as_row(attempt: ContactAttempt) -> AttemptRow:
    """An attempt detached for display."""
    return AttemptRow(
        id=attempt.id,
        referral_id=attempt.referral_id,
        at=attempt.at,
        channel=attempt.channel,
        reached=attempt.reached,
        note=attempt.note,
        next_try_at=attempt.next_try_at,
        actor=attempt.actor,
    )


def parse_channel(value: ContactChannel | str) -> ContactChannel:
    """A channel by its name, or a refusal listing the ones there are."""
    try:
        return ContactChannel(str(value).strip().lower())
    except ValueError:
        raise InputError(
            "channel", f"{value!r} is not a channel; use one of: {', '.join(CHANNELS)}"
        ) from None


def _check_open_for_attempts(referral_id: int, status: ReferralStatus) -> None:
    if status in ATTEMPT_STATUSES:
        return
    if status is RS.NEW:
        why = "assign it to a salesperson before contacting the customer"
    elif status is RS.NOT_NOW:
        why = "take it back to the worklist (assigned) before contacting the customer"
    else:
        why = "attempts are recorded on open referrals only"
    raise InputError("status", f"referral {referral_id} is {status.value}; {why}")


def _office_clock(moment: dt.datetime) -> str:
    return formatting.datetime(moment)


def _entered_current_status(
    session: Session, referral_id: int, status: ReferralStatus
) -> dt.datetime | None:
    """When the referral last stepped into `status`, from its history."""
    return session.scalar(
        select(func.max(ReferralEvent.at)).where(
            ReferralEvent.referral_id == referral_id,
            ReferralEvent.to_status == status,
        )
    )


def record_attempt(
    session: Session,
    referral_id: int,
    *,
    channel: ContactChannel | str,
    reached: bool,
    note: str | None,
    next_try: dt.datetime | None,
    at: dt.datetime | None = None,
    actor: str,
    expected_version: int | None,
    now: dt.datetime | None = None,
) -> ContactAttempt:
    """Record one try to reach the customer, or refuse it whole, naming the field.

    `at` and `next_try` without a zone are the office's wall-clock time; `at` defaults to now
    and may not be in the future, `next_try` must be. The first attempt that reaches the
    customer of an assigned referral takes the contacted step at the attempt's time.
    """
    referral = get_referral(session, referral_id, expected_version)
    kind = parse_channel(channel)
    _check_open_for_attempts(referral_id, referral.status)
    now = now or utc_now()
    when = as_utc(at) if at is not None else now
    if when > now:
        raise InputError(
            "attempt time",
            f"{_office_clock(when)} is in the future; it is {_office_clock(now)} in the office",
        )
    if when < referral.created_at:
        raise InputError(
            "attempt time",
            f"{_office_clock(when)} is before the referral was recorded "
            f"({_office_clock(referral.created_at)})",
        )
    next_try_at = as_utc(next_try) if next_try is not None else None
    if next_try_at is not None and next_try_at <= now:
        raise InputError(
            "next try",
            f"{_office_clock(next_try_at)} is not in the future; "
            f"it is {_office_clock(now)} in the office",
        )
    first_contact = reached and referral.status is RS.ASSIGNED
    if first_contact:
        assigned_at = _entered_current_status(session, referral_id, RS.ASSIGNED)
        if assigned_at is not None and when < assigned_at:
            raise InputError(
                "attempt time",
                f"{_office_clock(when)} is before the referral was assigned "
                f"({_office_clock(assigned_at)}); a first contact cannot come before that",
            )
    text = (note or "").strip() or None
    with saving_referral(referral_id):
        event = ReferralEvent(
            referral=referral, actor=actor, kind=EventKind.ATTEMPT, at=when, note=text
        )
        attempt = ContactAttempt(
            referral=referral,
            event=event,
            at=when,
            channel=kind,
            reached=reached,
            note=text,
            next_try_at=next_try_at,
            actor=actor,
        )
        session.add_all([event, attempt])
        if first_contact:
            details = StepDetails(note=f"first contact by {kind.label.lower()}")
            move_referral(session, referral, RS.CONTACTED, actor, details, now=when)
        else:
            if reached and referral.first_contact_at is None:
                referral.first_contact_at = when  # contacted before attempts were recorded
            flag_modified(referral, "status")  # the referral is saved: its version moves
        session.flush()
    return attempt


def attempts_for(session: Session, referral_id: int) -> list[AttemptRow]:
    """Every attempt on one referral, oldest first."""
    rows = session.scalars(
        select(ContactAttempt)
        .where(ContactAttempt.referral_id == referral_id)
        .order_by(ContactAttempt.at, ContactAttempt.id)
    )
    return [as_row(attempt) for attempt in rows]


def attempts_by_event(session: Session, referral_id: int) -> dict[int, AttemptRow]:
    """One referral's attempts keyed by the timeline event each one made."""
    rows = session.execute(
        select(ContactAttempt.event_id, ContactAttempt).where(
            ContactAttempt.referral_id == referral_id
        )
    )
    return {event_id: as_row(attempt) for event_id, attempt in rows}


def attempt_summaries(session: Session, referral_ids: Collection[int]) -> dict[int, AttemptSummary]:
    """Attempts so far and the last one, for each referral that has any, in one query.

    A window over each referral's attempts gives its count, its misses and its newest row
    together, so a worklist of hundreds of referrals costs one round trip.
    """
    ids = sorted(set(referral_ids))
    found: dict[int, AttemptSummary] = {}
    for start in range(0, len(ids), _IDS_PER_QUERY):
        chunk = ids[start : start + _IDS_PER_QUERY]
        referral = ContactAttempt.referral_id
        ranked = (
            select(
                ContactAttempt.id.label("attempt_id"),
                func.count().over(partition_by=referral).label("count"),
                func.sum(case((ContactAttempt.reached, 0), else_=1))
                .over(partition_by=referral)
                .label("not_reached"),
                func.row_number()
                .over(
                    partition_by=referral,
                    order_by=(ContactAttempt.at.desc(), ContactAttempt.id.desc()),
                )
                .label("newest_first"),
            )
            .where(ContactAttempt.referral_id.in_(chunk))
            .subquery()
        )
        rows = session.execute(
            select(ContactAttempt, ranked.c.count, ranked.c.not_reached)
            .join(ranked, ranked.c.attempt_id == ContactAttempt.id)
            .where(ranked.c.newest_first == 1)
        )
        for attempt, count, not_reached in rows:
            found[attempt.referral_id] = AttemptSummary(
                count=int(count), not_reached=int(not_reached), last=as_row(attempt)
            )
    return found
