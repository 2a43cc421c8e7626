"""The `dispatch-console` command line, on the same services as the window."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Sequence

from sqlalchemy.exc import OperationalError

from console import __version__
from console.commands import briefing, referrals, report, transfer
from console.commands.common import CommandError, database, open_database
from console.credentials import redact
from console.database import display_url, make_engine, resolve_database_url
from console.logs import RedactingFormatter
from console.migrate import upgrade_database

log = logging.getLogger("console")


def cmd_init_db(args: argparse.Namespace) -> int:
    engine = make_engine(args.database)
    changed = upgrade_database(engine)
    state = "upgraded to the newest schema" if changed else "already up to date"
    print(f"{display_url(engine.url)}: {state}")
    return 0


def cmd_seed_demo(args: argparse.Namespace) -> int:
    from console.services.demo import DatabaseNotEmpty, seed_demo

    engine = open_database(args)
    started = time.perf_counter()

    def progress(stage: str, done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\r{stage}: {done}/{total}", end="", file=sys.stderr, flush=True)

    try:
        summary = seed_demo(engine, customers=args.customers, seed=args.seed, progress=progress)
    except DatabaseNotEmpty as error:
        raise CommandError(str(error)) from None
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

    with database(args, BackupRefused) as engine:
        size = backup_sqlite(engine, Path(args.output))
    print(f"backed up {display_url(engine.url)} to {args.output} ({size / 1_048_576:.1f} MB)")
    return 0


def cmd_window(args: argparse.Namespace) -> int:
    from console.views.app import run_window

    return run_window(database=args.database, demo=args.demo)


def positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be a positive whole number")
    return value


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="database URL (default: $CONSOLE_DATABASE_URL or the embedded SQLite file)",
    )
    parser = argparse.ArgumentParser(
        prog="dispatch-console",
        description="Dispatch Console: customer history, technician referrals and sales briefings.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--demo", action="store_true", help="seed an empty database with demo data")
    parser.set_defaults(handler=cmd_window, database=None)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

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

    for module in (referrals, briefing, transfer, report):
        module.register(commands, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING)
    for handler in logging.getLogger().handlers:
        if type(handler) is logging.StreamHandler:
            handler.setFormatter(RedactingFormatter("%(levelname)s %(name)s: %(message)s"))
    args = build_parser().parse_args(argv)
    args.database = resolve_database_url(getattr(args, "database", None))
    try:
        return int(args.handler(args))
    except CommandError as error:
        print(f"dispatch-console: {redact(str(error))}", file=sys.stderr)
        return 1
    except OperationalError as error:
        print(
            f"dispatch-console: database error: {redact(str(error.orig or error))}", file=sys.stderr
        )
        return 1
    except BrokenPipeError:
        # The reader (a pager, `head`) went away; say nothing more on a closed pipe.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        print("dispatch-console: interrupted", file=sys.stderr)
        return 130
