"""Backups of the embedded database: a whole, consistent copy, never a partial one."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import Engine

from console.cli import main
from console.services.backup import BackupRefused, backup_sqlite


def test_backup_is_a_whole_copy(demo_engine: Engine, tmp_path: Path) -> None:
    if demo_engine.dialect.name != "sqlite":
        with pytest.raises(BackupRefused, match="pg_dump"):
            backup_sqlite(demo_engine, tmp_path / "copy.sqlite")
        return
    target = tmp_path / "backups" / "copy.sqlite"
    target.parent.mkdir()
    assert backup_sqlite(demo_engine, target) > 0
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT count(*) FROM customers").fetchone()[0] == 40
    assert not list(target.parent.glob("*.part"))


def test_backup_command(demo_engine: Engine, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    if demo_engine.dialect.name != "sqlite":
        pytest.skip("the backup command copies SQLite files")
    target = tmp_path / "office-backup.sqlite"
    assert main(["backup", "-o", str(target), "--database", str(demo_engine.url)]) == 0
    assert "backed up" in capsys.readouterr().out and target.exists()
    assert (
        main(["backup", "-o", str(demo_engine.url.database), "--database", str(demo_engine.url)])
        == 1
    )
    assert "another file" in capsys.readouterr().err
