"""The nightly sync: import every export the office's system dropped in a folder.

Each file is recognised by its header (`presets.recognise`; the console's own exports are
presets too), the files are imported in dependency order (staff, customers, sites, equipment,
visits, referrals, notes; a file writing several kinds goes by the latest of them), each in its
own transaction, and a refused file never stops the others. Every run leaves a log in the
database (`SyncRun`, its `SyncFile`s and their per-kind counts), written even when every file
is refused.

Which files are taken: `.csv` and `.xlsx` directly in the folder. Names starting with `.` or
`~$` (editors' lock and temporary files) are ignored. A file modified less than
`SETTLE_SECONDS` ago, an empty file, or one whose size or modified time changed between the
listing and its import is still being written: it is logged as waiting and the next run takes
it.

One sync at a time: a run claims the folder by inserting its log row while no other run is
`running`, the check and the insert serialised by SQLite's `BEGIN IMMEDIATE` or a PostgreSQL
transaction-level advisory lock. A second sync is refused naming who runs the first. A run
left `running` by a process that has gone (same computer, process id no longer alive, or no
sign of life for `STALE_AFTER`) is marked abandoned and no longer blocks.

Rejected rows (`skip_invalid`) go to a CSV per file in the rejects folder: by default the
folder beside the watched one named `<folder> rejects`, never inside the watched folder, where
the next sync would import them.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import os
import socket
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from sqlalchemy import Engine, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from console.database import session_factory
from console.models import SyncFile, SyncFileKind, SyncFileOutcome, SyncOutcome, SyncRun
from console.services.connection import is_connection_error
from console.services.errors import InputError
from console.services.office.clock import local
from console.services.output_file import OutputProblem
from console.services.transfer.file_problem import FileProblem

log = logging.getLogger(__name__)

SUFFIXES = (".csv", ".xlsx")
SETTLE_SECONDS = 10.0
STALE_AFTER = dt.timedelta(hours=6)
PROBLEMS_KEPT = 20
# Kinds in the order their records depend on each other.
KIND_ORDER = (
    ("technicians", "salespeople", "staff"),
    ("customers",),
    ("sites",),
    ("equipment",),
    ("visits",),
    ("referrals",),
    ("notes",),
)
# Any fixed number: every sync of every desk takes the same PostgreSQL advisory lock.
ADVISORY_LOCK_KEY = 0x5C_0DE5_1C
PRESETS_MODULE = "console.services.transfer.presets"

Progress = Callable[[int, int | None, str], None]


class SyncRefused(InputError):
    """The sync cannot start: the folder is missing, the rejects folder is wrong, or another
    sync is running. Nothing was imported."""

    def __init__(self, message: str) -> None:
        super().__init__(None, message)


@dataclass(frozen=True)
class FolderFile:
    """A file of the folder as it was listed."""

    path: Path
    size: int
    modified: float

    @property
    def modified_at(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.modified, dt.UTC)


def _presets() -> ModuleType:
    """The presets package, found at call time so it can be replaced as a whole."""
    return importlib.import_module(PRESETS_MODULE)


def kind_rank(kinds: Sequence[str]) -> tuple[int, int]:
    """Where a file with these kinds goes in the import order (unknown kinds last).

    A file goes by the latest kind it writes, then the earliest: a jobs export writes the
    technicians it names and the visits, and its visits need the customers file first.
    """
    ranks = [rank for kind in kinds for rank, group in enumerate(KIND_ORDER) if kind in group] or [
        len(KIND_ORDER)
    ]
    return max(ranks), min(ranks)


def default_rejects_dir(folder: Path) -> Path:
    """`<folder> rejects` beside the watched folder: outside it, yet easy to find."""
    folder = folder.resolve()
    return folder.parent / f"{folder.name} rejects"


def ignored_name(name: str) -> bool:
    """Hidden files and editors' lock files (`~$clients.xlsx`) are never imported."""
    return name.startswith((".", "~$"))


def folder_files(folder: Path) -> list[FolderFile]:
    """The `.csv` and `.xlsx` files directly in `folder`, by name; ignored names left out."""
    found = []
    for entry in os.scandir(folder):
        if ignored_name(entry.name) or not entry.name.lower().endswith(SUFFIXES):
            continue
        try:
            if not entry.is_file():
                continue
            stat = entry.stat()
        except OSError:  # gone between the listing and the look
            continue
        found.append(FolderFile(Path(entry.path), stat.st_size, stat.st_mtime))
    return sorted(found, key=lambda file: file.path.name)


def _still_written(file: FolderFile, now: float, settle_seconds: float) -> str | None:
    """Why the file looks unfinished, or None when it has settled."""
    if file.size == 0:
        return "the file is empty (still being written?); the next sync takes it"
    age = now - file.modified
    if age < settle_seconds:
        return f"modified {max(age, 0):.0f} s ago, still being written; the next sync takes it"
    try:
        stat = file.path.stat()
    except OSError as error:
        return f"cannot be read now ({error.strerror or error})"
    if stat.st_size != file.size or stat.st_mtime != file.modified:
        return "its size changed while the folder was read; the next sync takes it"
    return None


class ChangedWhileRead(FileProblem):
    """The file's size or time moved while it was imported: the office's system is writing
    it again. Nothing of it is written; the next sync takes it."""


def _unchanged_since_listed(file: FolderFile) -> None:
    """Raise `ChangedWhileRead` unless the file is as the folder listing saw it."""
    try:
        stat = file.path.stat()
    except OSError as error:
        why = f"it went away while it was imported ({error.strerror or error})"
        raise ChangedWhileRead(why) from None
    if stat.st_size != file.size or stat.st_mtime != file.modified:
        raise ChangedWhileRead("it changed while it was imported")


# -- the lock --------------------------------------------------------------------------------


def _pid_alive(pid: int) -> bool:
    if sys.platform == "win32":  # no cheap portable look; the heartbeat decides there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # alive, owned by someone else
        return True
    return True


def _abandoned(run: SyncRun, now: dt.datetime, host: str) -> bool:
    if now - run.heartbeat_at > STALE_AFTER:
        return True
    return run.host == host and not _pid_alive(run.pid)


def _serialise_claims(session: Session) -> None:
    """Only one desk at a time looks for a running sync and claims the next."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        driver = connection.connection.driver_connection
        if driver is not None and not driver.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    elif connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})


def _busy_message(run: SyncRun) -> str:
    started = local(run.started_at).strftime("%Y-%m-%d %H:%M")
    return (
        f"another sync is running (run {run.id}, started {started} by {run.actor} on "
        f"{run.host}, process {run.pid}, folder {run.folder}); nothing was imported, "
        "try again when it has finished"
    )


def claim_run(
    engine: Engine, folder: Path, *, actor: str, skip_invalid: bool, dry_run: bool = False
) -> int:
    """Start a run's log row, the sync's lock; raises SyncRefused while another runs."""
    try:
        return _claim(engine, folder, actor, skip_invalid, dry_run)
    except OperationalError as error:
        if engine.dialect.name != "sqlite" or "locked" not in str(error.orig):
            raise
        raise SyncRefused(
            "the database is busy writing (another sync or import is under way); nothing was "
            "imported, try again when it has finished"
        ) from None


def _claim(engine: Engine, folder: Path, actor: str, skip_invalid: bool, dry_run: bool) -> int:
    host = socket.gethostname()[:255]
    now = dt.datetime.now(dt.UTC)
    with session_factory(engine).begin() as session:
        _serialise_claims(session)
        running = session.scalars(
            select(SyncRun).where(SyncRun.outcome == SyncOutcome.RUNNING).order_by(SyncRun.id)
        ).all()
        for run in running:
            if not _abandoned(run, now, host):
                raise SyncRefused(_busy_message(run))
            log.info("sync run %s on %s (process %s) was abandoned", run.id, run.host, run.pid)
            run.outcome = SyncOutcome.ABANDONED
            run.finished_at = now
            run.message = "its process went away before it finished"
        run = SyncRun(
            folder=os.path.abspath(folder)[:1000],
            started_at=now,
            heartbeat_at=now,
            actor=actor[:80],
            host=host,
            pid=os.getpid(),
            dry_run=dry_run,
            skip_invalid=skip_invalid,
            outcome=SyncOutcome.RUNNING,
        )
        session.add(run)
        session.flush()
        return run.id


# -- one file --------------------------------------------------------------------------------


@dataclass
class _Planned:
    file: FolderFile
    preset: Any  # the presets package's Preset, or None when unrecognised
    reason: str | None = None


def _first(values: Iterable[str], limit: int) -> tuple[str | None, int]:
    kept: list[str] = []
    count = 0
    for value in values:
        count += 1
        if len(kept) < limit:
            kept.append(value)
    return ("\n".join(kept) if kept else None), count


def _staff_header(path: Path) -> bool:
    """The file has the console's staff columns, but its name does not say whose."""
    from console.services.transfer.table_file import open_table

    try:
        header = open_table(path).source_columns
    except (FileProblem, OSError):
        return False
    return _presets().recognise_header(header, "technicians.csv") is not None


def _rejects_file(rejects_dir: Path, file: FolderFile, started: dt.datetime) -> Path:
    stamp = local(started).strftime("%Y%m%d-%H%M%S")
    return rejects_dir / f"{file.path.stem} rejects {stamp}.csv"


def _import_one(
    engine: Engine,
    planned: _Planned,
    record: SyncFile,
    *,
    skip_invalid: bool,
    dry_run: bool,
    rejects_dir: Path,
    started: dt.datetime,
    actor: str,
    progress: Callable[[int, int | None], None] | None,
    cancelled: Callable[[], bool],
) -> bool:
    """Import one file into `record`'s counts and outcome; False when it was cancelled."""
    try:
        summaries = _presets().import_with_preset(
            engine,
            planned.file.path,
            planned.preset,
            skip_invalid=skip_invalid,
            dry_run=dry_run,
            actor=actor,
            progress=progress,
            cancelled=cancelled,
            before_commit=lambda: _unchanged_since_listed(planned.file),
        )
    except ChangedWhileRead as error:
        record.outcome = SyncFileOutcome.WAITING
        record.reason = f"{error}; nothing of it was written, the next sync takes it"
        return True
    except (FileProblem, InputError, OSError) as error:
        record.outcome = SyncFileOutcome.REFUSED
        record.reason = str(error) or type(error).__name__
        return True
    except Exception as error:
        record.outcome = SyncFileOutcome.REFUSED
        record.reason = _unexpected(error, planned.file)
        return True
    if any(summary.cancelled for summary in summaries):
        record.outcome = SyncFileOutcome.REFUSED
        record.reason = "cancelled; nothing of this file was imported"
        return False
    problems = [f"{s.kind}: {p}" for s in summaries for p in s.problems]
    for position, summary in enumerate(summaries):
        record.kinds.append(
            SyncFileKind(
                position=position,
                kind=summary.kind,
                created=summary.created,
                updated=summary.updated,
                unchanged=summary.unchanged,
                rejected=getattr(summary, "rejected", 0),
            )
        )
    if problems:
        record.outcome = SyncFileOutcome.REFUSED
        record.problems, record.problem_count = _first(problems, PROBLEMS_KEPT)
        record.reason = f"{len(problems)} problem(s); nothing of this file was imported"
        for kind in record.kinds:  # nothing was written: the counts say what it would have been
            kind.created = kind.updated = kind.unchanged = kind.rejected = 0
        return True
    record.outcome = SyncFileOutcome.CHECKED if dry_run else SyncFileOutcome.IMPORTED
    # The file's own rows, in its own header, every kind's reasons: fixed, it syncs as it did.
    rejects, columns = _presets().source_rejects(planned.file.path, planned.preset, summaries)
    if rejects:
        reasons = [f"row {r.line}: {'; '.join(r.reasons)}" for r in rejects]
        record.problems, record.problem_count = _first(reasons, PROBLEMS_KEPT)
        if not dry_run:
            from console.services.transfer.rejects import write_rejects

            target = _rejects_file(rejects_dir, planned.file, started)
            try:
                rejects_dir.mkdir(parents=True, exist_ok=True)
                write_rejects(rejects, columns, target)
            except (OSError, OutputProblem) as error:
                record.reason = (
                    f"{len(rejects)} row(s) left out, but the rejects file could not be "
                    f"written: {error}"
                )
            else:
                record.rejects_path = str(target)
                record.reason = f"{len(rejects)} row(s) left out; they are in {target}"
    return True


def _unexpected(error: Exception, file: FolderFile) -> str:
    """An error nobody foresaw in one file: logged in full, and the other files still go in.

    A database that stopped answering stops the run instead: every other file would fail too.
    """
    if is_connection_error(error):
        raise error
    log.error("sync: unexpected error on %s", file.path, exc_info=error)
    return f"unexpected error ({type(error).__name__}: {error}); the details are in the log file"


# -- the run ---------------------------------------------------------------------------------


def _plan(files: list[FolderFile], now: float, settle_seconds: float) -> list[_Planned]:
    """Each settled file with its preset, in dependency order; the others first, as they are."""
    planned: list[_Planned] = []
    for file in files:
        waiting = _still_written(file, now, settle_seconds)
        if waiting is not None:
            planned.append(_Planned(file, None, waiting))
            continue
        try:
            preset = _presets().recognise(file.path)
        except (FileProblem, OSError) as error:
            planned.append(_Planned(file, None, f"cannot be read: {error}"))
            continue
        except Exception as error:
            planned.append(_Planned(file, None, _unexpected(error, file)))
            continue
        if preset is None:
            reason = "no preset recognises its header; import it once with `import KIND FILE`"
            if _staff_header(file.path):
                reason = (
                    "technicians and salespeople have the same columns: name the file "
                    "technicians… or salespeople… so the sync knows which it holds"
                )
            planned.append(_Planned(file, None, reason))
        else:
            planned.append(_Planned(file, preset))
    return sorted(
        planned,
        key=lambda p: (
            kind_rank(p.preset.kinds) if p.preset is not None else (-1, -1),
            p.file.path.name,
        ),
    )


def _file_record(position: int, planned: _Planned) -> SyncFile:
    file = planned.file
    record = SyncFile(
        position=position,
        name=file.path.name[:255],
        size=file.size,
        modified_at=file.modified_at,
        preset=planned.preset.name if planned.preset is not None else None,
        problem_count=0,
    )
    if planned.reason is not None:
        waiting = planned.reason.endswith("the next sync takes it")
        record.outcome = SyncFileOutcome.WAITING if waiting else SyncFileOutcome.REFUSED
        record.reason = planned.reason
    return record


def run_outcome(files: Sequence[SyncFile], cancelled: bool) -> SyncOutcome:
    """Done when nothing was refused; refused when nothing went in; partial in between."""
    if cancelled:
        return SyncOutcome.CANCELLED
    refused = sum(1 for f in files if f.outcome == SyncFileOutcome.REFUSED)
    went_in = sum(
        1 for f in files if f.outcome in (SyncFileOutcome.IMPORTED, SyncFileOutcome.CHECKED)
    )
    if not refused:
        return SyncOutcome.DONE
    return SyncOutcome.PARTIAL if went_in else SyncOutcome.REFUSED


def _store_file(engine: Engine, run_id: int, record: SyncFile, dry_run: bool) -> None:
    """The file's log row, committed at once, so the window shows the run as it goes."""
    if dry_run:
        return
    with session_factory(engine).begin() as session:
        record.run_id = run_id
        session.add(record)
        session.execute(
            update(SyncRun).where(SyncRun.id == run_id).values(heartbeat_at=dt.datetime.now(dt.UTC))
        )
    # Detached with its counts, for the run's answer and the command line's lines.
    session.expunge_all()


def _finish(engine: Engine, run_id: int, outcome: SyncOutcome, message: str | None) -> SyncRun:
    with session_factory(engine).begin() as session:
        run = session.get(SyncRun, run_id)
        assert run is not None
        run.outcome = outcome
        run.finished_at = dt.datetime.now(dt.UTC)
        run.message = message
    with session_factory(engine)() as session:
        run = session.get(SyncRun, run_id)
        assert run is not None
        for file in run.files:
            _ = file.kinds
        session.expunge_all()
        return run


def check_folders(folder: Path, rejects_dir: Path | None) -> Path:
    """The rejects folder to use; SyncRefused when either folder is wrong."""
    if folder.exists() and not folder.is_dir():
        raise SyncRefused(f"{folder}: is a file, not a folder")
    if not folder.is_dir():
        raise SyncRefused(f"{folder}: no such folder")
    rejects = (rejects_dir or default_rejects_dir(folder)).resolve()
    watched = folder.resolve()
    if rejects == watched or watched in rejects.parents:
        raise SyncRefused(
            f"rejects folder {rejects_dir}: it is inside the synced folder {folder}, where the "
            "next sync would import the rejects; choose a folder outside it"
        )
    if rejects.exists() and not rejects.is_dir():
        raise SyncRefused(f"rejects folder {rejects_dir}: it is a file, not a folder")
    return rejects


def sync_folder(
    engine: Engine,
    folder: Path,
    *,
    skip_invalid: bool = False,
    rejects_dir: Path | None = None,
    dry_run: bool = False,
    actor: str = "sync",
    progress: Progress | None = None,
    cancelled: Callable[[], bool] = lambda: False,
    settle_seconds: float = SETTLE_SECONDS,
) -> SyncRun:
    """Import every settled export in `folder`; the run's log, with its files, detached.

    A dry run checks every file and writes nothing, not even the log (the returned run is
    not stored: its id is None). Raises SyncRefused when the sync cannot start.
    """
    rejects = check_folders(folder, rejects_dir)
    started = dt.datetime.now(dt.UTC)
    run_id = 0
    if not dry_run:
        run_id = claim_run(engine, folder, actor=actor, skip_invalid=skip_invalid)
    records: list[SyncFile] = []
    stopped = False
    try:
        plan = _plan(folder_files(folder), time.time(), settle_seconds)
        total = len(plan)
        for position, planned in enumerate(plan):
            record = _file_record(position, planned)
            records.append(record)
            if planned.reason is None and not stopped:
                if progress is not None:
                    progress(position, total, f"importing {planned.file.path.name}")
                per_row = _row_progress(progress, position, total, planned.file.path.name)
                stopped = not _import_one(
                    engine,
                    planned,
                    record,
                    skip_invalid=skip_invalid,
                    dry_run=dry_run,
                    rejects_dir=rejects,
                    started=started,
                    actor=actor,
                    progress=per_row,
                    cancelled=cancelled,
                )
                stopped = stopped or cancelled()
            elif planned.reason is None:
                record.outcome = SyncFileOutcome.REFUSED
                record.reason = "not imported: the sync was cancelled"
            _store_file(engine, run_id, record, dry_run)
        if progress is not None:
            progress(total, total, "done")
    except BaseException as error:
        if not dry_run:
            ending, why = (
                SyncOutcome.FAILED,
                (f"stopped by an unexpected error ({type(error).__name__}: {error})"),
            )
            if isinstance(error, KeyboardInterrupt):
                ending, why = SyncOutcome.CANCELLED, "interrupted; the files already imported stay"
            try:
                _finish(engine, run_id, ending, why[:2000])
            except Exception:  # the database went away too; the next claim finds it stale
                log.warning("could not close sync run %s", run_id, exc_info=True)
        raise
    outcome = run_outcome(records, stopped)
    message = None if outcome is SyncOutcome.DONE else _summary_line(records, outcome)
    if dry_run:
        return SyncRun(
            folder=os.path.abspath(folder),
            started_at=started,
            finished_at=dt.datetime.now(dt.UTC),
            actor=actor,
            host=socket.gethostname(),
            pid=os.getpid(),
            dry_run=True,
            skip_invalid=skip_invalid,
            outcome=outcome,
            message=message,
            files=records,
        )
    return _finish(engine, run_id, outcome, message)


def _row_progress(
    progress: Progress | None, position: int, total: int, name: str
) -> Callable[[int, int | None], None] | None:
    """The import's rows-read progress, told as part of the run's."""
    if progress is None:
        return None
    reporter = progress

    def rows_read(rows: int, _total: int | None) -> None:
        reporter(position, total, f"importing {name}: {rows} rows read")

    return rows_read


def _summary_line(records: Sequence[SyncFile], outcome: SyncOutcome) -> str:
    refused = sum(1 for f in records if f.outcome == SyncFileOutcome.REFUSED)
    if outcome is SyncOutcome.CANCELLED:
        return "cancelled; the files already imported stay"
    return f"{refused} of {len(records)} file(s) refused"


def recent_runs(session: Session, last: int = 20) -> list[SyncRun]:
    """The newest runs first, with their files and per-kind counts."""
    return list(
        session.scalars(
            select(SyncRun).order_by(SyncRun.started_at.desc(), SyncRun.id.desc()).limit(last)
        )
    )
