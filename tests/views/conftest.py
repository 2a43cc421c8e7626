"""Window fixtures: a main window on a seeded SQLite database with its own settings file.

Views are handed the `QSettings` they use (`desk_settings` here), so no test ever reads or
writes the real user's settings.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication
from sqlalchemy import Engine

from console.database import make_engine
from console.migrate import upgrade_database
from console.services.demo import seed_demo
from console.views.context import DeskContext
from console.views.main_window import MainWindow
from tests.conftest import DEMO_TODAY


@pytest.fixture
def view_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'desk.sqlite'}")
    upgrade_database(engine)
    seed_demo(engine, customers=60, seed=11, today=DEMO_TODAY)
    yield engine
    engine.dispose()


@pytest.fixture
def settings_path(tmp_path: Path) -> Path:
    return tmp_path / "desk.ini"


@pytest.fixture
def desk_settings(settings_path: Path) -> QSettings:
    """This desk's settings, in a file of the test's own."""
    return QSettings(str(settings_path), QSettings.Format.IniFormat)


@pytest.fixture
def context(view_engine: Engine) -> DeskContext:
    return DeskContext.for_engine(view_engine, desk_user="sam")


@pytest.fixture
def window(qtbot, context: DeskContext, desk_settings: QSettings) -> MainWindow:  # type: ignore[no-untyped-def]
    main = MainWindow(context, desk_settings)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    return main


def dark_colours() -> QPalette:
    """A dark desktop theme's palette: light text on dark bases."""
    colours = QPalette()
    dark, darker, text = QColor("#2b2b2b"), QColor("#1e1e1e"), QColor("#e8e8e8")
    for role, colour in (
        (QPalette.ColorRole.Window, dark),
        (QPalette.ColorRole.Base, darker),
        (QPalette.ColorRole.AlternateBase, dark),
        (QPalette.ColorRole.Button, dark),
        (QPalette.ColorRole.Text, text),
        (QPalette.ColorRole.WindowText, text),
        (QPalette.ColorRole.ButtonText, text),
        (QPalette.ColorRole.PlaceholderText, QColor("#9a9a9a")),
        (QPalette.ColorRole.Highlight, QColor("#3d6fb4")),
        (QPalette.ColorRole.HighlightedText, QColor("#ffffff")),
    ):
        colours.setColor(role, colour)
    return colours


@pytest.fixture
def dark_palette(qapp: QApplication) -> Iterator[QPalette]:  # type: ignore[no-untyped-def]
    """The application in a dark palette for one test, as a dark desktop theme gives it."""
    before = qapp.palette()
    colours = dark_colours()
    qapp.setPalette(colours)
    yield colours
    qapp.setPalette(before)
