"""Engines and sessions for the two supported backends: an embedded SQLite file and PostgreSQL."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from console.credentials import mask_url, remember_password
from console.models.text_fold import SQLITE_FUNCTION, sqlite_fold
from console.paths import data_dir
from console.services.errors import InputError
from console.services.transfer.encodings import BINARY_CONTROL

DATABASE_ENV = "CONSOLE_DATABASE_URL"
SQLITE_BUSY_TIMEOUT_MS = 10_000
PG_CONNECT_TIMEOUT_S = 5
# A desk's connection notices a dropped network within seconds, and no statement holds the
# window (or a table's locks) for longer than a desk should wait.
PG_KEEPALIVES = {
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
    "tcp_user_timeout": 15_000,
}
PG_STATEMENT_TIMEOUT_MS = 30_000
CHANGES_CHANNEL = "dispatch_console_changes"


SAVED_URL_FILE = "office-database.url"
BACKENDS = ("sqlite", "postgresql")
DRIVERS = {
    "sqlite": "sqlite",
    "sqlite+pysqlite": "sqlite",
    "postgresql": "postgresql+psycopg",
    "postgresql+psycopg": "postgresql+psycopg",
    "postgres": "postgresql+psycopg",
}
URL_EXAMPLE = "sqlite:///path/to/file.sqlite or postgresql+psycopg://user@host/dbname"


class DatabaseProblem(ValueError):
    """The database named cannot be used; the message says why and is safe to show."""


class DatabaseUrlProblem(DatabaseProblem):
    """A database URL the console cannot use: malformed, another kind of database, incomplete."""


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
        parsed = check_database_url(url)
    except DatabaseUrlProblem as problem:
        raise InputError("database URL", str(problem)) from None
    without_password = remember_password(parsed)
    path.write_text(without_password.render_as_string(hide_password=False), encoding="utf-8")
    return without_password


def resolve_database_url(explicit: str | None = None) -> str:
    """The URL chosen by flag, then environment, then Preferences, then the embedded default.

    An empty flag is refused rather than passed over: `--database "$UNSET"` must not write to
    the default database by surprise.
    """
    if explicit is not None and not explicit.strip():
        raise DatabaseUrlProblem(f"--database is empty; give a URL like {URL_EXAMPLE}")
    return (
        explicit
        or os.environ.get(DATABASE_ENV, "").strip()
        or saved_database_url()
        or default_database_url()
    )


def check_database_url(text: str) -> URL:
    """`text` as a URL the console can open, or DatabaseUrlProblem saying what is wrong.

    The scheme is read regardless of case (`SQLITE:///x` is `sqlite:///x`), `postgresql://`
    means the psycopg driver, and `~` in an SQLite path is the user's home folder.
    """
    stripped = text.strip()
    shown = mask_url(stripped)
    scheme, separator, rest = stripped.partition("://")
    if not separator or not scheme:
        raise DatabaseUrlProblem(f"{shown!r} is not a database URL; use {URL_EXAMPLE}")
    driver = DRIVERS.get(scheme.lower())
    if driver is None:
        raise DatabaseUrlProblem(
            f"{mask_url(scheme)}:// is not a database the console works with; use {URL_EXAMPLE}"
        )
    # The scheme keeps the user's spelling (lower-cased) so a saved URL reads as it was typed.
    written = "postgresql" if scheme.lower() == "postgres" else scheme.lower()
    try:
        parsed = make_url(f"{written}://{rest}")
    except (ArgumentError, ValueError) as error:
        reason = "the port is not a number" if "int()" in str(error) else "it does not parse"
        raise DatabaseUrlProblem(f"{shown!r} is not a usable database URL: {reason}") from None
    if driver == "sqlite":
        return _checked_sqlite(parsed, shown)
    return _checked_postgresql(parsed, shown)


def _checked_sqlite(parsed: URL, shown: str) -> URL:
    if not parsed.database:
        raise DatabaseUrlProblem(
            f"{shown!r} names no file; use sqlite:///relative/path.sqlite or "
            "sqlite:////absolute/path.sqlite"
        )
    if parsed.database == ":memory:" or parsed.database.startswith("file:"):
        return parsed
    return parsed.set(database=str(Path(parsed.database).expanduser()))


def _checked_postgresql(parsed: URL, shown: str) -> URL:
    host = parsed.host or ""
    if "@" in host or any(char.isspace() for char in host):
        raise DatabaseUrlProblem(
            f"{shown!r} is not a usable database URL: the host part holds '@'; "
            "write an @ in a password as %40"
        )
    if parsed.port is not None and not 0 < parsed.port < 65_536:
        raise DatabaseUrlProblem(f"{shown!r}: the port must be between 1 and 65535")
    if not parsed.database:
        raise DatabaseUrlProblem(
            f"{shown!r} names no database; add it after the host, as in host/dbname"
        )
    return parsed


def display_url(url: str | URL) -> str:
    """The URL as safe to show: never the password."""
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except (ArgumentError, ValueError):
        return mask_url(str(url))
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite: {parsed.database or 'in memory'}"
    host = parsed.host or "local socket"
    port = f":{parsed.port}" if parsed.port else ""
    user = f"{parsed.username}@" if parsed.username else ""
    return f"PostgreSQL: {user}{host}{port}/{parsed.database or ''}"


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def sqlite_file(engine: Engine) -> Path | None:
    """The file behind an SQLite engine; None for PostgreSQL or an in-memory database."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    if database.startswith("file:"):
        return None
    return Path(database)


def register_sqlite_functions(dbapi_connection: Any) -> None:
    """The functions the console's SQLite schema calls: its search triggers fold text with
    `console_fold` (see models/search_index.py). A plain sqlite3 connection that writes
    customers or sites, or runs the search statement, needs them too."""
    dbapi_connection.create_function(SQLITE_FUNCTION, 1, sqlite_fold, deterministic=True)


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    register_sqlite_functions(dbapi_connection)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # The search triggers call a function of the application's; an SQLite built to distrust
    # the schema (trusted_schema off) would refuse every customer or site written.
    cursor.execute("PRAGMA trusted_schema=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """Create an engine for `url` with the per-backend settings the console relies on.

    Nothing is connected yet; a URL the console cannot use raises DatabaseUrlProblem.
    """
    resolved = check_database_url(resolve_database_url(url))
    if resolved.get_backend_name() == "sqlite":
        resolved = resolved.set(drivername="sqlite")
        _make_sqlite_folder(resolved)
        engine = create_engine(resolved, **kwargs)
        event.listen(engine, "connect", _configure_sqlite)
        return engine
    resolved = resolved.set(drivername=DRIVERS[resolved.drivername])
    kwargs.setdefault("pool_pre_ping", True)
    connect_args = kwargs.setdefault("connect_args", {})
    # An unreachable server should fail within seconds, not hang the desk for minutes.
    connect_args.setdefault("connect_timeout", PG_CONNECT_TIMEOUT_S)
    for name, value in PG_KEEPALIVES.items():
        if name not in resolved.query:
            connect_args.setdefault(name, value)
    return create_engine(_with_statement_timeout(resolved), **kwargs)


def _make_sqlite_folder(url: URL) -> None:
    """The folder of a new SQLite file is created; a file standing in its way is reported."""
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    folder = Path(database).parent
    blocking = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if blocking is not None and not blocking.is_dir():
        raise DatabaseProblem(f"cannot use {database}: {blocking} is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DatabaseProblem(
            f"cannot use {database}: its folder {folder} cannot be made ({error.strerror or error})"
        ) from None


def _with_statement_timeout(url: URL) -> URL:
    """The URL with the desk's statement timeout added to any `options` it already carries."""
    given = url.query.get("options", ())
    options = [given] if isinstance(given, str) else list(given)
    if any("statement_timeout" in option for option in options):
        return url
    options.append(f"-c statement_timeout={PG_STATEMENT_TIMEOUT_MS}")
    return url.update_query_dict({"options": " ".join(options)})


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that, on PostgreSQL, tell every other desk when they commit a change."""
    factory = sessionmaker(engine, expire_on_commit=False)
    event.listen(factory, "before_flush", _refuse_control_codes)
    if engine.dialect.name == "postgresql":
        _announce_commits(factory)
    return factory


# What the console writes of its own accord: a sync's log names files as the folder has them,
# and outgoing mail and invites carry what their templates and the records made of them.
UNGUARDED_TABLES = frozenset(
    {
        "sync_runs",
        "sync_files",
        "sync_file_kinds",
        "outbox_messages",
        "outbox_attachments",
        "calendar_invites",
        "import_fingerprints",
    }
)
# Control codes no text table has, and NUL, which PostgreSQL cannot store in text at all.
NOT_IN_TEXT = re.compile(f"\x00|{BINARY_CONTROL.pattern}")


def _refuse_control_codes(session: Session, _context: Any, _instances: Any) -> None:
    """Text typed at a desk or on the command line is stored only if a table can hold it.

    A control code (one no text table has) would go out in every export and be refused when
    that export came back in; the field that holds it is named and nothing is written.
    """
    for record in (*session.new, *session.dirty):
        state = inspect(record)
        if state.mapper.local_table.name in UNGUARDED_TABLES:
            continue
        for column in state.mapper.column_attrs:
            value = state.dict.get(column.key)
            found = NOT_IN_TEXT.search(value) if isinstance(value, str) else None
            if found is None:
                continue
            if record in session.new or state.attrs[column.key].history.has_changes():
                code = ord(found.group())
                raise InputError(
                    column.key, f"holds the control character 0x{code:02x}; take it out"
                )


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
