"""Text as search compares it: lower case and without accents, so "zoe" finds "Zoë Ørsted".

A desk types names the way the keyboard makes it easy; the office's system wrote them with
their accents. Both sides of a comparison are folded the same way: in Python (the typed words,
and SQLite through a function registered on each connection) and on PostgreSQL by an
expression built here, which its search indexes use. The letters folded are the Latin ones of
Western, Central and Northern European and Turkish names: each loses its marks, and the few
that are letters of their own become their usual spelling (ß → ss, æ → ae, ø → o).
"""

from __future__ import annotations

import unicodedata

# Letters that carry no mark to drop but have a usual plain spelling.
_OWN_LETTERS = {
    "ß": "ss",
    "ẞ": "ss",
    "æ": "ae",
    "Æ": "ae",
    "œ": "oe",
    "Œ": "oe",
    "þ": "th",
    "Þ": "th",
    "ø": "o",
    "Ø": "o",
    "đ": "d",
    "Đ": "d",
    "ð": "d",
    "Ð": "d",
    "ł": "l",
    "Ł": "l",
    "ħ": "h",
    "Ħ": "h",
    "ı": "i",
    "ŀ": "l",
    "Ŀ": "l",
    "ŧ": "t",
    "Ŧ": "t",
}
# Latin-1 Supplement and Latin Extended-A: the letters of Western, Central and Northern European
# and Turkish names. The table stays short because PostgreSQL's translate() looks each
# character up in it; letters beyond it are compared as typed, on both sides alike.
_LATIN_RANGES = (range(0xC0, 0x180),)
SQLITE_FUNCTION = "console_fold"


def _plain(char: str) -> str | None:
    """The one ASCII letter `char` is written with once its marks are dropped, if it is one."""
    base = "".join(part for part in unicodedata.normalize("NFKD", char) if part.isascii())
    return base.lower() if len(base) == 1 and base.isalpha() else None


def _single_letter_folds() -> dict[str, str]:
    folds: dict[str, str] = {}
    for block in _LATIN_RANGES:
        for point in block:
            char = chr(point)
            if char in _OWN_LETTERS:
                continue
            plain = _plain(char)
            if plain is not None:
                folds[char] = plain
    for char, spelling in _OWN_LETTERS.items():
        if len(spelling) == 1:
            folds[char] = spelling
    return folds


SINGLE_LETTER_FOLDS = _single_letter_folds()
MULTI_LETTER_FOLDS = {
    char: spelling for char, spelling in _OWN_LETTERS.items() if len(spelling) > 1
}
_TABLE = str.maketrans({**SINGLE_LETTER_FOLDS, **MULTI_LETTER_FOLDS})


def fold(text: str) -> str:
    """`text` as search compares it: "Zoë ØRSTED" → "zoe orsted".

    Letters typed or pasted as a base letter and a combining mark (as some Macs write them)
    are composed first, so they fold like the single letter.
    """
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFC", text).translate(_TABLE).lower()


def sqlite_fold(text: str | None) -> str | None:
    """The SQLite function's body: NULL stays NULL."""
    return None if text is None else fold(text)


def postgres_fold(expression: str, ascii_as_is: bool = False) -> str:
    """An SQL expression folding `expression` on PostgreSQL as `fold` does, for Latin letters.

    Built from immutable functions only, so an index can be made on it; a query must spell it
    identically to use that index. Text that is all ASCII (as many bytes as characters) is only
    lower-cased (`ascii_as_is`: left as it is, for an ILIKE): translating through the table
    costs tens of microseconds a row, paid only by text that holds another letter.
    """
    sources = "".join(SINGLE_LETTER_FOLDS)
    targets = "".join(SINGLE_LETTER_FOLDS.values())
    folded = f"translate(lower({expression}), '{sources}', '{targets}')"
    for char, spelling in MULTI_LETTER_FOLDS.items():
        folded = f"replace({folded}, '{char}', '{spelling}')"
    ascii_only = f"octet_length({expression}) = char_length({expression})"
    plain = expression if ascii_as_is else f"lower({expression})"
    return f"(CASE WHEN {ascii_only} THEN {plain} ELSE {folded} END)"


def sqlite_fold_sql(expression: str, ascii_as_is: bool = False) -> str:
    """`expression` folded on SQLite, all-ASCII text without a call into Python.

    `ascii_as_is` leaves ASCII text's case alone, for a LIKE (which ignores ASCII case).
    """
    ascii_only = f"length(CAST({expression} AS BLOB)) = length({expression})"
    folded = f"{SQLITE_FUNCTION}({expression})"
    plain = expression if ascii_as_is else f"lower({expression})"
    return f"(CASE WHEN {ascii_only} THEN {plain} ELSE {folded} END)"
