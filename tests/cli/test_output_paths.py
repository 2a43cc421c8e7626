"""Files the console writes: checked first, written whole or not at all, never a live formula."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import Engine

from console.cli import main
from console.database import session_factory
from console.models import StaffRole
from console.services.output_file import OutputProblem, atomic_output, prepare_output_folder
from tests import factories

FORMULA = "=1+1"


# -- atomic_output ----------------------------------------------------------------------------


def test_a_finished_block_replaces_the_target(tmp_path: Path) -> None:
    target = tmp_path / "report.csv"
    target.write_text("old", encoding="utf-8")
    with atomic_output(target, (".csv",)) as partial:
        assert partial.parent == tmp_path and partial.suffix == ".csv"
        partial.write_text("new", encoding="utf-8")
        assert target.read_text(encoding="utf-8") == "old"
    assert target.read_text(encoding="utf-8") == "new"
    assert list(tmp_path.iterdir()) == [target]


def test_a_failed_block_leaves_the_old_file_and_no_partial(tmp_path: Path) -> None:
    target = tmp_path / "report.csv"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_output(target) as partial:
        partial.write_text("half", encoding="utf-8")
        raise RuntimeError("renderer failed")
    assert target.read_text(encoding="utf-8") == "old"
    assert list(tmp_path.iterdir()) == [target]


def test_a_rename_that_fails_is_an_output_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(_source: object, _target: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("console.services.output_file.os.replace", refuse)
    target = tmp_path / "report.csv"
    denied = "cannot write the file \\(Permission denied\\)"
    with pytest.raises(OutputProblem, match=denied), atomic_output(target) as partial:
        partial.write_text("data", encoding="utf-8")
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_folder_is_refused_before_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_access = os.access

    def access(path: object, mode: int, **kwargs: object) -> bool:
        if Path(str(path)) == tmp_path and mode & os.W_OK:
            return False
        return real_access(path, mode)  # type: ignore[arg-type]

    monkeypatch.setattr("console.services.output_file.os.access", access)
    unwritable = f"the folder {tmp_path} is not writable"
    with pytest.raises(OutputProblem, match=unwritable), atomic_output(tmp_path / "report.csv"):
        pytest.fail("the block must not run")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("relative", "reason"),
    [
        ("", "is a folder; name a file inside it"),
        ("missing/report.csv", "the folder {root}/missing does not exist"),
        ("notes.txt/report.csv", "{root}/notes.txt is a file, not a folder"),
        ("notes.txt/deeper/report.csv", "{root}/notes.txt is a file, not a folder"),
        ("report.doc", "the file name should end in .csv or .xlsx"),
    ],
)
def test_unusable_targets(tmp_path: Path, relative: str, reason: str) -> None:
    (tmp_path / "notes.txt").write_text("keep", encoding="utf-8")
    target = tmp_path / relative if relative else tmp_path
    with pytest.raises(OutputProblem) as refused, atomic_output(target, (".csv", ".xlsx")):
        pytest.fail("the block must not run")
    assert reason.format(root=tmp_path) in str(refused.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_an_output_folder_is_made_only_where_its_parent_exists(tmp_path: Path) -> None:
    assert prepare_output_folder(tmp_path / "day").is_dir()
    with pytest.raises(OutputProblem, match="does not exist"):
        prepare_output_folder(tmp_path / "no" / "day")
    (tmp_path / "file.pdf").write_bytes(b"%PDF")
    with pytest.raises(OutputProblem, match="is a file; name a folder"):
        prepare_output_folder(tmp_path / "file.pdf")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["day", "file.pdf"]


# -- the commands -----------------------------------------------------------------------------


@pytest.fixture
def office(sqlite_engine: Engine) -> str:
    with session_factory(sqlite_engine).begin() as session:
        factories.customer(session, account_number="300001", name=FORMULA)
        factories.staff(session, "@SUM(A1)", phone="555-0101")
        factories.staff(session, "-Sal", role=StaffRole.SALESPERSON)
    url = str(sqlite_engine.url)
    pain = "+cmd|' /C calc'!A0"
    add = ["referral", "add", "300001", "--technician", "@SUM(A1)", "--pain-point", pain]
    code = main([*add, "--database", url])
    assert code == 0
    return url


def refused(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 1
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("dispatch-console: ")
    assert "Traceback" not in captured.err + captured.out
    return lines[0]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep", encoding="utf-8")
    (folder / "previous.csv").write_text("previous", encoding="utf-8")
    return folder


def untouched(folder: Path) -> None:
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt", "previous.csv"]
    assert (folder / "previous.csv").read_text(encoding="utf-8") == "previous"


@pytest.mark.parametrize(
    ("command", "target", "reason"),
    [
        (("backup",), "", "is a folder; name a file inside it"),
        (("backup",), "missing/copy.sqlite", "does not exist"),
        (("backup",), "notes.txt/copy.sqlite", "notes.txt is a file, not a folder"),
        (("report", "referrals"), "", "is a folder; name a file inside it"),
        (("report", "referrals"), "r.doc", "the file name should end in .csv or .xlsx or .pdf"),
        (("report", "referrals"), "missing/r.csv", "does not exist"),
        (("report", "referrals"), "notes.txt/r.csv", "notes.txt is a file, not a folder"),
        (("briefing", "300001"), "missing/b.pdf", "does not exist"),
        (("briefing", "300001"), "notes.txt/b.pdf", "notes.txt is a file, not a folder"),
        (("briefing", "--date", "2030-01-02"), "notes.txt", "is a file"),
        (("briefing", "--date", "2030-01-02"), "notes.txt/day", "is a file, not a folder"),
        (("briefing", "--date", "2030-01-02"), "missing/day", "does not exist"),
    ],
)
def test_unusable_output_paths_are_refused_in_one_line(
    office: str,
    folder: Path,
    capsys: pytest.CaptureFixture[str],
    command: tuple[str, ...],
    target: str,
    reason: str,
) -> None:
    output = folder / target if target else folder
    message = refused(capsys, *command, "-o", str(output), "--database", office)
    assert reason in message
    untouched(folder)


def test_a_report_replaces_the_previous_file_whole(
    office: str, folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = folder / "previous.csv"
    assert main(["report", "referrals", "-o", str(target), "--database", office]) == 0
    assert target.read_text(encoding="utf-8-sig").startswith("technician,")
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt", "previous.csv"]


# -- formulas ---------------------------------------------------------------------------------


def formula_cells(path: Path) -> list[str]:
    book = openpyxl.load_workbook(path)
    return [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def test_report_xlsx_holds_no_formula(office: str, tmp_path: Path) -> None:
    target = tmp_path / "report.xlsx"
    assert main(["report", "referrals", "-o", str(target), "--database", office]) == 0
    assert formula_cells(target) == []
    sheet = openpyxl.load_workbook(target)["Technicians"]
    assert [cell.value for cell in sheet["A"]][:2] == ["technician", "'@SUM(A1)"]


def test_report_csv_protects_names(office: str, tmp_path: Path) -> None:
    target = tmp_path / "report.csv"
    assert main(["report", "referrals", "-o", str(target), "--database", office]) == 0
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert rows[1][0] == "'@SUM(A1)"


def test_referral_list_csv_protects_every_cell(
    office: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["referral", "list", "--format", "csv", "--database", office]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["customer"] == "'=1+1"
    assert row["technician"] == "'@SUM(A1)"
    assert row["pain_point"] == "'+cmd|' /C calc'!A0"


def test_the_windows_table_export_holds_no_formula(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QStandardItem, QStandardItemModel

    from console.views.common.tables.table_export import export_table

    model = QStandardItemModel(0, 2)
    model.setHorizontalHeaderLabels(["=HEADER()", "Pain point"])
    for cells in (["=1+1", "-2"], ["\tTab", "plain"]):
        model.appendRow([QStandardItem(cell) for cell in cells])
    target = tmp_path / "table.xlsx"
    assert export_table(model, target) == 2
    assert formula_cells(target) == []
    sheet = openpyxl.load_workbook(target).active
    assert sheet is not None
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["'=HEADER()", "Pain point"],
        ["'=1+1", "'-2"],
        ["'\tTab", "plain"],
    ]
    assert list(tmp_path.iterdir()) == [target]
    with pytest.raises(OutputProblem, match="is a folder"):
        export_table(model, tmp_path)
