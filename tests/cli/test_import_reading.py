"""`dispatch-console import` on files that cannot be read: one line, exit 1, nothing written."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from console.cli import main
from console.database import session_factory
from console.models import Customer, Referral, ServiceVisit
from tests import factories
from tests.services.transfer import hostile


@pytest.fixture
def office(sqlite_engine: Engine) -> Engine:
    with session_factory(sqlite_engine).begin() as session:
        factories.customer(session, external_id="C-1", name="Existing Customer")
        factories.staff(session, "Ana Tech", external_id="T-1")
    return sqlite_engine


def dump(engine: Engine) -> str:
    """Every row of the database, after a checkpoint."""
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    with sqlite3.connect(engine.url.database or "") as raw:
        return "\n".join(raw.iterdump())


def run(engine: Engine, *args: str) -> int:
    return main(["--database", str(engine.url), "import", *args])


@pytest.mark.parametrize(
    ("build", "message"), hostile.REFUSALS, ids=[build.__name__ for build, _ in hostile.REFUSALS]
)
def test_an_unreadable_file_is_one_line_exit_1_and_nothing_written(
    office: Engine,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    build: Callable[[Path], Path],
    message: str,
) -> None:
    path = build(tmp_path)
    before = dump(office)
    assert run(office, "customers", str(path)) == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [f"dispatch-console: {path}: {message}"]
    assert "Traceback" not in captured.err and captured.out == ""
    assert dump(office) == before


def test_a_missing_file(office: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "missing.csv"
    assert run(office, "customers", str(path)) == 1
    assert capsys.readouterr().err.splitlines() == [f"dispatch-console: {path}: no such file"]


def test_an_unreadable_file(
    office: Engine,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Tests may run as root, whom chmod 000 does not stop: the refusal is simulated.
    path = hostile.trailing_delimiters(tmp_path)
    opened = Path.open

    def guarded(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return opened(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", guarded)
    before = dump(office)
    assert run(office, "customers", str(path)) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"dispatch-console: {path}: cannot be read: permission denied"
    ]
    assert dump(office) == before


def test_trailing_delimiters_import_under_the_right_headers(
    office: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(office, "customers", str(hostile.trailing_delimiters(tmp_path))) == 0
    assert capsys.readouterr().err == "read as CSV, comma-separated, UTF-8\n"
    with session_factory(office)() as session:
        stored = session.execute(
            select(Customer.external_id, Customer.name, Customer.city)
            .where(Customer.external_id.in_(["T-1", "T-2"]))
            .order_by(Customer.external_id)
        ).all()
    assert [tuple(row) for row in stored] == [("T-1", "Ada", "Oslo"), ("T-2", "Bo", "Rome")]


def test_the_sheet_is_chosen_by_name(
    office: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = hostile.customers_workbook(tmp_path)
    assert run(office, "customers", str(path), "--sheet", "Customers") == 0
    captured = capsys.readouterr()
    assert captured.err == 'read as Excel workbook, sheet "Customers"\n'
    assert "imported 1 customers row(s): 1 created" in captured.out
    with session_factory(office)() as session:
        assert (
            session.scalars(select(Customer.name).where(Customer.external_id == "W-1")).one()
            == "Ada"
        )


def test_an_unknown_sheet_lists_the_sheets(
    office: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = hostile.customers_workbook(tmp_path)
    before = dump(office)
    assert run(office, "customers", str(path), "--sheet", "Clients") == 1
    assert capsys.readouterr().err.splitlines() == [
        f'dispatch-console: {path}: the workbook has no sheet "Clients"; '
        'its sheets: "Customers", "Notes"'
    ]
    assert dump(office) == before


@pytest.mark.parametrize(
    ("flag", "day"), [("--day-first", dt.date(2024, 2, 5)), ("--month-first", dt.date(2024, 5, 2))]
)
def test_day_order_flags_decide_an_ambiguous_date(
    office: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str], flag: str, day: dt.date
) -> None:
    path = hostile.text_file(
        tmp_path,
        "visits.csv",
        b"external_id,customer_external_id,scheduled_for\nV-1,C-1,05/02/2024\n",
    )
    assert run(office, "visits", str(path), flag) == 0
    capsys.readouterr()
    with session_factory(office)() as session:
        stored = session.scalars(
            select(ServiceVisit.scheduled_for).where(ServiceVisit.external_id == "V-1")
        ).one()
    assert stored is not None and stored.date() in {day, day - dt.timedelta(days=1)}


def test_day_first_and_month_first_exclude_each_other(
    office: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = hostile.trailing_delimiters(tmp_path)
    before = dump(office)
    assert run(office, "visits", str(path), "--day-first", "--month-first") != 0
    assert "--month-first: not allowed with argument --day-first" in capsys.readouterr().err
    assert dump(office) == before


def test_decimal_mark_flag_reads_an_ambiguous_amount(
    office: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    header = b"external_id,customer_external_id,technician,pain_point,estimated_value\n"
    path = hostile.text_file(
        tmp_path, "referrals.csv", header + b'R-1,C-1,T-1,Old boiler,"1,234"\n'
    )
    before = dump(office)
    assert run(office, "referrals", str(path)) == 1
    assert "could be 1234 or 1.234" in capsys.readouterr().err
    assert dump(office) == before
    assert run(office, "referrals", str(path), "--decimal", ".") == 0
    capsys.readouterr()
    with session_factory(office)() as session:
        value = session.scalars(
            select(Referral.estimated_value).where(Referral.external_id == "R-1")
        ).one()
    assert value == 1234


def test_file_text_reaches_the_terminal_escaped(
    office: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = b"external_id,name,\x1b[2Jwipe\nC-9,Ada,x\nC-9,Bo,y\n"
    path = hostile.text_file(tmp_path, "escape.csv", content)
    before = dump(office)
    assert run(office, "customers", str(path)) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err
    assert "ignored columns: \\x1b[2jwipe" in err.splitlines()
    assert dump(office) == before
