"""`dispatch-console sync FOLDER` and `dispatch-console sync-log`: the nightly import, for cron.

`sync` prints one line per file (its preset and counts, or why it was refused or left
waiting) and a last line for the run. Exit status 0 when no file was refused (files still
being written wait for the next run and do not count), 1 when any was refused or the sync
could not start (another sync running, a missing folder).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

from console.commands.common import add_handler, database, printable
from console.database import session_factory
from console.desk_user import desk_user
from console.models import SyncFile, SyncFileOutcome, SyncRun
from console.services.office.clock import local
from console.services.transfer.formulas import protect
from console.services.transfer.sync import SyncRefused, recent_runs, sync_folder

LOG_COLUMNS = [
    "run",
    "started",
    "finished",
    "run_outcome",
    "actor",
    "host",
    "folder",
    "file",
    "preset",
    "file_outcome",
    "created",
    "updated",
    "unchanged",
    "rejected",
    "reason",
    "rejects_file",
]
TABLE_COLUMNS = ("run", "started", "run_outcome", "file", "preset", "file_outcome")
COUNTS = ("created", "updated", "unchanged", "rejected")


def _when(moment: dt.datetime | None) -> str:
    """A logged time on the office's clock."""
    return "" if moment is None else local(moment).strftime("%Y-%m-%d %H:%M:%S")


def file_line(file: SyncFile) -> str:
    """One file of a run as the command line tells it."""
    name = printable(file.name)
    if file.outcome in (SyncFileOutcome.REFUSED, SyncFileOutcome.WAITING):
        preset = f" ({printable(file.preset)})" if file.preset else ""
        return f"{name}{preset}: {file.outcome.value}: {printable(file.reason or '')}"
    kinds = "; ".join(
        f"{kind.kind} {kind.created} created, {kind.updated} updated, "
        f"{kind.unchanged} unchanged" + (f", {kind.rejected} rejected" if kind.rejected else "")
        for kind in file.kinds
    )
    line = f"{name}: {printable(file.preset or '')}: {kinds}"
    if file.rejects_path:
        line += f"; rejects in {printable(file.rejects_path)}"
    elif file.reason:
        line += f"; {printable(file.reason)}"
    return line


def run_line(run: SyncRun) -> str:
    """The run's last line: how it ended and how many files went which way."""
    tally: dict[str, int] = {}
    for file in run.files:
        tally[file.outcome.value] = tally.get(file.outcome.value, 0) + 1
    files = ", ".join(f"{count} {outcome}" for outcome, count in tally.items()) or "no files"
    what = "sync (dry run)" if run.dry_run else f"sync run {run.id}"
    return f"{what}: {run.outcome.value} ({files})"


def cmd_sync(args: argparse.Namespace) -> int:
    folder = Path(args.folder)
    rejects = Path(args.rejects) if args.rejects else None
    with database(args, SyncRefused) as engine:
        run = sync_folder(
            engine,
            folder,
            skip_invalid=args.skip_invalid,
            rejects_dir=rejects,
            dry_run=args.dry_run,
            actor=desk_user(),
        )
    for file in run.files:
        print(file_line(file))
        if file.outcome is SyncFileOutcome.REFUSED and file.problems:
            for problem in file.problems.splitlines():
                print(f"  {printable(problem)}", file=sys.stderr)
            more = file.problem_count - len(file.problems.splitlines())
            if more > 0:
                print(f"  … and {more} more", file=sys.stderr)
    print(run_line(run))
    refused = any(file.outcome is SyncFileOutcome.REFUSED for file in run.files)
    return 1 if refused else 0


def log_rows(runs: Sequence[SyncRun]) -> list[list[str]]:
    """One row per file of each run (a run without files gets one row of its own)."""
    rows = []
    for run in runs:
        head = [
            str(run.id),
            _when(run.started_at),
            _when(run.finished_at),
            run.outcome.value,
            run.actor,
            run.host,
            run.folder,
        ]
        if not run.files:
            rows.append([*head, "", "", "", "", "", "", "", run.message or "", ""])
        for file in run.files:
            rows.append(
                [
                    *head,
                    file.name,
                    file.preset or "",
                    file.outcome.value,
                    *(str(file.total(count)) for count in COUNTS),
                    file.reason or "",
                    file.rejects_path or "",
                ]
            )
    return rows


def cmd_sync_log(args: argparse.Namespace) -> int:
    with database(args) as engine, session_factory(engine)() as session:
        runs = recent_runs(session, args.last)
    rows = log_rows(runs)
    if args.format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(LOG_COLUMNS)
        writer.writerows([[protect(cell) for cell in row] for row in rows])
        return 0
    shown = [LOG_COLUMNS.index(name) for name in (*TABLE_COLUMNS, *COUNTS)]
    table = [[LOG_COLUMNS[i] for i in shown]] + [[printable(row[i]) for i in shown] for row in rows]
    widths = [min(max(len(line[i]) for line in table), 32) for i in range(len(shown))]
    for line in table:
        print(
            "  ".join(
                cell[:32].ljust(width) for cell, width in zip(line, widths, strict=True)
            ).rstrip()
        )
    print(f"{len(runs)} run{'s' if len(runs) != 1 else ''}", file=sys.stderr)
    return 0


def _last(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{printable(text)}' is not a whole number") from None
    if not 0 < value <= 10_000:
        raise argparse.ArgumentTypeError("must be a whole number from 1 to 10000")
    return value


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    syncing = commands.add_parser(
        "sync", parents=[common], help="import every export file in a folder (for cron)"
    )
    syncing.add_argument("folder", metavar="FOLDER", help="where the office's system drops exports")
    syncing.add_argument(
        "--skip-invalid",
        action="store_true",
        help="import the valid rows and save the refused ones to a rejects file",
    )
    syncing.add_argument(
        "--rejects",
        metavar="DIR",
        help="where rejects files go (default: '<FOLDER> rejects' beside FOLDER)",
    )
    syncing.add_argument("--dry-run", action="store_true", help="check every file, write nothing")
    add_handler(syncing, cmd_sync)

    logging_ = commands.add_parser("sync-log", parents=[common], help="the sync runs, newest first")
    logging_.add_argument("--last", type=_last, default=10, metavar="N", help="runs shown (10)")
    logging_.add_argument("--format", choices=("table", "csv"), default="table")
    add_handler(logging_, cmd_sync_log)
