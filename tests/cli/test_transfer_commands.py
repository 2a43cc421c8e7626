"""`dispatch-console import` and `export`: exit status, messages, and the dry run."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from console.cli import main


def test_import_reports_every_problem_and_exits_1(
    sqlite_engine: Engine, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "visits.csv"
    path.write_text(
        "external_id,customer_external_id,scheduled_for\nV-1,C-9,2025-01-01\nV-2,C-9,soon\n",
        encoding="utf-8",
    )
    assert main(["import", "visits", str(path), "--database", str(sqlite_engine.url)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "read as CSV, comma-separated, UTF-8",
        "row 2, column customer_external_id: no customer with external id 'C-9'",
        "row 3, column scheduled_for: 'soon' is not a date",
        "2 problem(s); nothing was imported",
    ]


def test_map_dry_run_then_import_and_export(sqlite_engine: Engine, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    url = str(sqlite_engine.url)
    path = tmp_path / "crm.csv"
    path.write_text("Cust ID,Customer Name\nC-1,Ada Park\n", encoding="utf-8")
    mapping = ["--map", "Cust ID=external_id", "--map", "customer name=name"]
    assert main(["import", "customers", str(path), *mapping, "--dry-run", "--database", url]) == 0
    assert "would import 1 customers row(s): 1 created" in capsys.readouterr().out
    assert main(["import", "customers", str(path), *mapping, "--database", url]) == 0
    assert (
        "imported 1 customers row(s): 1 created, 0 updated, 0 unchanged" in capsys.readouterr().out
    )
    out = tmp_path / "out.xlsx"
    assert main(["export", "customers", "-o", str(out), "--database", url]) == 0
    assert "exported 1 customers row(s)" in capsys.readouterr().out and out.exists()


def test_refusals(sqlite_engine: Engine, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    url = str(sqlite_engine.url)
    assert main(["import", "customers", str(tmp_path / "missing.csv"), "--database", url]) == 1
    assert "no such file" in capsys.readouterr().err
    assert main(["export", "customers", "-o", str(tmp_path / "out.json"), "--database", url]) == 1
    assert "export writes .csv or .xlsx" in capsys.readouterr().err
    bad_map = tmp_path / "a.csv"
    bad_map.write_text("a\n1\n", encoding="utf-8")
    assert main(["import", "customers", str(bad_map), "--map", "nonsense", "--database", url]) == 1
    assert "write it as SOURCE=DEST" in capsys.readouterr().err
