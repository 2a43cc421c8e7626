"""The strip across the top of the window while the database is not answering.

It appears on the first failed read or save, keeps retrying on a widening schedule off the UI
thread, and goes away by itself when the database answers again; nothing on screen is lost.
A try that meets silence (a dropped VPN answers nothing at all) is given up after a few seconds
and the next one starts, so the window notices the database's return within seconds.
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget
from shiboken6 import isValid

from console.services.connection import Backoff, probe, short_reason
from console.views.common.tones import Tone, palette, tinted_background, tone_name
from console.views.common.workers.off_thread import start_job
from console.views.context import DeskContext

log = logging.getLogger(__name__)

# Tries come every RETRY_CEILING_S at the most, and one that has not answered in PROBE_SILENCE_MS
# is given up, so the banner goes within about five seconds of the database's return.
RETRY_CEILING_S = 2.0
PROBE_SILENCE_MS = 2_500


class ConnectionBanner(QFrame):
    restored = Signal()

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("connectionBanner")
        self.setAccessibleName("Database connection problem")
        self._paint()
        self.message = QLabel(self)
        self.message.setObjectName("connectionMessage")
        self.message.setWordWrap(True)
        self.retry_button = QPushButton("Try &now", self)
        self.retry_button.setAccessibleName("Try to reach the database now")
        self.retry_button.clicked.connect(self.retry_now)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.message, 1)
        layout.addWidget(self.retry_button)
        self.hide()

        self.backoff = Backoff(ceiling=RETRY_CEILING_S)
        self.attempt = 0
        self.reason = ""
        self.next_try_at = 0.0
        self.probing = False
        self.down = False
        self.retry_timer = QTimer(self)
        self.retry_timer.setSingleShot(True)
        self.retry_timer.timeout.connect(self.retry_now)
        self.countdown = QTimer(self)
        self.countdown.setInterval(1000)
        self.countdown.timeout.connect(self._show_message)
        context.hub.trouble.connect(self.report)

    def report(self, error: BaseException | None) -> None:
        """Something failed to reach the database: say so once, then keep trying."""
        if error is not None:
            log.warning("database not answering: %s", short_reason(error), exc_info=error)
            self.reason = short_reason(error)
        if self.down:
            return
        self.down = True
        self.backoff.reset()
        self._paint()
        self.show()
        self._schedule()

    def _paint(self) -> None:
        """A warning tint of the desktop palette's base, with its text colour: reads on light
        and dark themes alike."""
        colours = palette()
        sheet = (
            f"#connectionBanner {{ background: {tinted_background(Tone.WARNING, colours).name()};"
            f" border: 1px solid {tone_name(Tone.WARNING, colours)}; }}"
            f" #connectionBanner QLabel {{ color:"
            f" {colours.color(QPalette.ColorRole.Text).name()}; }}"
        )
        if sheet != self.styleSheet():  # a style sheet repolishes; only when it differs
            self.setStyleSheet(sheet)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:  # the desktop's theme changed
            self._paint()

    def retry_now(self) -> None:
        if self.probing:
            return
        self.probing = True
        self.attempt += 1
        attempt = self.attempt
        self.retry_timer.stop()
        self._show_message()
        engine = self.context.engine
        start_job(
            lambda: probe(engine),
            lambda answer, error: self._probe_answered(attempt, answer, error),
        )
        QTimer.singleShot(PROBE_SILENCE_MS, self, lambda: self._silent(attempt))

    def _probe_answered(
        self, attempt: int, answer: BaseException | None, error: BaseException | None
    ) -> None:
        if not isValid(self):
            return  # the window closed meanwhile
        if error is not None:  # the try itself broke: logged in full, counted as no answer
            log.error("could not try the database", exc_info=error)
            answer = error
        self._after_probe(attempt, answer)

    def _silent(self, attempt: int) -> None:
        """The try has not answered: give it up (its thread ends by itself) and plan the next."""
        if attempt != self.attempt or not self.probing:
            return
        self._after_probe(attempt, TimeoutError("no answer from the database"))

    def _after_probe(self, attempt: int, error: BaseException | None) -> None:
        if attempt != self.attempt or not self.probing:
            return  # a try given up on earlier
        self.probing = False
        self.attempt += 1
        if error is not None:
            self.reason = short_reason(error)
            log.info("database still not answering: %s", self.reason, exc_info=error)
            self._schedule()
            return
        log.info("database answering again")
        self.countdown.stop()
        self.hide()
        self.down = False
        self.context.online = True
        self.restored.emit()

    def _schedule(self) -> None:
        delay = self.backoff.next_delay()
        self.next_try_at = time.monotonic() + delay
        self.retry_timer.start(int(delay * 1000))
        self.countdown.start()
        self._show_message()

    def _show_message(self) -> None:
        if self.probing:
            when = "Trying to reach it now…"
        else:
            seconds = max(0, round(self.next_try_at - time.monotonic()))
            when = f"Trying again in {seconds} s."
        self.message.setText(
            "<b>The database is not answering.</b> Everything on screen and in open forms is"
            f" kept; saves wait until it is back. {when}"
        )
        self.message.setToolTip(self.reason)
