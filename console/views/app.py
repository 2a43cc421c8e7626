"""Start the desktop application: database first, then the window."""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import NoReturn

from PySide6.QtCore import QObject, QSettings, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QGuiApplication, QIcon, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QMessageBox,
)
from sqlalchemy.exc import DBAPIError

from console.credentials import redact
from console.database import DatabaseProblem, display_url, make_engine, session_factory
from console.logs import configure_logging
from console.migrate import upgrade_database
from console.paths import APP_NAME, DESKTOP_ID, DISPLAY_NAME, ORG_NAME, resource
from console.services.connection import is_connection_error
from console.services.demo import is_empty, seed_demo
from console.services.office.settings import use_office_zone
from console.views.common.app_fonts import use_fallback_font
from console.views.common.workers.off_thread import thread_pool
from console.views.context import DeskContext
from console.views.main_window import MainWindow

log = logging.getLogger(__name__)

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)
# Packaging checks start the real window and need it to leave on its own (see smoke_start).
SMOKE_QUIT_ENV = "CONSOLE_SMOKE_QUIT_MS"
EXIT_WAIT_MS = 5_000  # a read stuck on a dead link is not waited for longer than this


def desk_settings() -> QSettings:
    return QSettings(ORG_NAME, APP_NAME)


def application_icon() -> QIcon:
    """The console's icon at every size it ships, so each screen and task bar picks a sharp one."""
    icon = QIcon()
    for size in ICON_SIZES:
        pixmap = QPixmap()
        if pixmap.loadFromData(resource("icons", f"{DESKTOP_ID}-{size}.png").read_bytes()):
            icon.addPixmap(pixmap)
    return icon


def desktop_application() -> QApplication:
    """The QApplication, introduced to the desktop as Dispatch Console.

    The organisation and application names decide where QSettings keeps its file, so they stay
    the folder names existing desks already use; people see the display name.
    """
    existing = QApplication.instance()
    if existing is None:
        # Fractional scale factors (125 %, 150 %) render as they are, not rounded: crisp text.
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
        )
        _windows_task_bar_identity()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    app.setOrganizationName(ORG_NAME)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(DISPLAY_NAME)
    QGuiApplication.setDesktopFileName(DESKTOP_ID)
    app.setWindowIcon(application_icon())
    use_fallback_font(app)
    return app


def _windows_task_bar_identity() -> None:
    """On Windows the task bar groups by this id; without it the console shows Python's icon."""
    if sys.platform == "win32":
        import ctypes

        ctypes.windll.shell32.SetCurrentProcessExplicitAppUserModelID(f"{ORG_NAME}.{APP_NAME}")


def smoke_quit_ms() -> int | None:
    """The delay asked for by `CONSOLE_SMOKE_QUIT_MS`, or None for a normal start."""
    value = os.environ.get(SMOKE_QUIT_ENV, "")
    return int(value) if value.isdigit() else None


def smoke_start(app: QApplication, quit_after_ms: int) -> None:
    """Say when the window is shown, then quit `quit_after_ms` later.

    Packaging checks use it to start the real window unattended. The time printed is the wall
    clock, so a script can measure the cold start from the moment it launched the console.
    """

    def shown() -> None:
        print(f"dispatch-console: window shown at {time.time():.3f}", flush=True)
        QTimer.singleShot(quit_after_ms, app.quit)

    QTimer.singleShot(0, shown)


class ErrorReport(QObject):
    """Shows an unexpected error's short message on the GUI thread, whichever thread raised it.

    In a smoke start nobody is there to close a message box: the message goes to stderr instead,
    and the console's exit status is 1.
    """

    message = Signal(str)

    def __init__(self, log_file: Path, smoke: bool) -> None:
        super().__init__()
        self.log_file = log_file
        self.smoke = smoke
        self.failed = False
        self.message.connect(self._show)

    @Slot(str)
    def _show(self, text: str) -> None:
        if self.smoke:  # the smoke start still quits on time, then leaves with status 1
            print(f"dispatch-console: {text} (details in {self.log_file})", file=sys.stderr)
            return
        QMessageBox.warning(
            QApplication.activeWindow(), DISPLAY_NAME, f"{text}\n\nDetails are in {self.log_file}."
        )


def report_unexpected_errors(report: ErrorReport, context: DeskContext | None = None) -> None:
    """Any error nobody caught goes to the log in full; the user gets a short, calm message.

    A database that does not answer is no error of the user's: the window's banner covers it.
    """

    def hook(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        if context is not None and is_connection_error(error):
            context.report_trouble(error)
            return
        log.error("unexpected error", exc_info=(kind, error, trace))
        report.failed = True
        report.message.emit(f"Something went wrong: {error}")  # queued when off the GUI thread

    sys.excepthook = hook


def run_window(database: str | None, demo: bool = False) -> int:
    log_file = configure_logging()
    app = desktop_application()
    quit_after_ms = smoke_quit_ms()
    report = ErrorReport(log_file, smoke=quit_after_ms is not None)
    report_unexpected_errors(report)
    try:
        engine = make_engine(database)
    except DatabaseProblem as problem:
        QMessageBox.critical(None, "Cannot open the database", str(problem))
        return 1
    try:
        upgrade_database(engine)
        if demo and is_empty(engine):
            seed_demo(engine)
        with session_factory(engine)() as session:
            use_office_zone(session)
    except DatabaseProblem as problem:
        QMessageBox.critical(None, "Cannot open the database", str(problem))
        return 1
    except DBAPIError as error:
        log.error("cannot open %s", display_url(engine.url), exc_info=error)
        QMessageBox.critical(
            None,
            "Cannot open the database",
            f"Dispatch Console could not open {display_url(engine.url)}.\n\n"
            f"{redact(str(error.orig or error))}",
        )
        return 1
    settings = desk_settings()
    context = DeskContext.for_engine(engine, desk_user=settings.value("desk/user") or None)
    report_unexpected_errors(report, context)
    window = MainWindow(context, settings)
    window.show()
    if quit_after_ms is not None:
        smoke_start(app, quit_after_ms)
    status = app.exec()
    status = 1 if report.smoke and report.failed else status
    settings.sync()
    if not end_pool_work(EXIT_WAIT_MS):
        leave_now(status)
    return status


def end_pool_work(wait_ms: int) -> bool:
    """Let database work still on a pool thread end, waiting at most `wait_ms`; True if it did.

    It must end before the interpreter tears Qt down, and Qt's own teardown of the pool would
    wait for it however long a read on a silent network takes.
    """
    return thread_pool().waitForDone(wait_ms)


def leave_now(status: int) -> NoReturn:
    """End the process at once, leaving a read stuck on a silent network behind.

    The window is closed and the desk's settings are written; the log is flushed first.
    """
    log.warning("leaving database work that did not end within %d ms", EXIT_WAIT_MS)
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
