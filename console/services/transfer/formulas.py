"""Text a spreadsheet would run as a formula: neutralised on the way out, restored on the way in.

Every CSV and XLSX the console writes passes its text through `protect`, so a cell that begins
with `=`, `+`, `-`, `@`, a tab or a carriage return opens as text, never as a live formula.
"""

from __future__ import annotations

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
