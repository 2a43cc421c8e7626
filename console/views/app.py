"""Start the desktop application: database first, then the window."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from console.credentials import redact
from console.database import display_url, make_engine
from console.logs import configure_logging
from console.migrate import upgrade_database
from console.models import Customer
from console.paths import APP_NAME, ORG_NAME
from console.services.connection import is_connection_error
from console.services.demo import seed_demo
from console.views.context import DeskContext
from console.views.main_window import MainWindow

log = logging.getLogger(__name__)


def desk_settings() -> QSettings:
    return QSettings(ORG_NAME, APP_NAME)


def report_unexpected_errors(log_file: Path, context: DeskContext | None = None) -> None:
    """Any error nobody caught goes to the log in full; the user gets a short, calm message.

    A database that does not answer is no error of the user's: the window's banner covers it.
    """

    def hook(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        if context is not None and is_connection_error(error):
            context.report_trouble(error)
            return
        log.error("unexpected error", exc_info=(kind, error, trace))
        text = f"Something went wrong: {error}"
        QMessageBox.warning(
            QApplication.activeWindow(), "Dispatch Console", f"{text}\n\nDetails are in {log_file}."
        )

    sys.excepthook = hook


def run_window(database: str | None, demo: bool = False) -> int:
    log_file = configure_logging()
    app = QApplication.instance() or QApplication(sys.argv)
    report_unexpected_errors(log_file)
    app.setOrganizationName(ORG_NAME)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName("Dispatch Console")
    engine = make_engine(database)
    try:
        upgrade_database(engine)
        if demo:
            with engine.connect() as connection:
                empty = not connection.execute(
                    select(func.count()).select_from(Customer.__table__)
                ).scalar_one()
            if empty:
                seed_demo(engine)
    except OperationalError as error:
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
    report_unexpected_errors(log_file, context)
    window = MainWindow(context, settings)
    window.show()
    return app.exec()
