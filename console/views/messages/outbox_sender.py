"""Empties the outbox while the window is open: on a pool thread, never on the GUI thread.

Every SENDER_INTERVAL_MS, and at once when a message is queued (`kick`), the due messages go
to the mail server. The outbox itself decides each message's retry and backoff, so a server
that is down costs one quick refusal per run; a run never overlaps the one before. What a run
did is said in the status bar, and views showing referrals are told so their timelines update.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from shiboken6 import isValid

from console.services.errors import InputError
from console.services.messages.outbox import SendReport, send_due
from console.services.messages.smtp_password import with_password
from console.services.messages.smtp_url import SmtpServer, parse_smtp_url, resolve_smtp_url
from console.views.common.workers.off_thread import database_away, start_job
from console.views.context import DeskContext

log = logging.getLogger(__name__)

SENDER_INTERVAL_MS = 30_000


def configured_server() -> SmtpServer | None:
    """The desk's mail server with its password (the keyring may be slow: call off thread)."""
    url = resolve_smtp_url()
    return with_password(parse_smtp_url(url)) if url else None


class OutboxSender(QObject):
    """Sends due messages in the background; `reported` carries a line for the status bar."""

    reported = Signal(str)
    finished = Signal(object)  # the SendReport, or the error that stopped the run

    def __init__(
        self,
        context: DeskContext,
        server: Callable[[], SmtpServer | None] = configured_server,
        interval_ms: int = SENDER_INTERVAL_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.server = server
        self.running = False
        self.again = False
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.kick)

    def start(self) -> None:
        """Send what is due now, then every interval until `stop`."""
        self.timer.start()
        self.kick()

    def stop(self) -> None:
        self.timer.stop()

    def kick(self) -> None:
        """Send what is due now; a run already on its way runs once more when it ends."""
        if self.running:
            self.again = True
            return
        if not self.context.online:
            return  # the banner says so; the next tick tries again
        self.running = True
        engine, server = self.context.engine, self.server

        def work() -> SendReport | None:
            chosen = server()
            return None if chosen is None else send_due(engine, chosen)

        start_job(work, self._arrived)

    def _arrived(self, result: object, error: BaseException | None) -> None:
        if not isValid(self):
            return  # the window closed while the run was on its way
        self.running = False
        if error is not None:
            if database_away(error):
                self.context.report_trouble(error)
            elif isinstance(error, InputError):  # the saved mail server URL is unusable
                log.info("outbox not sent: %s", error)
                self.reported.emit(f"Outbox: not sent: {error}")
            else:
                log.error("the outbox could not be sent", exc_info=error)
                self.reported.emit(f"Outbox: could not send ({error})")
            self.finished.emit(error)
        elif isinstance(result, SendReport):
            if result.sent or result.retrying or result.failed:
                self.reported.emit(f"Outbox: {result.summary}")
            if result.sent or result.failed:
                self.context.hub.changed.emit("referral")
            self.finished.emit(result)
        else:
            self.finished.emit(None)  # no mail server set up: messages wait
        if self.again:
            self.again = False
            self.kick()
