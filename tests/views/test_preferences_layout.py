"""Preferences on a small laptop screen and a large one, light and dark: every page fits, and
nothing on a page is cut off (the lists were once clipped at 1366×768)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSettings
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from console.views.context import DeskContext
from console.views.preferences_dialog import PreferencesDialog

SHOTS = os.environ.get("CONSOLE_TEST_SHOTS")
# A window's frame and the desktop's panel take about this much of the screen's height.
SCREEN_CHROME = 80
PAGES = ["This desk", "The office: rules", "Lists", "Mail", "Sync"]


def opened(qtbot: QtBot, context: DeskContext, tmp_path: Path) -> PreferencesDialog:
    settings = QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat)
    dialog = PreferencesDialog(context, settings)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def cut_off(page: QWidget) -> list[str]:
    """What a user would miss on the page: fields and labels outside it, or squeezed shut."""
    missed = []
    area = page.rect()
    for child in page.findChildren(QWidget):
        if not child.isVisibleTo(page) or not isinstance(
            child, QLabel | QLineEdit | QPlainTextEdit | QAbstractButton
        ):
            continue
        if isinstance(child.parentWidget(), QAbstractSpinBox | QComboBox):
            continue  # the entry inside a spin box or a combo box: its owner is measured
        place = QRect(child.mapTo(page, child.rect().topLeft()), child.size())
        name = child.accessibleName() or child.objectName() or getattr(child, "text", str)()
        if not area.contains(place):
            missed.append(f"{name}: outside the page")
        elif child.height() < child.minimumSizeHint().height():
            missed.append(f"{name}: squeezed to {child.height()} px")
    return missed


@pytest.mark.parametrize("screen", [(1366, 768), (1920, 1080)])
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_page_fits_the_screen_and_shows_all_it_holds(
    qtbot: QtBot,
    context: DeskContext,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    screen: tuple[int, int],
    theme: str,
) -> None:
    if theme == "dark":
        request.getfixturevalue("dark_palette")
    dialog = opened(qtbot, context, tmp_path)
    width, height = screen
    if width > 1366:
        dialog.resize(1000, 720)  # on a large screen the desk may give it more room
    QApplication.processEvents()
    assert [dialog.pages.tabText(i) for i in range(dialog.pages.count())] == PAGES
    assert dialog.width() <= width
    assert dialog.frameGeometry().height() <= height - SCREEN_CHROME
    for index, title in enumerate(PAGES):
        dialog.pages.setCurrentIndex(index)
        QApplication.processEvents()
        page = dialog.pages.currentWidget()
        assert cut_off(page) == [], title
        picture = dialog.grab()
        assert not picture.isNull()
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            name = title.split(":")[0].lower().replace(" ", "-")
            picture.save(str(Path(SHOTS) / f"preferences-{width}-{theme}-{index}-{name}.png"))


def test_the_lists_show_several_lines_each(
    qtbot: QtBot, context: DeskContext, tmp_path: Path
) -> None:
    dialog = opened(qtbot, context, tmp_path)
    dialog.reveal(dialog.referral_categories)
    QApplication.processEvents()
    line = dialog.fontMetrics().lineSpacing()
    for field in (dialog.lost_reasons, dialog.referral_categories):
        assert field.isVisible()
        assert field.viewport().height() >= 5 * line, field.accessibleName()
