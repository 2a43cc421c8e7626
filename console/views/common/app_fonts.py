"""The shipped fallback font behind the desktop's own, so names in any script show as written.

Desktops without Chinese, Japanese or Korean fonts draw 李伟 as boxes; the briefing PDF already
sets such names in the same shipped font (`services/briefing/fonts.py`).
"""

from __future__ import annotations

import logging
from functools import cache

from PySide6.QtCore import QByteArray
from PySide6.QtGui import QFontDatabase, QGuiApplication

from console.paths import resource

log = logging.getLogger(__name__)

FALLBACK_FILE = "DroidSansFallbackFull.ttf"


@cache
def fallback_families() -> tuple[str, ...]:
    """Register the shipped fallback font once; its family names, empty when Qt refused it."""
    data = resource("fonts", FALLBACK_FILE).read_bytes()
    font_id = QFontDatabase.addApplicationFontFromData(QByteArray(data))
    if font_id < 0:
        log.warning("the fallback font %s could not be loaded", FALLBACK_FILE)
        return ()
    return tuple(QFontDatabase.applicationFontFamilies(font_id))


def use_fallback_font(app: QGuiApplication) -> None:
    """Make the fallback font the application font's last choice; the desktop's stays first."""
    font = app.font()
    families = font.families() or [font.family()]
    added = [family for family in fallback_families() if family not in families]
    if added:
        font.setFamilies([*families, *added])
        app.setFont(font)
