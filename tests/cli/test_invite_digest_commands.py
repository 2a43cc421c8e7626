"""`referral invite` and `digest` from the command line: files, mail, and clear refusals."""

from __future__ import annotations

import datetime as dt
import io
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from pypdf import PdfReader
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from console.cli import main
from console.database import session_factory
from console.models import CalendarInvite, OutboxMessage, OutboxState, Staff, StaffRole
from console.services.office.settings import OfficeSettings, save_office_settings
from console.services.referrals.lifecycle import StepDetails, create_referral, move_referral
from tests import factories
from tests.services.messages.mail_server import mail_server

Office = dict[str, Any]
NEW_YORK = ZoneInfo("America/New_York")
VISIT = dt.datetime(2030, 3, 12, 9, 30)  # office wall-clock time, well after any test run


def office_time(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=NEW_YORK).astimezone(dt.UTC)


@pytest.fixture
def office(sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Office:
    monkeypatch.delenv("CONSOLE_SMTP_URL", raising=False)
    with session_factory(sqlite_engine).begin() as session:
        save_office_settings(session, OfficeSettings(time_zone="America/New_York"))
        customer = factories.customer(session, name="Miller", street="4 Oak Road", city="Troy")
        factories.staff(session, "Tom Tech", phone="518-555-0101", email="tom@heat.example")
        factories.staff(session, "Tom Tech", external_id="T-2")
        factories.staff(session, "Ana Tech", external_id="T-3")
        factories.staff(session, "Sam Sales", StaffRole.SALESPERSON, email="sam@heat.example")
        booked = referral(
            session, customer.id, "T-3", "Boiler leaking", office_time(2026, 12, 1, 10)
        )
        move_referral(session, booked, "contacted", "desk", now=office_time(2026, 12, 1, 11))
        move_referral(
            session,
            booked,
            "appointment_set",
            "desk",
            StepDetails(appointment_at=VISIT),
            now=office_time(2026, 12, 1, 12),
        )
        move_referral(
            session,
            booked,
            "won",
            "desk",
            StepDetails(value="9000"),
            now=office_time(2026, 12, 2, 9),
        )
        waiting = referral(
            session, customer.id, "T-3", "Old heat pump", office_time(2026, 12, 3, 9)
        )
    return {"url": str(sqlite_engine.url), "booked": booked, "waiting": waiting}


@pytest.fixture
def files(tmp_path: Path) -> Path:
    """An empty folder for the files the commands write (the database lives beside it)."""
    folder = tmp_path / "files"
    folder.mkdir()
    return folder


def referral(session: Session, customer_id: int, tech: str, pain: str, at: dt.datetime) -> int:
    return create_referral(
        session,
        customer_id=customer_id,
        technician=tech,
        pain_point=pain,
        salesperson="Sam Sales",
        actor="desk",
        now=at,
    ).id


def counts(engine: Engine) -> tuple[int, int]:
    """Invites recorded and messages queued."""
    with session_factory(engine)() as session:
        return (
            session.scalar(select(func.count(CalendarInvite.id))) or 0,
            session.scalar(select(func.count(OutboxMessage.id))) or 0,
        )


def test_invite_saved_as_ics_reads_back(
    office: Office, sqlite_engine: Engine, files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = files / "visit.ics"
    assert (
        main(
            [
                "referral",
                "invite",
                str(office["booked"]),
                "-o",
                str(out),
                "--database",
                office["url"],
            ]
        )
        == 0
    )
    captured = capsys.readouterr()
    assert captured.out.strip() == str(out)
    assert (
        f"referral {office['booked']}: request for Sam Sales, 2030-03-12 09:30, sequence 0"
        in captured.err
    )
    event = Calendar.from_ical(out.read_bytes()).walk("VEVENT")[0]
    assert event.decoded("DTSTART").astimezone(NEW_YORK).replace(tzinfo=None) == VISIT
    assert str(event["LOCATION"]) == "4 Oak Road, Troy"
    assert "Referred by Ana Tech (no phone on file: ask the office for it)." in str(
        event["DESCRIPTION"]
    )
    briefing = event.decoded("ATTACH")
    assert "Miller" in PdfReader(io.BytesIO(briefing)).pages[0].extract_text()
    assert sorted(files.iterdir()) == [out]
    assert counts(sqlite_engine) == (1, 0)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["-o", "x.txt"], "the file name should end in .ics"),
        ([], "one of the arguments -o/--output --send is required"),
        (["--send"], "--send: no mail server is set up"),
        (["--send", "--smtp", "ftp://mail.example.com"], "mail server:"),
    ],
)
def test_invite_refusals_write_nothing(
    office: Office,
    sqlite_engine: Engine,
    files: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    argv = [arg if arg != "x.txt" else str(files / arg) for arg in argv]
    assert (
        main(["referral", "invite", str(office["booked"]), *argv, "--database", office["url"]]) == 1
    )
    assert message in capsys.readouterr().err
    assert list(files.iterdir()) == []
    assert counts(sqlite_engine) == (0, 0)


def test_invite_without_an_appointment_is_refused(
    office: Office, sqlite_engine: Engine, files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = files / "visit.ics"
    assert (
        main(
            [
                "referral",
                "invite",
                str(office["waiting"]),
                "-o",
                str(out),
                "--database",
                office["url"],
            ]
        )
        == 1
    )
    err = capsys.readouterr().err
    assert f"appointment: referral {office['waiting']} has no sales appointment (Assigned)" in err
    assert not out.exists()
    assert counts(sqlite_engine) == (0, 0)


def test_invite_sent_by_mail_parses_back(
    office: Office, sqlite_engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    with mail_server() as server:
        argv = ["referral", "invite", str(office["booked"]), "--send", "--smtp", server.url()]
        assert main([*argv, "--database", office["url"]]) == 0
        received = server.recorder.received
    out = capsys.readouterr().out
    assert "queued for sam@heat.example; 1 sent" in out
    (mail,) = received
    assert isinstance(mail, EmailMessage)
    assert (mail["From"], mail["To"]) == ("office@example.com", "sam@heat.example")
    assert mail["Subject"] == "Sales visit: Miller — Boiler leaking (Tue 2030-03-12 09:30)"
    body = mail.get_body(preferencelist=("plain",))
    assert body is not None and "Where: 4 Oak Road, Troy" in body.get_content()
    parts = {part.get_content_type(): part for part in mail.walk()}
    assert parts["text/calendar"].get_param("method") == "REQUEST"
    event = Calendar.from_ical(parts["text/calendar"].get_payload(decode=True)).walk("VEVENT")[0]
    assert str(event["ORGANIZER"]) == "mailto:office@example.com"
    assert str(event["ATTENDEE"]) == "mailto:sam@heat.example"
    assert parts["application/pdf"].get_payload(decode=True).startswith(b"%PDF-")
    assert counts(sqlite_engine) == (1, 1)


def test_digest_printed_for_a_week(
    office: Office, files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = files / "ana.pdf"
    argv = ["digest", "T-3", "--week", "2026-W49", "-o", str(out), "--database", office["url"]]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == str(out)
    assert "Ana Tech, week 2026-W49: 2 referrals, 1 outcomes, 1 won" in captured.err
    text = PdfReader(out).pages[0].extract_text()
    for expected in (
        "Your week, Ana Tech",
        "Boiler leaking",
        "Old heat pump",
        "$9,000.00",
        "$50.00",
    ):
        assert expected in text, expected


def test_digest_sent_by_mail(
    office: Office, sqlite_engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    with session_factory(sqlite_engine).begin() as session:
        ana = session.scalars(select(Staff).where(Staff.external_id == "T-3")).one()
        ana.email = "ana@heat.example"
    with mail_server() as server:
        argv = ["digest", "Ana Tech", "--week", "2026-W49", "--send", "--smtp", server.url()]
        assert main([*argv, "--database", office["url"]]) == 0
        (mail,) = server.recorder.received
    assert "queued for ana@heat.example; 1 sent" in capsys.readouterr().out
    assert mail["Subject"] == "Your week 2026-W49: 2 referrals, 1 won"
    body = mail.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    assert "Value won: $9,000.00" in text and "Thank you, Ana: 2 referrals" in text
    (pdf,) = [
        part for part in mail.iter_attachments() if part.get_content_type() == "application/pdf"
    ]
    assert pdf.get_filename() == "digest-2026-W49.pdf"
    assert (
        "$9,000.00" in PdfReader(io.BytesIO(pdf.get_payload(decode=True))).pages[0].extract_text()
    )
    with session_factory(sqlite_engine)() as session:
        (row,) = session.scalars(select(OutboxMessage)).all()
        assert (row.kind, row.state, row.referral_id) == ("digest", OutboxState.SENT, None)
        assert row.sent_at is not None


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["Tom Tech", "-o", "d.pdf"], "'Tom Tech' matches several: Tom Tech ("),
        (["Nobody", "-o", "d.pdf"], "no technician called 'Nobody'"),
        (
            ["T-3", "--week", "2026-49", "-o", "d.pdf"],
            "'2026-49' is not a week; write it as YYYY-Www",
        ),
        (["T-3", "--week", "2025-W53", "-o", "d.pdf"], "2025 has no week 53"),
        (["T-3", "-o", "d.txt"], "the file name should end in .pdf"),
        (
            ["T-3", "--send", "--smtp", "smtp://127.0.0.1:1?security=none&from=office@example.com"],
            "Ana Tech has no email address",
        ),
    ],
)
def test_digest_refusals_write_nothing(
    office: Office,
    sqlite_engine: Engine,
    files: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    argv = [str(files / arg) if arg in ("d.pdf", "d.txt") else arg for arg in argv]
    assert main(["digest", *argv, "--database", office["url"]]) == 1
    err = capsys.readouterr().err
    assert message in err
    if "several" in message:
        assert "T-2" in err
    assert list(files.iterdir()) == []
    assert counts(sqlite_engine) == (0, 0)
