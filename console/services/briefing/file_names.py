"""The name a saved briefing gets: `Briefing - Miller, Ada - 2026-12-05.pdf`.

A folder of briefings sorts by customer the way a filing cabinet does (family name first), and
the date says which visit the sheet was for. The name must be valid on Windows too, where a
shared drive often lives: no `<>:"/\\|?*`, no control characters, no trailing dot or space, and
none of the device names (CON, PRN, AUX, NUL, COM1…, LPT1…).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

WINDOWS_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
WINDOWS_DEVICES = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"COM{n}" for n in range(1, 10)}
    | {f"LPT{n}" for n in range(1, 10)}
)
LONGEST_NAME = 80  # of the customer part; the whole name stays well inside any path limit


def filing_name(name: str, company: str | None = None) -> str:
    """ "Ada Miller" as filed: "Miller, Ada". A business (it has a company) or a name already
    written with a comma or of one word is filed as it is."""
    words = name.split()
    if company or "," in name or len(words) < 2:
        return " ".join(words)
    return f"{words[-1]}, {' '.join(words[:-1])}"


def windows_safe(text: str) -> str:
    """`text` usable as part of a file name on Windows, macOS and Linux."""
    cleaned = WINDOWS_FORBIDDEN.sub("-", unicodedata.normalize("NFC", text))
    cleaned = " ".join(cleaned.split())[:LONGEST_NAME].rstrip(" .")
    if cleaned.split(".")[0].upper() in WINDOWS_DEVICES:
        cleaned = f"_{cleaned}"
    return cleaned or "customer"


def briefing_file_name(name: str, company: str | None, day: dt.date) -> str:
    """The default file name of a customer's briefing for the visit on `day`."""
    return f"Briefing - {windows_safe(filing_name(name, company))} - {day.isoformat()}.pdf"
