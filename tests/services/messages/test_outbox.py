"""The outbox against a real SMTP server on loopback, on both databases: messages parsed back,
a server that is down, busy, slow, drops the line or refuses, and a crash between send and mark.
"""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from console.models import OutboxMessage, OutboxState, Referral, ReferralEvent
from console.services.errors import InputError
from console.services.messages import outbox
from console.services.messages.outbox import (
    MAX_ATTEMPTS,
    SENDING_LEASE,
    Attachment,
    outbox_rows,
    queue_message,
    retry_messages,
    send_due,
)
from console.services.messages.smtp_password import remember_password, with_password
from console.services.messages.smtp_url import parse_smtp_url
from console.services.messages.tell_tech import compose, queue_tell_tech
from tests.services.messages.mail_server import MailServer, mail_server
from tests.services.messages.office import NOW, won_referral

LATER = NOW + dt.timedelta(minutes=2)


def queue_tell(sessions: sessionmaker[Session], referral_id: int) -> int:
    with sessions.begin() as session:
        return queue_tell_tech(session, compose(session, referral_id), "sam", now=NOW)


def message_row(sessions: sessionmaker[Session], message_id: int) -> OutboxMessage:
    with sessions() as session:
        return session.get_one(OutboxMessage, message_id)


def timeline(sessions: sessionmaker[Session], referral_id: int) -> list[str]:
    with sessions() as session:
        return [
            event.note or ""
            for event in session.scalars(
                select(ReferralEvent)
                .where(ReferralEvent.referral_id == referral_id)
                .order_by(ReferralEvent.id)
            )
        ]


def test_the_tech_gets_the_outcome_and_thanks_by_email(
    engine: Engine, sessions: sessionmaker[Session], smtp: MailServer
) -> None:
    referral_id = won_referral(sessions)
    message_id = queue_tell(sessions, referral_id)

    report = send_due(engine, parse_smtp_url(smtp.url()), NOW)

    assert report.sent == [message_id] and not report.retrying and not report.failed
    [received] = smtp.recorder.received
    row = message_row(sessions, message_id)
    assert received["Message-ID"] == row.message_id
    assert received["To"] == "ana@example.com"
    assert received["From"] == "office@example.com"
    assert received["Subject"] == "Your referral for Ada Park: won"
    body = received.get_content()
    assert "Hi Ana," in body
    assert "Value: $12,000.00" in body
    assert "Salesperson: Sal Es" in body
    assert "Your spiff: $50.00" in body
    assert "Thank you for the referral" in body
    assert smtp.recorder.envelopes == [("office@example.com", ["ana@example.com"])]
    assert row.state is OutboxState.SENT and row.sent_at == NOW and row.attempts == 1
    with sessions() as session:
        referral = session.get_one(Referral, referral_id)
        assert referral.tech_informed_at == NOW
        assert referral.tech_thanked is True
    notes = timeline(sessions, referral_id)
    assert any(
        note.startswith("Told the tech the outcome and thanked them: by email") for note in notes
    )
    assert notes[-1] == "Message sent to ana@example.com: Your referral for Ada Park: won"


def test_attachments_arrive_whole(
    engine: Engine, sessions: sessionmaker[Session], smtp: MailServer
) -> None:
    invite = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
    pdf = bytes(range(256)) * 40
    with sessions.begin() as session:
        queue_message(
            session,
            kind="digest",
            to="sal@example.com",
            subject="Your week",
            body="Attached: your week and the visit.",
            attachments=[
                Attachment("visit.ics", "text/calendar", invite),
                Attachment("week.pdf", "application/pdf", pdf),
            ],
            actor="sam",
            now=NOW,
        )

    assert len(send_due(engine, parse_smtp_url(smtp.url()), NOW).sent) == 1

    [received] = smtp.recorder.received
    parts = list(received.iter_attachments())
    assert [(part.get_filename(), part.get_content_type()) for part in parts] == [
        ("visit.ics", "text/calendar"),
        ("week.pdf", "application/pdf"),
    ]
    assert parts[0].get_payload(decode=True) == invite
    assert parts[1].get_payload(decode=True) == pdf
    body = received.get_body(("plain",))
    assert body is not None and body.get_content().strip() == "Attached: your week and the visit."


def test_a_refused_step_queues_nothing(engine: Engine, sessions: sessionmaker[Session]) -> None:
    referral_id = won_referral(sessions)
    queue_tell(sessions, referral_id)
    with pytest.raises(InputError, match="the tech was already told"):
        queue_tell(sessions, referral_id)
    with sessions() as session:
        assert session.scalar(select(func.count(OutboxMessage.id))) == 1


def test_a_tech_without_email_is_named_and_nothing_changes(
    sessions: sessionmaker[Session],
) -> None:
    referral_id = won_referral(sessions, email=None)
    with pytest.raises(InputError, match="Ana Tech has no email address") as refused:
        queue_tell(sessions, referral_id)
    assert refused.value.field == "email"
    with sessions() as session:
        assert session.scalar(select(func.count(OutboxMessage.id))) == 0
        assert session.get_one(Referral, referral_id).tech_informed_at is None


@pytest.mark.parametrize(
    ("to", "subject", "body", "field"),
    [
        ("not an address", "Hi", "Body", "to"),
        ("ana@example.com", "", "Body", "subject"),
        ("ana@example.com", "Two\nlines", "Body", "subject"),
        ("ana@example.com", "Hi", "  ", "message"),
    ],
)
def test_queue_message_refuses_what_cannot_be_sent(
    sessions: sessionmaker[Session], to: str, subject: str, body: str, field: str
) -> None:
    with pytest.raises(InputError) as refused, sessions.begin() as session:
        queue_message(session, kind="digest", to=to, subject=subject, body=body, actor="sam")
    assert refused.value.field == field
    with sessions() as session:
        assert session.scalar(select(func.count(OutboxMessage.id))) == 0


@pytest.mark.parametrize(
    ("behaviour", "reason"),
    [
        ("down", "refused the connection"),
        ("busy", "server said 451 4.3.0 mailbox busy"),
        ("slow", "did not answer in time"),
        ("drop", "closed the connection"),
    ],
)
def test_a_server_that_cannot_take_it_leaves_it_queued_and_it_is_retried(
    engine: Engine, sessions: sessionmaker[Session], behaviour: str, reason: str
) -> None:
    referral_id = won_referral(sessions)
    message_id = queue_tell(sessions, referral_id)
    with mail_server(behaviour) as troubled:
        url = troubled.url(timeout=0.5)
        report = send_due(engine, parse_smtp_url(url), NOW)
    assert report.retrying and reason in report.retrying[0][1]
    row = message_row(sessions, message_id)
    assert row.state is OutboxState.QUEUED and row.attempts == 1
    assert reason in (row.last_error or "")
    assert row.next_attempt_at == NOW + dt.timedelta(minutes=1)

    with mail_server("accept", port=troubled.port) as working:
        not_yet = send_due(engine, parse_smtp_url(url), NOW + dt.timedelta(seconds=30))
        assert not_yet.sent == [] and working.recorder.received == []
        later = send_due(engine, parse_smtp_url(url), LATER)
    assert later.sent == [message_id]
    assert len(working.recorder.received) == 1
    row = message_row(sessions, message_id)
    assert row.state is OutboxState.SENT and row.attempts == 2 and row.last_error is None


def test_backoff_doubles_and_gives_up_with_the_reason(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    referral_id = won_referral(sessions)
    message_id = queue_tell(sessions, referral_id)
    waits = []
    with mail_server("down") as down:
        server = parse_smtp_url(down.url())
        at = NOW
        for _ in range(MAX_ATTEMPTS):
            send_due(engine, server, at)
            row = message_row(sessions, message_id)
            if row.state is OutboxState.FAILED:
                break
            waits.append(row.next_attempt_at - at)
            at = row.next_attempt_at
    assert waits[:4] == [dt.timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert max(waits) == dt.timedelta(hours=1)
    row = message_row(sessions, message_id)
    assert row.state is OutboxState.FAILED
    assert f"gave up after {MAX_ATTEMPTS} tries" in (row.last_error or "")
    assert timeline(sessions, referral_id)[-1].startswith("Message to ana@example.com not sent:")


def test_a_refused_recipient_fails_with_the_reason_and_can_be_retried(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    referral_id = won_referral(sessions)
    message_id = queue_tell(sessions, referral_id)
    with mail_server("refuse_recipient") as refusing:
        url = refusing.url()
        report = send_due(engine, parse_smtp_url(url), NOW)
    assert report.failed == [(message_id, "recipient refused: 550 5.1.1 no such mailbox here")]
    row = message_row(sessions, message_id)
    assert row.state is OutboxState.FAILED
    assert timeline(sessions, referral_id)[-1] == (
        "Message to ana@example.com not sent: recipient refused: 550 5.1.1 no such mailbox here"
    )

    with sessions.begin() as session:
        assert retry_messages(session, now=LATER) == 1
    with mail_server("accept", port=refusing.port) as working:
        assert send_due(engine, parse_smtp_url(url), LATER).sent == [message_id]
    assert len(working.recorder.received) == 1


def test_a_sent_message_is_not_retried(
    engine: Engine, sessions: sessionmaker[Session], smtp: MailServer
) -> None:
    message_id = queue_tell(sessions, won_referral(sessions))
    send_due(engine, parse_smtp_url(smtp.url()), NOW)
    with (
        pytest.raises(InputError, match=f"message {message_id} was already sent"),
        sessions.begin() as session,
    ):
        retry_messages(session, [message_id])
    assert message_row(sessions, message_id).state is OutboxState.SENT


def test_a_crash_between_sending_and_marking_sends_the_same_message_again_once(
    engine: Engine,
    sessions: sessionmaker[Session],
    smtp: MailServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    message_id = queue_tell(sessions, won_referral(sessions))
    server = parse_smtp_url(smtp.url())

    def killed(*_args: object) -> None:
        raise SystemExit("killed after the server took the message")

    with monkeypatch.context() as patch:
        patch.setattr(outbox, "mark_sent", killed)
        with pytest.raises(SystemExit):
            send_due(engine, server, NOW)
    assert len(smtp.recorder.received) == 1
    assert message_row(sessions, message_id).state is OutboxState.SENDING

    # Within the lease the claim may be a live sender's: nobody else takes it.
    assert send_due(engine, server, NOW + SENDING_LEASE / 2).sent == []
    assert len(smtp.recorder.received) == 1

    after = NOW + SENDING_LEASE + dt.timedelta(seconds=1)
    assert send_due(engine, server, after).sent == [message_id]
    assert send_due(engine, server, after + dt.timedelta(hours=2)).sent == []
    first, second = smtp.recorder.received
    assert (
        first["Message-ID"] == second["Message-ID"] == message_row(sessions, message_id).message_id
    )
    assert first.as_bytes() == second.as_bytes()
    row = message_row(sessions, message_id)
    assert row.state is OutboxState.SENT and row.sent_at == after
    with sessions() as session:
        assert session.scalar(select(func.count(OutboxMessage.id))) == 1


def test_two_senders_never_both_claim_a_message(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    message_id = queue_tell(sessions, won_referral(sessions))
    with sessions.begin() as session:
        assert outbox._claim(session, message_id, NOW) is True
    with sessions.begin() as session:
        assert outbox._claim(session, message_id, NOW) is False


def test_the_password_is_used_and_never_shown(
    engine: Engine,
    sessions: sessionmaker[Session],
    smtp: MailServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    secret = "s3cret-Pa55"
    caplog.set_level(logging.DEBUG)
    server = parse_smtp_url(smtp.url(user="office"))
    remember_password(server.key, secret)
    message_id = queue_tell(sessions, won_referral(sessions))

    report = send_due(engine, with_password(server), NOW)

    assert report.sent == [message_id]
    assert smtp.recorder.logins == [("office", secret)]
    assert secret not in repr(with_password(server))
    assert secret not in caplog.text
    with sessions() as session:
        for row in outbox_rows(session):
            assert secret not in repr(row)


def test_a_wrong_password_keeps_the_message_with_a_reason_without_it(
    engine: Engine, sessions: sessionmaker[Session], smtp: MailServer
) -> None:
    message_id = queue_tell(sessions, won_referral(sessions))
    wrong = parse_smtp_url(
        smtp.url(user="office").replace("smtp://office@", "smtp://office:wrong-one@")
    )
    report = send_due(engine, wrong, NOW)
    assert report.retrying and "535" in report.retrying[0][1]
    row = message_row(sessions, message_id)
    assert row.state is OutboxState.QUEUED and "wrong-one" not in (row.last_error or "")


def test_the_list_shows_waiting_before_sent_with_reasons(
    engine: Engine, sessions: sessionmaker[Session], smtp: MailServer
) -> None:
    first = queue_tell(sessions, won_referral(sessions))
    send_due(engine, parse_smtp_url(smtp.url()), NOW)
    second = queue_tell(sessions, won_referral(sessions))
    with mail_server("busy") as busy:
        send_due(engine, parse_smtp_url(busy.url()), NOW)
    with sessions() as session:
        rows = outbox_rows(session)
    assert [(row.id, row.state) for row in rows] == [
        (second, OutboxState.QUEUED),
        (first, OutboxState.SENT),
    ]
    assert "451" in rows[0].reason and rows[1].reason == ""
