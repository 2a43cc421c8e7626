"""Fonts embedded in every PDF, so names in any script print as written.

DejaVu Sans covers Latin, Greek and Cyrillic; characters it lacks (Chinese, Japanese) are set in
Droid Sans Fallback, run by run, so ReportLab never draws a missing-glyph box.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import as_file
from xml.sax.saxutils import escape

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from console.paths import resource

REGULAR = "BriefingSans"
BOLD = "BriefingSans-Bold"
FALLBACK = "BriefingFallback"


@cache
def register_fonts() -> frozenset[int]:
    """Register the fonts once; returns the code points the main font covers."""
    regular = _shipped_font(REGULAR, "DejaVuSans.ttf")
    pdfmetrics.registerFont(regular)
    pdfmetrics.registerFont(_shipped_font(BOLD, "DejaVuSans-Bold.ttf"))
    pdfmetrics.registerFont(_shipped_font(FALLBACK, "DroidSansFallbackFull.ttf"))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, REGULAR)
    addMapping(REGULAR, 1, 1, BOLD)
    return frozenset(regular.face.charToGlyph)


def _shipped_font(name: str, file_name: str) -> TTFont:
    """A font from the installed resources; ReportLab reads the whole file while it loads it."""
    with as_file(resource("fonts", file_name)) as path:
        return TTFont(name, str(path))


def markup(text: str | None) -> str:
    """User text as safe Paragraph markup, with uncovered characters set in the fallback font."""
    if not text:
        return ""
    covered = register_fonts()
    parts: list[str] = []
    run: list[str] = []
    in_fallback = False
    for char in text:
        needs_fallback = ord(char) not in covered and not char.isspace()
        if needs_fallback != in_fallback and run:
            parts.append(_close(run, in_fallback))
            run = []
        in_fallback = needs_fallback
        run.append(char)
    if run:
        parts.append(_close(run, in_fallback))
    return "".join(parts).replace("\n", "<br/>")


def _close(run: list[str], fallback: bool) -> str:
    text = escape("".join(run))
    return f'<font name="{FALLBACK}">{text}</font>' if fallback else text
