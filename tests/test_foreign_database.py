"""Only an empty database or the console's own is ever written to; anything else is refused
before a byte changes."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from console.cli import main
from console.database import DatabaseProblem, make_engine
from console.migrate import ForeignDatabase, upgrade_database
from console.migrations import HEAD_REVISION


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sqlite_file(path: Path, *statements: str) -> Path:
    with closing(sqlite3.connect(path)) as db:
        for statement in statements:
            db.execute(statement)
        db.commit()
    return path


@pytest.fixture
def photo_library(tmp_path: Path) -> Path:
    """Another application's SQLite file."""
    return sqlite_file(
        tmp_path / "photos.db",
        "CREATE TABLE albums (id INTEGER PRIMARY KEY, title TEXT)",
        "CREATE TABLE photos (id INTEGER PRIMARY KEY, album_id INTEGER, path TEXT)",
        "INSERT INTO albums (title) VALUES ('Summer')",
    )


@pytest.fixture
def clashing_shop(tmp_path: Path) -> Path:
    """Another application's file with a table called like one of the console's."""
    return sqlite_file(
        tmp_path / "shop.db",
        "CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT)",
        "INSERT INTO customers (email) VALUES ('a@example.com')",
    )


def refused_untouched(
    path: Path, capsys: pytest.CaptureFixture[str], *argv: str
) -> tuple[int, str]:
    before = digest(path)
    siblings = sorted(path.parent.iterdir())
    code = main([*argv, "--database", f"sqlite:///{path}"])
    err = capsys.readouterr().err
    assert digest(path) == before
    assert sorted(path.parent.iterdir()) == siblings  # no backup copy, no -wal, nothing
    return code, err


@pytest.mark.parametrize("wal", [False, True], ids=["rollback-journal", "wal"])
@pytest.mark.parametrize("argv", [("init-db",), ("referral", "list"), ("seed-demo",)])
def test_another_applications_file_is_refused_untouched(
    photo_library: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], wal: bool
) -> None:
    if wal:
        sqlite_file(photo_library, "PRAGMA journal_mode=WAL")
    code, err = refused_untouched(photo_library, capsys, *argv)
    assert code == 1
    assert err.splitlines() == [
        f"dispatch-console: {photo_library} is not a Dispatch Console database "
        "(it holds albums, photos); nothing was changed: give a new or empty database"
    ]


def test_a_file_with_a_clashing_table_is_refused_untouched(
    clashing_shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = refused_untouched(clashing_shop, capsys, "init-db")
    assert code == 1
    assert "is not a Dispatch Console database (it holds customers)" in err
    with closing(sqlite3.connect(clashing_shop)) as db:
        tables = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    assert tables == [("customers",)]


def test_a_schema_revision_this_console_does_not_know_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = sqlite_file(
        tmp_path / "other.db",
        "CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)",
        "INSERT INTO alembic_version VALUES ('9f3e2a1b')",
        "CREATE TABLE invoices (id INTEGER PRIMARY KEY)",
    )
    code, err = refused_untouched(other, capsys, "init-db")
    assert code == 1
    assert "has schema revision 9f3e2a1b, which this console does not know" in err


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"just some notes\n", "is not an SQLite database file"),
        (b"SQLite format 3\x00" + b"\x00" * 40, "cannot be read as an SQLite database"),
    ],
)
def test_a_file_that_is_no_database_is_refused_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, reason: str
) -> None:
    path = tmp_path / "office.sqlite"
    path.write_bytes(content)
    code, err = refused_untouched(path, capsys, "init-db")
    assert code == 1
    assert len(err.splitlines()) == 1 and reason in err


def test_a_truncated_console_database_is_refused(
    sqlite_engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    path = Path(str(sqlite_engine.url.database))
    sqlite_engine.dispose()
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 3])
    code = main(["referral", "list", "--database", f"sqlite:///{path}"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("dispatch-console: ") and len(err.splitlines()) == 1
    assert "Traceback" not in err


def test_a_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init-db", "--database", f"sqlite:///{tmp_path}"]) == 1
    assert capsys.readouterr().err == (
        f"dispatch-console: {tmp_path} is a folder, not an SQLite database file\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_an_empty_file_and_the_consoles_own_are_upgraded(tmp_path: Path) -> None:
    empty = tmp_path / "new.sqlite"
    empty.touch()
    engine = make_engine(f"sqlite:///{empty}")
    try:
        assert upgrade_database(engine) is True
        assert upgrade_database(engine) is False
    finally:
        engine.dispose()
    older = make_engine(f"sqlite:///{tmp_path / 'older.sqlite'}")
    try:
        upgrade_database(older, target="0001")
        assert upgrade_database(older) is True
        with older.connect() as connection:
            version = connection.execute(text("SELECT version_num FROM alembic_version"))
            assert version.scalar_one() == HEAD_REVISION
    finally:
        older.dispose()


@pytest.fixture
def postgres_url(database_url: str) -> str:
    if not database_url.startswith("postgresql"):
        pytest.skip("schemas are PostgreSQL's")
    return database_url


@pytest.fixture
def admin(postgres_url: str) -> Iterator[Engine]:
    engine = create_engine(postgres_url)
    yield engine
    engine.dispose()


def schema_tables(admin: Engine) -> list[str]:
    with admin.connect() as connection:
        return list(
            connection.execute(
                text(
                    "SELECT table_name FROM information_schema.tables"
                    " WHERE table_schema = current_schema() ORDER BY 1"
                )
            ).scalars()
        )


def test_a_schema_with_unrelated_tables_is_refused_untouched(
    postgres_url: str, admin: Engine
) -> None:
    with admin.begin() as connection:
        connection.execute(text("CREATE TABLE ledger (id int PRIMARY KEY)"))
        connection.execute(text("CREATE TABLE customers (id int PRIMARY KEY)"))
    engine = make_engine(postgres_url)
    try:
        with pytest.raises(ForeignDatabase, match=r"\(it holds customers, ledger\)"):
            upgrade_database(engine)
    finally:
        engine.dispose()
    assert schema_tables(admin) == ["customers", "ledger"]


def test_a_schema_with_the_consoles_tables_is_used(postgres_url: str, admin: Engine) -> None:
    engine = make_engine(postgres_url)
    try:
        assert upgrade_database(engine) is True
        tables = schema_tables(admin)
        assert upgrade_database(engine) is False
        assert schema_tables(admin) == tables
        assert {"alembic_version", "customers", "referrals"} <= set(tables)
    finally:
        engine.dispose()


def test_refusal_is_a_database_problem_for_the_window_too(photo_library: Path) -> None:
    engine = make_engine(f"sqlite:///{photo_library}")
    try:
        with pytest.raises(DatabaseProblem):
            upgrade_database(engine)
    finally:
        engine.dispose()


def test_a_search_path_without_a_schema_is_refused(postgres_server_url: str) -> None:
    separator = "&" if "?" in postgres_server_url else "?"
    url = f"{postgres_server_url}{separator}options=-csearch_path%3Dno_such_schema_here"
    engine = make_engine(url)
    try:
        with pytest.raises(DatabaseProblem, match="the search path names no schema that exists"):
            upgrade_database(engine)
    finally:
        engine.dispose()
