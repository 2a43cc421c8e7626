"""An import killed with SIGKILL half-way leaves the SQLite file sound and without any of it."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine

from console.database import session_factory
from console.services.customers.search import search_customers
from tests import factories

ROWS = 300_000
WAL_BYTES_WHEN_WRITING = 4_000_000


def schema(database: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(database) as connection:
        return connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name"
        ).fetchall()


def write_customers_file(path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write("external_id,name,phone,city\n")
        for number in range(ROWS):
            out.write(f"IMP-{number},Imported Person {number},555-{number % 10_000:04d},Springs\n")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is a POSIX signal")
def test_kill_9_during_a_large_import_leaves_a_sound_file_without_partial_rows(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    with session_factory(sqlite_engine).begin() as session:
        factories.customer(session, name="Kept Before Import", external_id="KEEP-1")
    sqlite_engine.dispose()
    database = Path(sqlite_engine.url.database)
    schema_before = schema(database)
    source = tmp_path / "customers.csv"
    write_customers_file(source)

    importer = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "console",
            "import",
            "customers",
            str(source),
            "--database",
            f"sqlite:///{database}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    wal = database.with_name(f"{database.name}-wal")
    deadline = time.monotonic() + 300
    # Rows are being written inside the open transaction once the write-ahead log fills up.
    while not (wal.exists() and wal.stat().st_size > WAL_BYTES_WHEN_WRITING):
        assert importer.poll() is None, "the import ended before it could be interrupted"
        assert time.monotonic() < deadline, "the import never started writing"
        time.sleep(0.02)
    os.kill(importer.pid, signal.SIGKILL)
    importer.wait(timeout=30)
    assert importer.returncode == -signal.SIGKILL

    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        # Large imports rebuild the indexes after writing; a kill must leave them all in place.
        assert schema(database) == schema_before
        assert connection.execute("SELECT count(*) FROM customers").fetchone() == (1,)
        assert connection.execute(
            "SELECT count(*) FROM customers WHERE external_id LIKE 'IMP-%'"
        ).fetchone() == (0,)
    with session_factory(sqlite_engine)() as session:
        assert [hit.name for hit in search_customers(session, "Kept Before")] == [
            "Kept Before Import"
        ]
        assert search_customers(session, "Imported Person") == []
