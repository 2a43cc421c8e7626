"""Create or upgrade the schema with the Alembic migrations shipped in the package."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from console.migrations import HEAD_REVISION

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


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


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def backup_sqlite_file(engine: Engine, revision: str | None) -> Path | None:
    """Copy the SQLite file aside before an upgrade touches it."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    source = Path(database)
    if not source.exists() or revision is None:
        return None
    target = source.with_name(f"{source.name}.before-{head_revision()}.bak")
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    log.info("backed up %s to %s before upgrading", source, target)
    return target


def upgrade_database(engine: Engine, target: str = "head") -> bool:
    """Bring the schema to `target` (default: the newest); True when anything changed."""
    revision = current_revision(engine)
    # The shipped head is known without loading Alembic, which keeps it out of start-up.
    wanted = HEAD_REVISION if target == "head" else target
    if revision == wanted:
        return False
    from alembic import command

    backup_sqlite_file(engine, revision)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, wanted)
    return True


__all__ = ["backup_sqlite_file", "current_revision", "head_revision", "upgrade_database"]
