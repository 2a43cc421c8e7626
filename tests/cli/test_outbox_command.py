"""`referral tell-tech ID --send` and `outbox`, against a real SMTP server on loopback."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import keyring
import pytest
from keyring.backends import fail
from sqlalchemy import Engine, func, select

from console.cli import main
from console.database import session_factory
from console.models import OutboxMessage, OutboxState, Referral
from console.services.messages.smtp_password import remember_password
from console.services.messages.smtp_url import SMTP_ENV, parse_smtp_url, save_smtp_url
from tests.services.messages.mail_server import MailServer, mail_server
from tests.services.messages.office import won_referral


def run(capsys: pytest.CaptureFixture[str], url: str, *argv: str) -> tuple[int, str, str]:
    code = main([*argv, "--database", url])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def smtp() -> Iterator[MailServer]:
    with mail_server() as server:
        yield server


@pytest.fixture(autouse=True)
def _no_server_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No mail server from the environment, and the real user's keyring kept aside."""
    monkeypatch.delenv(SMTP_ENV, raising=False)
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(before)


def outbox_count(engine: Engine) -> int:
    with session_factory(engine)() as session:
        return int(session.scalar(select(func.count(OutboxMessage.id))) or 0)


def test_tell_tech_send_emails_the_tech_and_records_told_and_thanked(
    capsys: pytest.CaptureFixture[str], engine: Engine, database_url: str
) -> None:
    referral_id = won_referral(session_factory(engine))
    with mail_server() as server:
        code, out, err = run(
            capsys,
            database_url,
            "referral",
            "tell-tech",
            str(referral_id),
            "--send",
            "--smtp",
            server.url(),
        )
    assert (code, err) == (0, "")
    assert out.strip() == (
        f"referral {referral_id}: Ana Tech told and thanked; message sent to ana@example.com"
    )
    [received] = server.recorder.received
    assert received["Subject"] == "Your referral for Ada Park: won"
    with session_factory(engine)() as session:
        referral = session.get_one(Referral, referral_id)
        assert referral.tech_informed_at is not None and referral.tech_thanked
        assert session.scalars(select(OutboxMessage.state)).all() == [OutboxState.SENT]


def test_with_the_server_down_the_message_waits_and_outbox_retry_sends_it(
    capsys: pytest.CaptureFixture[str],
    engine: Engine,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    referral_id = won_referral(session_factory(engine))
    with mail_server("down") as down:
        monkeypatch.setenv(SMTP_ENV, down.url())
        code, out, err = run(
            capsys, database_url, "referral", "tell-tech", str(referral_id), "--send"
        )
    assert code == 0
    assert "the message to ana@example.com waits in the outbox" in out
    assert "not sent yet: the mail server refused the connection" in err

    code, out, _ = run(capsys, database_url, "outbox", "--format", "csv")
    [row] = list(csv.DictReader(io.StringIO(out)))
    assert (row["state"], row["to"], row["attempts"]) == ("queued", "ana@example.com", "1")
    assert "refused the connection" in row["reason"]

    with mail_server("accept", port=down.port) as working:
        with session_factory(engine).begin() as session:  # due now rather than in a minute
            for message in session.scalars(select(OutboxMessage)):
                message.next_attempt_at = message.created_at
        code, out, err = run(capsys, database_url, "outbox", "--retry")
    assert code == 0
    assert "1 sent" in err
    assert len(working.recorder.received) == 1
    lines = out.splitlines()
    assert lines[0].split() == ["id", "state", "kind", "to", "subject", "attempts", "reason"]
    assert lines[1].split()[:4] == ["1", "sent", "tell_tech", "ana@example.com"]


def test_a_refused_recipient_exits_1_with_the_reason(
    capsys: pytest.CaptureFixture[str], engine: Engine, database_url: str
) -> None:
    referral_id = won_referral(session_factory(engine))
    with mail_server("refuse_recipient") as refusing:
        code, _, err = run(
            capsys,
            database_url,
            "referral",
            "tell-tech",
            str(referral_id),
            "--send",
            "--smtp",
            refusing.url(),
        )
    assert code == 1
    assert "was refused: recipient refused: 550 5.1.1 no such mailbox here" in err
    code, out, _ = run(capsys, database_url, "outbox")
    assert "failed" in out and "550 5.1.1" in out


def test_without_a_server_send_is_refused_and_nothing_changes(
    capsys: pytest.CaptureFixture[str], engine: Engine, database_url: str
) -> None:
    referral_id = won_referral(session_factory(engine))
    code, out, err = run(capsys, database_url, "referral", "tell-tech", str(referral_id), "--send")
    assert (code, out) == (1, "")
    assert "no mail server is set up: give --smtp URL" in err
    assert outbox_count(engine) == 0
    with session_factory(engine)() as session:
        assert session.get_one(Referral, referral_id).tech_informed_at is None


@pytest.mark.parametrize(
    ("server_url", "says"),
    [
        ("smtp://mail.example.com?security=ssl", "security 'ssl' is not one of"),
        ("", "--smtp is empty"),
        ("ftp://user:hunter2@mail.example.com", "ftp is not smtp"),
    ],
)
def test_a_bad_server_url_is_refused_before_anything_changes(
    capsys: pytest.CaptureFixture[str],
    engine: Engine,
    database_url: str,
    server_url: str,
    says: str,
) -> None:
    referral_id = won_referral(session_factory(engine))
    code, _, err = run(
        capsys,
        database_url,
        "referral",
        "tell-tech",
        str(referral_id),
        "--send",
        "--smtp",
        server_url,
    )
    assert code == 1 and says in err and "hunter2" not in err
    assert outbox_count(engine) == 0


def test_a_referral_not_yet_won_or_lost_is_refused_and_queues_nothing(
    capsys: pytest.CaptureFixture[str], engine: Engine, database_url: str, smtp: MailServer
) -> None:
    referral_id = won_referral(session_factory(engine))
    with session_factory(engine).begin() as session:
        session.get_one(Referral, referral_id).status = "quoted"  # type: ignore[assignment]
    code, _, err = run(
        capsys,
        database_url,
        "referral",
        "tell-tech",
        str(referral_id),
        "--send",
        "--smtp",
        smtp.url(),
    )
    assert code == 1 and "is quoted; the tech is told once it is won or lost" in err
    assert outbox_count(engine) == 0 and smtp.recorder.received == []


def test_the_password_from_preferences_is_used_and_never_printed(
    capsys: pytest.CaptureFixture[str], engine: Engine, database_url: str, smtp: MailServer
) -> None:
    saved = save_smtp_url(smtp.url(user="office"))
    assert saved is not None
    remember_password(parse_smtp_url(smtp.url(user="office")).key, "s3cret-Pa55")
    referral_id = won_referral(session_factory(engine))
    code, out, err = run(capsys, database_url, "referral", "tell-tech", str(referral_id), "--send")
    assert code == 0
    assert smtp.recorder.logins == [("office", "s3cret-Pa55")]
    code, listing, _ = run(capsys, database_url, "outbox", "--format", "csv")
    assert "s3cret" not in out + err + listing
