"""Presets: other systems' exports recognised by their header and imported with no matching.

A preset is data: one TOML file in this folder (`*.toml`), so a new one is a file, not code.
The console's own export of each kind is a built-in preset too (`console-customers`, …),
recognised when the header is exactly that kind's columns.

A preset file holds:

- `name`, `title`, `source` (where its column list came from), `dates` (`month-first`, the
  default, or `day-first`: how the system writes numeric dates such as 01/05/2026);
- `signature`: headings that must all be present for the file to be recognised;
- `[aliases]`: heading = [other spellings], for headings a system has renamed over time.
  Headings always match loosely: case, spaces, punctuation and `_` aside, `#` read as
  "number" (`Job #` = `job_number`);
- `[[kinds]]`, in import order, each with `kind`, optional `unique = true` (one record per
  external id: the first row wins), `when = [rules]` (a source row gives a record only when
  one of these is not empty), `repeat = "Address_{n} Street Line 1"` (one record per group
  number N found in the header; `{n}` in any heading of the kind's rules is that N), and
  `[kinds.columns]`: the kind's column = a rule. `external_id` comes first.

A rule is a heading (copy the cell) or a table with one of:
`copy = "H"`; `first = [rules]` (the first that is not empty); `join = [rules]` with
`sep` (the non-empty ones joined, default a space); `value = "text"` (a constant);
`id = [rules]` (a stable id: the first part, `-`, a digest of the rest, case and spacing
aside: the same property gets the same id in next month's export), and any of these
modifiers, applied in this order: `split = ","` with `part = N` (the Nth piece, from 0),
`pattern = "regex"` (its group `v`, or the whole match; empty when it does not match),
`exclude = "regex"` (empty when it matches), `map = {from = "to", "" = "otherwise"}`
(matched loosely), `date = "date" | "datetime"` (the system's dates as ISO text), `lookup =
"customer" | "technician"` (a name → the external id of the one stored record so named;
with `near = rule`, namesake customers are told apart by the address the rule gives, which
begins with the customer's or one of its sites' street; not found, the name with the
`prefix`), `lookup = "site"` (a customer's name and `near` an address → that customer's
site whose street the address begins with; not found, empty), `prefix = "text"`.
Every cell is first unwrapped from `="07601"`; a cell that starts with `=` but is not that
guard (`=07601`, `="07601`: a hand edit's leftovers) refuses its row, naming the cell.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from sqlalchemy import Engine

from console.models.site import settle_sites
from console.services.changes import notify_changed
from console.services.transfer.file_problem import FileProblem
from console.services.transfer.importer import ImportSummary, Progress, import_file
from console.services.transfer.kinds import KINDS
from console.services.transfer.presets.definition import Definition, load_definition, own_format
from console.services.transfer.presets.derived import derived_table
from console.services.transfer.rejects import Reject
from console.services.transfer.table_file import TableFile, open_table

__all__ = [
    "Preset",
    "all_presets",
    "find_preset",
    "import_with_preset",
    "missing_headings",
    "open_source",
    "recognise",
    "recognise_header",
    "rejects_target",
    "same_file",
    "source_rejects",
]


@dataclass(frozen=True)
class Preset:
    """A recognised export format: its name, title, the kinds it writes (in order), its source."""

    name: str
    title: str
    kinds: tuple[str, ...]
    source: str


@functools.cache
def _definitions() -> dict[str, Definition]:
    """Every preset: the console's own formats first, then the files in this package."""
    found = {definition.name: definition for definition in map(own_format, KINDS)}
    folder = resources.files(__name__)
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".toml"):
            with resources.as_file(entry) as path:
                definition = load_definition(Path(path))
            if not definition.kinds:
                continue  # every kind it writes is one this console does not have
            if definition.name in found:
                raise FileProblem(f"preset file {entry.name}: {definition.name!r} is taken")
            found[definition.name] = definition
    return found


def _preset(definition: Definition) -> Preset:
    return Preset(definition.name, definition.title, definition.kinds, definition.source)


def all_presets() -> list[Preset]:
    """Every preset, the console's own formats first, then the others by name."""
    return [_preset(definition) for definition in _definitions().values()]


def find_preset(name: str) -> Preset:
    """The preset called `name`; refused naming the choices."""
    definition = _definitions().get(name.strip().lower())
    if definition is None:
        choices = ", ".join(_definitions())
        raise FileProblem(f"no preset called {name!r}; the presets: {choices}")
    return _preset(definition)


def recognise_header(header: list[str], file_name: str = "") -> Preset | None:
    """The preset whose signature the header fits best; None when none or a tie.

    The console's technicians and salespeople share their columns: the file's name settles
    which it is (`technicians.csv`), else neither is chosen.
    """
    scored = [
        (score, definition)
        for definition in _definitions().values()
        if (score := definition.score(header)) is not None
    ]
    if not scored:
        return None
    best = max(score for score, _definition in scored)
    winners = [definition for score, definition in scored if score == best]
    if len(winners) > 1:
        named = [d for d in winners if any(kind in file_name.lower() for kind in d.kinds)]
        winners = named if len(named) == 1 else []
    return _preset(winners[0]) if winners else None


def _header_test(file_name: str) -> Callable[[list[str]], bool]:
    return lambda row: recognise_header(row, file_name) is not None


def recognise(path: Path, sheet: str | None = None) -> Preset | None:
    """The preset the file's header fits, looking past title rows; None when none does.

    Raises FileProblem when the file cannot be read as a table at all.
    """
    table = open_table(path, sheet=sheet, header_test=_header_test(path.name))
    return recognise_header(table.source_columns, path.name)


def missing_headings(preset: Preset, header: list[str]) -> list[str]:
    """The headings `preset` needs that `header` lacks (none: the preset fits)."""
    return _definitions()[preset.name].missing(header)


def open_source(path: Path, preset: Preset, sheet: str | None = None) -> TableFile:
    """The file opened for `preset`: its header found below any title rows, and checked.

    A file the preset does not fit is refused naming the headings it lacks.
    """
    definition = _definitions()[preset.name]
    table = open_table(path, sheet=sheet, header_test=lambda row: not definition.missing(row))
    missing = definition.missing(table.source_columns)
    if missing:
        raise FileProblem(
            f"the file is not a {preset.title} ({preset.name}): its header lacks "
            + ", ".join(missing)
        )
    return table


def rejects_target(source: Path, kind: str, target: Path | None, several: bool) -> Path:
    """Where the rows of `kind` left out of `source` are saved.

    No target: beside the source, `NAME-rejects.csv` (`NAME-KIND-rejects.csv` when the file
    wrote several kinds). A folder: the same names inside it. A file: that file, with
    `-KIND` before its suffix when there are several kinds.
    """
    name = f"{source.stem}-{kind}-rejects.csv" if several else f"{source.stem}-rejects.csv"
    if target is None:
        chosen = source.with_name(name)
    elif target.is_dir():
        chosen = target / name
    elif several:
        chosen = target.with_name(f"{target.stem}-{kind}{target.suffix or '.csv'}")
    else:
        chosen = target
    if same_file(chosen, source):
        raise FileProblem(f"the rejected rows would be written over {source.name}, being imported")
    return chosen


def same_file(one: Path, other: Path) -> bool:
    """Whether two paths name one file (as written, or once links are followed)."""
    try:
        return one.resolve() == other.resolve() or (
            one.exists() and other.exists() and one.samefile(other)
        )
    except OSError:
        return False


def source_rejects(
    path: Path, preset: Preset, summaries: Sequence[ImportSummary], sheet: str | None = None
) -> tuple[list[Reject], list[str]]:
    """The rows a preset import left out as the file has them, with every kind's reasons.

    A preset's kinds are read from the file's rows (one row may give a customer and its
    sites), so the rows go back in the file's own header: fixed, the file imports as before.
    """
    reasons: dict[int, list[str]] = {}
    several = len(summaries) > 1
    for summary in summaries:
        for reject in summary.rejects:
            prefix = f"{summary.kind}: " if several else ""
            reasons.setdefault(reject.line, []).extend(prefix + r for r in reject.reasons)
    if not reasons:
        return [], []
    source = open_source(path, preset, sheet)
    columns = source.source_columns
    found: list[Reject] = []
    for frame in source.chunks():
        for line, cells in zip(frame.index, frame.itertuples(index=False, name=None), strict=True):
            if int(line) in reasons:
                values = dict(zip(columns, (str(cell) for cell in cells), strict=True))
                found.append(Reject(int(line), values, reasons[int(line)]))
    return found, columns


def _has_rows(source: TableFile) -> bool:
    return any(len(frame) for frame in source.chunks(1))


class _Rollback(Exception):
    """Leaves the preset's transaction without writing."""


def _add_unread_rows(summary: ImportSummary, table: TableFile, skip_invalid: bool) -> None:
    """Rows the preset could not read (a broken `="…"` guard) count as the kind's problems.

    They never reached the importer, so they are added here: refused with the file, or with
    `skip_invalid` left out as rejects like any other refused row.
    """
    unread = getattr(table.reader, "problems", [])
    if not unread:
        return
    summary.rows += len(unread)  # rows of the file all the same, counted as read
    if not skip_invalid:
        summary.problems.extend(unread)
        summary.problems.sort(key=lambda problem: problem.row)
        return
    for problem in unread:
        why = f"{problem.column}: {problem.reason}" if problem.column else problem.reason
        summary.rejects.append(Reject(problem.row, {}, [why]))
    summary.rejected += len(unread)
    summary.rejects.sort(key=lambda reject: reject.line)


def import_with_preset(
    engine: Engine,
    path: Path,
    preset: Preset,
    *,
    skip_invalid: bool = False,
    dry_run: bool = False,
    decimal: str | None = None,
    day_first: bool | None = None,
    sheet: str | None = None,
    actor: str = "import",
    progress: Progress | None = None,
    cancelled: Callable[[], bool] = lambda: False,
    before_commit: Callable[[], None] | None = None,
) -> list[ImportSummary]:
    """Import `path` through `preset`: one summary per kind it writes, in order.

    `before_commit` runs last inside the transaction; an exception from it (a sync finding the
    file changed while it was read) leaves nothing written and is raised.

    All kinds go in one transaction: when any kind has problems (or is cancelled, or it is
    a dry run) nothing of the file is written, and the problems are on that kind's summary;
    the summaries before it count what would have been written. With `skip_invalid`, rows
    with problems are left out as each summary's `rejects` and the rest is written. A dry
    run writes every kind and rolls all back at the end, so later kinds see earlier ones.
    Raises FileProblem when the file is not a table or the preset does not fit it.
    """
    definition = _definitions()[preset.name]
    source = open_source(path, preset, sheet)
    summaries: list[ImportSummary] = []
    try:
        with engine.begin() as connection:
            for kind in preset.kinds:
                if definition.own_columns:
                    table = source
                else:
                    plan = next(plan for plan in definition.plans if plan.kind == kind)
                    table = derived_table(source, definition, plan, connection)
                summary = import_file(
                    engine,
                    kind,
                    path,
                    table=table,
                    within=connection,
                    skip_invalid=skip_invalid,
                    decimal=decimal,
                    day_first=day_first,
                    actor=actor,
                    progress=progress,
                    cancelled=cancelled,
                )
                if summary.rows == 0 and _has_rows(source):
                    # The source has rows but none for this kind (no job had an employee).
                    summary.problems.clear()
                _add_unread_rows(summary, table, skip_invalid)
                summaries.append(summary)
                if summary.problems or summary.cancelled:
                    raise _Rollback
            if any(s.kind == "customers" and s.created for s in summaries):
                settle_sites(connection)  # after the file's own sites, never before them
            if before_commit is not None:
                before_commit()
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    else:
        notify_changed(engine)
    for summary in summaries:
        summary.dry_run = dry_run
    return summaries
