"""Database work off the GUI thread, so the window never waits on the network.

A job runs on a shared thread pool and opens its own session (an SQLite connection never
crosses threads); its result or its error comes back to the GUI thread by a queued signal.
Each request on a `Background` supersedes the one before: a result that arrives after a newer
request was made is dropped, so the newest question always wins.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget
from shiboken6 import isValid
from sqlalchemy.orm import Session

from console.views.common.tones import muted
from console.views.common.workers.off_thread import NoAnswer, database_away, start_job
from console.views.context import DeskContext

T = TypeVar("T")
log = logging.getLogger(__name__)


class Background(QObject):
    """One line of background work for a widget; parent it to the widget it reports to.

    `failed` callbacks get the exception. Without one, an error that means the database is
    away goes to the connection banner, and anything else is logged with its traceback and
    shown once in a message box until a later request succeeds.

    `settled` fires when the newest request has its answer (shown or failed) or was dropped,
    so a view can take down its quiet "Loading…" sign.
    """

    settled = Signal()

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
        was_busy = self.busy
        self.generation += 1
        if was_busy:
            self.settled.emit()

    def report(self, error: BaseException) -> None:
        """Show an error the way this line of work shows its own."""
        self._failed(error, None)

    def _overdue(self, generation: int, deadline_ms: int) -> None:
        if generation not in self._pending:
            return
        _done, failed = self._pending.pop(generation)
        newest = generation == self.generation
        if newest:
            self.generation += 1  # a late answer to it is stale
        error = NoAnswer(f"no answer from the database within {deadline_ms / 1000:g} s")
        self._failed(error, failed)
        if newest:
            self.settled.emit()

    def _arrived(self, generation: int, result: object, error: BaseException | None) -> None:
        if not isValid(self):
            return  # its widget is gone
        entry = self._pending.pop(generation, None)
        if entry is None or generation != self.generation:
            return  # superseded by a newer request, or given up on
        done, failed = entry
        try:
            if error is not None:
                self._failed(error, failed)
                return
            self._told = False
            done(result)
        finally:
            if generation == self.generation:
                self.settled.emit()

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


def show_stale(widget: QWidget, stale: bool) -> None:
    """Grey out the text on screen while what replaces it is read; it stays usable meanwhile.

    A palette (inherited by the children), not a style sheet: it costs a repaint, no re-polish.
    """
    if is_stale(widget) == stale:
        return
    widget.setProperty("stale", stale)
    if not stale:
        widget.setPalette(QPalette())  # back to what it inherits
        return
    palette = widget.palette()
    stale_text = muted(palette)  # the palette's own hint colour, so it steps back on any theme
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText):
        palette.setColor(QPalette.ColorGroup.All, role, stale_text)
    widget.setPalette(palette)


def is_stale(widget: QWidget) -> bool:
    return widget.property("stale") is True


LISTS_UNAVAILABLE = (
    "The lists for this form could not be read: the database is not answering."
    " Close the form and open it again once the banner at the top has gone."
)


class _Form(Protocol):
    context: DeskContext
    error: QLabel

    def show_error(self, text: str) -> None: ...


def read_for_form(
    form: _Form,
    owner: QWidget,
    work: Callable[[Session], T],
    fill: Callable[[T], None],
    hold: Sequence[QWidget],
) -> Background:
    """A form opens at once and fills its lists (staff, reasons) when they are read.

    Until then the widgets in `hold` (the lists and the Save button) are disabled and the
    title says it is loading; typing into the other fields goes on. `owner.property("ready")`
    turns true once filled. A read that fails says so on the form, and the banner or one
    message explains why.
    """
    background = Background(form.context, owner, "read the form's lists")
    owner.setProperty("ready", False)
    for widget in hold:
        widget.setEnabled(False)
    if not form.context.online:
        form.show_error(LISTS_UNAVAILABLE)
        return background
    title = owner.windowTitle()
    owner.setWindowTitle(f"{title} (loading…)")

    def done(result: T) -> None:
        owner.setWindowTitle(title)
        fill(result)
        for widget in hold:
            widget.setEnabled(True)
        owner.setProperty("ready", True)

    def failed(error: BaseException) -> None:
        owner.setWindowTitle(title)
        form.show_error(LISTS_UNAVAILABLE)
        background.report(error)

    background.read(work, done, failed)
    return background
