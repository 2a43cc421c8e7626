"""Asking the database from the GUI thread without the window going deaf while it answers.

`call_off_thread` runs the question on a pool thread and, until the answer is in, keeps the
window painting and its timers running; keys and clicks made meanwhile are held, in order,
and handled once the answer is in. Code reads as a plain call and stays simple, while a slow
or silent network never freezes the window. A call that meets silence gives up (`NoAnswer`)
when the window learns that the database is away, or after a deadline.
"""

from __future__ import annotations

import itertools
import logging
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

T = TypeVar("T")

# Enough threads that a call stuck on a silent network does not hold up the others.
MAX_THREADS = 12
DEADLINE_MS = 20_000
_pool: QThreadPool | None = None


class NoAnswer(TimeoutError):
    """The database did not answer in time: a silent network raises nothing by itself."""


class Superseded(Exception):
    """A newer read of the same thing started while this one waited; its answer is stale."""


def database_away(error: BaseException | None) -> bool:
    """The error means the database could not be reached (or said nothing at all)."""
    return isinstance(error, NoAnswer) or is_connection_error(error)


def thread_pool() -> QThreadPool:
    """The pool every window's database work shares."""
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(MAX_THREADS)
        _pool.setExpiryTimeout(30_000)
    return _pool


log = logging.getLogger(__name__)

Deliver = Callable[[Any, BaseException | None], None]


class _Relay(QObject):
    """Lives on the GUI thread for good; brings each job's outcome back to it.

    Jobs hold no Qt object of their own, so nothing is ever deleted on the wrong thread.
    """

    delivered = Signal(int, object, object)

    def __init__(self) -> None:
        super().__init__()
        self.waiting: dict[int, Deliver] = {}
        self.tokens = itertools.count(1)
        self.delivered.connect(self._dispatch, Qt.ConnectionType.QueuedConnection)

    def _dispatch(self, token: int, result: object, error: object) -> None:
        deliver = self.waiting.pop(token, None)
        if deliver is not None:
            deliver(result, error if isinstance(error, BaseException) else None)


_relay: _Relay | None = None


def _run(work: Callable[[], Any], relay: _Relay, token: int) -> None:
    """On a pool thread: the work's answer, or the exception it raised, goes to the relay."""
    try:
        result = work()
    except BaseException as error:  # re-raised or reported on the GUI thread
        del work  # let go of what the work holds here, before the answer is handed over
        _hand_over(relay, token, None, error)
        return
    del work
    _hand_over(relay, token, result, None)


def _hand_over(relay: _Relay, token: int, result: object, error: BaseException | None) -> None:
    """Give the answer to the GUI thread; after the application has quit nobody waits for it."""
    try:
        relay.delivered.emit(token, result, error)
    except RuntimeError:  # the relay went with the application at shutdown
        log.debug("an answer arrived after the window closed; dropped")


def start_job(work: Callable[[], Any], deliver: Deliver) -> None:
    """Run `work()` on the pool; `deliver(result, error)` runs later on the GUI thread."""
    global _relay
    if _relay is None:
        _relay = _Relay()
    token = next(_relay.tokens)
    _relay.waiting[token] = deliver
    relay = _relay
    # A plain callable: the pool wraps it in a runnable of its own, which it deletes safely.
    thread_pool().start(lambda: _run(work, relay, token))


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
        raise error
    return result


class Latest:
    """Of overlapping reads of one thing, only the newest is shown.

    A read waiting for its answer lets the window's timers run, so a refresh may start and end
    inside it; the older answer that arrives afterwards raises `Superseded` instead of
    overwriting the newer one.
    """

    def __init__(self) -> None:
        self.count = 0

    def newest(self, read: Callable[[], T]) -> T:
        self.count += 1
        mine = self.count
        result = read()
        if mine != self.count:
            raise Superseded
        return result
