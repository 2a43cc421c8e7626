"""Long work off the UI thread: progress in, a result or an error out, and a cancel flag.

An error is never swallowed: it is logged with its traceback and handed to the task's owner,
as the exception (`error`) and as a short message (`failed`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from console.services.connection import is_connection_error
from console.services.errors import InputError
from console.views.common.workers.gui_thread_gc import collect_garbage_on_gui_thread

log = logging.getLogger(__name__)

Work = Callable[[Callable[[int, int | None, str], None], Callable[[], bool]], Any]


def log_failure(error: BaseException) -> None:
    """A refusal is the user's to read; anything else goes to the log in full."""
    if isinstance(error, InputError):
        log.info("background work refused: %s", error)
    elif is_connection_error(error):
        log.warning("background work met an unreachable database", exc_info=error)
    else:
        log.error("background work failed", exc_info=error)


def short_message(error: BaseException) -> str:
    return str(error) or type(error).__name__


class _Worker(QObject):
    progressed = Signal(int, object, str)
    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, work: Work, stop: threading.Event) -> None:
        super().__init__()
        self.work = work
        self.stop = stop

    def run(self) -> None:
        def progress(done: int, total: int | None, text: str = "") -> None:
            """Queued to the owner's thread: the work never touches a widget."""
            self.progressed.emit(done, total, text)

        try:
            result = self.work(progress, self.stop.is_set)
        except BaseException as error:  # logged and handed to the task's owner to show
            log_failure(error)
            self.failed.emit(error)
            return
        self.succeeded.emit(result)


class BackgroundTask(QObject):
    """Runs `work(progress, cancelled)` on its own thread; the work opens its own sessions."""

    progressed = Signal(int, object, str)
    succeeded = Signal(object)
    failed = Signal(str)
    error = Signal(object)
    finished = Signal()

    def __init__(self, work: Work, parent: QObject | None = None) -> None:
        super().__init__(parent)
        collect_garbage_on_gui_thread()
        self.stop = threading.Event()
        self.worker = _Worker(work, self.stop)
        self.worker_thread = QThread(self)
        self.worker.moveToThread(self.worker_thread)
        self.worker_thread.started.connect(self.worker.run)
        self.worker.progressed.connect(self.progressed)
        self.worker.succeeded.connect(self._succeeded)
        self.worker.failed.connect(self._failed)

    def start(self) -> None:
        self.worker_thread.start()

    def cancel(self) -> None:
        self.stop.set()

    @property
    def running(self) -> bool:
        return self.worker_thread.isRunning()

    def wait(self, timeout_ms: int | None = None) -> bool:
        """Cancel and wait for the thread, e.g. when the window closes under it; with
        `timeout_ms`, no longer than that. True when the thread has ended."""
        self.stop.set()
        self.worker_thread.quit()
        if timeout_ms is None:
            return self.worker_thread.wait()
        return self.worker_thread.wait(timeout_ms)

    def _done(self) -> None:
        self.worker_thread.quit()
        self.worker_thread.wait()
        self.finished.emit()

    def _succeeded(self, result: object) -> None:
        self._done()
        self.succeeded.emit(result)

    def _failed(self, error: BaseException) -> None:
        self._done()
        self.error.emit(error)
        self.failed.emit(short_message(error))
