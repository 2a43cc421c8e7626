"""The outbox: messages queued with the step that made them, sent later, never lost.

Queueing is a plain insert in the caller's transaction, so a refused step queues nothing and a
queued message survives a closed console or a mail server that is down. `send_due` hands due
messages to the server, one short transaction around each state change:

1. claim: `queued` (due) → `sending`, attempts + 1, committed before anything is sent. Only one
   sender (desk or command) wins the claim, so two desks never send the same message.
2. hand the message to the server, with the Message-ID fixed when it was queued.
3. mark: `sent`; or back to `queued` with a later `next_attempt_at` when the server was away,
   busy (4xx), timed out or dropped the line; or `failed` with the reason when it refused the
   message (5xx for the recipient or the content) or after MAX_ATTEMPTS.

A crash between 2 and 3 leaves the message in `sending`. Once its claim is older than
SENDING_LEASE (no live sender takes that long), the next run sends it again, byte for byte the
same and with the same Message-ID, so the recipient's mail system sees one message delivered
twice rather than two messages; it is then marked sent once.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import smtplib
import socket
import ssl
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any, cast

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import CursorResult, Engine, and_, or_, select, update
from sqlalchemy.orm import Session, selectinload

from console.credentials import redact
from console.database import session_factory
from console.models import EventKind, OutboxAttachment, OutboxMessage, OutboxState, ReferralEvent
from console.services.errors import InputError
from console.services.messages.smtp_url import Security, SmtpServer
from console.services.office.clock import utc_now

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
FIRST_BACKOFF = dt.timedelta(minutes=1)
LONGEST_BACKOFF = dt.timedelta(hours=1)
SENDING_LEASE = dt.timedelta(minutes=10)
MAX_ATTACHMENTS = 10
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024  # all of a message's attachments together
MAX_SUBJECT = 500
MAX_BODY = 200_000
MESSAGE_ID_DOMAIN = "dispatch-console.invalid"


@dataclass(frozen=True)
class Attachment:
    """A file to send with a message."""

    filename: str
    mime_type: str
    content: bytes


@dataclass
class SendReport:
    """What one run of the sender did, message by message."""

    sent: list[int] = field(default_factory=list)
    retrying: list[tuple[int, str]] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)

    @property
    def summary(self) -> str:
        parts = []
        if self.sent:
            parts.append(f"{len(self.sent)} sent")
        if self.retrying:
            parts.append(f"{len(self.retrying)} waiting to retry ({self.retrying[-1][1]})")
        if self.failed:
            parts.append(f"{len(self.failed)} failed ({self.failed[-1][1]})")
        return "; ".join(parts) if parts else "nothing to send"


def new_message_id(domain: str = MESSAGE_ID_DOMAIN) -> str:
    return f"<{secrets.token_hex(16)}@{domain}>"


def _checked_address(to: str) -> str:
    address = (to or "").strip()
    if not address:
        raise InputError("to", "an email address is required")
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError as error:
        raise InputError("to", f"{address!r} is not an email address ({error})") from None
    return address


def queue_message(
    session: Session,
    *,
    kind: str,
    to: str,
    subject: str,
    body: str,
    attachments: Iterable[Attachment] = (),
    referral_id: int | None = None,
    actor: str,
    now: dt.datetime | None = None,
) -> OutboxMessage:
    """Queue a message in the caller's transaction: it is sent only if that commits."""
    address = _checked_address(to)
    subject = (subject or "").strip()
    if not subject:
        raise InputError("subject", "must not be empty")
    if "\n" in subject or "\r" in subject:
        raise InputError("subject", "must be one line")
    if len(subject) > MAX_SUBJECT:
        raise InputError("subject", f"at most {MAX_SUBJECT} characters")
    if not (body or "").strip():
        raise InputError("message", "must not be empty")
    if len(body) > MAX_BODY:
        raise InputError("message", f"at most {MAX_BODY} characters")
    files = list(attachments)
    if len(files) > MAX_ATTACHMENTS:
        raise InputError("attachments", f"at most {MAX_ATTACHMENTS} files")
    if sum(len(item.content) for item in files) > MAX_ATTACHMENT_BYTES:
        raise InputError("attachments", f"at most {MAX_ATTACHMENT_BYTES // 1_048_576} MB together")
    for item in files:
        if "/" not in item.mime_type or not item.filename.strip():
            raise InputError("attachments", f"{item.filename!r} needs a name and a type/subtype")
    at = now or utc_now()
    message = OutboxMessage(
        message_id=new_message_id(),
        kind=kind,
        referral_id=referral_id,
        to=address,
        subject=subject,
        body=body,
        state=OutboxState.QUEUED,
        attempts=0,
        next_attempt_at=at,
        created_at=at,
        created_by=actor,
        attachments=[
            OutboxAttachment(
                position=index,
                filename=item.filename.strip(),
                mime_type=item.mime_type,
                content=item.content,
            )
            for index, item in enumerate(files)
        ],
    )
    session.add(message)
    session.flush()
    return message


def build_email(message: OutboxMessage, sender: str) -> EmailMessage:
    """The message as it goes out: the same bytes every time it is sent."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at)
    email["Message-ID"] = message.message_id
    email.set_content(message.body)
    parts = []
    for item in message.attachments:
        mime, _, parameters = item.mime_type.partition(";")
        main, _, sub = mime.strip().partition("/")
        parts.append((_calendar_method(main, sub, parameters), main, sub, item))
    # An invitation sits beside the text, as calendar programs (Outlook above all) expect;
    # alternatives go in before the first attachment turns the message into a mixed one.
    for method, _main, _sub, item in parts:
        if method is not None:
            email.add_alternative(
                item.content.decode("utf-8"), subtype="calendar", params={"method": method}
            )
    for method, main, sub, item in parts:
        if method is None:
            email.add_attachment(item.content, maintype=main, subtype=sub, filename=item.filename)
    return email


def _calendar_method(main: str, sub: str, parameters: str) -> str | None:
    """The iTIP method of a `text/calendar; method=…` part, else None."""
    if (main.lower(), sub.lower()) != ("text", "calendar"):
        return None
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "method" and value.strip():
            return value.strip().strip('"').upper()
    return None


def backoff(attempts: int) -> dt.timedelta:
    """How long to wait after the `attempts`-th try failed: doubling, at most an hour."""
    factor: int = 2 ** max(attempts - 1, 0)
    return min(FIRST_BACKOFF * factor, LONGEST_BACKOFF)


class _Refused(Exception):
    """The server refused this message for good (5xx for the recipient or the content)."""


class _ServerAway(Exception):
    """The server could not take any message now: the run stops, the rest wait."""


def _reason(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(error.recipients.values()))
        return redact(f"recipient refused: {code} {_text(text)}")
    if isinstance(error, smtplib.SMTPResponseException):
        return redact(f"server said {error.smtp_code} {_text(error.smtp_error)}")
    if isinstance(error, socket.timeout | TimeoutError) or isinstance(
        error.__context__, socket.timeout | TimeoutError
    ):  # smtplib reports a silent server as a closed connection
        return "the mail server did not answer in time"
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return f"the mail server closed the connection ({error or 'no reason given'})"
    if isinstance(error, ConnectionRefusedError):
        return "the mail server refused the connection (is it running, is the port right?)"
    if isinstance(error, ssl.SSLError):
        return f"secure connection failed ({error.reason or error})"
    if isinstance(error, OSError):
        return f"cannot reach the mail server ({error.strerror or error})"
    return redact(str(error) or type(error).__name__)


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _permanent(error: BaseException) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPDataError) and error.smtp_code >= 500


Connect = Callable[[SmtpServer], smtplib.SMTP]


def connect(server: SmtpServer) -> smtplib.SMTP:
    """A logged-in connection to the server, secured as its URL says."""
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if server.security is Security.TLS:
        client = smtplib.SMTP_SSL(server.host, server.port, timeout=server.timeout, context=context)
    else:
        client = smtplib.SMTP(server.host, server.port, timeout=server.timeout)
    try:
        client.ehlo()
        if server.security is Security.STARTTLS:
            client.starttls(context=context)
            client.ehlo()
        if server.username and server.password:
            client.login(server.username, server.password)
    except BaseException:
        client.close()
        raise
    return client


class _Connection:
    """One connection per run, opened when the first message needs it."""

    def __init__(self, server: SmtpServer, opener: Connect) -> None:
        self.server = server
        self.opener = opener
        self.client: smtplib.SMTP | None = None

    def send(self, email: EmailMessage) -> None:
        try:
            if self.client is None:
                self.client = self.opener(self.server)
            self.client.send_message(email)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as error:
            if _permanent(error):
                self._reset()
                raise _Refused(_reason(error)) from error
            self.close()
            raise _ServerAway(_reason(error)) from error
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            raise _ServerAway(_reason(error)) from error

    def _reset(self) -> None:
        """After a refused message the connection can take the next one."""
        if self.client is not None:
            try:
                self.client.rset()
            except (smtplib.SMTPException, OSError):
                self.close()

    def close(self) -> None:
        if self.client is not None:
            try:
                self.client.quit()
            except (smtplib.SMTPException, OSError):
                self.client.close()
            self.client = None


def _due(now: dt.datetime) -> Any:
    return or_(
        and_(OutboxMessage.state == OutboxState.QUEUED, OutboxMessage.next_attempt_at <= now),
        and_(
            OutboxMessage.state == OutboxState.SENDING,
            OutboxMessage.claimed_at < now - SENDING_LEASE,
        ),
    )


def due_messages(session: Session, now: dt.datetime, limit: int = 100) -> list[int]:
    return list(
        session.scalars(
            select(OutboxMessage.id)
            .where(_due(now))
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
        )
    )


def _claim(session: Session, message_id: int, now: dt.datetime) -> bool:
    """Take the message for this sender; False when another sender has it or it is done."""
    result = cast(
        "CursorResult[Any]",
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, _due(now))
            .values(
                state=OutboxState.SENDING,
                claimed_at=now,
                attempts=OutboxMessage.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        ),
    )
    return result.rowcount == 1


def _timeline(session: Session, message: OutboxMessage, text: str, at: dt.datetime) -> None:
    if message.referral_id is not None:
        session.add(
            ReferralEvent(
                referral_id=message.referral_id,
                actor=message.created_by,
                kind=EventKind.NOTE,
                at=at,
                note=text,
            )
        )


def mark_sent(session: Session, message: OutboxMessage, at: dt.datetime) -> None:
    message.state = OutboxState.SENT
    message.sent_at = at
    message.last_error = None
    message.claimed_at = None
    _timeline(session, message, f"Message sent to {message.to}: {message.subject}", at)


def _mark_retry(session: Session, message: OutboxMessage, reason: str, at: dt.datetime) -> bool:
    """Back to the queue with a later try; True when it has run out of tries and failed."""
    message.last_error = reason
    message.claimed_at = None
    if message.attempts >= MAX_ATTEMPTS:
        _mark_failed(session, message, f"{reason} (gave up after {message.attempts} tries)", at)
        return True
    message.state = OutboxState.QUEUED
    message.next_attempt_at = at + backoff(message.attempts)
    return False


def _mark_failed(session: Session, message: OutboxMessage, reason: str, at: dt.datetime) -> None:
    message.state = OutboxState.FAILED
    message.last_error = reason
    message.claimed_at = None
    _timeline(session, message, f"Message to {message.to} not sent: {reason}", at)


def send_due(
    engine: Engine,
    smtp: SmtpServer,
    now: dt.datetime | None = None,
    *,
    opener: Connect = connect,
    clock: Callable[[], dt.datetime] = utc_now,
) -> SendReport:
    """Send every message that is due; see the module's docstring for each state's rule."""
    start = now or clock()
    sessions = session_factory(engine)
    report = SendReport()
    with sessions() as session:
        pending = due_messages(session, start)
    connection = _Connection(smtp, opener)
    try:
        for message_id in pending:
            with sessions.begin() as session:
                if not _claim(session, message_id, now or clock()):
                    continue
            with sessions() as session:
                message = session.scalars(
                    select(OutboxMessage)
                    .where(OutboxMessage.id == message_id)
                    .options(selectinload(OutboxMessage.attachments))
                ).one()
                email = build_email(message, smtp.sender)
            try:
                connection.send(email)
            except _Refused as refused:
                with sessions.begin() as session:
                    claimed = session.get_one(OutboxMessage, message_id)
                    _mark_failed(session, claimed, str(refused), now or clock())
                report.failed.append((message_id, str(refused)))
                log.info("message %s refused by the mail server: %s", message_id, refused)
                continue
            except _ServerAway as away:
                with sessions.begin() as session:
                    claimed = session.get_one(OutboxMessage, message_id)
                    gave_up = _mark_retry(session, claimed, str(away), now or clock())
                (report.failed if gave_up else report.retrying).append((message_id, str(away)))
                log.info("mail server away, message %s waits: %s", message_id, away)
                break  # the others wait for the next run rather than meet the same wall
            with sessions.begin() as session:
                mark_sent(session, session.get_one(OutboxMessage, message_id), now or clock())
            report.sent.append(message_id)
    finally:
        connection.close()
    return report


def retry_messages(
    session: Session, ids: Sequence[int] | None = None, now: dt.datetime | None = None
) -> int:
    """Failed messages (all, or those given) go back to the queue, due now, with fresh tries.

    A message given by id that is already sent is refused, naming it; nothing changes then.
    """
    at = now or utc_now()
    query = select(OutboxMessage).where(OutboxMessage.state != OutboxState.SENT)
    if ids is not None:
        rows = {
            row.id: row
            for row in session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids)))
        }
        for wanted in ids:
            row = rows.get(wanted)
            if row is None:
                raise InputError("message", f"no outbox message {wanted}")
            if row.state is OutboxState.SENT:
                raise InputError(
                    "message", f"message {wanted} was already sent; it is not sent twice"
                )
        messages = [rows[wanted] for wanted in ids if rows[wanted].state is not OutboxState.SENDING]
    else:
        messages = list(session.scalars(query.where(OutboxMessage.state == OutboxState.FAILED)))
    for message in messages:
        message.state = OutboxState.QUEUED
        message.attempts = 0
        message.next_attempt_at = at
    session.flush()
    return len(messages)


@dataclass(frozen=True)
class OutboxRow:
    """One message as the outbox lists it."""

    id: int
    state: OutboxState
    kind: str
    to: str
    subject: str
    attempts: int
    created_at: dt.datetime
    sent_at: dt.datetime | None
    next_attempt_at: dt.datetime | None
    reason: str
    referral_id: int | None
    message_id: str


def outbox_rows(session: Session, limit: int = 500) -> list[OutboxRow]:
    """Queued, sending and failed first, then the most recently sent."""
    waiting = list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.state != OutboxState.SENT)
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    )
    sent = list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.state == OutboxState.SENT)
            .order_by(OutboxMessage.sent_at.desc(), OutboxMessage.id.desc())
            .limit(max(limit - len(waiting), 0))
        )
    )
    return [
        OutboxRow(
            id=row.id,
            state=row.state,
            kind=row.kind,
            to=row.to,
            subject=row.subject,
            attempts=row.attempts,
            created_at=row.created_at,
            sent_at=row.sent_at,
            next_attempt_at=row.next_attempt_at if row.state is OutboxState.QUEUED else None,
            reason=row.last_error or "",
            referral_id=row.referral_id,
            message_id=row.message_id,
        )
        for row in [*waiting, *sent]
    ]
