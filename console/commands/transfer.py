"""`dispatch-console import KIND FILE`, `import-presets` and `export KIND -o FILE`.

KIND is a kind, or `auto`. A file whose header is not KIND's own is looked at for a preset
(another system's export); a recognised one imports every kind it writes (Jobber clients:
customers and their sites), in one transaction, provided KIND is one of them or `auto`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from console.commands.common import CommandError, add_handler, database, printable
from console.desk_user import desk_user
from console.services.output_file import OutputProblem, check_output_file
from console.services.transfer.exporter import export_kind
from console.services.transfer.importer import ImportSummary, import_file
from console.services.transfer.kinds import KINDS
from console.services.transfer.presets import (
    Preset,
    all_presets,
    find_preset,
    import_with_preset,
    recognise,
    rejects_target,
    same_file,
    source_rejects,
)
from console.services.transfer.rejects import write_rejects
from console.services.transfer.table_file import (
    FileProblem,
    TableFile,
    open_table,
    parse_mapping,
)

AUTO = "auto"


def _choose_preset(args: argparse.Namespace, path: Path, table: TableFile | None) -> Preset | None:
    """The preset to import with, or None for the kind's own columns; refusals explained.

    `table` is the file opened for KIND (None for auto or --preset): its own header, or a
    --map, means no preset.
    """
    preset: Preset | None
    if args.preset:
        if args.map:
            raise FileProblem("--map and --preset do not go together: a preset maps the columns")
        preset = find_preset(args.preset)
    elif table is not None and (args.map or _own_header(args.kind, table)):
        return None
    else:
        preset = recognise(path, args.sheet)
    if preset is None:
        if table is None:
            raise FileProblem(
                "no preset recognises the file's header; name its kind instead of auto "
                "(see dispatch-console import-presets)"
            )
        return None
    if args.kind != AUTO and args.kind not in preset.kinds:
        raise FileProblem(
            f"preset {preset.name} writes {', '.join(preset.kinds)}, not {args.kind}; "
            f"import it as {' or '.join(preset.kinds)} or auto"
        )
    return preset


def _own_header(kind: str, table: TableFile) -> bool:
    """Whether the file's header has the kind's required columns under their own names."""
    required = [field.name for field in KINDS[kind].fields if field.required]
    return all(name in table.columns for name in required)


def _check_rejects(args: argparse.Namespace) -> None:
    """--rejects is refused before anything is imported when it cannot be written, or would
    be written over the file being imported."""
    if args.rejects and not args.skip_invalid:
        raise CommandError("--rejects goes with --skip-invalid")
    if args.rejects and same_file(Path(args.rejects), Path(args.file)):
        raise CommandError(
            "--rejects names the file being imported; the rejected rows would be written over"
            " it: choose another file or a folder"
        )
    if args.rejects and not Path(args.rejects).is_dir():
        try:
            check_output_file(Path(args.rejects), (".csv",))
        except OutputProblem as error:
            raise CommandError(f"--rejects: {error}") from None


def cmd_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    _check_rejects(args)
    with database(args) as engine:
        try:
            if args.map and args.kind == AUTO:
                raise FileProblem("--map needs a kind, not auto")
            table = None
            if args.kind != AUTO and not args.preset:
                table = open_table(path, parse_mapping(args.map), sheet=args.sheet)
            preset = _choose_preset(args, path, table)
            if preset is not None:
                table = None
                summaries = import_with_preset(
                    engine,
                    path,
                    preset,
                    skip_invalid=args.skip_invalid,
                    dry_run=args.dry_run,
                    day_first=args.day_first,
                    decimal=args.decimal,
                    sheet=args.sheet,
                    actor=desk_user(),
                )
            else:
                summaries = [
                    import_file(
                        engine,
                        args.kind,
                        path,
                        table=table,
                        skip_invalid=args.skip_invalid,
                        dry_run=args.dry_run,
                        day_first=args.day_first,
                        decimal=args.decimal,
                        sheet=args.sheet,
                        actor=desk_user(),
                    )
                ]
        except FileProblem as error:
            raise CommandError(f"{printable(args.file)}: {printable(error)}") from None
    if preset is not None:
        print(f"preset: {preset.name}")
    return _report(args, path, summaries, table, preset)


def _report(
    args: argparse.Namespace,
    path: Path,
    summaries: list[ImportSummary],
    table: TableFile | None,
    preset: Preset | None = None,
) -> int:
    """What was read, written and refused; everything quoted from the file made printable."""
    first = summaries[0]
    if first.source:
        print(f"read as {printable(first.source)}", file=sys.stderr)
    if first.ignored_columns:
        ignored = ", ".join(printable(name) for name in first.ignored_columns)
        print(f"ignored columns: {ignored}", file=sys.stderr)
    refused = [summary for summary in summaries if summary.problems]
    if refused:
        for summary in refused:
            for problem in summary.problems:
                print(printable(problem), file=sys.stderr)
            where = f" in {summary.kind}" if len(summaries) > 1 else ""
            print(
                f"{len(summary.problems)} problem(s){where}; nothing was imported", file=sys.stderr
            )
        return 1
    verb = "would import" if first.dry_run else "imported"
    for summary in summaries:
        print(
            f"{verb} {summary.rows} {summary.kind} row(s): {summary.created} created, "
            f"{summary.updated} updated, {summary.unchanged} unchanged"
            + (f", {summary.rejected} rejected" if summary.rejected else "")
        )
    target = Path(args.rejects) if args.rejects else None
    if preset is not None:
        # The file's own rows go back, in its own header: fixed, it imports as it did.
        rejects, columns = source_rejects(path, preset, summaries, args.sheet)
        if rejects:
            out = rejects_target(path, "", target, False)
            try:
                write_rejects(rejects, columns, out)
            except OutputProblem as error:
                raise CommandError(f"{len(rejects)} row(s) rejected; {error}") from None
            print(f"rejected {len(rejects)} row(s) of the file; they are in {printable(out)}")
        return 0
    several = len(summaries) > 1
    for summary in summaries:
        if not summary.rejects:
            continue
        out = rejects_target(path, summary.kind, target, several)
        # A preset's rejected rows are in the kind's own columns, ready to import again.
        columns = table.source_columns if table is not None else list(summary.rejects[0].values)
        try:
            write_rejects(summary, columns, out)
        except OutputProblem as error:
            raise CommandError(f"{summary.rejected} row(s) rejected; {error}") from None
        print(f"rejected {summary.rejected} {summary.kind} row(s); they are in {printable(out)}")
    return 0


def cmd_import_presets(args: argparse.Namespace) -> int:
    for preset in all_presets():
        print(f"{preset.name}\t{preset.title}\t{', '.join(preset.kinds)}\t{preset.source}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    with database(args, FileProblem) as engine:
        count = export_kind(engine, args.kind, Path(args.output))
    print(f"exported {count} {args.kind} row(s) to {args.output}")
    return 0


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    importing = commands.add_parser("import", parents=[common], help="import a CSV or XLSX file")
    importing.add_argument(
        "kind",
        choices=[*KINDS, AUTO],
        metavar="KIND",
        help=f"{', '.join(KINDS)}, or auto (a preset recognised from the header)",
    )
    importing.add_argument("file", metavar="FILE", help=".csv or .xlsx")
    importing.add_argument(
        "--map", action="append", metavar="SRC=DEST", help="read column SRC as DEST"
    )
    importing.add_argument(
        "--preset", metavar="NAME", help="read the file as this preset (see import-presets)"
    )
    importing.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
    importing.add_argument(
        "--skip-invalid",
        action="store_true",
        help="leave rows with problems out, write the rest, and save the rows left out",
    )
    importing.add_argument(
        "--rejects",
        metavar="FILE_OR_DIR",
        help="where --skip-invalid saves the rows left out (default: beside FILE)",
    )
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

    listing = commands.add_parser(
        "import-presets", parents=[common], help="list the export formats import recognises"
    )
    add_handler(listing, cmd_import_presets)

    exporting = commands.add_parser("export", parents=[common], help="export to CSV or XLSX")
    exporting.add_argument("kind", choices=list(KINDS), metavar="KIND", help=", ".join(KINDS))
    exporting.add_argument("-o", "--output", required=True, metavar="FILE", help=".csv or .xlsx")
    add_handler(exporting, cmd_export)
