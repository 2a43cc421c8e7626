"""The window's regular look for other desks' changes, made off the GUI thread.

One look at a time: a look still on its way when the next is due is not doubled. A look that
meets no answer within `SILENCE_MS` means the network went quiet (a dropped VPN never raises by
itself): the banner says so, and the stuck watcher is left behind for a fresh one.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from console.services.changes import ChangeWatcher
from console.views.common.workers.background import Background
from console.views.common.workers.off_thread import NoAnswer
from console.views.context import DeskContext

log = logging.getLogger(__name__)

WATCH_INTERVAL_MS = 1_000
SILENCE_MS = 3_000


class ChangePoll(QObject):
    """Emits `otherDesks` when another desk committed since the last look."""

    otherDesks = Signal()
    looked = Signal()

    def __init__(self, context: DeskContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.context = context
        # An SQLite file is local: watch it from now on. A server is first reached off-thread.
        self.watcher: ChangeWatcher | None = (
            ChangeWatcher(context.engine) if context.engine.dialect.name == "sqlite" else None
        )
        self.background = Background(context, parent, "look for other desks' changes")
        self.looks = 0
        self._ignore_next = False
        self._catch_up_after = False
        self.timer = QTimer(self)
        self.timer.setInterval(WATCH_INTERVAL_MS)
        self.timer.timeout.connect(self.look)

    def start(self) -> None:
        self.timer.start()

    @property
    def looking(self) -> bool:
        return self.background.busy

    def look(self) -> None:
        """Ask, off the GUI thread, whether anyone else committed; never two looks at once."""
        if self.looking or not self.context.online:
            return
        engine = self.context.engine
        watcher = self.watcher
        ignore, self._ignore_next = self._ignore_next, False

        def work() -> tuple[ChangeWatcher, bool]:
            current = watcher if watcher is not None else ChangeWatcher(engine)
            return current, current.changed()

        self.background.submit(
            work,
            lambda outcome: self._answered(outcome, ignore),
            self._failed,
            deadline_ms=SILENCE_MS,
        )

    def catch_up(self) -> None:
        """This window just re-read everything: what was committed until now needs no refresh."""
        if self.looking:
            self._catch_up_after = True
            return
        self._ignore_next = True
        self.look()

    def _answered(self, outcome: tuple[ChangeWatcher, bool], ignore: bool) -> None:
        self.watcher, moved = outcome
        self.looks += 1
        if self._catch_up_after:
            self._catch_up_after = False
            self.catch_up()
        elif moved and not ignore:
            self.otherDesks.emit()
        self.looked.emit()

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, NoAnswer):
            # The stuck look keeps its watcher; the next look starts a fresh one.
            self.watcher = None
        self.looks += 1
        self.background.report(error)
        self.looked.emit()

    def close(self) -> None:
        self.timer.stop()
        self.background.drop()
        watcher, self.watcher = self.watcher, None
        if watcher is not None:
            # Closing may wait on the network too; a pool thread does it.
            self.background.submit(watcher.close, lambda _result: None, lambda _error: None)
            self.background.drop()
