"""The first rows of a file as the import will store them, cell by cell, for a preview.

Each cell is read the way the import reads it (the column's number and date format decided
from the rows shown, then the field's type), so a date the import would refuse shows as the
reason here, before anything is written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from console.services.office.clock import office_zone
from console.services.transfer.column_formats import decide_formats
from console.services.transfer.kinds import KINDS
from console.services.transfer.values import PLAIN, CellProblem, ColumnFormat, convert

PREVIEW_ROWS = 10


@dataclass(frozen=True, slots=True)
class PreviewCell:
    text: str
    problem: str | None = None


@dataclass(frozen=True)
class Preview:
    fields: list[str]
    """The fields shown, in the kind's order."""
    lines: list[int]
    """Each row's line in the file."""
    rows: list[list[PreviewCell]]


def shown(value: object) -> str:
    """A stored value as the desk shows it: dates plainly, times at the office's clock."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return value.astimezone(office_zone()).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return str(value)


def preview(
    kind: str,
    first_rows: pd.DataFrame,
    fields_by_position: dict[int, str],
    decimal: str | None = None,
    day_first: bool | None = None,
) -> Preview:
    """`first_rows` (cells as text, columns in file order) as the fields they fill will hold them.

    `fields_by_position` says which field each column fills, by the column's position.
    """
    declared = KINDS[kind]
    order = {name: index for index, name in enumerate(declared.columns)}
    chosen = sorted(fields_by_position.items(), key=lambda pair: order[pair[1]])
    rows = first_rows.head(PREVIEW_ROWS)
    columns = pd.DataFrame(
        {name: rows.iloc[:, position].astype(str) for position, name in chosen}, index=rows.index
    )
    names = [name for _position, name in chosen]
    formats, _problems = decide_formats(
        declared, names, [columns], decimal=decimal, day_first=day_first
    )
    table = []
    for _line, row in columns.iterrows():
        cells = []
        for name in names:
            form: ColumnFormat = formats.get(name, PLAIN)
            try:
                cells.append(
                    PreviewCell(shown(convert(declared.field(name), str(row[name]), form)))
                )
            except CellProblem as problem:
                cells.append(PreviewCell(str(row[name]), str(problem)))
        table.append(cells)
    return Preview(names, [int(line) for line in rows.index], table)
