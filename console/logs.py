"""The console's log: a rotating file in the user's data folder, never shown as a stack trace."""

from __future__ import annotations

import logging
import os
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import TextIO

from console.credentials import redact
from console.paths import data_dir

LOG_NAME = "console.log"


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then blanks any password, in the message and in the traceback alike."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class TerminalFormatter(RedactingFormatter):
    """One line per record: the first line of the message, never a traceback."""

    def format(self, record: logging.LogRecord) -> str:
        text = redact(f"{record.levelname.lower()}: {record.getMessage()}")
        return text.splitlines()[0] if text else text


class ConsoleLogFile(RotatingFileHandler):
    """The log file in the data folder; one per process, however often logging is set up."""


class TerminalHandler(logging.StreamHandler):
    """Warnings for the person at the terminal, in one line each.

    It writes to whatever `sys.stderr` is at the moment, as `logging.lastResort` does, so a
    replaced stderr (a test's capture, a redirected console) is honoured.
    """

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def log_path() -> Path:
    return data_dir() / LOG_NAME


def configure_logging(level: int = logging.INFO) -> Path:
    """Send the console's log records to a rotating file (1 MB, five old files kept).

    A file handler left from an earlier data folder (a test, a changed `CONSOLE_DATA_DIR`) is
    closed and replaced, so records never go to a folder the console no longer uses.
    """
    path = log_path()
    wanted = os.path.abspath(path)  # as the handler records it
    root = logging.getLogger()
    current = [h for h in root.handlers if isinstance(h, ConsoleLogFile)]
    for stale in current:
        if stale.baseFilename != wanted:
            root.removeHandler(stale)
            stale.close()
    if not any(h.baseFilename == wanted for h in current):
        log_file = ConsoleLogFile(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
        log_file.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(log_file)
    for handler in root.handlers:
        if type(handler) is logging.StreamHandler:
            handler.setLevel(logging.WARNING)  # the terminal hears only what needs attention
    root.setLevel(level)
    return path


def configure_terminal_logging() -> None:
    """Warnings and errors on stderr, one line each; tracebacks go to the log file only."""
    root = logging.getLogger()
    if any(isinstance(h, TerminalHandler) for h in root.handlers):
        return
    handler = TerminalHandler()
    handler.setLevel(logging.WARNING)
    handler.setFormatter(TerminalFormatter())
    handler.addFilter(lambda record: record.exc_info is None)
    root.addHandler(handler)
