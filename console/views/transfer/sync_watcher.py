"""The sync desk: watch the export folder and sync it, on a worker, when something new lands.

A `QFileSystemWatcher` hears the folder change; a periodic look (off the GUI thread: the
folder may be a network share) catches what the watcher misses, such as a file appended to
in place, and retries after another sync held the lock. Each change waits `debounce_ms` of
quiet before a sync starts, and the sync itself leaves files modified in the last seconds
waiting, so a file still being written is taken once it is finished. The sync runs on a
thread of its own; progress goes to the status bar and the result to the sync log.
"""

from __future__ import annotations

import atexit
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QSettings, QTimer, Signal
from PySide6.QtWidgets import QStatusBar

from console.models import SyncFile, SyncFileOutcome, SyncOutcome, SyncRun
from console.services.transfer.sync import (
    SETTLE_SECONDS,
    SyncRefused,
    folder_files,
    sync_folder,
)
from console.views.common.workers.off_thread import start_job
from console.views.common.workers.task import BackgroundTask, short_message
from console.views.context import DeskContext

# The desk's own settings (QSettings keys) that make it the sync desk.
SYNC_ENABLED = "sync/enabled"
SYNC_FOLDER = "sync/folder"
SYNC_REJECTS = "sync/rejects"
SYNC_SKIP_INVALID = "sync/skip_invalid"

DEBOUNCE_MS = 5_000
LOOK_EVERY_MS = 60_000
MESSAGE_MS = 15_000
CLOSE_WAIT_MS = 2_000  # a closing window waits no longer for a sync to stop

Snapshot = dict[str, tuple[int, float]]


def flag_setting(value: object) -> bool:
    """QSettings hands an INI file's booleans back as text."""
    return value is True or str(value).lower() in ("true", "1", "yes")


def sync_choice(settings: QSettings) -> tuple[Path, Path | None, bool] | None:
    """The folder, rejects folder and skip-invalid choice when this desk is the sync desk."""
    folder = str(settings.value(SYNC_FOLDER, "") or "").strip()
    if not flag_setting(settings.value(SYNC_ENABLED, False)) or not folder:
        return None
    rejects = str(settings.value(SYNC_REJECTS, "") or "").strip()
    return (
        Path(folder),
        Path(rejects) if rejects else None,
        flag_setting(settings.value(SYNC_SKIP_INVALID, False)),
    )


def snapshot(folder: Path) -> Snapshot:
    """What the folder holds now: each candidate file's size and modified time."""
    try:
        return {file.path.name: (file.size, file.modified) for file in folder_files(folder)}
    except OSError:
        return {}


def _files(count: int) -> str:
    return f"{count} file{'' if count == 1 else 's'}"


def imported_summary(files: list[SyncFile]) -> str:
    """What the imported files did to the data, saying so plainly when they changed nothing."""
    imported = [f for f in files if f.outcome is SyncFileOutcome.IMPORTED]
    if not imported:
        return "nothing imported"
    counts = {
        name: sum(f.total(name) for f in imported) for name in ("created", "updated", "unchanged")
    }
    if not counts["created"] and not counts["updated"]:
        unchanged = f" ({counts['unchanged']} rows unchanged)" if counts["unchanged"] else ""
        return f"{_files(len(imported))} read, nothing changed{unchanged}"
    figures = ", ".join(f"{count} {name}" for name, count in counts.items() if count)
    return f"{_files(len(imported))} imported: {figures}"


def run_message(run: SyncRun) -> str:
    """One line for the status bar about a finished run."""
    refused = sum(1 for f in run.files if f.outcome is SyncFileOutcome.REFUSED)
    waiting = sum(1 for f in run.files if f.outcome is SyncFileOutcome.WAITING)
    parts = [imported_summary(run.files)]
    if refused:
        parts.append(f"{_files(refused)} refused")
    if waiting:
        parts.append(f"{_files(waiting)} waiting")
    ending = "" if run.outcome is SyncOutcome.DONE else f" ({run.outcome.value})"
    return f"Sync{ending}: {'; '.join(parts)}. See File ▸ Sync log."


_draining: set[BackgroundTask] = set()


def _drain(task: BackgroundTask) -> None:
    """Let a cancelled sync end on its own, owned by no window that might be deleted first.

    A thread object destroyed while its thread runs aborts the process, so the task is kept
    here until it finishes, and waited for when the interpreter exits.
    """
    task.setParent(None)
    _draining.add(task)

    def done() -> None:
        _draining.discard(task)
        task.deleteLater()

    task.finished.connect(done)


@atexit.register
def _wait_for_draining() -> None:
    for task in list(_draining):
        task.wait()


class SyncWatcher(QObject):
    """Runs `sync_folder` for this desk whenever the folder has something new."""

    started = Signal()
    progressed = Signal(str)
    synced = Signal(object)  # the finished SyncRun
    failed = Signal(str)

    def __init__(
        self,
        context: DeskContext,
        folder: Path,
        *,
        rejects_dir: Path | None = None,
        skip_invalid: bool = False,
        status_bar: QStatusBar | None = None,
        debounce_ms: int = DEBOUNCE_MS,
        look_every_ms: int = LOOK_EVERY_MS,
        settle_seconds: float = SETTLE_SECONDS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.folder = folder
        self.rejects_dir = rejects_dir
        self.skip_invalid = skip_invalid
        self.status_bar = status_bar
        self.settle_seconds = settle_seconds
        self.task: BackgroundTask | None = None
        self.again = False  # something changed while a sync ran
        self.synced_state: Snapshot = {}
        self.looking = False
        self.closed = False
        self.runs = 0
        self.watcher = QFileSystemWatcher(self)
        self.watcher.directoryChanged.connect(lambda _path: self.schedule())
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(debounce_ms)
        self.debounce.timeout.connect(self.sync_now)
        self.periodic = QTimer(self)
        self.periodic.setInterval(look_every_ms)
        self.periodic.timeout.connect(self.look)

    @classmethod
    def for_desk(
        cls,
        context: DeskContext,
        settings: QSettings,
        status_bar: QStatusBar | None = None,
        parent: QObject | None = None,
    ) -> SyncWatcher | None:
        """The watcher this desk's Preferences ask for, started; None when it is not the sync
        desk."""
        choice = sync_choice(settings)
        if choice is None:
            return None
        folder, rejects, skip_invalid = choice
        watcher = cls(
            context,
            folder,
            rejects_dir=rejects,
            skip_invalid=skip_invalid,
            status_bar=status_bar,
            parent=parent,
        )
        watcher.start()
        return watcher

    def start(self) -> None:
        """Look at once (files may have landed while the desk was off), then watch the folder.

        The folder is watched once a look off the GUI thread has found it: asking a network
        share that does not answer would freeze the window.
        """
        self.periodic.start()
        self.look()

    @property
    def running(self) -> bool:
        return self.task is not None

    def schedule(self) -> None:
        """Something changed: sync once the folder has been quiet for the debounce time."""
        if not self.closed:
            self.debounce.start()

    def look(self) -> None:
        """Compare the folder with what the last sync saw, off the GUI thread."""
        if self.looking or self.closed:
            return
        self.looking = True
        folder = self.folder
        start_job(lambda: (folder.is_dir(), snapshot(folder)), self._looked)

    def _looked(self, looked: object, error: BaseException | None) -> None:
        self.looking = False
        if self.closed or error is not None or not isinstance(looked, tuple):
            return
        there, found = looked
        watched = str(self.folder) in self.watcher.directories()
        if there and not watched and self.watcher.addPath(str(self.folder)):
            self.look()  # found, or back (a share came back): what landed meanwhile
            return
        if found != self.synced_state and not self.debounce.isActive():
            self.schedule()

    def sync_now(self) -> None:
        """Start a sync on a worker thread; while one runs, one more follows it."""
        if self.closed:
            return
        if self.task is not None:
            self.again = True
            return
        engine, folder = self.context.engine, self.folder
        rejects, skip, settle = self.rejects_dir, self.skip_invalid, self.settle_seconds
        actor = self.context.desk_user
        before: dict[str, Snapshot] = {}

        def work(
            progress: Callable[[int, int | None, str], None], cancelled: Callable[[], bool]
        ) -> SyncRun:
            before["files"] = snapshot(folder)
            return sync_folder(
                engine,
                folder,
                skip_invalid=skip,
                rejects_dir=rejects,
                actor=actor,
                progress=progress,
                cancelled=cancelled,
                settle_seconds=settle,
            )

        task = BackgroundTask(work, self)
        task.progressed.connect(self._progressed)
        task.succeeded.connect(lambda run: self._succeeded(run, before.get("files", {})))
        task.error.connect(self._failed)
        task.finished.connect(self._task_done)
        self.task = task
        self.again = False
        self._say("Sync: reading the export folder…", 0)
        self.started.emit()
        task.start()

    def _progressed(self, done: int, total: object, text: str) -> None:
        self._say(f"Sync: {text} ({done} of {total} files done)", 0)
        self.progressed.emit(text)

    def _succeeded(self, run: SyncRun, seen: Snapshot) -> None:
        self.runs += 1
        # Files left waiting are not counted as seen, so the next look syncs them.
        waiting = {f.name for f in run.files if f.outcome is SyncFileOutcome.WAITING}
        self.synced_state = {name: state for name, state in seen.items() if name not in waiting}
        self._say(run_message(run), MESSAGE_MS)
        self.context.hub.changed.emit("sync")
        self.synced.emit(run)
        if waiting and not self.closed:
            QTimer.singleShot(int(self.settle_seconds * 1000) + 500, self, self.look)

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, SyncRefused):
            message = f"Sync not started: {error}"
        else:
            message = f"Sync failed: {short_message(error)} (details in the log file)"
        self._say(message, MESSAGE_MS)
        self.failed.emit(message)

    def _task_done(self) -> None:
        task, self.task = self.task, None
        if task is not None:
            task.deleteLater()
        if self.again and not self.closed:
            self.schedule()

    def _say(self, text: str, timeout_ms: int) -> None:
        if self.status_bar is not None:
            self.status_bar.showMessage(text, timeout_ms)

    def close(self, wait: bool = True) -> None:
        """Stop watching and cancel a sync under way (it stops between chunks of rows).

        With `wait`, as the window closes, the sync's thread is waited for, but no longer than
        `CLOSE_WAIT_MS`: a sync stuck on a dead link must not hold the closing window. Past
        that, or without `wait`, it ends on its own (its transaction rolled back) and the
        process waits for it at exit.
        """
        self.closed = True
        self.debounce.stop()
        self.periodic.stop()
        if self.watcher.directories():
            self.watcher.removePaths(self.watcher.directories())
        task = self.task
        if task is None:
            return
        task.cancel()
        self.task = None
        if not (wait and task.wait(CLOSE_WAIT_MS)):
            _drain(task)
