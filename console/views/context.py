"""What every view of one window shares: the database, who sits at the desk, and change news."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import TypeVar

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from console.database import display_url, session_factory
from console.desk_user import desk_user as desk_user_name
from console.services.connection import probe
from console.services.errors import Conflict, InputError
from console.views.common.workers.off_thread import (
    NoAnswer,
    call_off_thread,
    database_away,
    start_job,
)
from console.views.common.workers.outage import NOT_SAVED_OFFLINE

NOT_CONFIRMED = (
    "Not saved yet: the database stopped answering. What you typed is kept here. If the save"
    " still reaches it once the banner at the top has gone, the window shows it; look before"
    " saving again."
)

T = TypeVar("T")

Slot = Callable[[str], None]

# A save still unanswered after SAVE_QUIET_MS has the link tried with a trivial question; if
# that gets no answer within PROBE_SILENCE_MS either, the database is away: the banner shows
# and the form keeps what was typed, instead of waiting for the window's regular look.
SAVE_QUIET_MS = 700
PROBE_SILENCE_MS = 1_000


class _SaveWatch(QObject):
    """While a save waits, asks whether the link itself still answers."""

    def __init__(self, context: DeskContext) -> None:
        super().__init__()
        self.context = context
        self.active = True
        self.quiet = QTimer(self)
        self.quiet.setSingleShot(True)
        self.quiet.timeout.connect(self._try_link)
        self.silence = QTimer(self)
        self.silence.setSingleShot(True)
        self.silence.timeout.connect(lambda: self._away(NoAnswer("the database did not answer")))
        self.quiet.start(SAVE_QUIET_MS)

    def _try_link(self) -> None:
        engine = self.context.engine
        self.silence.start(PROBE_SILENCE_MS)
        start_job(lambda: probe(engine), self._answered)

    def _answered(self, answer: object, error: BaseException | None) -> None:
        self.silence.stop()
        failure = error if error is not None else answer
        if isinstance(failure, BaseException) and database_away(failure):
            self._away(failure)

    def _away(self, error: BaseException) -> None:
        if self.active:  # the save waiting on it gives up, whether or not the banner shows
            self.context.report_trouble(error)

    def stop(self) -> None:
        self.active = False
        self.quiet.stop()
        self.silence.stop()


class ChangeHub(QObject):
    """Views announce what they changed, so every other view can show it at once.

    `trouble` carries the error whenever the database could not be reached.
    """

    changed = Signal(str)
    trouble = Signal(object)


@dataclass
class DeskContext:
    engine: Engine
    sessions: sessionmaker[Session]
    desk_user: str
    hub: ChangeHub = field(default_factory=ChangeHub)
    online: bool = True
    _followers: list[tuple[QWidget, Slot]] = field(default_factory=list, repr=False)

    @classmethod
    def for_engine(cls, engine: Engine, desk_user: str | None = None) -> DeskContext:
        return cls(engine, session_factory(engine), desk_user_name(desk_user))

    @property
    def database_label(self) -> str:
        return display_url(self.engine.url)

    def report_trouble(self, error: BaseException | None) -> None:
        """The database did not answer: the window shows it and retries until it does."""
        self.online = False
        self.hub.trouble.emit(error)

    def follow_changes(self, owner: QWidget, slot: Slot) -> None:
        """`slot` hears of every change until `stop_following` is called for `owner`'s window."""
        self.hub.changed.connect(slot)
        self._followers.append((owner, slot))
        owner.destroyed.connect(lambda _object=None: self._forget(owner))

    def stop_following(self, root: QWidget) -> None:
        """A window or dialog closed: none of its widgets hears of changes any more."""
        for owner, slot in list(self._followers):
            if owner is root or root.isAncestorOf(owner):
                self._followers.remove((owner, slot))
                with suppress(RuntimeError, TypeError):  # already gone with its widget
                    self.hub.changed.disconnect(slot)

    def _forget(self, owner: QWidget) -> None:
        self._followers[:] = [(o, s) for o, s in self._followers if o is not owner]

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session on this thread, for code already off the GUI thread (and tests)."""
        with self.sessions() as session:
            yield session

    def fetch(self, work: Callable[[Session], T]) -> T:
        """`work(session)` in a session of its own on a pool thread; the window keeps painting.

        Waits in a nested event loop that holds keys and clicks back, so it is kept for the
        few reads a dialog needs before it can open. Views read with `Background` instead.
        Raises `NoAnswer` once the window learns the database is away; callers guard their
        reads with `survives_outage`.
        """
        sessions = self.sessions

        def in_own_session() -> T:
            with sessions() as session:
                return work(session)

        if not self.online:
            raise NoAnswer("the database is not answering")  # the banner says so
        return call_off_thread(in_own_session, give_up=self.hub.trouble)

    def write(
        self,
        parent: QWidget | None,
        work: Callable[[Session], T],
        what: str | None = "data",
        *,
        refused: Callable[[InputError], None] | None = None,
        conflict: Callable[[Conflict], None] | None = None,
        offline: Callable[[str], None] | None = None,
    ) -> T | None:
        """The one way to save: run `work` in one transaction, then tell every view.

        A refusal, another desk's newer version, or a database that does not answer saves
        nothing; each is shown by a message box, or handed to the form's own handler when it
        has one (a form shows the message beside the field and keeps what was typed).
        `what=None` saves without announcing, for housekeeping done while reading. The
        transaction runs on a pool thread, so the window keeps painting while it commits; the
        form's own input waits. A save that meets silence has the link tried at once, so the
        banner shows within about two seconds and the form keeps what was typed.
        """
        sessions = self.sessions

        def transaction() -> T:
            with sessions.begin() as session:
                return work(session)

        attempted = self.online  # while the banner shows, saves wait until it has gone
        try:
            if not attempted:
                raise NoAnswer("the database is not answering")
            result = self._wait_for(transaction, what)
        except InputError as error:
            if refused is not None:
                refused(error)
            else:
                QMessageBox.warning(parent, "Not saved", str(error))
            return None
        except Conflict as error:
            if what is not None:
                self.hub.changed.emit(what)  # every view shows the other desk's version
            if conflict is not None:
                conflict(error)
            else:
                QMessageBox.warning(
                    parent, "Changed on another desk", f"{error}\n\nNothing was saved."
                )
            return None
        except Exception as error:
            if not database_away(error):
                raise
            self.report_trouble(error)
            unconfirmed = attempted and isinstance(error, NoAnswer)
            message = NOT_CONFIRMED if unconfirmed else NOT_SAVED_OFFLINE
            if offline is not None:
                offline(message)
            else:
                QMessageBox.warning(parent, "Not saved", message)
            return None
        if what is not None:
            self.hub.changed.emit(what)
        return result

    def _wait_for(self, transaction: Callable[[], T], what: str | None) -> T:
        """The transaction's answer, with the link tried meanwhile should it stay silent."""
        watch = _SaveWatch(self)
        try:
            return call_off_thread(
                transaction, give_up=self.hub.trouble, late=lambda _r, e: self._late(what, e)
            )
        finally:
            watch.stop()

    def _late(self, what: str | None, error: BaseException | None) -> None:
        """A save given up on reached the database after all: every view shows it."""
        if error is None and what is not None:
            self.hub.changed.emit(what)
