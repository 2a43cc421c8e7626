"""Database work off the GUI thread, so the window never waits on the network.

A job runs on a shared thread pool and opens its own session (an SQLite connection never
crosses threads); its result or its error comes back to the GUI thread by a queued signal.
Each request on a `Background` supersedes the one before: a result that arrives after a newer
request was made is dropped, so the newest question always wins.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMessageBox, QWidget
from shiboken6 import isValid
from sqlalchemy.orm import Session

from console.views.common.off_thread import NoAnswer, database_away, start_job
from console.views.context import DeskContext

T = TypeVar("T")
log = logging.getLogger(__name__)


class Background(QObject):
    """One line of background work for a widget; parent it to the widget it reports to.

    `failed` callbacks get the exception. Without one, an error that means the database is
    away goes to the connection banner, and anything else is logged with its traceback and
    shown once in a message box until a later request succeeds.
    """

    def __init__(self, context: DeskContext, parent: QWidget, what: str = "read the data") -> None:
        super().__init__(parent)
        self.context = context
        self.owner = parent
        self.what = what
        self.generation = 0
        self._pending: dict[int, tuple[Callable[[Any], None], Any]] = {}
        self._told = False

    @property
    def busy(self) -> bool:
        """A request is on its way whose answer will still be shown."""
        return self.generation in self._pending

    def submit(
        self,
        work: Callable[[], T],
        done: Callable[[T], None],
        failed: Callable[[BaseException], None] | None = None,
        deadline_ms: int | None = None,
    ) -> int:
        """Run `work()` on the pool; `done(result)` on the GUI thread if still the newest.

        With `deadline_ms`, a job that has not answered by then is dropped and reported as a
        database that does not answer (a silent network never raises by itself).
        """
        self.generation += 1
        generation = self.generation
        self._pending[generation] = (done, failed)
        start_job(work, lambda result, error: self._arrived(generation, result, error))
        if deadline_ms is not None:
            QTimer.singleShot(deadline_ms, self, lambda: self._overdue(generation, deadline_ms))
        return generation

    def read(
        self,
        work: Callable[[Session], T],
        done: Callable[[T], None],
        failed: Callable[[BaseException], None] | None = None,
    ) -> int:
        """Run `work(session)` with a session of the job's own."""
        sessions = self.context.sessions

        def in_own_session() -> T:
            with sessions() as session:
                return work(session)

        return self.submit(in_own_session, done, failed)

    def drop(self) -> None:
        """Forget every request still on its way: their answers will not be shown."""
        self.generation += 1

    def report(self, error: BaseException) -> None:
        """Show an error the way this line of work shows its own."""
        self._failed(error, None)

    def _overdue(self, generation: int, deadline_ms: int) -> None:
        if generation not in self._pending:
            return
        _done, failed = self._pending.pop(generation)
        if generation == self.generation:
            self.generation += 1  # a late answer to it is stale
        error = NoAnswer(f"no answer from the database within {deadline_ms / 1000:g} s")
        self._failed(error, failed)

    def _arrived(self, generation: int, result: object, error: BaseException | None) -> None:
        if not isValid(self):
            return  # its widget is gone
        entry = self._pending.pop(generation, None)
        if entry is None or generation != self.generation:
            return  # superseded by a newer request, or given up on
        done, failed = entry
        if error is not None:
            self._failed(error, failed)
            return
        self._told = False
        done(result)

    def _failed(self, error: BaseException, failed: Callable[[BaseException], None] | None) -> None:
        if failed is not None:
            failed(error)
            return
        # Marked before the message shows: more failures while it is open are only logged.
        told, self._told = self._told, True
        report_failure(self.context, self.owner, error, self.what, already_told=told)


def report_failure(
    context: DeskContext,
    parent: QWidget | None,
    error: BaseException,
    what: str,
    already_told: bool = False,
) -> None:
    """A connection error goes to the banner; anything else to the log and one message."""
    if database_away(error):
        context.report_trouble(error)
        return
    log.error("could not %s", what, exc_info=error)
    if not already_told:
        QMessageBox.warning(
            parent,
            "Something went wrong",
            f"Could not {what}: {error}\n\nThe details are in the console's log file.",
        )
