"""Noticing other desks' changes cheaply, so open views can refresh within seconds.

SQLite: `PRAGMA data_version` on a connection of our own moves whenever another connection
commits. PostgreSQL: every session that writes sends NOTIFY on one channel when it commits
(`console.database.session_factory` sees to that, for the window and the command line alike);
the watcher LISTENs.
"""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

from sqlalchemy import Engine, text

from console.database import CHANGES_CHANNEL as CHANNEL
from console.database import PG_CONNECT_TIMEOUT_S, PG_KEEPALIVES


def notify_changed(engine: Engine) -> None:
    """For writes made outside a Session (bulk imports, Core statements)."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text(f"NOTIFY {CHANNEL}"))


class ChangeWatcher:
    """`changed()` answers, cheaply, whether anyone else committed since the last call."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # A look runs on one pool thread and the close on another: closing a connection while
        # a statement runs on it crashes sqlite3, so the two never overlap.
        self._lock = threading.Lock()
        self._closed = False
        self._sqlite: sqlite3.Connection | None = None
        self._pg: Any = None
        self._version: int | None = None
        if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
            self._sqlite = sqlite3.connect(engine.url.database, check_same_thread=False)
            self._version = self._data_version()
        elif engine.dialect.name == "postgresql":
            try:
                self._listen()
            except Exception:  # the first `changed()` listens again and reports the trouble
                self._pg = None

    def _data_version(self) -> int:
        assert self._sqlite is not None
        return int(self._sqlite.execute("PRAGMA data_version").fetchone()[0])

    def _listen(self) -> None:
        import psycopg

        self._pg = psycopg.connect(**self._connection_parameters(), autocommit=True)
        self._pg.execute(f"LISTEN {CHANNEL}")

    def _connection_parameters(self) -> dict[str, Any]:
        """The engine's own connection parameters, decoded by its dialect: a URL string handed
        to libpq would keep the `+` that encodes a space in `options`."""
        _args, parameters = self.engine.dialect.create_connect_args(self.engine.url)
        parameters.pop("context", None)  # the dialect's type adapters; plain psycopg needs none
        options = parameters.get("options")
        if isinstance(options, (list, tuple)):
            parameters["options"] = " ".join(options)
        parameters.setdefault("connect_timeout", PG_CONNECT_TIMEOUT_S)
        for name, value in PG_KEEPALIVES.items():
            parameters.setdefault(name, value)
        return dict(parameters)

    def changed(self) -> bool:
        """Raises the driver's error when the server cannot be reached; see `reconnect`."""
        with self._lock:
            return self._changed()

    def _changed(self) -> bool:
        if self._closed:  # a look that outlived its window's close never reconnects
            return False
        if self._sqlite is not None:
            version = self._data_version()
            moved = version != self._version
            self._version = version
            return moved
        if self._pg is None and self.engine.dialect.name == "postgresql":
            self._listen()
            return True  # notices sent while not listening are gone: assume something changed
        if self._pg is not None:
            try:
                self._pg.execute("SELECT 1")
                return any(True for _ in self._pg.notifies(timeout=0, stop_after=1000))
            except Exception:
                self._close()
                raise
        return False

    def close(self) -> None:
        """Release the connection, once a look running on another thread has finished."""
        with self._lock:
            self._closed = True
            self._close()

    def _close(self) -> None:
        if self._sqlite is not None:
            self._sqlite.close()
            self._sqlite = None
        if self._pg is not None:
            try:
                self._pg.close()
            finally:
                self._pg = None
