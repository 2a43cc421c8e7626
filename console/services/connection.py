"""Telling a database that cannot be reached from a request that was wrong, and waiting it out.

The window keeps everything on screen while the database is away and tries again on a widening
schedule, so a restarting server or a dropped network heals without the user doing anything.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

FIRST_RETRY_S = 1.0
LONGEST_RETRY_S = 30.0


def _driver_connection_errors() -> tuple[type[BaseException], ...]:
    """The drivers' own errors, met on the change watcher's connection outside SQLAlchemy."""
    try:
        import psycopg
    except ImportError:
        return (sqlite3.OperationalError,)
    return (sqlite3.OperationalError, psycopg.OperationalError, psycopg.InterfaceError)


def is_connection_error(error: BaseException | None) -> bool:
    """True when the error means the database did not answer, not that the request was refused."""
    while error is not None:
        if isinstance(error, DBAPIError) and error.connection_invalidated:
            return True
        if isinstance(error, (OperationalError, InterfaceError)):
            return True
        if isinstance(error, _driver_connection_errors()):
            return True
        error = error.__cause__
    return False


def short_reason(error: BaseException | None) -> str:
    """The first line of the driver's own words: enough for the user, no statement, no trace."""
    if error is None:
        return "no answer"
    origin = getattr(error, "orig", None) or error
    first_line = str(origin).strip().splitlines()
    return first_line[0] if first_line else type(origin).__name__


@dataclass
class Backoff:
    """Seconds to wait before each reconnection attempt: doubling, up to a ceiling."""

    first: float = FIRST_RETRY_S
    ceiling: float = LONGEST_RETRY_S
    _next: float = field(init=False)

    def __post_init__(self) -> None:
        self._next = self.first

    def next_delay(self) -> float:
        delay = self._next
        self._next = min(self._next * 2, self.ceiling)
        return delay

    def reset(self) -> None:
        self._next = self.first


def probe(engine: Engine) -> BaseException | None:
    """Ask the database a trivial question; None when it answered, else the error."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # every failure here means "not reachable yet"
        return error
    return None
