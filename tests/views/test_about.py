"""Help ▸ About tells support which console, which database and which log file a desk uses."""

from __future__ import annotations

import platform
from collections.abc import Iterator
from importlib.metadata import version

import pytest
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from console.logs import log_path
from console.views.about_dialog import AboutDialog
from console.views.app import desktop_application
from console.views.main_window import MainWindow


def _open_about(qtbot, window: MainWindow) -> AboutDialog:  # type: ignore[no-untyped-def]
    help_menu = next(
        action.menu() for action in window.menuBar().actions() if action.text() == "&Help"
    )
    about = next(a for a in help_menu.actions() if a.text() == "&About Dispatch Console")
    about.trigger()
    qtbot.waitUntil(lambda: window.findChild(AboutDialog) is not None)
    dialog = window.findChild(AboutDialog)
    assert isinstance(dialog, AboutDialog)
    qtbot.waitExposed(dialog)
    return dialog


def test_help_about_shows_version_database_log_and_runtime(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    dialog = _open_about(qtbot, window)

    shown = {name: label.text() for name, label in dialog.values.items()}
    assert shown["Version"] == version("dispatch-console")
    assert shown["Database"] == f"SQLite: {window.context.engine.url.database}"
    assert shown["Log file"] == str(log_path())
    assert qVersion() in shown["Qt"]
    assert shown["Python"].startswith(platform.python_version())
    assert dialog.windowTitle() == "About Dispatch Console"


def test_copy_details_puts_every_line_on_the_clipboard(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    dialog = _open_about(qtbot, window)

    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)

    copied = QGuiApplication.clipboard().text().splitlines()
    assert copied[0] == "Dispatch Console"
    assert f"Version: {version('dispatch-console')}" in copied
    assert f"Log file: {log_path()}" in copied


def test_about_never_shows_the_database_password(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    dialog = AboutDialog(
        "postgresql+psycopg://desk:s3cret-pass@db.office.lan:5433/office", tmp_path / "console.log"
    )
    qtbot.addWidget(dialog)

    assert dialog.values["Database"].text() == "PostgreSQL: desk@db.office.lan:5433/office"
    assert "s3cret-pass" not in dialog.details_text()


@pytest.fixture
def restore_application_identity(qapp: QApplication) -> Iterator[None]:
    """Other tests keep the test run's own names, so no test reaches a desk's real settings."""
    names = (qapp.organizationName(), qapp.applicationName(), qapp.applicationDisplayName())
    desktop, icon = QGuiApplication.desktopFileName(), qapp.windowIcon()
    yield
    qapp.setOrganizationName(names[0])
    qapp.setApplicationName(names[1])
    qapp.setApplicationDisplayName(names[2])
    QGuiApplication.setDesktopFileName(desktop)
    qapp.setWindowIcon(icon)


@pytest.mark.usefixtures("restore_application_identity")
def test_the_application_introduces_itself_as_dispatch_console() -> None:
    app = desktop_application()

    assert app is QApplication.instance()
    assert app.applicationDisplayName() == "Dispatch Console"
    assert QGuiApplication.desktopFileName() == "dispatch-console"
    # Settings and data keep the folder name existing desks already have.
    assert (app.organizationName(), app.applicationName()) == ("DispatchConsole", "DispatchConsole")
    sizes = {size.width() for size in app.windowIcon().availableSizes()}
    assert {16, 32, 48, 256} <= sizes
