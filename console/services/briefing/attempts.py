"""What a briefing sheet says about the tries to reach each referral's customer.

The salesperson going out should know whether the customer has been hard to reach: how many
tries, how many missed, and how the last one went.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy.orm import Session

from console.services.referrals.contact_attempts import (
    AttemptSummary,
    attempt_summaries,
    shown_time,
)


def attempt_line(summary: AttemptSummary) -> str:
    """'Contact attempts: 3, 2 not reached · last Tue 17 Mar 10:05, phone, reached — booked'."""
    last = summary.last
    missed = f", {summary.not_reached} not reached" if summary.not_reached else ""
    return f"Contact attempts: {summary.count}{missed} · last {shown_time(last.at)}, " + (
        last.text[0].lower() + last.text[1:]
    )


def attempt_lines(session: Session, referral_ids: Collection[int]) -> dict[int, str]:
    """The line each referral with any attempts prints, by referral id, read in one query."""
    return {
        referral_id: attempt_line(summary)
        for referral_id, summary in attempt_summaries(session, referral_ids).items()
    }
