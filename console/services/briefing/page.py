"""Paper sizes for briefings, and the default for the desk's locale (no ReportLab import)."""

from __future__ import annotations

import enum
import locale

LETTER_COUNTRIES = {
    "US",
    "CA",
    "MX",
    "PH",
    "CL",
    "CO",
    "VE",
    "GT",
    "CR",
    "PR",
    "PA",
    "DO",
    "SV",
    "NI",
    "BZ",
}
POINTS = {"letter": (612.0, 792.0), "a4": (595.2755905511812, 841.8897637795277)}


class PageSize(enum.StrEnum):
    LETTER = "letter"
    A4 = "a4"

    @property
    def points(self) -> tuple[float, float]:
        return POINTS[self.value]


def default_page_size(locale_name: str | None = None) -> PageSize:
    """Letter where the locale's country uses it (and when it cannot be told), else A4."""
    name = locale_name if locale_name is not None else (locale.getlocale()[0] or "")
    country = name.split(".")[0].split("_")[-1].upper() if "_" in name else ""
    if country and country not in LETTER_COUNTRIES:
        return PageSize.A4
    return PageSize.LETTER
