"""The `dispatch-console` command line, on the same services as the window.

Every outcome is exit status 0, or 1 with a message on stderr that begins `dispatch-console:`;
an error nobody foresaw is logged in full to the console's log, never shown as a traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Sequence

from sqlalchemy.exc import DBAPIError

from console import __version__
from console.commands import (
    briefing,
    calendar,
    equipment,
    outbox,
    referrals,
    report,
    salespeople,
    spiffs,
    sync,
    transfer,
)
from console.commands.common import (
    PROG,
    CommandError,
    CommandParser,
    database,
    database_reason,
    quoted,
    say,
    upgraded_database,
)
from console.database import DatabaseProblem, display_url, resolve_database_url
from console.logs import configure_logging, configure_terminal_logging, log_path
from console.services.output_file import OutputProblem, check_output_file

log = logging.getLogger("console")


def cmd_init_db(args: argparse.Namespace) -> int:
    engine, changed = upgraded_database(args)
    engine.dispose()
    state = "upgraded to the newest schema" if changed else "already up to date"
    print(f"{display_url(engine.url)}: {state}")
    return 0


def cmd_seed_demo(args: argparse.Namespace) -> int:
    from console.services.demo import DatabaseNotEmpty, seed_demo

    started = time.perf_counter()

    def progress(stage: str, done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\r{stage}: {done}/{total}", end="", file=sys.stderr, flush=True)

    with database(args, DatabaseNotEmpty) as engine:
        summary = seed_demo(engine, customers=args.customers, seed=args.seed, progress=progress)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    elapsed = time.perf_counter() - started
    counts = ", ".join(
        f"{count} {table.replace('_', ' ')}" for table, count in summary.counts.items()
    )
    print(f"Seeded {counts} in {elapsed:.1f} s")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from console.services.backup import BackupRefused, backup_sqlite

    check_output_file(Path(args.output))
    with database(args, BackupRefused) as engine:
        size = backup_sqlite(engine, Path(args.output))
    print(f"backed up {display_url(engine.url)} to {args.output} ({size / 1_048_576:.1f} MB)")
    return 0


def cmd_window(args: argparse.Namespace) -> int:
    from console.views.app import run_window

    return run_window(database=args.database, demo=args.demo)


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{quoted(text)} is not a whole number") from None
    if not 0 < value <= 1_000_000:
        raise argparse.ArgumentTypeError("must be a whole number from 1 to 1000000")
    return value


def build_parser() -> argparse.ArgumentParser:
    # `--database` is accepted before and after the subcommand. Its default is SUPPRESS at
    # every level, so a level where it was not given never overwrites one where it was; given
    # at both, the one after the subcommand is parsed last and wins.
    common = CommandParser(add_help=False)
    common.add_argument(
        "--database",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="database URL (default: $CONSOLE_DATABASE_URL or the embedded SQLite file)",
    )
    parser = CommandParser(
        prog=PROG,
        description="Dispatch Console: customer history, technician referrals and sales briefings.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--demo", action="store_true", help="seed an empty database with demo data")
    parser.set_defaults(handler=cmd_window)
    commands = parser.add_subparsers(
        title="commands", metavar="COMMAND", parser_class=CommandParser
    )

    init_db = commands.add_parser("init-db", parents=[common], help="create or upgrade the schema")
    init_db.set_defaults(handler=cmd_init_db)

    seed = commands.add_parser(
        "seed-demo", parents=[common], help="fill an empty database with demo data"
    )
    seed.add_argument("--customers", type=positive_int, default=300, metavar="N")
    seed.add_argument("--seed", type=int, default=1, metavar="S")
    seed.set_defaults(handler=cmd_seed_demo)

    backup = commands.add_parser("backup", parents=[common], help="copy the SQLite database safely")
    backup.add_argument("-o", "--output", required=True, metavar="FILE")
    backup.set_defaults(handler=cmd_backup)

    for module in (
        referrals,
        briefing,
        transfer,
        report,
        sync,
        equipment,
        calendar,
        outbox,
        spiffs,
        salespeople,
    ):
        module.register(commands, common)
    return parser


def _start_logging() -> None:
    """Warnings reach the terminal in one line; the full record goes to the log file."""
    configure_terminal_logging()
    try:
        configure_logging()
    except OSError as error:
        log.warning("no log file: %s", error)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as done:  # --help, --version, or a refused command line
        return done.code if isinstance(done.code, int) else 1
    _start_logging()
    try:
        args.database = resolve_database_url(getattr(args, "database", None))
        return int(args.handler(args))
    except (CommandError, DatabaseProblem, OutputProblem) as error:
        say(str(error))
        return 1
    except DBAPIError as error:
        say(f"database error: {database_reason(error)}")
        return 1
    except BrokenPipeError:
        # The reader (a pager, `head`) went away; say nothing more on a closed pipe.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        say("interrupted")
        return 1
    except Exception as error:
        log.exception("unexpected error in %s", PROG)
        say(f"unexpected error ({type(error).__name__}); details are in {log_path()}")
        return 1
