"""Deciding, per column and from all of its cells, how a file writes numbers and dates.

Spreadsheets in different locales write `1.234,56` or `1,234.56`, `05/02/2024` for
5 February or 2 May. A single cell often cannot tell, but a column can: one cell with both
marks, or a day above 12, settles it for every other cell. The decision is made once, in a
cheap pass over the file's money and date columns before any row is read for real; a
column that stays ambiguous, or contradicts itself, is refused naming the row to look at.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from console.services.transfer.formulas import unprotect
from console.services.transfer.kinds import FieldType, Kind
from console.services.transfer.problems import Problem
from console.services.transfer.values import (
    NUMERIC_DATE,
    ColumnFormat,
    amount_digits,
    decimal_evidence,
)

DATE_TYPES = (FieldType.DATE, FieldType.DATETIME)
DECIMAL_HINT = "say --decimal , or --decimal ."
DAY_HINT = "say --day-first or --month-first"
MARKS_ORDER = (",", ".")


@dataclass
class _Seen:
    """The first row giving each kind of evidence, with its text."""

    first: dict[str, tuple[int, str]] = field(default_factory=dict)
    conflict: tuple[int, str, str] | None = None

    def note(self, evidence: str, line: int, text: str, settling: tuple[str, str]) -> None:
        if evidence in self.first:
            return
        self.first[evidence] = (line, text)
        other = settling[1] if evidence == settling[0] else settling[0]
        if evidence in settling and other in self.first and self.conflict is None:
            self.conflict = (line, text, other)


def _decimal_column(cells: pd.Series, seen: _Seen) -> None:
    unique = cells[~cells.duplicated()]
    for line, raw in zip(unique.index.tolist(), unique.tolist(), strict=True):
        text = unprotect(str(raw).strip())
        evidence = decimal_evidence(text) if text else None
        if evidence is not None:
            seen.note(evidence, int(line), text, (",", "."))


def _date_column(cells: pd.Series, seen: _Seen) -> None:
    """Day/month evidence, read a column at a time; ISO and year-first cells say nothing."""
    cells = cells.str.strip()
    # ISO dates (year first) say nothing; only the others are taken apart.
    cells = cells[~cells.str[:4].str.isdigit()]
    if cells.empty:
        return
    parts = cells.str.extract(NUMERIC_DATE.pattern)
    numeric = parts[0].notna() & (parts[0].str.len() <= 2)
    if not numeric.any():
        return
    first = parts.loc[numeric, 0].astype(int)
    second = parts.loc[numeric, 1].astype(int)
    texts = cells[numeric]
    day = (first > 12) & (second <= 12)
    month = (second > 12) & (first <= 12)
    either = (first <= 12) & (second <= 12) & (first != second)
    evidence = pd.Series(None, index=first.index, dtype=object)
    evidence[day], evidence[month], evidence[either] = "day", "month", "?"
    found = evidence.dropna()
    lines = found.index.tolist()
    for line, kind, text in zip(lines, found.tolist(), texts[lines].tolist(), strict=True):
        seen.note(kind, int(line), text, ("day", "month"))


def _month_day(text: str) -> str:
    match = NUMERIC_DATE.match(text)
    assert match is not None
    first, second = int(match.group(1)), int(match.group(2))
    return f"{first} {calendar.month_name[second]} or {second} {calendar.month_name[first]}"


def _decimal_decision(name: str, seen: _Seen, forced: str | None) -> tuple[str, Problem | None]:
    if forced is not None:
        return forced, None
    if seen.conflict is not None:
        line, text, other = seen.conflict
        mark = "," if other == "." else "."
        where, example = seen.first[other]
        return other, Problem(
            line,
            name,
            f"{text!r} has {mark} as the decimal mark, but row {where} ({example!r}) has "
            f"{other}; {DECIMAL_HINT}",
        )
    for mark in MARKS_ORDER:
        if mark in seen.first:
            return mark, None
    if "?" in seen.first:
        line, text = seen.first["?"]
        whole = amount_digits(text)[1].replace(",", "").replace(".", "")
        return ".", Problem(
            line,
            name,
            f"{text!r} could be {whole} or {whole[:-3]}.{whole[-3:]}; {DECIMAL_HINT}",
        )
    return ".", None


def _day_decision(
    name: str, seen: _Seen, day_first: bool | None
) -> tuple[bool | None, Problem | None]:
    if seen.conflict is not None:
        line, text, other = seen.conflict
        where, example = seen.first[other]
        this = "day" if other == "month" else "month"
        return None, Problem(
            line,
            name,
            f"{text} has the {this} first, but row {where} ({example}) has the {other} "
            f"first; every date in a column must be written the same way",
        )
    if "day" in seen.first:
        return True, None
    if "month" in seen.first:
        return False, None
    if "?" in seen.first and day_first is None:
        line, text = seen.first["?"]
        return None, Problem(line, name, f"{text} could be {_month_day(text)}; {DAY_HINT}")
    return day_first, None


def decide_formats(
    kind: Kind,
    columns: list[str],
    frames: Iterable[pd.DataFrame],
    *,
    decimal: str | None = None,
    day_first: bool | None = None,
) -> tuple[dict[str, ColumnFormat], list[Problem]]:
    """Each money and date column's format, read from all its cells; problems refuse the file.

    `frames` is the file read again (its chunks); only money and date columns are looked at,
    and only when a decision is still open, so files without them cost nothing here.
    """
    money = [c for c in columns if kind.field(c).type is FieldType.MONEY and decimal is None]
    dates = [c for c in columns if kind.field(c).type in DATE_TYPES]
    formats = {name: ColumnFormat(decimal or ".", day_first) for name in columns}
    if not money and not dates:
        return formats, []
    seen = {name: _Seen() for name in money + dates}
    for frame in frames:
        for name in money:
            _decimal_column(frame[name], seen[name])
        for name in dates:
            _date_column(frame[name], seen[name])
    problems: list[Problem] = []
    for name in columns:
        mark, mark_problem = (
            _decimal_decision(name, seen[name], decimal)
            if name in money
            else (decimal or ".", None)
        )
        order, day_problem = (
            _day_decision(name, seen[name], day_first) if name in dates else (day_first, None)
        )
        formats[name] = ColumnFormat(mark, order)
        problems.extend(p for p in (mark_problem, day_problem) if p is not None)
    return formats, problems
