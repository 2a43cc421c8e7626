"""Text a spreadsheet would run as a formula: neutralised on the way out, restored on the way in.

Every CSV and XLSX the console writes passes its text through `protect`, so a cell that begins
with `=`, `+`, `-`, `@`, a tab or a carriage return opens as text, never as a live formula.
"""

from __future__ import annotations

import re

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def protect(value: object) -> object:
    """Text that a spreadsheet would run gets a leading apostrophe; anything else is as it was.

    Text whose leading apostrophes stand before such a character gets one more, so
    `unprotect` gives back exactly what was stored.
    """
    if isinstance(value, str) and value.lstrip("'")[:1] in FORMULA_START:
        return "'" + value
    return value


def unprotect(value: str) -> str:
    """Undo `protect` (a leading apostrophe before a formula character) on import."""
    if value[:1] == "'" and value.lstrip("'")[:1] in FORMULA_START:
        return value[1:]
    return value


def protect_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells, and column titles, are all protected."""
    safe = frame.copy()
    safe.columns = [protect(name) for name in safe.columns]
    for column in safe.select_dtypes(include="object").columns:
        safe[column] = safe[column].map(protect)
    return safe


# What an Excel workbook cannot hold (openpyxl refuses to write it): C0 control codes but tab and
# line ends.
NOT_IN_WORKBOOKS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _unwritable(cell: object) -> bool:
    return isinstance(cell, str) and NOT_IN_WORKBOOKS.search(cell) is not None


def workbook_refusal(frame: pd.DataFrame) -> str | None:
    """Why `frame` cannot be written as a workbook, naming the first cell that stops it (the
    header is row 1), or None when it can."""
    for position, column in enumerate(frame.columns):
        cells = frame.iloc[:, position]
        if cells.dtype != object:
            continue
        holding = cells.map(_unwritable)
        if holding.any():
            row = int(holding.to_numpy().argmax())
            found = NOT_IN_WORKBOOKS.search(str(cells.iloc[row]))
            code = ord(found.group()) if found else 0
            return (
                f"row {row + 2}, column {column}: holds the control character 0x{code:02x},"
                " which an Excel workbook cannot hold; export as .csv instead"
            )
    return None
