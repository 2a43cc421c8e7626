"""Telling the tech from the desk: the compose dialog, the sender, the outbox and Preferences."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from sqlalchemy import Engine, func, select

from console.models import OutboxMessage, OutboxState, Referral, ReferralEvent
from console.paths import data_dir
from console.services.messages.outbox import send_due
from console.services.messages.smtp_password import password_file, stored_password
from console.services.messages.smtp_url import SMTP_ENV, parse_smtp_url, saved_smtp_url
from console.services.messages.templates import load_template
from console.views.context import DeskContext
from console.views.messages.outbox_sender import OutboxSender
from console.views.messages.outbox_view import OutboxDialog
from console.views.messages.tell_tech_dialog import TellTechDialog
from console.views.preferences_dialog import PreferencesDialog
from tests.services.messages.mail_server import MailServer, mail_server
from tests.services.messages.office import won_referral

# Set to a folder to keep the pictures the tests take for a look by eye.
SHOTS = os.environ.get("CONSOLE_TEST_SHOTS")


@pytest.fixture
def desk(sqlite_engine: Engine) -> DeskContext:
    return DeskContext.for_engine(sqlite_engine, desk_user="sam")


@pytest.fixture
def smtp() -> Iterator[MailServer]:
    with mail_server() as server:
        yield server


@pytest.fixture(autouse=True)
def _no_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(SMTP_ENV, raising=False)
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(before)


def opened(qtbot, desk: DeskContext, ids: list[int], mail_ready: bool = True) -> TellTechDialog:  # type: ignore[no-untyped-def]
    dialog = TellTechDialog(desk, ids, mail_ready=mail_ready)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.property("ready") is True)
    return dialog


def shot(widget: object, name: str) -> None:
    QApplication.processEvents()  # let the layout settle before the picture
    picture = widget.grab()  # type: ignore[attr-defined]
    assert not picture.isNull()
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        picture.save(str(Path(SHOTS) / f"{name}.png"))


def test_one_action_from_the_desk_emails_the_tech_the_outcome_and_thanks(  # type: ignore[no-untyped-def]
    qtbot, desk: DeskContext, smtp: MailServer
) -> None:
    referral_id = won_referral(desk.sessions)
    dialog = opened(qtbot, desk, [referral_id])
    assert dialog.to.text() == "Ana Tech <ana@example.com>"
    assert dialog.subject.text() == "Your referral for Ada Park: won"
    assert dialog.body.toPlainText().startswith("Hi Ana,")
    assert dialog.records.text() == "Sending or marking it records the tech as told and thanked."
    assert not dialog.list.isVisible()
    dialog.body.setPlainText(dialog.body.toPlainText() + "\nThe customer loved your work.")
    shot(dialog, "tell-tech-one")
    queued: list[int] = []
    dialog.queued.connect(queued.append)

    dialog.send.click()

    assert queued == [1] and dialog.result() == dialog.DialogCode.Accepted
    with desk.read() as session:
        referral = session.get_one(Referral, referral_id)
        assert referral.tech_informed_at is not None and referral.tech_thanked
        [message] = session.scalars(select(OutboxMessage)).all()
        assert message.state is OutboxState.QUEUED
        assert message.body.endswith("The customer loved your work.")

    sender = OutboxSender(desk, server=lambda: parse_smtp_url(smtp.url()))
    lines: list[str] = []
    sender.reported.connect(lines.append)
    with qtbot.waitSignal(sender.finished, timeout=10_000):
        sender.kick()
    assert lines == ["Outbox: 1 sent"]
    [received] = smtp.recorder.received
    assert received["To"] == "ana@example.com"
    assert "The customer loved your work." in received.get_content()
    with desk.read() as session:
        notes = session.scalars(
            select(ReferralEvent.note).where(ReferralEvent.referral_id == referral_id)
        ).all()
    assert notes[-1] == "Message sent to ana@example.com: Your referral for Ada Park: won"


def test_several_at_once_from_the_worklist(qtbot, desk: DeskContext) -> None:  # type: ignore[no-untyped-def]
    ids = [won_referral(desk.sessions), won_referral(desk.sessions, value="800")]
    dialog = opened(qtbot, desk, ids)
    assert dialog.list.isVisible() and dialog.list.count() == 2
    assert dialog.send.text() == "&Send all 2"
    dialog.list.setCurrentRow(1)
    assert "Value: $800.00" in dialog.body.toPlainText()
    shot(dialog, "tell-tech-several")
    dialog.send.click()
    with desk.read() as session:
        assert session.scalar(select(func.count(OutboxMessage.id))) == 2
        assert all(session.get_one(Referral, i).tech_informed_at for i in ids)


def test_a_refused_one_is_named_and_nothing_is_queued(qtbot, desk: DeskContext) -> None:  # type: ignore[no-untyped-def]
    ids = [won_referral(desk.sessions), won_referral(desk.sessions)]
    dialog = opened(qtbot, desk, ids)
    from console.services.referrals.lifecycle import tell_tech

    with desk.sessions.begin() as session:  # another desk told the second tech meanwhile
        tell_tech(session, ids[1], "kim")
    dialog.send.click()
    assert dialog.error.isVisible()
    assert dialog.error.text() == (
        f"referral {ids[1]} was changed on another desk (now won); reload it and try again."
        " Nothing was sent or recorded."
    )
    with desk.read() as session:
        assert session.scalar(select(func.count(OutboxMessage.id))) == 0
        assert session.get_one(Referral, ids[0]).tech_informed_at is None


def test_without_a_mail_server_copy_then_mark_told(qtbot, desk: DeskContext) -> None:  # type: ignore[no-untyped-def]
    referral_id = won_referral(desk.sessions)
    dialog = opened(qtbot, desk, [referral_id], mail_ready=False)
    assert not dialog.send.isEnabled()
    assert "No mail server is set up" in dialog.send.toolTip()
    # Said on the form too, not only in a tooltip.
    assert "No mail server is set up (Preferences)" in dialog.records.text()
    dialog.copy.click()
    assert (
        QGuiApplication.clipboard().text().startswith("Your referral for Ada Park: won\n\nHi Ana")
    )
    dialog.mark_told.click()
    assert dialog.result() == dialog.DialogCode.Accepted
    with desk.read() as session:
        referral = session.get_one(Referral, referral_id)
        assert referral.tech_informed_at is not None
        assert referral.events[-1].note == (
            "Told the tech the outcome and thanked them: by text message"
        )
        assert session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_a_tech_without_email_cannot_be_sent_to(qtbot, desk: DeskContext) -> None:  # type: ignore[no-untyped-def]
    dialog = opened(qtbot, desk, [won_referral(desk.sessions, email=None)])
    assert not dialog.send.isEnabled()
    assert dialog.send.toolTip() == "No email address on file for Ana Tech"
    assert dialog.to.text() == "Ana Tech: no email address on file; phone 555-0199"


def test_the_outbox_shows_the_reason_and_retries(qtbot, desk: DeskContext) -> None:  # type: ignore[no-untyped-def]
    referral_id = won_referral(desk.sessions)
    dialog = opened(qtbot, desk, [referral_id])
    dialog.send.click()
    with mail_server("refuse_recipient") as refusing:
        send_due(desk.engine, parse_smtp_url(refusing.url()))
    retried: list[bool] = []
    outbox = OutboxDialog(desk, retried=lambda: retried.append(True))
    qtbot.addWidget(outbox)
    outbox.show()
    qtbot.waitUntil(lambda: outbox.model.rowCount() == 1)
    assert outbox.summary.text() == "0 waiting, 1 failed, 0 sent"
    reason = outbox.model.text(0, 6)
    assert reason == "recipient refused: 550 5.1.1 no such mailbox here"
    shot(outbox, "outbox")
    outbox.retry.click()
    assert retried == [True]
    qtbot.waitUntil(lambda: outbox.summary.text() == "1 waiting, 0 failed, 0 sent")


def test_preferences_keep_the_server_and_put_the_password_aside(  # type: ignore[no-untyped-def]
    qtbot, desk: DeskContext, tmp_path: Path
) -> None:
    settings = QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat)
    dialog = PreferencesDialog(desk, settings)
    qtbot.addWidget(dialog)
    dialog.smtp_url.setText("smtp://office@mail.example.com:587?security=starttls")
    dialog.smtp_password.setText("hunter2")
    dialog.template_subject.setText("{customer}: {outcome}")
    dialog.show()
    shot(dialog, "preferences-desk")
    dialog.pages.setCurrentIndex(1)
    shot(dialog, "preferences-office")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert saved_smtp_url() == "smtp://office@mail.example.com:587?security=starttls"
    assert stored_password("office@mail.example.com:587") == "hunter2"
    assert password_file().stat().st_mode & 0o077 == 0
    settings.sync()
    for path in [tmp_path / "prefs.ini", *data_dir().iterdir()]:
        if path.is_file() and path != password_file():
            assert b"hunter2" not in path.read_bytes(), path
    with desk.read() as session:
        assert load_template(session).subject == "{customer}: {outcome}"


@pytest.mark.parametrize(
    ("subject", "url", "says"),
    [
        ("Hi {custmer}", "", "template subject: {custmer} is not a field"),
        ("Hi", "smtp://mail.example.com?security=ssl", "security 'ssl' is not one of"),
    ],
)
def test_preferences_refuse_a_bad_template_or_server_and_save_neither(  # type: ignore[no-untyped-def]
    qtbot, desk: DeskContext, tmp_path: Path, subject: str, url: str, says: str
) -> None:
    dialog = PreferencesDialog(desk, QSettings(str(tmp_path / "p.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(dialog)
    dialog.template_subject.setText(subject)
    dialog.smtp_url.setText(url)
    dialog.show()
    dialog.save()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert says in dialog.error.text()
    wrong = dialog.template_subject if "template" in says else dialog.smtp_url
    assert dialog.pages.currentWidget().isAncestorOf(wrong)
    assert dialog.focusWidget() is wrong
    assert saved_smtp_url() is None
    with desk.read() as session:
        assert load_template(session).subject == "Your referral for {customer}: {outcome}"


def test_the_sender_says_when_the_server_is_down_and_keeps_the_message(  # type: ignore[no-untyped-def]
    qtbot, desk: DeskContext
) -> None:
    referral_id = won_referral(desk.sessions)
    opened(qtbot, desk, [referral_id]).send.click()
    with mail_server("down") as down:
        sender = OutboxSender(desk, server=lambda: parse_smtp_url(down.url()))
        lines: list[str] = []
        sender.reported.connect(lines.append)
        with qtbot.waitSignal(sender.finished, timeout=10_000):
            sender.kick()
            sender.kick()  # while a run is on its way: one more run after it, not two at once
        assert sender.running is True  # the second run started as the first ended
        with qtbot.waitSignal(sender.finished, timeout=10_000):
            pass
    assert sender.running is False
    assert lines == [
        "Outbox: 1 waiting to retry (the mail server refused the connection"
        " (is it running, is the port right?))"
    ]
    with desk.read() as session:
        [message] = session.scalars(select(OutboxMessage)).all()
        assert message.state is OutboxState.QUEUED and message.attempts == 1


def test_without_a_mail_server_the_sender_leaves_the_outbox_alone(  # type: ignore[no-untyped-def]
    qtbot, desk: DeskContext
) -> None:
    opened(qtbot, desk, [won_referral(desk.sessions)]).send.click()
    sender = OutboxSender(desk, server=lambda: None)
    lines: list[str] = []
    sender.reported.connect(lines.append)
    with qtbot.waitSignal(sender.finished, timeout=10_000) as finished:
        sender.kick()
    assert finished.args == [None] and lines == []
    with desk.read() as session:
        assert session.scalars(select(OutboxMessage.state)).all() == [OutboxState.QUEUED]
