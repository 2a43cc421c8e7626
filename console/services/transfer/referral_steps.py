"""What a file may do to a referral the desk is already working: move it forward, never back.

Status, salesperson, first contact, appointment and outcome are desk work. A re-imported file
never moves a referral backwards or clears that work; it may move one forward, through the
lifecycle service, by steps that need nothing a file does not carry (assigned, contacted,
quoted, cancelled). A step that needs more (an appointment time, the value won, a lost
reason, a follow-up date) is refused, naming what it needs, so it is taken at the desk.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from console.models import ReferralStatus
from console.services.referrals.lifecycle import allowed_steps

RS = ReferralStatus
# Steps whose data a file has (or, for assigned, the salesperson column).
FILE_STEPS = frozenset({RS.ASSIGNED, RS.CONTACTED, RS.QUOTED, RS.CANCELLED})
NEEDS = {
    RS.APPOINTMENT_SET: "an appointment time",
    RS.WON: "the value won",
    RS.LOST: "a lost reason",
    RS.NOT_NOW: "a follow-up date",
}


@dataclass(frozen=True)
class StatusPlan:
    """The lifecycle steps that bring a stored referral to the file's status, or why not."""

    steps: list[ReferralStatus] = field(default_factory=list)
    problem: str | None = None


def _path(start: ReferralStatus, goal: ReferralStatus, usable: frozenset | None) -> list | None:
    """The shortest list of allowed steps from start to goal (only `usable` ones if given)."""
    before: dict[ReferralStatus, ReferralStatus | None] = {start: None}
    queue = deque([start])
    while queue:
        status = queue.popleft()
        if status == goal:
            steps = []
            while before[status] is not None:
                steps.append(status)
                status = before[status]  # type: ignore[assignment]
            return steps[::-1]
        for step in allowed_steps(status):
            if step not in before and (usable is None or step in usable):
                before[step] = status
                queue.append(step)
    return None


def plan_status(stored: ReferralStatus, wanted: ReferralStatus | None) -> StatusPlan:
    """Behind or equal: nothing to do. Ahead: the steps, or the problem that stops them."""
    if wanted is None or wanted == stored or _path(wanted, stored, None) is not None:
        return StatusPlan()
    steps = _path(stored, wanted, FILE_STEPS)
    if steps is not None:
        return StatusPlan(steps)
    if _path(stored, wanted, None) is None:
        return StatusPlan(
            problem=f"the referral is {stored.value} at the desk and cannot become {wanted.value}"
        )
    need = NEEDS.get(wanted, "a step taken at the desk")
    return StatusPlan(
        problem=f"moving the referral from {stored.value} to {wanted.value} needs {need}, "
        "which a file does not carry; take that step at the desk"
    )
