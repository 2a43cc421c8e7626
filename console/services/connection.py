"""Telling a database that cannot be reached from a request that was wrong, and waiting it out.

The window keeps everything on screen while the database is away and tries again on a widening
schedule, so a restarting server or a dropped network heals without the user doing anything.
Only a real loss of the connection counts as "away": a missing table, a syntax error or a locked
SQLite file is a fault in the console or the data, and must be reported as one, never hidden
behind the banner.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

FIRST_RETRY_S = 1.0
LONGEST_RETRY_S = 30.0

# PostgreSQL: class 08 is "connection exception"; 57P01-57P03 mean the server is shutting down,
# was shut down in a hurry, or is not accepting connections yet (starting or recovering).
_CONNECTION_CLASS = "08"
_SERVER_GOING_AWAY = frozenset({"57P01", "57P02", "57P03"})
# SQLite: the primary result code is the low byte of the extended one.
_SQLITE_IOERR = 10
_SQLITE_CANTOPEN = 14


def _postgres_lost(error: BaseException) -> bool:
    """psycopg's verdict: a connection-class SQLSTATE, or a connection that is gone."""
    try:
        import psycopg
    except ImportError:
        return False
    if not isinstance(error, psycopg.Error):
        return False
    sqlstate = error.sqlstate
    if sqlstate is not None:
        return sqlstate.startswith(_CONNECTION_CLASS) or sqlstate in _SERVER_GOING_AWAY
    if isinstance(error, psycopg.OperationalError):
        # With no SQLSTATE the server never answered: the connection failed or was closed.
        connection = error.pgconn
        return connection is None or connection.status != psycopg.pq.ConnStatus.OK
    return isinstance(error, psycopg.InterfaceError) and "connection is closed" in str(error)


def _sqlite_lost(error: BaseException) -> bool:
    """The file could not be opened or read; a busy or locked file is not an outage."""
    if not isinstance(error, sqlite3.OperationalError):
        return False
    code = getattr(error, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in (_SQLITE_IOERR, _SQLITE_CANTOPEN)


def is_connection_error(error: BaseException | None) -> bool:
    """True when the error means the database did not answer, not that the request was wrong.

    Looks through SQLAlchemy's wrapper to the driver's own error, and along explicit causes.
    """
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, DBAPIError):
            if error.connection_invalidated:
                return True
            if error.orig is not None and _driver_lost(error.orig):
                return True
        elif _driver_lost(error):
            return True
        error = error.__cause__
    return False


def _driver_lost(error: BaseException) -> bool:
    return _sqlite_lost(error) or _postgres_lost(error)


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
