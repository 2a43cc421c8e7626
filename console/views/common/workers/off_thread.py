"""The pool every window's database work runs on, and the way answers come back.

`start_job` runs work on a pool thread and hands its answer to the GUI thread by a queued
signal; `Background` builds every view's reads on it, so the window never waits.

`call_off_thread` waits for an answer in a nested event loop: the window keeps painting and its
timers run, but keys and clicks are held until the answer is in. It is kept for the few places
that need a plain call: a save from a modal dialog (whose own input may wait), a dialog's read
before it can open, and the pages of a long table beyond the first as it scrolls. A call that
meets silence gives up (`NoAnswer`) when the window learns that the database is away, or after
a deadline.
"""

from __future__ import annotations

import gc
import itertools
import logging
import sys
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import (
    QCoreApplication,
    QEventLoop,
    QObject,
    Qt,
    QThread,
    QThreadPool,
    QTimer,
    Signal,
    SignalInstance,
)

from console.services.connection import is_connection_error
from console.views.common.workers.gui_thread_gc import collect_garbage_on_gui_thread

T = TypeVar("T")

# Enough threads that a call stuck on a silent network does not hold up the others.
MAX_THREADS = 12
# How long a pool thread running Python keeps the interpreter before the GUI thread gets it.
# Python's default (5 ms) is paid on every call an item model answers while a worker is busy;
# at 1 ms a table painted during a read stays smooth.
SWITCH_INTERVAL_S = 0.001
DEADLINE_MS = 20_000
_pool: QThreadPool | None = None


class NoAnswer(TimeoutError):
    """The database did not answer in time: a silent network raises nothing by itself."""


class Superseded(Exception):
    """A newer read of the same thing started while this one waited; its answer is stale.

    Kept for guards that still name it; views now read with `Background`, newest first.
    """


def database_away(error: BaseException | None) -> bool:
    """The error means the database could not be reached (or said nothing at all)."""
    return isinstance(error, NoAnswer) or is_connection_error(error)


_settled: set[str] = set()


def settle_long_lived(what: str) -> None:
    """What exists now (modules, classes, the window) lives as long as the process: take it out
    of the garbage collector's full passes.

    A full pass looks at every object and holds every thread meanwhile, so on a desk with pandas
    and SQLAlchemy loaded it froze the window for 100–200 ms now and then, whichever thread set
    it off. Done once per `what` (start-up, the Numbers tab's imports).
    """
    if what not in _settled:
        _settled.add(what)
        # Young garbage first (a quick pass): frozen, a cycle would never be freed.
        gc.collect(1)
        gc.freeze()


def thread_pool() -> QThreadPool:
    """The pool every window's database work shares."""
    global _pool
    collect_garbage_on_gui_thread()
    if _pool is None:
        sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL_S))
        _pool = QThreadPool()
        _pool.setMaxThreadCount(MAX_THREADS)
        _pool.setExpiryTimeout(30_000)
    return _pool


def pool_if_started() -> QThreadPool | None:
    """The pool, when any work has been put on it in this process."""
    return _pool


log = logging.getLogger(__name__)

Deliver = Callable[[Any, BaseException | None], None]


class _Relay(QObject):
    """Lives on the GUI thread for good; brings each job's outcome back to it.

    It keeps each job's work and then its answer until the GUI thread takes them, so whatever
    they hold (a view the work reads for, the frames of an error) is let go of there: a Qt
    object freed on a pool thread would be destroyed off its own thread.
    """

    delivered = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.waiting: dict[int, tuple[Deliver, Callable[[], Any]]] = {}
        self.answers: dict[int, tuple[object, BaseException | None]] = {}
        self.tokens = itertools.count(1)
        self.delivered.connect(self._dispatch, Qt.ConnectionType.QueuedConnection)

    def work_of(self, token: int) -> Callable[[], Any]:
        return self.waiting[token][1]

    def _dispatch(self, token: int) -> None:
        result, error = self.answers.pop(token)
        entry = self.waiting.pop(token, None)
        if entry is not None:
            deliver, _work = entry
            deliver(result, error)


_relay: _Relay | None = None


def _run(relay: _Relay, token: int) -> None:
    """On a pool thread: the work's answer, or the exception it raised, goes to the relay.

    Nothing the work made or held is referenced from this thread once the relay is told.
    """
    work = relay.work_of(token)
    try:
        relay.answers[token] = (work(), None)
    except BaseException as error:  # re-raised or reported on the GUI thread
        relay.answers[token] = (None, error)
    del work
    try:
        relay.delivered.emit(token)
    except RuntimeError:  # the relay went with the application at shutdown
        log.debug("an answer arrived after the window closed; dropped")


def start_job(work: Callable[[], Any], deliver: Deliver) -> None:
    """Run `work()` on the pool; `deliver(result, error)` runs later on the GUI thread."""
    global _relay
    if _relay is None:
        _relay = _Relay()
    token = next(_relay.tokens)
    _relay.waiting[token] = (deliver, work)
    relay = _relay
    # A plain callable holding no work of its own: the pool wraps it in a runnable, which it
    # deletes on its thread.
    thread_pool().start(lambda: _run(relay, token))


class _Waiter(QObject):
    def __init__(self, late: Deliver | None) -> None:
        super().__init__()
        self.loop = QEventLoop()
        self.outcome: tuple[Any, BaseException | None] | None = None
        self.late = late
        self.given_up = False

    def arrived(self, result: object, error: BaseException | None) -> None:
        if self.given_up:
            if self.late is not None:
                self.late(result, error)
            return
        self.outcome = (result, error)
        self.loop.quit()


def on_gui_thread() -> bool:
    app = QCoreApplication.instance()
    return app is not None and QThread.currentThread() is app.thread()


def call_off_thread(
    work: Callable[[], T],
    *,
    give_up: SignalInstance | None = None,
    deadline_ms: int = DEADLINE_MS,
    late: Deliver | None = None,
) -> T:
    """`work()`, run on the pool while the window stays alive; its exception is re-raised.

    Raises `NoAnswer` when `give_up` fires or `deadline_ms` passes first; `late` then hears
    the answer if it ever comes (a save may still arrive once the network is back).
    Off the GUI thread, or without an application, it is a plain call.
    """
    if not on_gui_thread():
        return work()
    waiter = _Waiter(late)
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(waiter.loop.quit)
    if give_up is not None:
        give_up.connect(waiter.loop.quit)
    start_job(work, waiter.arrived)
    timer.start(deadline_ms)
    try:
        waiter.loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
    finally:
        timer.stop()
        if give_up is not None:
            give_up.disconnect(waiter.loop.quit)
    if waiter.outcome is None:
        waiter.given_up = True  # kept alive by the relay until the answer comes, if ever
        raise NoAnswer("the database did not answer")
    result, error = waiter.outcome
    if error is not None:
        try:
            raise error
        finally:
            # The frame and the raised error would hold each other, and with them the waiter
            # and the work: a cycle only the collector frees. Let go of them here instead.
            del error, waiter, timer, work
    return result
