"""Colours that carry a meaning (overdue, a warning, waiting on the tech), taken from the palette.

The desk may run a light or a dark desktop theme, so no view picks a hex colour for text or a
background. Each meaning has a shade for light palettes and one for dark ones, chosen by how
light the palette's base is; muted text is the palette's own placeholder colour.
"""

from __future__ import annotations

import enum

from PySide6.QtGui import QColor, QGuiApplication, QPalette


class Tone(enum.Enum):
    """What a colour says; the value is (shade on a light palette, shade on a dark one)."""

    DANGER = ("#b3261e", "#f2b8b5")  # overdue, refused, failed
    WARNING = ("#8a5300", "#ffcc80")  # old equipment, waiting, heads-up
    INFO = ("#1357a6", "#9ecaff")  # the tech is waiting to be told
    SUCCESS = ("#1b6e20", "#a5d6a7")  # won, sent


def palette() -> QPalette:
    return QGuiApplication.palette()


def is_dark(colours: QPalette | None = None) -> bool:
    """Whether the palette draws light text on a dark base."""
    colours = colours or palette()
    return colours.color(QPalette.ColorRole.Base).lightness() < 128


def tone(meaning: Tone, colours: QPalette | None = None) -> QColor:
    """The shade of `meaning` that reads on this palette's base."""
    light, dark = meaning.value
    return QColor(dark if is_dark(colours) else light)


def tone_name(meaning: Tone, colours: QPalette | None = None) -> str:
    """`tone` as `#rrggbb`, for rich text and style sheets."""
    return tone(meaning, colours).name()


def muted(colours: QPalette | None = None) -> QColor:
    """Text that steps back (stale rows, hints): the palette's placeholder text colour."""
    colours = colours or palette()
    return colours.color(QPalette.ColorRole.PlaceholderText)


def tinted_background(meaning: Tone, colours: QPalette | None = None) -> QColor:
    """A quiet background for a banner of `meaning`: its shade mixed into the palette's base."""
    colours = colours or palette()
    base = colours.color(QPalette.ColorRole.Base)
    shade = tone(meaning, colours)
    weight = 0.18

    def mix(a: int, b: int) -> int:
        return round(a * (1 - weight) + b * weight)

    return QColor(
        mix(base.red(), shade.red()),
        mix(base.green(), shade.green()),
        mix(base.blue(), shade.blue()),
    )
