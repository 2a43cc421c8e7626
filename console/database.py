"""Engines and sessions for the two supported backends: an embedded SQLite file and PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from console.credentials import remember_password
from console.paths import data_dir
from console.services.errors import InputError

DATABASE_ENV = "CONSOLE_DATABASE_URL"
SQLITE_BUSY_TIMEOUT_MS = 10_000
PG_CONNECT_TIMEOUT_S = 5
CHANGES_CHANNEL = "dispatch_console_changes"


SAVED_URL_FILE = "office-database.url"
BACKENDS = ("sqlite", "postgresql")


def default_database_url() -> str:
    return f"sqlite:///{data_dir() / 'console.sqlite'}"


def saved_database_url() -> str | None:
    """The office database this desk was pointed at in Preferences (never with a password)."""
    path = data_dir() / SAVED_URL_FILE
    if not path.exists():
        return None
    return path.read_text(encoding="utf-8").strip() or None


def save_database_url(url: str | None) -> URL | None:
    """Point this desk at `url` from its next start; empty means the embedded SQLite file.

    A password in the URL goes to PostgreSQL's password file, not into the saved setting.
    """
    path = data_dir() / SAVED_URL_FILE
    if not url or not url.strip():
        path.unlink(missing_ok=True)
        return None
    try:
        parsed = make_url(url.strip())
    except ArgumentError:
        raise InputError("database URL", "is not a URL like postgresql://user@host/db") from None
    if parsed.get_backend_name() not in BACKENDS:
        raise InputError("database URL", "must be a sqlite:/// or postgresql:// URL")
    without_password = remember_password(parsed)
    path.write_text(without_password.render_as_string(hide_password=False), encoding="utf-8")
    return without_password


def resolve_database_url(explicit: str | None = None) -> str:
    """The URL chosen by flag, then environment, then Preferences, then the embedded default."""
    return (
        explicit or os.environ.get(DATABASE_ENV) or saved_database_url() or default_database_url()
    )


def display_url(url: str | URL) -> str:
    """The URL as safe to show: never the password."""
    parsed = make_url(url) if isinstance(url, str) else url
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite: {parsed.database or 'in memory'}"
    host = parsed.host or "local socket"
    port = f":{parsed.port}" if parsed.port else ""
    user = f"{parsed.username}@" if parsed.username else ""
    return f"PostgreSQL: {user}{host}{port}/{parsed.database or ''}"


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """Create an engine for `url` with the per-backend settings the console relies on."""
    resolved = make_url(resolve_database_url(url))
    if resolved.get_backend_name() == "sqlite":
        if resolved.database and resolved.database != ":memory:":
            from pathlib import Path

            Path(resolved.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(resolved, **kwargs)
        event.listen(engine, "connect", _configure_sqlite)
        return engine
    if resolved.get_backend_name() == "postgresql" and resolved.drivername == "postgresql":
        resolved = resolved.set(drivername="postgresql+psycopg")
    kwargs.setdefault("pool_pre_ping", True)
    # An unreachable server should fail within seconds, not hang the desk for minutes.
    connect_args = kwargs.setdefault("connect_args", {})
    connect_args.setdefault("connect_timeout", PG_CONNECT_TIMEOUT_S)
    return create_engine(resolved, **kwargs)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that, on PostgreSQL, tell every other desk when they commit a change."""
    factory = sessionmaker(engine, expire_on_commit=False)
    if engine.dialect.name == "postgresql":
        _announce_commits(factory)
    return factory


def _announce_commits(factory: sessionmaker[Session]) -> None:
    @event.listens_for(factory, "after_flush")
    def _mark(session: Session, _context: Any) -> None:
        session.info["wrote"] = True

    @event.listens_for(factory, "before_commit")
    def _notify(session: Session) -> None:
        if session.new or session.dirty or session.deleted or session.info.get("wrote"):
            session.execute(text(f"NOTIFY {CHANGES_CHANNEL}"))

    @event.listens_for(factory, "after_commit")
    @event.listens_for(factory, "after_rollback")
    def _reset(session: Session) -> None:
        session.info.pop("wrote", None)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back on any error."""
    with factory() as session, session.begin():
        yield session
