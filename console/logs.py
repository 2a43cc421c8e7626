"""The console's log: a rotating file in the user's data folder, never shown as a stack trace."""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

from console.credentials import redact
from console.paths import data_dir

LOG_NAME = "console.log"


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then blanks any password, in the message and in the traceback alike."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def log_path() -> Path:
    return data_dir() / LOG_NAME


def configure_logging(level: int = logging.INFO) -> Path:
    """Send the console's log records to a rotating file (1 MB, five old files kept)."""
    path = log_path()
    root = logging.getLogger()
    if not any(
        isinstance(h, RotatingFileHandler) and Path(h.baseFilename) == path for h in root.handlers
    ):
        handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
        handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    for handler in root.handlers:
        if type(handler) is logging.StreamHandler:
            handler.setLevel(logging.WARNING)  # the terminal hears only what needs attention
    root.setLevel(level)
    return path
