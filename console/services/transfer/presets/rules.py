"""The column rules of a preset file, read once into small callables over a source row.

A rule is a heading (copy that column) or a table with one main key and optional modifiers;
see the package docstring for the vocabulary. Headings are matched loosely (`heading_key`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from console.services.transfer.file_problem import FileProblem

# `="07601"`: how Housecall Pro (and many exports meant for Excel) keep leading zeros.
EXCEL_TEXT = re.compile(r'^=\s*"(.*)"$', re.DOTALL)  # a space after = is still the guard
GROUP = "{n}"
MAIN_KEYS = ("copy", "first", "join", "value", "id")
MODIFIERS = (
    *("split", "part", "pattern", "exclude", "map", "date", "lookup", "near", "prefix", "sep"),
)

Resolve = Callable[[str, str, str], str | None]
"""(what, name, address) → the external id of the one record so named (there), or None."""


# "No.", "Num" and "Nbr" as whole words are the same abbreviation of "number" as `#`.
NUMBER_WORD = re.compile(r"\b(?:no|num|nbr)\b\.?")


def heading_key(text: str) -> str:
    """A heading as compared: case, spaces, punctuation and `_` aside, `#`, "No." read as
    number (`Job #` = `Job No.` = `job_number`)."""
    text = text.replace("\ufeff", "").replace("_", " ").lower().replace("#", " number ")
    text = NUMBER_WORD.sub(" number ", text)
    return re.sub(r"[^0-9a-z]+", "", text)


class UnreadableRow(ValueError):
    """A source row the preset cannot turn into records; the message says why.

    `position` is the header position of the cell at fault, when one cell is.
    """

    position: int | None = None


class BrokenGuard(UnreadableRow):
    """A cell that starts like a spreadsheet formula but is not the `="…"` text guard.

    `=07601` or `="07601` is what a hand edit in a spreadsheet leaves of `="07601"`; read as
    written it would store a formula's text as a ZIP code or an id, so the row is refused.
    """

    def __init__(self, position: int, cell: str) -> None:
        self.position = position
        self.cell = cell
        meant = cell.strip().lstrip("=").strip().strip('"')
        super().__init__(
            f'{cell.strip()!r} is a spreadsheet formula, not a value; write {meant} or ="{meant}"'
        )


def guarded_value(cell: str, position: int) -> str:
    """The cell's value, trimmed: `="07601"` → `07601` (a text guard some systems write, not a
    formula to keep); a cell that starts with `=` but is not that guard raises `BrokenGuard`."""
    text = cell.strip()
    if not text.startswith("="):
        return text
    match = EXCEL_TEXT.match(text)
    if match is None:
        raise BrokenGuard(position, cell)
    return match.group(1).replace('""', '"').strip()


@dataclass
class Context:
    """What a rule reads: the row's cells, the header positions, the group number, lookups."""

    positions: Mapping[str, int]
    month_first: bool
    resolve: Resolve
    group: str = ""
    explain: Callable[[str, str, str], str | None] | None = None
    """Why `resolve` found no record, when its fallback (the name itself) would fail too."""
    row: Sequence[str] = ()
    """The row being read, for a modifier that reads another of its cells."""


Rule = Callable[[Sequence[str], Context], str]


def heading_pattern(heading: str) -> re.Pattern[str]:
    """A heading with `{n}` as a regular expression over heading keys, the number captured."""
    parts = [re.escape(heading_key(part)) for part in heading.split(GROUP)]
    return re.compile("^" + r"(\d+)".join(parts) + "$")


def compile_rule(spec: Any, where: str) -> Rule:
    """One column rule from the preset file; a mistake in it is refused naming `where`."""
    if isinstance(spec, str):
        return _cell(spec)
    if not isinstance(spec, dict):
        raise FileProblem(f"{where}: a rule is a heading or a table, not {spec!r}")
    mains = [key for key in MAIN_KEYS if key in spec]
    unknown = sorted(set(spec) - set(MAIN_KEYS) - set(MODIFIERS))
    if len(mains) != 1 or unknown:
        raise FileProblem(
            f"{where}: a rule has one of {', '.join(MAIN_KEYS)}"
            + (f"; unknown keys: {', '.join(unknown)}" if unknown else "")
        )
    main = mains[0]
    argument = spec[main]
    rule: Rule
    if main == "copy":
        rule = _cell(str(argument))
    elif main == "value":
        text = str(argument)
        rule = lambda row, context: text  # noqa: E731
    elif main == "first":
        rule = _first([compile_rule(part, where) for part in _listed(argument, where)])
    elif main == "join":
        rules = [compile_rule(part, where) for part in _listed(argument, where)]
        rule = _join(rules, str(spec.get("sep", " ")))
    else:
        rule = _stable_id([compile_rule(part, where) for part in _listed(argument, where)])
    return _modified(rule, spec, where)


def _listed(argument: Any, where: str) -> list[Any]:
    if not isinstance(argument, list) or not argument:
        raise FileProblem(f"{where}: expected a list of rules, got {argument!r}")
    return argument


def _cell(heading: str) -> Rule:
    key = heading_key(heading)

    grouped = GROUP in heading

    def read(row: Sequence[str], context: Context) -> str:
        wanted = heading_key(heading.replace(GROUP, context.group)) if grouped else key
        position = context.positions.get(wanted)
        return guarded_value(row[position], position) if position is not None else ""

    return read


def _first(rules: list[Rule]) -> Rule:
    def first(row: Sequence[str], context: Context) -> str:
        for rule in rules:
            if text := rule(row, context):
                return text
        return ""

    return first


def _join(rules: list[Rule], separator: str) -> Rule:
    def join(row: Sequence[str], context: Context) -> str:
        return separator.join(text for rule in rules if (text := rule(row, context)))

    return join


def _stable_id(rules: list[Rule]) -> Rule:
    """The first part as it is, then a short digest of the others, case and spacing aside.

    A Jobber property has no id of its own: its client's id and its address name it, and
    the same property in next month's export gets the same id.
    """

    def stable(row: Sequence[str], context: Context) -> str:
        parts = [rule(row, context) for rule in rules]
        if not parts[0] or not any(parts[1:]):
            return ""
        rest = "\x1f".join(" ".join(part.lower().split()) for part in parts[1:])
        digest = hashlib.blake2b(rest.encode(), digest_size=5).hexdigest()
        return f"{parts[0]}-{digest}"

    return stable


def _modified(rule: Rule, spec: dict[str, Any], where: str) -> Rule:
    """The rule with its modifiers, in a fixed order: split, pattern, exclude, map, date, …"""
    steps: list[Callable[[str, Context], str]] = []
    if "split" in spec:
        separator, part = str(spec["split"]), int(spec.get("part", 0))
        steps.append(lambda text, context: _part(text, separator, part))
    if "pattern" in spec:
        pattern = _regex(spec["pattern"], where)
        steps.append(lambda text, context: _match(pattern, text))
    if "exclude" in spec:
        excluded = _regex(spec["exclude"], where)
        steps.append(lambda text, context: "" if excluded.search(text) else text)
    if "map" in spec:
        table = spec["map"]
        if not isinstance(table, dict):
            raise FileProblem(f"{where}: map is a table of value = value")
        lowered = {heading_key(str(key)): str(value) for key, value in table.items()}
        fallback = lowered.get("")
        steps.append(lambda text, context: _mapped(text, lowered, fallback))
    if "date" in spec:
        if spec["date"] not in ("date", "datetime"):
            raise FileProblem(f'{where}: date is "date" or "datetime"')
        steps.append(lambda text, context: vendor_date(text, context.month_first))
    prefix = str(spec.get("prefix", ""))
    if "lookup" in spec:
        what = str(spec["lookup"])
        if what not in ("customer", "site", "technician"):
            raise FileProblem(f'{where}: lookup is "customer", "site" or "technician"')
        near = compile_rule(spec["near"], f"{where}, near") if "near" in spec else None
        steps.append(lambda text, context: _looked_up(text, what, prefix, near, context))
    elif prefix:
        steps.append(lambda text, context: prefix + text if text else "")
    if not steps:
        return rule

    def modified(row: Sequence[str], context: Context) -> str:
        context.row = row
        text = rule(row, context)
        for step in steps:
            if not text:
                return ""
            text = step(text, context)
        return text

    return modified


def _regex(pattern: Any, where: str) -> re.Pattern[str]:
    try:
        return re.compile(str(pattern))
    except re.error as error:
        raise FileProblem(f"{where}: pattern {pattern!r}: {error}") from None


def _part(text: str, separator: str, part: int) -> str:
    pieces = [piece.strip() for piece in text.split(separator)]
    return pieces[part] if -len(pieces) <= part < len(pieces) else ""


def _match(pattern: re.Pattern[str], text: str) -> str:
    """The pattern's group `v` (or the whole match); empty when it does not match."""
    found = pattern.search(text)
    if found is None:
        return ""
    return (found.groupdict().get("v") or found.group(0)).strip()


def _mapped(text: str, table: dict[str, str], fallback: str | None) -> str:
    value = table.get(heading_key(text))
    if value is not None:
        return value
    return fallback if fallback is not None else text


def _looked_up(text: str, what: str, prefix: str, near: Rule | None, context: Context) -> str:
    """The external id of the record this name names; else the name with the prefix.

    A site is looked up by its customer's name and the address: none found leaves the
    cell empty (the record goes to the customer's first site).
    """
    address = near(context.row, context) if near is not None else ""
    found = context.resolve(what, text, address)
    if found is not None:
        return found
    if context.explain is not None and (why := context.explain(what, prefix + text, address)):
        raise UnreadableRow(why)
    return "" if what == "site" else prefix + text


# -- vendor dates -----------------------------------------------------------------------

_TIMES = ("", " %I:%M %p", " %I:%M:%S %p", " %I:%M%p", " %H:%M", " %H:%M:%S")
_WORDED = ("%b %d, %Y", "%B %d, %Y", "%a, %b %d, %Y", "%A, %B %d, %Y", "%d %b %Y", "%b %d %Y")


def vendor_date(text: str, month_first: bool) -> str:
    """A vendor's date as ISO text: `01/05/2026`, `Jan 5, 2026 3:00 PM`, `1/5/26 15:00`.

    The preset says whether numeric dates put the month first (US systems do). ISO text and
    anything not understood pass through unchanged, for the import's own typing to judge.
    """
    text = " ".join(text.split())
    if not text:
        return text
    try:
        dt.datetime.fromisoformat(text)
        return text
    except ValueError:
        pass
    numeric = ("%m/%d/%Y", "%m/%d/%y", "%m-%d-%Y") if month_first else ("%d/%m/%Y", "%d/%m/%y")
    for base in (*numeric, *_WORDED):
        for time in _TIMES:
            try:
                value = dt.datetime.strptime(text, base + time)
            except ValueError:
                continue
            return value.date().isoformat() if not time else value.isoformat(sep=" ")
    return text
