"""A consistent copy of an embedded SQLite database, taken while desks keep working."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Engine


class BackupRefused(ValueError):
    pass


def backup_sqlite(engine: Engine, target: Path) -> int:
    """Copy the database with SQLite's online backup API; returns the copy's size in bytes.

    The copy is written beside the target and renamed into place, so a failed backup never
    leaves a half-written file where a good one was expected.
    """
    if (
        engine.dialect.name != "sqlite"
        or not engine.url.database
        or engine.url.database == ":memory:"
    ):
        raise BackupRefused("backup copies an SQLite file; for PostgreSQL use pg_dump")
    source = Path(engine.url.database)
    if not source.exists():
        raise BackupRefused(f"{source} does not exist")
    if target.resolve() == source.resolve():
        raise BackupRefused("the backup must go to another file than the database itself")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(partial) as dst:
        src.backup(dst)
        result = dst.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        partial.unlink(missing_ok=True)
        raise BackupRefused(f"the copy failed its integrity check: {result}")
    partial.replace(target)
    return target.stat().st_size
