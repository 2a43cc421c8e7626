"""Create or upgrade the schema with the Alembic migrations shipped in the package.

Only a database that is empty or already the console's own is ever written to: another
application's SQLite file or schema is refused before anything touches it.
"""

from __future__ import annotations

import logging
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from console.database import DatabaseProblem, display_url, sqlite_file
from console.migrations import HEAD_REVISION

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_HEADER = b"SQLite format 3\x00"
VERSION_TABLE = "alembic_version"
# Tables every console database has had since the first revision.
CORE_TABLES = frozenset({"customers", "staff", "referrals"})
_SHOWN_TABLES = 5


class ForeignDatabase(DatabaseProblem):
    """A database that belongs to something else; it was left exactly as it was."""


@dataclass(frozen=True)
class Contents:
    """What a database holds, as far as deciding whether the console may write to it."""

    where: str
    tables: frozenset[str]
    revisions: tuple[str, ...] = ()


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> frozenset[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return frozenset(revision.revision for revision in script.walk_revisions())


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        return connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def database_contents(engine: Engine) -> Contents:
    """The tables and schema revision of the engine's database, read without writing a byte.

    An SQLite file is read over a read-only connection of its own, because the engine's
    connections switch a file to WAL mode, which rewrites its header.
    """
    if engine.dialect.name == "sqlite":
        path = sqlite_file(engine)
        return _sqlite_contents(path) if path else Contents("in-memory database", frozenset())
    return _postgresql_contents(engine)


def _sqlite_contents(path: Path) -> Contents:
    where = str(path)
    if path.is_dir():
        raise DatabaseProblem(f"{where} is a folder, not an SQLite database file")
    if not path.exists():
        return Contents(where, frozenset())
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError as error:
        raise DatabaseProblem(f"cannot read {where}: {error.strerror or error}") from None
    if not header:
        return Contents(where, frozenset())
    if header != SQLITE_HEADER:
        raise DatabaseProblem(f"{where} is not an SQLite database file")
    # With no journal or WAL beside it, the file holds everything: reading it as immutable
    # takes no lock and creates no -wal or -shm file next to someone else's database.
    journals = (path.with_name(f"{path.name}{suffix}") for suffix in ("-wal", "-journal"))
    mode = "ro" if any(journal.exists() for journal in journals) else "ro&immutable=1"
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode={mode}", uri=True)) as db:
            tables = frozenset(
                name
                for (name,) in db.execute(
                    "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
                    " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
                )
            )
            revisions: tuple[str, ...] = ()
            if VERSION_TABLE in tables:
                rows = db.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchall()
                revisions = tuple(str(row[0]) for row in rows)
    except sqlite3.DatabaseError as error:
        raise DatabaseProblem(f"{where} cannot be read as an SQLite database: {error}") from None
    return Contents(where, tables, revisions)


def _postgresql_contents(engine: Engine) -> Contents:
    with engine.connect() as connection:
        schema = connection.execute(text("SELECT current_schema()")).scalar()
        where = f"{display_url(engine.url)} (schema {schema})"
        if schema is None:
            raise DatabaseProblem(
                f"{display_url(engine.url)}: the search path names no schema that exists"
            )
        # Tables and views of the schema, except those an extension (pg_stat_statements...) owns.
        names = connection.execute(
            text(
                "SELECT c.relname FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f')"
                " AND NOT EXISTS (SELECT 1 FROM pg_depend d"
                " WHERE d.objid = c.oid AND d.deptype = 'e')"
            )
        ).scalars()
        tables = frozenset(names)
        revisions: tuple[str, ...] = ()
        if VERSION_TABLE in tables:
            rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars()
            revisions = tuple(str(row) for row in rows)
    return Contents(where, tables, revisions)


def check_console_database(contents: Contents) -> None:
    """Refuse, with ForeignDatabase, anything that is neither empty nor the console's own."""
    others = contents.tables - {VERSION_TABLE}
    if not others and not contents.revisions:
        return
    if contents.revisions:
        unknown = [r for r in contents.revisions if r != HEAD_REVISION]
        if unknown and (len(contents.revisions) > 1 or unknown[0] not in known_revisions()):
            raise ForeignDatabase(
                f"{contents.where} has schema revision {', '.join(contents.revisions)}, which "
                "this console does not know: it belongs to another application or to a newer "
                "Dispatch Console; nothing was changed"
            )
        if others >= CORE_TABLES:
            return
    shown = ", ".join(sorted(others)[:_SHOWN_TABLES])
    more = f" and {len(others) - _SHOWN_TABLES} more" if len(others) > _SHOWN_TABLES else ""
    raise ForeignDatabase(
        f"{contents.where} is not a Dispatch Console database (it holds {shown}{more}); "
        "nothing was changed: give a new or empty database"
    )


def backup_sqlite_file(engine: Engine, revision: str | None) -> Path | None:
    """Copy the SQLite file aside before an upgrade touches it."""
    source = sqlite_file(engine)
    if source is None or not source.exists() or revision is None:
        return None
    target = source.with_name(f"{source.name}.before-{head_revision()}.bak")
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
    log.info("backed up %s to %s before upgrading", source, target)
    return target


def upgrade_database(engine: Engine, target: str = "head") -> bool:
    """Bring the schema to `target` (default: the newest); True when anything changed.

    A database that is neither empty nor the console's own raises ForeignDatabase untouched.
    """
    contents = database_contents(engine)
    check_console_database(contents)
    revision = contents.revisions[0] if contents.revisions else None
    # The shipped head is known without loading Alembic, which keeps it out of start-up.
    wanted = HEAD_REVISION if target == "head" else target
    if revision == wanted:
        return False
    from alembic import command

    backup_sqlite_file(engine, revision)
    config = alembic_config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Building indexes on a large office database may take longer than a desk's query.
            connection.execute(text("SET LOCAL statement_timeout = 0"))
        config.attributes["connection"] = connection
        command.upgrade(config, wanted)
    return True


__all__ = [
    "ForeignDatabase",
    "backup_sqlite_file",
    "check_console_database",
    "current_revision",
    "database_contents",
    "head_revision",
    "upgrade_database",
]
