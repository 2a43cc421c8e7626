"""Python's cycle collector runs on the GUI thread only, while a window is up.

The collector frees objects that hold each other in a cycle: a dialog and the helper that keeps
a reference back to it, say. On its own it runs in whichever thread happens to allocate when a
threshold is crossed, which on a desk is often a pool thread in the middle of a read. A Qt
object freed there is destroyed off the GUI thread, and the process crashes later at some
unrelated moment. So once pool threads are about, automatic collection is off, and a timer on
the GUI thread collects instead: the young generations when their thresholds say, as the
interpreter would, and a full pass at most every few seconds.
"""

from __future__ import annotations

import gc
import time

from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer
from shiboken6 import isValid

# Often enough that garbage made by a long read is freed within a fraction of a second.
CHECK_INTERVAL_MS = 200
# A full pass looks at every object; at most this often, however fast the young ones fill up.
FULL_PASS_EVERY_S = 10.0

_collector: GuiThreadCollector | None = None


class GuiThreadCollector(QObject):
    """Collects cyclic garbage on a timer of the GUI thread, as the thresholds ask."""

    def __init__(self, app: QCoreApplication, interval_ms: int = CHECK_INTERVAL_MS) -> None:
        super().__init__(app)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.collect_due)
        self.last_full_pass = time.monotonic()
        gc.disable()
        self.timer.start()

    def collect_due(self) -> int:
        """Collect the young generations when their thresholds are passed, and everything when
        the middle one's is too and no full pass ran for a while; the number of objects freed.

        Only on the GUI thread: called from anywhere else it does nothing.
        """
        if QThread.currentThread() is not self.thread():
            return 0
        limit0, limit1, limit2 = gc.get_threshold()
        count0, count1, count2 = gc.get_count()
        if count0 <= limit0:
            return 0
        if count1 <= limit1:
            return gc.collect(0)
        now = time.monotonic()
        if count2 > limit2 and now - self.last_full_pass >= FULL_PASS_EVERY_S:
            self.last_full_pass = now
            return gc.collect(2)
        return gc.collect(1)


def collect_garbage_on_gui_thread() -> None:
    """From now on, collect cycles on the application's thread only (once threads are about).

    Does nothing without an application, or when called off its thread.
    """
    global _collector
    app = QCoreApplication.instance()
    if app is None or QThread.currentThread() is not app.thread():
        return
    if _collector is None or not isValid(_collector):
        _collector = GuiThreadCollector(app)


def collect_due_garbage() -> int:
    """Collect now what the GUI-thread collector would at its next tick."""
    if _collector is None or not isValid(_collector):
        return 0
    return _collector.collect_due()
