"""Bad input of every kind: exit status 1, one line on stderr, no traceback, no password, and
the database exactly as it was."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert

from console.cli import main
from console.database import make_engine, session_factory
from console.logs import log_path
from console.migrate import upgrade_database
from console.models import Customer, StaffRole
from tests import factories

SECRETS = ("hunter2", "p@ss", "ss@", "s3cr3t")
LONG = "x" * 10_000

# Each case is a command line; "{db}" is the office's database URL, "{dir}" a scratch folder.
# Without a --database of its own, a case runs against the office.
CASES: dict[str, tuple[str, ...]] = {
    # database URLs
    "not a URL": ("init-db", "--database", "foo"),
    "unknown dialect": ("init-db", "--database", "mysql://root:hunter2@db/office"),
    "oracle": ("referral", "list", "--database", "oracle://"),
    "port not a number": ("init-db", "--database", "postgresql+psycopg://u:hunter2@db:abc/x"),
    "no database name": ("init-db", "--database", "postgresql+psycopg://u:hunter2@127.0.0.1"),
    "unencoded @ in password": ("init-db", "--database", "postgresql://bob:p@ss@127.0.0.1/db"),
    "password in the query": (
        "init-db",
        "--database",
        "postgresql+psycopg://bob@127.0.0.1:1/db?password=s3cr3t",
    ),
    "server not answering": (
        "referral",
        "list",
        "--database",
        "postgresql+psycopg://dana:hunter2@127.0.0.1:1/console",
    ),
    "empty URL": ("init-db", "--database", ""),
    "text file as database": ("init-db", "--database", "sqlite:///{dir}/notes.txt"),
    "folder as database": ("init-db", "--database", "sqlite:///{dir}"),
    "folder under a file": ("init-db", "--database", "sqlite:///{dir}/notes.txt/x.sqlite"),
    "password in a mistyped option": ("--databse", "postgresql://bob:hunter2@db/x", "init-db"),
    # the command line itself
    "unknown command": ("bogus",),
    "missing subcommand": ("referral",),
    "unknown option": ("referral", "list", "--colour"),
    "bad choice": ("referral", "list", "--format", "json"),
    "id not a number": ("referral", "move", "abc", "contacted"),
    "id too large": ("referral", "move", "99999999999999999999", "contacted"),
    "id negative": ("referral", "tell-tech", "-3"),
    "year 1": ("referral", "move", "1", "appointment_set", "--at", "0001-01-01T00:00"),
    "year 9999 west of UTC": (
        "referral",
        "move",
        "1",
        "appointment_set",
        "--at",
        "9999-12-31T23:59:59-01:00",
    ),
    "not a date-time": ("referral", "move", "1", "appointment_set", "--at", "tomorrow"),
    "follow-up past 2100": ("referral", "move", "1", "not_now", "--follow-up", "2101-01-01"),
    "follow-up before 1900": ("referral", "move", "1", "not_now", "--follow-up", "1899-12-31"),
    "report since year 1": ("report", "referrals", "--since", "0001-01-01", "-o", "{dir}/r.csv"),
    "since after until": (
        "report",
        "referrals",
        "--since",
        "2026-02-01",
        "--until",
        "2026-01-01",
        "-o",
        "{dir}/r.csv",
    ),
    "briefing day out of range": ("briefing", "--date", "9999-01-01", "-o", "{dir}/day"),
    "no demo customers": ("seed-demo", "--customers", "0"),
    "too many demo customers": ("seed-demo", "--customers", "1e9"),
    "category too long": ("note", "add", "400001", "Old boiler", "--category", LONG),
    # refusals of the services
    "value not a number": ("referral", "move", "1", "quoted", "--value", "nan"),
    "value infinite": ("referral", "move", "1", "quoted", "--value", "1e309"),
    "value negative": ("referral", "move", "1", "quoted", "--value", "-5"),
    "estimate not a number": (
        "referral",
        "add",
        "400001",
        "--technician",
        "Ana Tech",
        "--pain-point",
        LONG,
        "--estimated-value",
        "nan",
    ),
    "unknown technician": ("referral", "add", "400001", "--technician", "Zed", "--pain-point", "x"),
    "unknown referral": ("referral", "move", "424242", "contacted"),
    "unknown referral told": ("referral", "tell-tech", "424242"),
    "wrong step": ("referral", "move", "1", "assigned"),
    "empty note": ("note", "add", "400001", "  "),
    "unknown customer with escapes": ("note", "add", "\x1b[2J\x1b[31mMiller", "x"),
    "unknown technician filter": ("referral", "list", "--technician", "Nobody"),
    "demo into a full database": ("seed-demo", "--customers", "5"),
    "briefing for nobody": ("briefing", "nobody at all", "-o", "{dir}/b.pdf"),
    "briefing with customer and day": ("briefing", "400001", "--date", "2030-01-01", "-o", "x"),
    "briefing to a folder": ("briefing", "400001", "-o", "{dir}"),
    "report to a text file": ("report", "referrals", "-o", "{dir}/r.txt"),
    "backup over the database": ("backup", "-o", "{dir}/office.sqlite"),
    "a note holding a control code": ("note", "add", "400001", "Gate code 12\x0734"),
    "rejects over the imported file": (
        "import",
        "customers",
        "{dir}/notes.txt",
        "--skip-invalid",
        "--rejects",
        "{dir}/notes.txt",
    ),
}


@pytest.fixture
def office_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'office.sqlite'}")
    upgrade_database(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def office(office_engine: Engine, tmp_path: Path) -> str:
    """An office with one contacted referral (id 1), and a text file beside its database."""
    with session_factory(office_engine).begin() as session:
        factories.customer(session, account_number="400001", name="Miller Bakery")
        factories.staff(session, "Ana Tech")
        factories.staff(session, "Sal Es", role=StaffRole.SALESPERSON)
    url = str(office_engine.url)
    for step in (
        ("add", "400001", "--technician", "Ana Tech", "--pain-point", "Old boiler"),
        ("move", "1", "assigned", "--salesperson", "Sal Es"),
        ("move", "1", "contacted"),
    ):
        assert main(["referral", *step, "--database", url]) == 0
    (tmp_path / "notes.txt").write_text("not a database", encoding="utf-8")
    return url


def dump(database: Path) -> list[str]:
    with closing(sqlite3.connect(database)) as db:
        return list(db.iterdump())


@pytest.mark.parametrize("argv", list(CASES.values()), ids=list(CASES))
def test_hostile_command_line(
    office: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]
) -> None:
    capsys.readouterr()
    database = tmp_path / "office.sqlite"
    before = dump(database)
    files_before = sorted(p.name for p in tmp_path.iterdir())
    argv = tuple(arg.replace("{dir}", str(tmp_path)) for arg in argv)
    if not any(arg.startswith(("--database", "--databse")) for arg in argv):
        argv = (*argv, "--database", office)

    code = main(list(argv))

    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert code == 1
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("dispatch-console: ") and lines[0] != "dispatch-console: "
    everything = captured.out + captured.err
    log = log_path().read_text(encoding="utf-8") if log_path().exists() else ""
    assert "Traceback" not in everything + log
    assert "\x1b" not in everything
    for secret in SECRETS:
        assert secret not in everything and secret not in log
    assert dump(database) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == files_before


def test_help_still_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["referral", "move", "--help"]) == 0
    assert "--follow-up" in capsys.readouterr().out
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("dispatch-console ")


def test_a_refused_command_line_points_at_its_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["referral", "list", "--format", "json"]) == 1
    assert capsys.readouterr().err == (
        "dispatch-console: argument --format: invalid choice: 'json' (choose from 'table', "
        "'csv') (see dispatch-console referral list --help)\n"
    )


def test_names_from_the_database_print_escaped(
    office: str, office_engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    # Written before the desk refused control codes, or by another tool: printed escaped.
    with office_engine.begin() as connection:
        connection.execute(
            insert(Customer),
            [
                {"account_number": "400002", "name": "Park\x1b]0;owned\x07"},
                {"account_number": "400003", "name": "Park\x1b[2J"},
            ],
        )
    capsys.readouterr()
    assert main(["note", "add", "Park", "x", "--database", office]) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err
    assert "Park\\x1b]0;owned\\x07" in err and "Park\\x1b[2J" in err
    assert err.startswith("dispatch-console: customer: 'Park' matches several customers")


def test_an_unexpected_error_is_one_line_and_logged_in_full(
    office: str, capsys: pytest.CaptureFixture[str], monkeypatch, desk_watch
) -> None:  # type: ignore[no-untyped-def]
    from console.commands import referrals

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("lost postgresql://bob:p@ss@db/x")

    desk_watch.expect_log("console", 40)
    monkeypatch.setattr(referrals, "worklist", broken)
    capsys.readouterr()
    assert main(["referral", "list", "--database", office]) == 1
    err = capsys.readouterr().err
    assert (
        err == f"dispatch-console: unexpected error (RuntimeError); details are in {log_path()}\n"
    )
    log = log_path().read_text(encoding="utf-8")
    assert "Traceback" in log and "RuntimeError: lost postgresql://***@db/x" in log
    assert "p@ss" not in log


def test_every_command_parser_answers_in_one_line() -> None:
    import argparse

    from console.cli import build_parser
    from console.commands.common import CommandParser

    def parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
        yield parser
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for child in action.choices.values():
                    yield from parsers(child)

    found = list(parsers(build_parser()))
    assert len(found) > 10
    assert [p.prog for p in found if not isinstance(p, CommandParser)] == []


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("a note holding a control code", "text: holds the control character 0x07; take it out"),
        (
            "rejects over the imported file",
            "--rejects names the file being imported; the rejected rows would be written over it:"
            " choose another file or a folder",
        ),
    ],
)
def test_the_refusal_says_what_to_change(
    office: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    case: str,
    message: str,
) -> None:
    argv = tuple(arg.replace("{dir}", str(tmp_path)) for arg in CASES[case])
    capsys.readouterr()
    assert main([*argv, "--database", office]) == 1
    assert message in capsys.readouterr().err


def test_an_excel_export_of_text_a_workbook_cannot_hold_is_refused_naming_the_cell(
    office: str, office_engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A unit separator imported from a CSV is kept as written, and a CSV export keeps it; an
    Excel workbook cannot hold it, so that export is refused rather than crashing."""
    with session_factory(office_engine).begin() as session:
        factories.customer(session, account_number="400002", name="Hal\x1fPlumbing")
    target = tmp_path / "customers.xlsx"
    capsys.readouterr()
    assert main(["export", "customers", "-o", str(target), "--database", office]) == 1
    err = capsys.readouterr().err
    assert "row 3, column name: holds the control character 0x1f, which an Excel workbook" in err
    assert "export as .csv instead" in err and "Traceback" not in err
    assert not target.exists()
    assert main(["export", "customers", "-o", str(tmp_path / "c.csv"), "--database", office]) == 0
