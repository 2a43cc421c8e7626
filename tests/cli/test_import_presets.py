"""`import KIND FILE` with presets: recognised, forced, refused, listed, and --skip-invalid."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from console.cli import main
from console.models import Customer, ServiceVisit, Staff

SAMPLES = Path(__file__).parents[1] / "data" / "presets"


def count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_import_says_which_preset_it_recognised(
    sqlite_engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    url = str(sqlite_engine.url)
    path = str(SAMPLES / "jobber-clients.csv")
    assert main(["import", "customers", path, "--database", url]) == 0
    captured = capsys.readouterr()
    out = captured.out.splitlines()
    assert out[0] == "preset: jobber-clients"
    assert "imported 4 customers row(s): 4 created, 0 updated, 0 unchanged" in out
    assert "imported 6 sites row(s): 6 created, 0 updated, 0 unchanged" in out
    assert captured.err.splitlines()[0] == (
        "read as CSV, comma-separated, UTF-8, preset jobber-clients"
    )
    # Again: all unchanged.
    assert main(["import", "auto", path, "--database", url]) == 0
    assert "imported 4 customers row(s): 0 created, 0 updated, 4 unchanged" in (
        capsys.readouterr().out
    )


def test_a_multi_kind_preset_imports_as_any_of_its_kinds_or_auto(
    sqlite_engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    url = str(sqlite_engine.url)
    assert (
        main(["import", "auto", str(SAMPLES / "housecall-pro-customers.csv"), "--database", url])
        == 0
    )
    assert (
        main(["import", "visits", str(SAMPLES / "housecall-pro-jobs.csv"), "--database", url]) == 0
    )
    out = capsys.readouterr().out
    assert "preset: housecall-pro-jobs" in out
    assert "imported 2 technicians row(s): 2 created, 0 updated, 0 unchanged" in out
    assert "imported 4 visits row(s): 4 created, 0 updated, 0 unchanged" in out
    assert count(sqlite_engine, ServiceVisit) == 4


def test_a_kind_the_preset_does_not_write_is_refused(
    sqlite_engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    url = str(sqlite_engine.url)
    path = SAMPLES / "jobber-clients.csv"
    assert main(["import", "visits", str(path), "--database", url]) == 1
    assert capsys.readouterr().err.strip() == (
        f"dispatch-console: {path}: preset jobber-clients writes customers, sites, not visits; "
        "import it as customers or sites or auto"
    )
    assert count(sqlite_engine, Customer) == 0


def test_forcing_a_preset(sqlite_engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    url = str(sqlite_engine.url)
    path = SAMPLES / "jobber-clients.csv"
    assert main(["import", "auto", str(path), "--preset", "quickbooks", "--database", url]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"dispatch-console: {path}: no preset called 'quickbooks'; the presets: ")
    assert "quickbooks-customers" in err
    assert (
        main(["import", "auto", str(path), "--preset", "quickbooks-customers", "--database", url])
        == 1
    )
    assert capsys.readouterr().err.strip() == (
        f"dispatch-console: {path}: the file is not a QuickBooks customer list export "
        "(quickbooks-customers): its header lacks Customer, Main Phone, Bill to 1"
    )
    assert count(sqlite_engine, Customer) == 0
    assert main(["import", "auto", str(path), "--preset", "jobber-clients", "--database", url]) == 0
    assert capsys.readouterr().out.startswith("preset: jobber-clients\n")


def test_auto_with_an_unknown_header_is_refused(
    sqlite_engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "other.csv"
    path.write_text("Name,Phone\nA,1\n", encoding="utf-8")
    assert main(["import", "auto", str(path), "--database", str(sqlite_engine.url)]) == 1
    assert "no preset recognises the file's header; name its kind" in capsys.readouterr().err
    assert count(sqlite_engine, Customer) == 0


def test_our_own_header_imports_without_a_preset(
    sqlite_engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "customers.csv"
    path.write_text("external_id,name\nC-1,Ada Park\n", encoding="utf-8")
    assert main(["import", "customers", str(path), "--database", str(sqlite_engine.url)]) == 0
    assert capsys.readouterr().out == (
        "imported 1 customers row(s): 1 created, 0 updated, 0 unchanged\n"
    )


def test_a_refusal_in_a_later_kind_writes_nothing(
    sqlite_engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    url = str(sqlite_engine.url)
    assert main(["import", "auto", str(SAMPLES / "servicetitan-jobs.csv"), "--database", url]) == 1
    err = capsys.readouterr().err.splitlines()
    assert "row 3, column customer_external_id: no customer with external id '1099402'" in err
    assert err[-1] == "3 problem(s) in visits; nothing was imported"
    assert count(sqlite_engine, Staff) == 0


def test_skip_invalid_saves_the_rows_left_out(
    sqlite_engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = str(sqlite_engine.url)
    for name in ("servicetitan-customers.xlsx", "servicetitan-locations.csv"):
        assert main(["import", "auto", str(SAMPLES / name), "--database", url]) == 0
    text = (SAMPLES / "servicetitan-jobs.csv").read_text(encoding="utf-8")
    path = tmp_path / "jobs.csv"
    path.write_text(text.replace("51877360,1099417", "51877360,9999999"), encoding="utf-8")
    capsys.readouterr()
    rejects = tmp_path / "out"
    rejects.mkdir()
    args = ["import", "visits", str(path), "--skip-invalid", "--rejects", str(rejects)]
    assert main([*args, "--database", url]) == 0
    out = capsys.readouterr().out
    target = rejects / "jobs-rejects.csv"
    assert "imported 3 visits row(s): 2 created, 0 updated, 0 unchanged, 1 rejected" in out
    assert f"rejected 1 row(s) of the file; they are in {target}" in out
    lines = target.read_text(encoding="utf-8-sig").splitlines()
    header = next(line for line in text.splitlines() if "Job Number" in line or "Job #" in line)
    assert lines[0] == header + ",reason"  # the file's own header, its rows as written
    assert "51877360,9999999" in lines[1]
    assert "visits: " in lines[1] and "'9999999'" in lines[1]
    assert count(sqlite_engine, ServiceVisit) == 2
    # Fixed, the rejects file imports as the original did.
    target.write_text(
        target.read_text(encoding="utf-8-sig").replace("9999999", "1099417"), encoding="utf-8"
    )
    assert main(["import", "auto", str(target), "--database", url]) == 0
    assert count(sqlite_engine, ServiceVisit) == 3


def test_import_presets_lists_every_preset(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import-presets"]) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    names = [row[0] for row in rows]
    assert names[0] == "console-customers"
    assert "jobber-clients" in names and "servicetitan-locations" in names
    jobber = rows[names.index("jobber-clients")]
    assert jobber[1:3] == ["Jobber client export", "customers, sites"]
    assert "Jobber" in jobber[3]


def test_a_dry_run_checks_every_kind_and_writes_none(
    sqlite_engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    url = str(sqlite_engine.url)
    path = str(SAMPLES / "jobber-clients.csv")
    assert main(["import", "auto", path, "--dry-run", "--database", url]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "preset: jobber-clients",
        "would import 4 customers row(s): 4 created, 0 updated, 0 unchanged",
        "would import 6 sites row(s): 6 created, 0 updated, 0 unchanged",
    ]
    assert count(sqlite_engine, Customer) == 0


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            ["auto", "--map", "J-ID=external_id"],
            "dispatch-console: {path}: --map needs a kind, not auto",
        ),
        (
            ["customers", "--preset", "jobber-clients", "--map", "J-ID=external_id"],
            "dispatch-console: {path}: --map and --preset do not go together: "
            "a preset maps the columns",
        ),
        (
            ["customers", "--rejects", "{tmp}/out.csv"],
            "dispatch-console: --rejects goes with --skip-invalid",
        ),
        (
            ["customers", "--skip-invalid", "--rejects", "{tmp}/missing/out.csv"],
            "dispatch-console: --rejects: {tmp}/missing/out.csv: the folder {tmp}/missing "
            "does not exist",
        ),
    ],
)
def test_options_that_do_not_go_together_are_refused_before_anything_is_written(
    sqlite_engine: Engine,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    path = SAMPLES / "jobber-clients.csv"
    kind, *options = (item.replace("{tmp}", str(tmp_path)) for item in extra)
    args = ["import", kind, str(path), *options, "--database", str(sqlite_engine.url)]
    assert main(args) == 1
    assert capsys.readouterr().err.strip() == message.format(path=path, tmp=tmp_path)
    assert count(sqlite_engine, Customer) == 0


def test_skip_invalid_on_a_file_of_our_own_keeps_its_header_for_the_rejects(
    sqlite_engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "people.csv"
    path.write_text(
        "External ID,Name,Email\nC-1,Ada Park,ada@example.com\nC-2,Bo Lind,not-an-address\n",
        encoding="utf-8",
    )
    mapping = ["--map", "External ID=external_id"]
    args = ["import", "customers", str(path), *mapping, "--skip-invalid"]
    assert main([*args, "--database", str(sqlite_engine.url)]) == 0
    out = capsys.readouterr().out.splitlines()
    target = tmp_path / "people-rejects.csv"
    assert out[-1] == f"rejected 1 customers row(s); they are in {target}"
    lines = target.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "External ID,Name,Email,reason"
    assert lines[1].startswith("C-2,Bo Lind,not-an-address,")
    assert count(sqlite_engine, Customer) == 1
