"""`dispatch-console sync FOLDER` and `sync-log`: one line per file, exit status, the log."""

from __future__ import annotations

import csv
import io
import os
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from console.cli import main
from console.database import session_factory
from console.models import Customer, Staff, SyncRun
from console.services.transfer.kinds import KINDS
from console.services.transfer.sync import claim_run


def settled(path: Path) -> Path:
    then = time.time() - 60
    os.utime(path, (then, then))
    return path


def write(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as target:
        writer = csv.writer(target)
        writer.writerow(header)
        writer.writerows([row.get(name, "") for name in header] for row in rows)
    return settled(path)


@pytest.fixture
def drop(tmp_path: Path) -> Path:
    """A folder with technicians and customers in the console's own columns."""
    folder = tmp_path / "drop"
    folder.mkdir()
    write(
        folder / "b-technicians.csv",
        KINDS["technicians"].columns,
        [{"external_id": "T1", "name": "Ray Ortiz", "active": "yes"}],
    )
    write(
        folder / "a-customers.csv",
        KINDS["customers"].columns,
        [
            {"external_id": "C1", "name": "Miller", "phone": "555-0101"},
            {"external_id": "C2", "name": "Okafor"},
        ],
    )
    return folder


def test_sync_prints_a_line_per_file_and_exits_0(
    sqlite_engine: Engine, drop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = str(sqlite_engine.url)
    assert main(["sync", str(drop), "--database", url]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "b-technicians.csv: console-technicians: technicians 1 created, 0 updated, 0 unchanged",
        "a-customers.csv: console-customers: customers 2 created, 0 updated, 0 unchanged",
        "sync run 1: done (2 imported)",
    ]
    assert main(["sync", str(drop), "--database", url]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "b-technicians.csv: console-technicians: technicians 0 created, 0 updated, 1 unchanged",
        "a-customers.csv: console-customers: customers 0 created, 0 updated, 2 unchanged",
        "sync run 2: done (2 imported)",
    ]


def test_a_refused_file_exits_1_and_the_others_go_in(
    sqlite_engine: Engine, drop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        drop / "b-technicians.csv",
        KINDS["technicians"].columns,
        [{"external_id": "T1", "name": "Ray Ortiz", "email": "ray at home"}],
    )
    url = str(sqlite_engine.url)
    assert main(["sync", str(drop), "--database", url]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        "b-technicians.csv (console-technicians): refused: 1 problem(s); nothing of this file "
        "was imported",
        "a-customers.csv: console-customers: customers 2 created, 0 updated, 0 unchanged",
        "sync run 1: partial (1 refused, 1 imported)",
    ]
    (problem,) = captured.err.splitlines()
    assert problem.startswith("  technicians: row 2, column email: 'ray at home' is not an email")
    with session_factory(sqlite_engine)() as session:
        assert session.scalar(select(func.count()).select_from(Staff)) == 0
        assert session.scalar(select(func.count()).select_from(Customer)) == 2


def test_skip_invalid_saves_the_rejects_where_asked(
    sqlite_engine: Engine, drop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        drop / "a-customers.csv",
        KINDS["customers"].columns,
        [{"external_id": "C1", "name": "Miller"}, {"external_id": "C2", "email": "x@y"}],
    )
    rejects = tmp_path / "fix me"
    url = str(sqlite_engine.url)
    args = ["sync", str(drop), "--skip-invalid", "--rejects", str(rejects), "--database", url]
    assert main(args) == 0
    lines = capsys.readouterr().out.splitlines()
    (saved,) = list(rejects.iterdir())
    assert lines[1] == (
        "a-customers.csv: console-customers: customers 1 created, 0 updated, 0 unchanged, "
        f"1 rejected; rejects in {saved}"
    )
    assert saved.name.startswith("a-customers rejects ")
    rows = list(csv.DictReader(saved.open(encoding="utf-8-sig")))
    assert [row["external_id"] for row in rows] == ["C2"]
    assert rows[0]["reason"].startswith("name: ")


def test_the_rejects_folder_inside_the_synced_folder_is_refused(
    sqlite_engine: Engine, drop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = str(sqlite_engine.url)
    args = ["sync", str(drop), "--skip-invalid", "--rejects", str(drop / "bad"), "--database", url]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.startswith("dispatch-console: rejects folder ")
    assert "inside the synced folder" in err
    with session_factory(sqlite_engine)() as session:
        assert session.scalar(select(func.count()).select_from(SyncRun)) == 0


def test_a_running_sync_refuses_the_second_with_exit_1(
    sqlite_engine: Engine, drop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    claim_run(sqlite_engine, drop, actor="front desk", skip_invalid=False)
    assert main(["sync", str(drop), "--database", str(sqlite_engine.url)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("dispatch-console: another sync is running (run 1, started ")
    assert "by front desk on " in captured.err
    with session_factory(sqlite_engine)() as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == 0


def test_dry_run_checks_and_writes_nothing(
    sqlite_engine: Engine, drop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sync", str(drop), "--dry-run", "--database", str(sqlite_engine.url)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "sync (dry run): done (2 checked)"
    with session_factory(sqlite_engine)() as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == 0
        assert session.scalar(select(func.count()).select_from(SyncRun)) == 0


def test_a_missing_folder_exits_1(
    sqlite_engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere"
    assert main(["sync", str(missing), "--database", str(sqlite_engine.url)]) == 1
    assert capsys.readouterr().err == f"dispatch-console: {missing}: no such folder\n"


def test_sync_log_as_table_and_csv(
    sqlite_engine: Engine, drop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = str(sqlite_engine.url)
    assert main(["sync", str(drop), "--database", url]) == 0
    (drop / "junk.csv").write_text("colour\nred\n", encoding="utf-8")
    settled(drop / "junk.csv")
    assert main(["sync", str(drop), "--database", url]) == 1
    capsys.readouterr()

    assert main(["sync-log", "--database", url]) == 0
    captured = capsys.readouterr()
    table = captured.out.splitlines()
    assert table[0].split() == [
        "run",
        "started",
        "run_outcome",
        "file",
        "preset",
        "file_outcome",
        "created",
        "updated",
        "unchanged",
        "rejected",
    ]
    assert len(table) == 1 + 3 + 2  # the newest run's three files, then the first run's two
    assert table[1].split()[0] == "2" and "junk.csv" in table[1] and "refused" in table[1]
    assert captured.err == "2 runs\n"

    assert main(["sync-log", "--last", "1", "--format", "csv", "--database", url]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["run"], r["file"], r["file_outcome"]) for r in rows] == [
        ("2", "junk.csv", "refused"),
        ("2", "b-technicians.csv", "imported"),
        ("2", "a-customers.csv", "imported"),
    ]
    assert rows[0]["run_outcome"] == "partial"
    assert rows[0]["reason"].startswith("no preset recognises its header")
    assert (rows[2]["created"], rows[2]["unchanged"]) == ("0", "2")


def test_sync_log_refuses_a_bad_count(
    sqlite_engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sync-log", "--last", "0", "--database", str(sqlite_engine.url)]) == 1
    assert "must be a whole number from 1 to 10000" in capsys.readouterr().err
