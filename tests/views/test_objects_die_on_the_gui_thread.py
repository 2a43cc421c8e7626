"""A Qt object is only ever destroyed on the GUI thread, however busy the pool threads are.

Destroyed elsewhere, a widget crashes the process at some later, unrelated moment. Two ways
led there: the cycle collector running in a pool thread that happened to allocate, and a job's
work holding the last reference to a view when the pool thread let go of it.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt

from console.views.common.workers.gui_thread_gc import collect_due_garbage
from console.views.common.workers.off_thread import start_job, thread_pool


class Watched(QObject):
    """Says on which thread it was destroyed."""

    def __init__(self, deaths: list[int]) -> None:
        super().__init__()
        self.destroyed.connect(
            lambda: deaths.append(threading.get_ident()), Qt.ConnectionType.DirectConnection
        )


def allocate_past_every_threshold() -> None:
    """What a long read does: enough container objects to set off every generation's pass."""
    kept = [[index] for index in range(gc.get_threshold()[0] * 50)]
    del kept
    for _ in range(gc.get_threshold()[1] * gc.get_threshold()[2] + 10):
        chain = [[] for _ in range(gc.get_threshold()[0] + 1)]
        del chain


def test_a_cycle_holding_a_qt_object_is_collected_on_the_gui_thread(qtbot) -> None:  # type: ignore[no-untyped-def]
    thread_pool()  # threads are about: the collector is on the GUI thread from now on
    deaths: list[int] = []
    cycle = Watched(deaths)
    cycle.itself = cycle  # type: ignore[attr-defined]
    del cycle
    arrived: list[object] = []
    start_job(allocate_past_every_threshold, lambda result, error: arrived.append(error))
    qtbot.waitUntil(lambda: bool(arrived), timeout=20_000)
    assert arrived == [None]
    gc.collect()  # unless the GUI thread's own timer was first
    assert deaths == [threading.get_ident()]  # the pool thread's allocations freed nothing


def test_the_gui_thread_collects_due_garbage_on_its_own_timer(qtbot) -> None:  # type: ignore[no-untyped-def]
    thread_pool()
    collect_due_garbage()
    deaths: list[int] = []
    cycle = Watched(deaths)
    cycle.itself = cycle  # type: ignore[attr-defined]
    del cycle
    for _ in range(gc.get_threshold()[0] + 1):  # what a view's own work leaves behind
        leftover: list[object] = []
        leftover.append(leftover)
    qtbot.waitUntil(lambda: bool(deaths), timeout=5_000)
    assert deaths == [threading.get_ident()]


def reading_for(watched: Watched, gate: threading.Event) -> Callable[[], str]:
    """A view's read: its work refers to the view, and waits until the test lets it go on."""

    def work() -> str:
        assert gate.wait(10)
        return watched.objectName() or "read"

    return work


def test_a_job_holding_the_last_reference_to_a_qt_object_lets_go_on_the_gui_thread(qtbot) -> None:  # type: ignore[no-untyped-def]
    deaths: list[int] = []
    gate = threading.Event()
    work = reading_for(Watched(deaths), gate)
    arrived: list[object] = []
    start_job(work, lambda result, error: arrived.append(result))
    del work  # the job now holds the object's only reference
    gate.set()
    qtbot.waitUntil(lambda: bool(arrived), timeout=10_000)
    assert arrived == ["read"]
    assert deaths == [threading.get_ident()]
