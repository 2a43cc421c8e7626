"""Tell the tech, from the desk: the office's message for one or several won or lost
referrals, editable, then sent by email (through the outbox), opened in the desk's mail
program, or copied for a text message.

Sending records "tech told" (and "thanked" when the message thanks) in the same transaction
that queues the email; the window's outbox sender hands it to the mail server.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from console.services.errors import Conflict, InputError
from console.services.messages.smtp_url import resolve_smtp_url
from console.services.messages.tell_tech import (
    TellTechMessage,
    compose,
    mailto_url,
    plain_text,
    queue_tell_tech,
    record_told_by_hand,
)
from console.views.common.form_dialog import FormDialog
from console.views.common.workers.background import read_for_form
from console.views.context import DeskContext

Composed = tuple[list[TellTechMessage], list[str]]


def compose_all(session: Session, referral_ids: Sequence[int]) -> Composed:
    """Each referral's message; those that cannot be told now are named with the reason."""
    messages, refusals = [], []
    for referral_id in referral_ids:
        try:
            messages.append(compose(session, referral_id))
        except InputError as error:
            refusals.append(f"Referral {referral_id}: {error.message}")
    return messages, refusals


def mail_server_set_up() -> bool:
    """A mail server is chosen for this desk (flag, environment or Preferences)."""
    try:
        return resolve_smtp_url() is not None
    except InputError:
        return False


class TellTechDialog(FormDialog):
    """The message to each referring tech; `queued` carries how many went to the outbox."""

    queued = Signal(int)
    told = Signal(int)  # a referral recorded as told without an email

    def __init__(
        self,
        context: DeskContext,
        referral_ids: Sequence[int],
        mail_ready: bool | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, parent)
        self.setObjectName("tellTechDialog")
        self.setWindowTitle("Tell the tech")
        self.setMinimumSize(640, 480)
        self.mail_ready = mail_server_set_up() if mail_ready is None else mail_ready
        self.messages: list[TellTechMessage] = []
        self.how: dict[int, str] = {}
        self.current = -1

        self.list = QListWidget(self)
        self.list.setObjectName("tellTechList")
        self.list.setAccessibleName("Referrals to tell")
        self.list.setMaximumWidth(220)
        self.list.currentRowChanged.connect(self._show)
        self.to = QLabel(self)
        self.to.setObjectName("tellTechTo")
        self.to.setWordWrap(True)
        self.subject = QLineEdit(self)
        self.subject.setObjectName("tellTechSubject")
        self.subject.setAccessibleName("Subject")
        self.subject.textEdited.connect(self._edited)
        self.body = QPlainTextEdit(self)
        self.body.setObjectName("tellTechBody")
        self.body.setAccessibleName("Message")
        self.body.setTabChangesFocus(True)
        self.body.textChanged.connect(self._edited)
        self.records = QLabel(self)
        self.records.setObjectName("tellTechRecords")
        self.records.setWordWrap(True)
        self.fields = {"subject": self.subject, "message": self.body, "email": self.body}

        self.send = QPushButton("&Send", self)
        self.send.setObjectName("tellTechSend")
        self.send.setDefault(True)
        self.send.clicked.connect(self.send_all)
        self.mail_app = QPushButton("Open in &mail app", self)
        self.mail_app.setObjectName("tellTechMailApp")
        self.mail_app.clicked.connect(self.open_in_mail_app)
        self.copy = QPushButton("&Copy text", self)
        self.copy.setObjectName("tellTechCopy")
        self.copy.clicked.connect(self.copy_text)
        self.mark_told = QPushButton("Mark &told", self)
        self.mark_told.setObjectName("tellTechMarkTold")
        self.mark_told.setToolTip("Record that the tech was told another way; no email is sent")
        self.mark_told.clicked.connect(self.record_told)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("To", self.to)
        form.addRow("S&ubject", self.subject)
        form.addRow("&Message", self.body)
        editor = QVBoxLayout()
        editor.addLayout(form, 1)
        side = QHBoxLayout()
        side.addWidget(self.list)
        side.addLayout(editor, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.mail_app)
        actions.addWidget(self.copy)
        actions.addWidget(self.mark_told)
        actions.addStretch(1)
        actions.addWidget(self.send)
        layout = QVBoxLayout(self)
        layout.addLayout(side, 1)
        layout.addWidget(self.records)
        layout.addWidget(self.error)
        layout.addLayout(actions)
        layout.addWidget(buttons)

        # Nothing can be sent or edited until the messages are composed.
        self.subject.setEnabled(False)
        self.body.setEnabled(False)
        self._update_actions()
        ids = list(referral_ids)
        self.loading = read_for_form(
            self, self, lambda session: compose_all(session, ids), self._fill, []
        )

    # -- filling and editing ----------------------------------------------------------------

    def _fill(self, composed: Composed) -> None:
        self.messages, refusals = composed
        if refusals:
            self.show_error("Left out: " + "; ".join(refusals))
        for message in self.messages:
            self.list.addItem(QListWidgetItem(self._item_text(message)))
        self.list.setVisible(len(self.messages) > 1)
        if self.messages:
            self.subject.setEnabled(True)
            self.body.setEnabled(True)
            self.list.setCurrentRow(0)
        self._update_actions()

    @staticmethod
    def _item_text(message: TellTechMessage) -> str:
        return f"{message.technician}\n{message.subject}"

    def _show(self, row: int) -> None:
        self.current = row
        if not 0 <= row < len(self.messages):
            return
        message = self.messages[row]
        if message.to:
            self.to.setText(f"{message.technician} <{message.to}>")
        else:
            phone = f"; phone {message.phone}" if message.phone else ""
            self.to.setText(f"{message.technician}: no email address on file{phone}")
        self.subject.blockSignals(True)
        self.body.blockSignals(True)
        self.subject.setText(message.subject)
        self.body.setPlainText(message.body)
        self.subject.blockSignals(False)
        self.body.blockSignals(False)
        self._update_actions()

    def _edited(self) -> None:
        if not 0 <= self.current < len(self.messages):
            return
        message = replace(
            self.messages[self.current],
            subject=self.subject.text(),
            body=self.body.toPlainText(),
        )
        self.messages[self.current] = message
        item = self.list.item(self.current)
        if item is not None:
            item.setText(self._item_text(message))
        self._update_actions()

    def _update_actions(self) -> None:
        message = self.current_message()
        count = len(self.messages)
        self.send.setText(f"&Send all {count}" if count > 1 else "&Send")
        missing = [m.technician for m in self.messages if not m.to]
        if not self.mail_ready:
            self.send.setEnabled(False)
            self.send.setToolTip(
                "No mail server is set up (Preferences): open the message in your mail app "
                "or copy it, then Mark told"
            )
        elif missing:
            self.send.setEnabled(False)
            self.send.setToolTip(f"No email address on file for {', '.join(missing)}")
        else:
            self.send.setEnabled(count > 0)
            self.send.setToolTip("Queue the email and record that the tech was told")
        for button in (self.mail_app, self.copy, self.mark_told):
            button.setEnabled(message is not None)
        if message is not None:
            told = "told and thanked" if message.thanks else "told"
            said = f"Sending or marking it records the tech as {told}."
            if not self.send.isEnabled() and count > 0:
                # A greyed Send says nothing by itself: the reason is on the form, not only in
                # a tooltip.
                said += f" {self.send.toolTip()}."
            self.records.setText(said)

    def current_message(self) -> TellTechMessage | None:
        if 0 <= self.current < len(self.messages):
            return self.messages[self.current]
        return None

    # -- the actions ----------------------------------------------------------------------

    def send_all(self) -> None:
        """Queue every message and record each tech as told, in one transaction."""
        messages = list(self.messages)
        actor = self.context.desk_user

        def work(session: Session) -> int:
            for message in messages:
                try:
                    queue_tell_tech(session, message, actor, expected_version=message.version)
                except InputError as error:
                    raise InputError(
                        error.field,
                        f"referral {message.referral_id} ({message.technician}): {error.message}",
                    ) from None
            return len(messages)

        count = self.save_form(work, "referral", conflict=self.changed_elsewhere)
        if count:
            self.queued.emit(count)
            self.accept()

    def changed_elsewhere(self, conflict: Conflict) -> None:
        """Another desk moved a referral on: nothing was sent or recorded; say which one."""
        self.show_error(f"{conflict}. Nothing was sent or recorded.")

    def open_in_mail_app(self) -> None:
        message = self.current_message()
        if message is None:
            return
        QDesktopServices.openUrl(QUrl(mailto_url(message)))
        self.how[message.referral_id] = "by email from the desk's mail program"
        self.mark_told.setDefault(True)

    def copy_text(self) -> None:
        message = self.current_message()
        if message is None:
            return
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(plain_text(message))
        self.how[message.referral_id] = "by text message"
        self.mark_told.setDefault(True)

    def record_told(self) -> None:
        """The tech was told another way: record it for the message shown; no email."""
        message = self.current_message()
        if message is None:
            return
        how = self.how.get(message.referral_id, "told by hand")
        actor = self.context.desk_user

        def work(session: Session) -> bool:
            record_told_by_hand(session, message, actor, how, expected_version=message.version)
            return True

        saved = self.save_form(work, "referral", conflict=self.changed_elsewhere)
        if not saved:
            return
        self.told.emit(message.referral_id)
        row = self.current
        del self.messages[row]
        self.list.takeItem(row)
        if not self.messages:
            self.accept()
            return
        self.list.setVisible(len(self.messages) > 1)
        self.list.setCurrentRow(min(row, len(self.messages) - 1))
        self._show(self.list.currentRow())
