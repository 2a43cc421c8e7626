"""Calendar invites by email: queued through the outbox in the caller's transaction.

`follow_invite` is what the desk's own steps call after they move or call off an appointment,
so a salesperson who was emailed an invite hears about the change without anyone asking.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from console.models import OutboxMessage
from console.services.calendar.ics import Person
from console.services.calendar.invites import INVITE_KIND, IssuedInvite, issue_invite, live_invite
from console.services.errors import InputError
from console.services.messages.outbox import Attachment, queue_message


def queue_invite(
    session: Session, issued: IssuedInvite, *, actor: str, now: dt.datetime | None = None
) -> list[OutboxMessage]:
    """Queue the invite (and any CANCEL to a salesperson it was taken from) in the caller's
    transaction, so it is mailed only if the step that made it is saved."""
    queued = []
    for message in (issued.withdrawn, issued.message):
        if message is None or not message.to:
            continue
        queued.append(
            queue_message(
                session,
                kind=INVITE_KIND,
                to=message.to,
                subject=message.subject,
                body=message.body,
                attachments=[
                    Attachment(item.filename, item.mime_type, item.content)
                    for item in message.attachments()
                ],
                referral_id=message.referral_id,
                actor=actor,
                now=now,
            )
        )
    return queued


def follow_invite(
    session: Session,
    referral_id: int,
    *,
    actor: str,
    organizer: Person | None = None,
    now: dt.datetime | None = None,
) -> list[OutboxMessage]:
    """After the desk moves or calls off an appointment: when an invite was emailed for it,
    queue the update or the CANCEL in the same transaction. Nothing is queued when no invite
    was issued, when it went to nobody by email, or when nothing it said has changed."""
    invite = live_invite(session, referral_id)
    if invite is None or not invite.attendee:
        return []
    before = (invite.sequence, invite.state)
    try:
        issued = issue_invite(
            session, referral_id, actor=actor, sending=True, organizer=organizer, now=now
        )
    except InputError:
        # A move into the past, or a salesperson now without an address: the next
        # `referral invite` says why; the step itself stands.
        return []
    if (issued.message.sequence, invite.state) == before:
        return []
    return queue_invite(session, issued, actor=actor, now=now)
