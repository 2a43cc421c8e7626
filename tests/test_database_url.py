"""Database URLs: checked in one place, refused in words, never quoted with their password."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from console.database import (
    PG_CONNECT_TIMEOUT_S,
    DatabaseUrlProblem,
    check_database_url,
    make_engine,
    resolve_database_url,
)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("foo", "'foo' is not a database URL"),
        ("mysql://root:hunter2@db/office", "mysql:// is not a database the console works with"),
        ("oracle://", "oracle:// is not a database the console works with"),
        ("postgresql+psycopg2://u@db/office", "postgresql+psycopg2:// is not a database"),
        ("postgresql+psycopg://u@db:abc/office", "the port is not a number"),
        ("postgresql+psycopg://u@db:70000/office", "the port must be between 1 and 65535"),
        ("postgresql+psycopg://u@db", "names no database"),
        ("postgresql+psycopg://u@db/", "names no database"),
        ("postgresql://bob:p@ss@db/office", "write an @ in a password as %40"),
        ("sqlite://", "names no file"),
        ("sqlite:///", "names no file"),
    ],
)
def test_unusable_urls_are_refused_in_one_line(url: str, reason: str) -> None:
    with pytest.raises(DatabaseUrlProblem) as refused:
        make_engine(url)
    message = str(refused.value)
    assert reason in message
    assert "\n" not in message
    assert "hunter2" not in message and "p@ss" not in message and ":ss" not in message


def test_malformed_password_is_masked_up_to_the_last_at() -> None:
    with pytest.raises(DatabaseUrlProblem) as refused:
        check_database_url("postgresql://bob:p@ss@db/office")
    assert "'postgresql://***@db/office'" in str(refused.value)


def test_scheme_is_read_regardless_of_case(tmp_path: Path) -> None:
    url = check_database_url(f"SQLITE:///{tmp_path / 'office.sqlite'}")
    assert (url.drivername, url.database) == ("sqlite", str(tmp_path / "office.sqlite"))
    assert check_database_url("PostgreSQL://u@db/office").drivername == "postgresql"
    assert check_database_url("postgres://u@db/office").drivername == "postgresql"


def test_home_folder_in_an_sqlite_path_is_expanded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    engine = make_engine("sqlite:///~/desk/office.sqlite")
    try:
        assert engine.url.database == str(tmp_path / "desk" / "office.sqlite")
        with engine.connect() as connection:
            assert connection.execute(text("SELECT 1")).scalar_one() == 1
    finally:
        engine.dispose()
    assert (tmp_path / "desk" / "office.sqlite").exists()
    assert not Path("~").exists()


def test_an_empty_flag_is_refused_not_passed_over(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSOLE_DATABASE_URL", "sqlite:///elsewhere.sqlite")
    with pytest.raises(DatabaseUrlProblem, match="--database is empty"):
        resolve_database_url("  ")
    assert resolve_database_url(None) == "sqlite:///elsewhere.sqlite"


def test_postgresql_desk_settings_merge_with_the_urls_own_options() -> None:
    engine = make_engine(
        "postgresql://u@db/office?options=-csearch_path%3Ddesk&application_name=desk"
    )
    _args, params = engine.dialect.create_connect_args(engine.url)
    assert engine.url.drivername == "postgresql+psycopg"
    assert params["options"] == "-csearch_path=desk -c statement_timeout=30000"
    assert params["application_name"] == "desk"


def test_an_explicit_statement_timeout_in_the_url_is_kept() -> None:
    engine = make_engine("postgresql://u@db/office?options=-c%20statement_timeout%3D5000")
    _args, params = engine.dialect.create_connect_args(engine.url)
    assert params["options"] == "-c statement_timeout=5000"


@pytest.fixture
def postgres_engine(engine: Engine) -> Engine:
    if engine.dialect.name != "postgresql":
        pytest.skip("connection settings of PostgreSQL")
    return engine


def test_a_desk_connection_carries_its_timeouts_and_keepalives(postgres_engine: Engine) -> None:
    with postgres_engine.connect() as connection:
        assert connection.execute(text("SHOW statement_timeout")).scalar_one() == "30s"
        # the schema the URL asked for is still the one in use
        schema = connection.execute(text("SELECT current_schema()")).scalar_one()
        assert schema.startswith("test_")
        parameters = connection.connection.dbapi_connection.info.get_parameters()  # type: ignore[union-attr]
    assert parameters["connect_timeout"] == str(PG_CONNECT_TIMEOUT_S)
    assert (parameters["keepalives"], parameters["keepalives_idle"]) == ("1", "10")
    assert (parameters["keepalives_interval"], parameters["keepalives_count"]) == ("5", "3")
    assert parameters["tcp_user_timeout"] == "15000"
