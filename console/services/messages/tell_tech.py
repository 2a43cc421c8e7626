"""Telling the referring tech the outcome, from the office's template, by email or by hand.

`compose` fills the template for a won or lost referral. `queue_tell_tech` records the
lifecycle's tell-tech step and queues the email in the same transaction: a refused step queues
nothing, and a queued message is never lost. When the message thanks the tech, the step records
"thanked" too. With no mail server set up, `mailto_url` opens the message in the desk's mail
program and `plain_text` is the message to copy into a text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote

from sqlalchemy.orm import Session

from console.models import OUTCOME_STATUSES, ReferralStatus
from console.services.errors import InputError
from console.services.messages.outbox import queue_message
from console.services.messages.templates import TellTechTemplate, fill, load_template, thanks
from console.services.office import formatting
from console.services.referrals.lifecycle import get_referral, tell_tech

KIND = "tell_tech"


@dataclass(frozen=True)
class TellTechMessage:
    """The message for one referral, as composed and then perhaps edited at the desk."""

    referral_id: int
    version: int
    technician: str
    to: str  # the tech's email; empty when the office has none on file
    phone: str
    subject: str
    body: str

    @property
    def thanks(self) -> bool:
        return thanks(self.body)


def _money(value: Decimal | None) -> str:
    return formatting.money(value) if value is not None else "not recorded"


def field_values(session: Session, referral_id: int) -> dict[str, str]:
    """The template's fields for one referral; refused unless it is won or lost."""
    referral = get_referral(session, referral_id)
    if referral.status not in OUTCOME_STATUSES:
        raise InputError(
            "status",
            f"referral {referral_id} is {referral.status.value}; "
            "the tech is told once it is won or lost",
        )
    won = referral.status is ReferralStatus.WON
    outcome = "won" if won else f"lost ({referral.lost_reason})" if referral.lost_reason else "lost"
    name = referral.technician.name.strip()
    return {
        "tech_first_name": name.split()[0] if name else "there",
        "customer": referral.customer.name,
        "outcome": outcome,
        "value": _money(referral.won_value if won else referral.estimated_value),
        "salesperson": referral.salesperson.name if referral.salesperson else "the office",
        "spiff": _money(referral.spiff_amount) if won and referral.spiff_amount else "none",
    }


def compose(
    session: Session, referral_id: int, template: TellTechTemplate | None = None
) -> TellTechMessage:
    """The office's message for a won or lost referral, ready to edit and send."""
    values = field_values(session, referral_id)
    subject, body = fill(template or load_template(session), values)
    referral = get_referral(session, referral_id)
    tech = referral.technician
    return TellTechMessage(
        referral_id=referral_id,
        version=referral.version,
        technician=tech.name,
        to=(tech.email or "").strip(),
        phone=(tech.phone or "").strip(),
        subject=subject,
        body=body,
    )


def queue_tell_tech(
    session: Session,
    message: TellTechMessage,
    actor: str,
    *,
    thanked: bool = False,
    note: str | None = None,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Record the tell-tech step and queue the email in the caller's transaction.

    Returns the outbox message's id. "Thanked" is recorded when asked or when the message
    thanks the tech. A tech without an email address is refused, naming them.
    """
    if not message.to:
        raise InputError(
            "email",
            f"{message.technician} has no email address; add one to the staff record, "
            "or open the message in your mail program",
        )
    queued = queue_message(
        session,
        kind=KIND,
        to=message.to,
        subject=message.subject,
        body=message.body,
        referral_id=message.referral_id,
        actor=actor,
        now=now,
    )
    tell_tech(
        session,
        message.referral_id,
        actor,
        thanked=thanked or message.thanks,
        note=f"by email to {message.to} (outbox message {queued.id})"
        + (f"; {note.strip()}" if note and note.strip() else ""),
        expected_version=expected_version,
        now=now,
    )
    return queued.id


def record_told_by_hand(
    session: Session,
    message: TellTechMessage,
    actor: str,
    how: str,
    *,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> None:
    """The desk told the tech another way (its mail program, a text): record the step only."""
    tell_tech(
        session,
        message.referral_id,
        actor,
        thanked=message.thanks,
        note=how,
        expected_version=expected_version,
        now=now,
    )


def mailto_url(message: TellTechMessage) -> str:
    """The message as a `mailto:` link the desk's mail program opens, ready to send."""
    return (
        f"mailto:{quote(message.to, safe='@')}"
        f"?subject={quote(message.subject, safe='')}&body={quote(message.body, safe='')}"
    )


def plain_text(message: TellTechMessage) -> str:
    """The message to paste into a text: the subject line, then the body."""
    return f"{message.subject}\n\n{message.body}"
