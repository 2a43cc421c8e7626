"""`--database` is honoured wherever it stands on the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from console.cli import main
from console.database import make_engine, session_factory
from console.models import UpsellNote
from tests import factories


def office(path: Path, account: str) -> str:
    """An SQLite office with one customer, `account`; returns its URL."""
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    try:
        assert main(["init-db", "--database", url]) == 0
        with session_factory(engine).begin() as session:
            factories.customer(session, account_number=account, name=f"Customer {account}")
    finally:
        engine.dispose()
    return url


def notes_in(url: str) -> int:
    engine: Engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(UpsellNote)).scalar_one()
    finally:
        engine.dispose()


@pytest.fixture
def offices(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, str, str]:
    """The default database (in the data folder), a first and a second office file."""
    default = office(Path(f"{tmp_path}/data-default.sqlite"), "D-1")
    first = office(tmp_path / "first.sqlite", "F-1")
    second = office(tmp_path / "second.sqlite", "S-1")
    capsys.readouterr()
    return default, first, second


def test_before_the_subcommand(
    offices: tuple[str, str, str], capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    default, first, _second = offices
    monkeypatch.setenv("CONSOLE_DATABASE_URL", default)
    assert main(["--database", first, "note", "add", "F-1", "Old boiler"]) == 0
    assert (notes_in(first), notes_in(default)) == (1, 0)


def test_between_the_levels_of_a_subcommand(
    offices: tuple[str, str, str], capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    default, first, _second = offices
    monkeypatch.setenv("CONSOLE_DATABASE_URL", default)
    assert main(["note", "--database", first, "add", "F-1", "Old boiler"]) == 0
    assert (notes_in(first), notes_in(default)) == (1, 0)


def test_after_the_subcommand(
    offices: tuple[str, str, str], capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    default, first, _second = offices
    monkeypatch.setenv("CONSOLE_DATABASE_URL", default)
    assert main(["note", "add", "F-1", "Old boiler", "--database", first]) == 0
    assert (notes_in(first), notes_in(default)) == (1, 0)


def test_given_twice_the_one_after_the_subcommand_wins(
    offices: tuple[str, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    _default, first, second = offices
    assert main(["--database", first, "note", "add", "S-1", "x", "--database", second]) == 0
    assert (notes_in(first), notes_in(second)) == (0, 1)
    # the customer lives only in the first office, so the second (which wins) refuses
    assert main(["--database", first, "note", "add", "F-1", "x", "--database", second]) == 1
    assert "no customer matches 'F-1'" in capsys.readouterr().err
    assert (notes_in(first), notes_in(second)) == (0, 1)


def test_the_variable_is_used_when_no_flag_is_given(
    offices: tuple[str, str, str], monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    _default, first, _second = offices
    monkeypatch.setenv("CONSOLE_DATABASE_URL", first)
    assert main(["note", "add", "F-1", "Old boiler"]) == 0
    assert notes_in(first) == 1


def test_an_empty_flag_writes_nowhere(
    offices: tuple[str, str, str], capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    default, _first, _second = offices
    monkeypatch.setenv("CONSOLE_DATABASE_URL", default)
    assert main(["--database", "", "note", "add", "D-1", "Old boiler"]) == 1
    assert capsys.readouterr().err.startswith("dispatch-console: --database is empty")
    assert notes_in(default) == 0


def test_the_window_gets_the_flag_too(monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import console.views.app as app

    opened: list[tuple[str | None, bool]] = []

    def run_window(database: str | None, demo: bool = False) -> int:
        opened.append((database, demo))
        return 0

    monkeypatch.setattr(app, "run_window", run_window)
    url = f"sqlite:///{tmp_path / 'desk.sqlite'}"
    assert main(["--database", url]) == 0
    assert main(["--demo", "--database", url]) == 0
    assert opened == [(url, False), (url, True)]
