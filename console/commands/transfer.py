"""`dispatch-console import KIND FILE` and `dispatch-console export KIND -o FILE`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from console.commands.common import CommandError, add_handler, database, printable
from console.desk_user import desk_user
from console.services.transfer.exporter import export_kind
from console.services.transfer.importer import import_file
from console.services.transfer.kinds import KINDS
from console.services.transfer.table_file import FileProblem, parse_mapping


def cmd_import(args: argparse.Namespace) -> int:
    with database(args) as engine:
        try:
            summary = import_file(
                engine,
                args.kind,
                Path(args.file),
                mapping=parse_mapping(args.map),
                dry_run=args.dry_run,
                day_first=args.day_first,
                decimal=args.decimal,
                sheet=args.sheet,
                actor=desk_user(),
            )
        except FileProblem as error:
            raise CommandError(f"{printable(args.file)}: {printable(error)}") from None
    # Everything below quotes the file; printable() keeps its control characters inert.
    source = getattr(summary, "source", "")
    if source:
        print(f"read as {printable(source)}", file=sys.stderr)
    if summary.ignored_columns:
        ignored = ", ".join(printable(name) for name in summary.ignored_columns)
        print(f"ignored columns: {ignored}", file=sys.stderr)
    if summary.problems:
        for problem in summary.problems:
            print(printable(problem), file=sys.stderr)
        print(f"{len(summary.problems)} problem(s); nothing was imported", file=sys.stderr)
        return 1
    verb = "would import" if summary.dry_run else "imported"
    print(
        f"{verb} {summary.rows} {args.kind} row(s): {summary.created} created, "
        f"{summary.updated} updated, {summary.unchanged} unchanged"
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    with database(args, FileProblem) as engine:
        count = export_kind(engine, args.kind, Path(args.output))
    print(f"exported {count} {args.kind} row(s) to {args.output}")
    return 0


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    importing = commands.add_parser("import", parents=[common], help="import a CSV or XLSX file")
    importing.add_argument("kind", choices=list(KINDS), metavar="KIND", help=", ".join(KINDS))
    importing.add_argument("file", metavar="FILE", help=".csv or .xlsx")
    importing.add_argument(
        "--map", action="append", metavar="SRC=DEST", help="read column SRC as DEST"
    )
    importing.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
    importing.add_argument("--sheet", metavar="NAME", help="the workbook's sheet to read")
    importing.add_argument(
        "--decimal",
        choices=[",", "."],
        help="the decimal mark of the file's numbers (default: decided per column)",
    )
    order = importing.add_mutually_exclusive_group()
    order.add_argument(
        "--day-first",
        dest="day_first",
        action="store_const",
        const=True,
        help="read 03/04/2025 as 3 April",
    )
    order.add_argument(
        "--month-first",
        dest="day_first",
        action="store_const",
        const=False,
        help="read 03/04/2025 as 4 March",
    )
    add_handler(importing, cmd_import)

    exporting = commands.add_parser("export", parents=[common], help="export to CSV or XLSX")
    exporting.add_argument("kind", choices=list(KINDS), metavar="KIND", help=", ".join(KINDS))
    exporting.add_argument("-o", "--output", required=True, metavar="FILE", help=".csv or .xlsx")
    add_handler(exporting, cmd_export)
