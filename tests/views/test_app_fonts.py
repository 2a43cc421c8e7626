"""Names in scripts the desktop has no font for show as written, not as boxes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QFont, QImage, QRawFont
from PySide6.QtWidgets import QApplication, QLabel

from console.views.app import desktop_application
from console.views.common.app_fonts import fallback_families

NAME = "李伟"


@pytest.fixture
def application_font(qapp: QApplication) -> Iterator[QFont]:
    """The application font as the console sets it at start; the test's own is put back after."""
    app = qapp
    before = QFont(app.font())
    names = app.organizationName(), app.applicationName(), app.applicationDisplayName()
    desktop_application()
    yield app.font()
    app.setFont(before)
    app.setOrganizationName(names[0])
    app.setApplicationName(names[1])
    app.setApplicationDisplayName(names[2])


def drawn(qtbot, text: str) -> QImage:  # type: ignore[no-untyped-def]
    label = QLabel(text)
    qtbot.addWidget(label)
    label.resize(60, 30)
    return label.grab().toImage()


def test_the_desktop_family_stays_first_and_the_shipped_one_follows(
    application_font: QFont,
) -> None:
    families = application_font.families()
    assert fallback_families()
    assert families[-len(fallback_families()) :] == list(fallback_families())
    assert families[0] not in fallback_families()


def test_a_chinese_name_is_drawn_in_a_font_that_has_its_glyphs(
    qtbot,  # type: ignore[no-untyped-def]
    application_font: QFont,
) -> None:
    label = QLabel(NAME)
    qtbot.addWidget(label)
    covering = [
        family
        for family in label.font().families()
        if all(QRawFont.fromFont(QFont(family)).supportsCharacter(c) for c in NAME)
    ]
    assert covering, label.font().families()
    # A missing glyph is drawn as the same box whatever the character: two different
    # characters drawing alike means boxes.
    assert drawn(qtbot, NAME[0]) != drawn(qtbot, NAME[1])
