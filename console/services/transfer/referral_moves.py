"""Re-importing referrals: the file's status and salesperson meet the desk's work.

The file's other columns are written like any other kind's. Status and salesperson go
through here: a status behind the stored one is ignored, one ahead is reached by the
lifecycle service's own steps (each recorded as an event by the import's actor, noting the
file), and a salesperson is only ever added where the desk has none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert
from sqlalchemy.orm import Session

from console.models import Base, EventKind, Referral, ReferralStatus
from console.models.referral import Assignment
from console.services.errors import InputError
from console.services.office.settings import load_office_settings
from console.services.referrals.lifecycle import StepDetails, move_referral
from console.services.transfer.problems import Problem
from console.services.transfer.referral_steps import plan_status

DESK_OWNED = ("status", "salesperson_id")


@dataclass(frozen=True)
class _Move:
    line: int
    referral_id: int
    steps: list[ReferralStatus]
    salesperson_id: int | None


class ReferralMoves:
    """Collects what a chunk's rows ask of stored referrals; applies it after the plain writes."""

    def __init__(self, connection: Connection, actor: str, source: str, now: dt.datetime) -> None:
        self.connection = connection
        self.actor = actor
        self.note = f"from import {source}"
        self.now = now
        self.moves: list[_Move] = []
        self.assignments: list[tuple[int, int]] = []

    def take(
        self, line: int, current: dict[str, Any], record: dict[str, Any], problems: list[Problem]
    ) -> bool:
        """Removes the desk-owned fields from `record`; True when they change the referral."""
        wanted = record.pop("status", None)
        salesperson = record.pop("salesperson_id", None)
        stored = ReferralStatus(current["status"])
        # The desk's salesperson stays; the file's is only taken where there is none.
        adds = salesperson if current["salesperson_id"] is None else None
        plan = plan_status(stored, ReferralStatus(wanted) if wanted else None)
        if plan.problem is not None:
            problems.append(Problem(line, "status", plan.problem))
            return False
        if plan.steps:
            unassigned = adds is None and current["salesperson_id"] is None
            if ReferralStatus.ASSIGNED in plan.steps and unassigned:
                reason = (
                    f"moving the referral from {stored.value} to {wanted} needs a salesperson; "
                    "name one in the salesperson column"
                )
                problems.append(Problem(line, "status", reason))
                return False
            self.moves.append(_Move(line, current["id"], plan.steps, adds))
            return True
        if adds is not None:
            self.assignments.append((current["id"], adds))
            return True
        return False

    def apply(self, problems: list[Problem]) -> None:
        """The queued steps through the lifecycle service, in the import's transaction."""
        if self.assignments:
            self._assign()
        if not self.moves:
            return
        with Session(bind=self.connection) as session:
            settings = load_office_settings(session)
            for move in self.moves:
                referral = session.get(Referral, move.referral_id)
                assert referral is not None
                details = StepDetails(salesperson=move.salesperson_id, note=self.note)
                try:
                    for step in move.steps:
                        move_referral(
                            session,
                            referral,
                            step,
                            self.actor,
                            details
                            if step is ReferralStatus.ASSIGNED
                            else StepDetails(note=self.note),
                            settings=settings,
                            now=self.now,
                        )
                except InputError as error:
                    column = "salesperson" if error.field == "salesperson" else "status"
                    problems.append(Problem(move.line, column, error.message))
                    return
                if move.salesperson_id is not None and ReferralStatus.ASSIGNED in move.steps:
                    referral.assignment = Assignment.IMPORT  # the file's choice, not the desk's
                    session.flush()
        self.moves.clear()

    def _assign(self) -> None:
        """A salesperson where the desk had none: set, and noted on the referral's history."""
        referrals = Base.metadata.tables["referrals"]
        events = Base.metadata.tables["referral_events"]
        for referral_id, salesperson_id in self.assignments:
            self.connection.execute(
                referrals.update()
                .where(referrals.c.id == referral_id, referrals.c.salesperson_id.is_(None))
                .values(
                    salesperson_id=salesperson_id,
                    assignment=Assignment.IMPORT.value,
                    version=referrals.c.version + 1,
                )
            )
        self.connection.execute(
            insert(events),
            [
                {
                    "referral_id": referral_id,
                    "at": self.now,
                    "actor": self.actor,
                    "kind": EventKind.NOTE.value,
                    "from_status": None,
                    "to_status": None,
                    "note": f"Salesperson set {self.note}",
                }
                for referral_id, _salesperson in self.assignments
            ],
        )
        self.assignments.clear()
