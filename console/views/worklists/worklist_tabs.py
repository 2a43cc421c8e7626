"""The worklists' tabs: a short caption with the count, and what each list holds."""

from __future__ import annotations

from console.services.referrals.worklists import Worklist

# Captions shorter than the list's title keep the tab bar scannable; the tooltip has it whole.
TAB_TEXT = {
    Worklist.NEW: "New",
    Worklist.NEEDS_APPOINTMENT: "Needs appointment",
    Worklist.UPCOMING: "Upcoming",
}
TAB_HINTS = {
    Worklist.NEW: "Recorded, nobody assigned yet",
    Worklist.OVERDUE: "Not contacted within the office's promise to the techs",
    Worklist.NEEDS_APPOINTMENT: "The customer was reached, and no call back is booked for later",
    Worklist.FOLLOW_UP: "Put off with not now, and the follow-up date has come",
    Worklist.UPCOMING: "Sales appointments still to come",
    Worklist.AWAITING_OUTCOME: "Quoted, or the appointment has been: record won, lost or not now",
    Worklist.TELL_TECH: "Won or lost, and the referring tech has not heard yet",
    Worklist.ASSIGNED: "A salesperson has it and is to reach the customer",
    Worklist.CONTACTED: "Every referral whose customer was reached, with no appointment yet",
    Worklist.APPOINTMENT_SET: "Every referral with a sales appointment, past or to come",
    Worklist.QUOTED: "Every referral quoted and waiting for the customer's answer",
    Worklist.NOT_NOW: "Every referral put off until its follow-up date",
    Worklist.OPEN: "Every referral not yet won, lost or cancelled; type to narrow it",
}


def tab_caption(which: Worklist) -> str:
    return TAB_TEXT.get(which, which.title)


def tab_text(which: Worklist, count: int) -> str:
    return f"{tab_caption(which)} ({count})"


def tab_tooltip(which: Worklist) -> str:
    return f"{which.title}: {TAB_HINTS[which]}"
