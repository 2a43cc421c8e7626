"""A consistent copy of an embedded SQLite database, taken while desks keep working."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy import Engine

from console.database import sqlite_file
from console.services.output_file import atomic_output


class BackupRefused(ValueError):
    pass


def backup_sqlite(engine: Engine, target: Path) -> int:
    """Copy the database with SQLite's online backup API; returns the copy's size in bytes.

    The copy is written beside the target and renamed into place, so a failed backup never
    leaves a half-written file where a good one was expected.
    """
    source = sqlite_file(engine)
    if source is None:
        raise BackupRefused("backup copies an SQLite file; for PostgreSQL use pg_dump")
    if not source.exists():
        raise BackupRefused(f"{source} does not exist")
    if target.exists() and target.resolve() == source.resolve():
        raise BackupRefused("the backup must go to another file than the database itself")
    with atomic_output(target) as partial:
        with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(partial)) as dst:
            src.backup(dst)
            result = dst.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise BackupRefused(f"the copy failed its integrity check: {result}")
    return target.stat().st_size
