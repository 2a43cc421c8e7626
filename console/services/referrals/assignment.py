"""Fair assignment of new referrals: round-robin among the salespeople who take the category.

The next salesperson is the one who least recently received a round-robin referral in that
category (never before comes first, then by name). Only round-robin referrals count as turns:
a manual choice neither uses nor skips anyone's turn. A round-robin referral later handed to
somebody else by hand becomes a manual one, so it is nobody's turn any more and its first
holder moves up the line again.

Who may take a turn: active salespeople who take the category (`salesperson_categories`) and
are not away on the office's day. A referral without a category may go to any active
salesperson who is not away.

Two desks creating referrals at the same moment must not both pick the same person: the pick
runs under a lock that the second desk waits for until the first commits. On PostgreSQL that
is a row lock (`SELECT … FOR NO KEY UPDATE`) on the salespeople in the rotation; on SQLite it is the
database's write lock, taken (`BEGIN IMMEDIATE`) before the rotation is read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from console.models import Referral, Staff, StaffRole
from console.models.referral import Assignment
from console.models.staff import SalespersonCategory
from console.services.office.clock import local_date
from console.services.office.settings import load_office_settings


@dataclass(frozen=True)
class RoundRobinPick:
    """Whom the rotation chose; with nobody, `reason` says why in the office's words."""

    salesperson: Staff | None
    reason: str = ""


def is_away(person: Staff, today: dt.date) -> bool:
    """Marked away, and `today` (an office day) is not after the day they are away until."""
    if person.away_since is None:
        return False
    return person.away_until is None or today <= person.away_until


def away_text(person: Staff, today: dt.date) -> str:
    """'away', 'away until 2026-12-10' or '' when the person is here on `today`."""
    if not is_away(person, today):
        return ""
    return f"away until {person.away_until.isoformat()}" if person.away_until else "away"


def _takers(category: str | None) -> Select[Staff]:
    """Active salespeople who take `category` (any of them for a referral without one)."""
    statement = select(Staff).where(Staff.role == StaffRole.SALESPERSON, Staff.active.is_(True))
    if category is not None:
        statement = statement.where(
            Staff.id.in_(
                select(SalespersonCategory.staff_id).where(
                    # Both stored in the office's spelling: equal, with no case folding that
                    # SQLite's ASCII-only lower() would get wrong for "Équipement".
                    SalespersonCategory.category == category
                )
            )
        )
    return statement


def _hold_the_rotation(session: Session, category: str | None) -> list[Staff]:
    """The takers of `category`, read under the lock that serialises picks across desks."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        driver = connection.connection.driver_connection
        if driver is not None and not driver.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        return list(session.scalars(_takers(category).order_by(Staff.id)))
    # Ordered by id so that two desks always lock the same rows in the same order. FOR NO KEY
    # UPDATE: picks wait for each other, while saving a referral that names one of these
    # people (a foreign key check) does not wait for a pick.
    locked = _takers(category).order_by(Staff.id).with_for_update(of=Staff, key_share=True)
    return list(session.scalars(locked))


def _last_turns(session: Session, category: str | None, staff_ids: list[int]) -> dict[int, int]:
    """The newest round-robin referral in `category` each of `staff_ids` holds, by id."""
    statement = (
        select(Referral.salesperson_id, func.max(Referral.id))
        .where(
            Referral.assignment == Assignment.ROUND_ROBIN,
            Referral.salesperson_id.in_(staff_ids),
            Referral.category.is_(None) if category is None else Referral.category == category,
        )
        .group_by(Referral.salesperson_id)
    )
    return {
        staff_id: newest for staff_id, newest in session.execute(statement) if staff_id is not None
    }


def rotation(session: Session, category: str | None, today: dt.date) -> list[Staff]:
    """Everyone who may take the next round-robin referral in `category`, next one first.

    Read without a lock: for showing the order; `pick_round_robin` is the one that assigns.
    """
    takers = list(session.scalars(_takers(category)))
    return _in_turn(session, category, [p for p in takers if not is_away(p, today)])


def _in_turn(session: Session, category: str | None, people: list[Staff]) -> list[Staff]:
    turns = _last_turns(session, category, [person.id for person in people])
    return sorted(people, key=lambda p: (turns.get(p.id, 0), p.name.casefold(), p.id))


def pick_round_robin(session: Session, category: str | None, today: dt.date) -> RoundRobinPick:
    """The salesperson whose turn it is for a new referral in `category` on office day `today`.

    Call it in the transaction that assigns the referral: the lock it takes is held until that
    transaction ends, so another desk's pick waits and then sees this one's referral.
    """
    takers = _hold_the_rotation(session, category)
    present = [person for person in takers if not is_away(person, today)]
    if present:
        return RoundRobinPick(_in_turn(session, category, present)[0])
    return RoundRobinPick(None, nobody_reason(category, bool(takers)))


def why_unassigned(session: Session, category: str | None, today: dt.date) -> str:
    """Why the rotation has nobody for `category` today; '' when it has somebody."""
    takers = list(session.scalars(_takers(category)))
    if any(not is_away(person, today) for person in takers):
        return ""
    return nobody_reason(category, bool(takers))


def nobody_reason(category: str | None, somebody_takes_it: bool) -> str:
    """Why nobody could be given a referral in `category`."""
    what = category or "referrals without a category"
    if somebody_takes_it:
        return f"no active salesperson takes {what}; everyone who does is away"
    if category is None:
        return "there is no active salesperson to take it"
    return f"no active salesperson takes {what}"


def creation_message(session: Session, referral: Referral) -> str:
    """How the referral just created got its salesperson, or why the rotation had nobody."""
    reason = ""
    if referral.salesperson_id is None and load_office_settings(session).assign_round_robin:
        reason = why_unassigned(session, referral.category, local_date(referral.created_at))
    return assignment_message(referral, reason)


def assignment_message(referral: Referral, round_robin_reason: str = "") -> str:
    """What a desk is told about how a new referral got its salesperson, or why round-robin
    left it new; empty when the office assigns by hand and none was chosen."""
    person = referral.salesperson
    if person is not None and referral.assignment is Assignment.ROUND_ROBIN:
        return f"assigned to {person.name} (round-robin)"
    if person is not None:
        return f"assigned to {person.name}"
    if round_robin_reason:
        return f"not assigned: {round_robin_reason}"
    return ""  # the office assigns by hand: nothing to tell
