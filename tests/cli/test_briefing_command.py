"""`dispatch-console briefing`: one customer to a file, a day to a folder, and clear refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import Engine

from console.cli import main
from console.database import session_factory
from tests import factories


@pytest.fixture
def url(sqlite_engine: Engine) -> str:
    with session_factory(sqlite_engine).begin() as session:
        factories.customer(session, account_number="200001", name="Жанна Петрова")
        factories.customer(session, account_number="200002", name="Twin")
        factories.customer(session, account_number="200003", name="Twin")
    return str(sqlite_engine.url)


def test_briefing_for_one_customer(url: str, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "sheets" / "petrova.pdf"
    out.parent.mkdir()
    assert (
        main(["briefing", "Жанна Петрова", "-o", str(out), "--page-size", "a4", "--database", url])
        == 0
    )
    assert capsys.readouterr().out.strip() == str(out)
    text = PdfReader(out).pages[0].extract_text()
    assert "Жанна Петрова" in text
    assert sorted(out.parent.iterdir()) == [out]


def test_ambiguous_name_lists_customers_and_fails(url: str, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["briefing", "Twin", "-o", str(tmp_path / "t.pdf"), "--database", url]) == 1
    err = capsys.readouterr().err
    assert "matches several customers" in err and "200002" in err and "200003" in err
    assert not (tmp_path / "t.pdf").exists()


def test_day_without_appointments_writes_nothing(url: str, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert (
        main(["briefing", "--date", "2030-01-02", "-o", str(tmp_path / "day"), "--database", url])
        == 0
    )
    assert "0 sales appointment(s) on 2030-01-02" in capsys.readouterr().err
    assert list((tmp_path / "day").iterdir()) == []


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["briefing", "-o", "x.pdf"], "name a CUSTOMER, or give --date"),
        (["briefing", "200001", "-o", "x.txt"], "should end in .pdf"),
        (["briefing", "nobody at all", "-o", "x.pdf"], "no customer matches"),
    ],
)
def test_refusals(url: str, tmp_path: Path, capsys, argv: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    argv = [str(tmp_path / a) if a.endswith((".pdf", ".txt")) else a for a in argv]
    assert main([*argv, "--database", url]) == 1
    assert message in capsys.readouterr().err
