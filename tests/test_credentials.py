"""The database password lives in PostgreSQL's password file and nowhere else we write."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest

from console.cli import main
from console.credentials import redact, remember_password
from console.database import (
    resolve_database_url,
    save_database_url,
    saved_database_url,
)
from console.logs import configure_logging
from console.services.errors import InputError

SECRET = "s3cret:pa\\ss"


@pytest.fixture
def pgpass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "pgpass"
    monkeypatch.setenv("PGPASSFILE", str(path))
    return path


def test_password_moves_to_an_owner_only_password_file(pgpass: Path) -> None:
    url = remember_password("postgresql+psycopg://dana:first@db.office:5433/console")
    assert url.password is None and url.host == "db.office"
    remember_password("postgresql://other:x@db.office/console")
    remember_password(
        f"postgresql+psycopg://dana:{SECRET.replace(':', '%3A').replace(chr(92), '%5C')}"
        "@db.office:5433/console"
    )
    lines = pgpass.read_text(encoding="utf-8").splitlines()
    assert lines == [
        "db.office:5432:console:other:x",
        "db.office:5433:console:dana:s3cret\\:pa\\\\ss",
    ]
    assert stat.S_IMODE(pgpass.stat().st_mode) == 0o600


def test_saved_database_choice_keeps_no_password_and_is_used_next(pgpass: Path) -> None:
    saved = save_database_url("postgresql://dana:hunter2@db.office/console")
    assert saved is not None and saved.password is None
    assert saved_database_url() == "postgresql://dana@db.office/console"
    assert resolve_database_url() == "postgresql://dana@db.office/console"
    assert "hunter2" in pgpass.read_text(encoding="utf-8")
    assert resolve_database_url("sqlite:///flag.sqlite") == "sqlite:///flag.sqlite"
    save_database_url("")
    assert resolve_database_url().startswith("sqlite:///")


def test_a_url_that_is_not_a_database_is_refused_by_field() -> None:
    with pytest.raises(InputError) as refused:
        save_database_url("mysql://root@localhost/x")
    assert refused.value.field == "database URL"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (
            "could not open postgresql+psycopg://dana:hunter2@db/console",
            "could not open postgresql+psycopg://***@db/console",
        ),
        # an unencoded @ in the password: everything up to the last @ goes
        ("postgresql://bob:p@ss@host/db failed", "postgresql://***@host/db failed"),
        ("postgresql://bob:p%40ss@host/db", "postgresql://***@host/db"),
        ("postgresql://bob:a:b:c@host:5433/db", "postgresql://***@host:5433/db"),
        ("'postgresql://bob:pw/x@host/db'", "'postgresql://***@host/db'"),
        (
            "postgresql://bob@host/db?password=hunter2&sslmode=require",
            "postgresql://bob@host/db?password=***&sslmode=require",
        ),
        ("host=db password=hunter2 user=dana", "host=db password=*** user=dana"),
        ("host=db password='two words' user=dana", "host=db password=*** user=dana"),
        ("PGPASSWORD=hunter2 psql", "PGPASSWORD=*** psql"),
        ("postgresql://dana@db/console", "postgresql://dana@db/console"),
    ],
)
def test_redact_blanks_every_shape_of_password(text: str, shown: str) -> None:
    assert redact(text) == shown


@pytest.mark.expect_log("console.test", logging.ERROR)
def test_log_file_never_holds_the_password() -> None:
    path = configure_logging()
    try:
        raise RuntimeError("connect to postgresql://dana:hunter2@db/console failed")
    except RuntimeError:
        logging.getLogger("console.test").exception("password=hunter2 was refused")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = path.read_text(encoding="utf-8")
    assert "was refused" in text and "RuntimeError" in text
    assert "hunter2" not in text


def test_command_line_error_does_not_show_the_password(capsys) -> None:  # type: ignore[no-untyped-def]
    url = "postgresql+psycopg://dana:hunter2@127.0.0.1:1/console"
    assert main(["init-db", "--database", url]) == 1
    err = capsys.readouterr().err
    assert "127.0.0.1" in err and "hunter2" not in err


@pytest.mark.expect_log("console.test", logging.WARNING)
def test_the_terminal_hears_one_masked_line_and_no_traceback(capsys) -> None:  # type: ignore[no-untyped-def]
    from console.logs import configure_terminal_logging

    configure_terminal_logging()
    configure_terminal_logging()  # set up twice, still one line per record
    logger = logging.getLogger("console.test")
    logger.warning("retrying postgresql://bob:p@ss@db/console\nsecond line")
    try:
        raise RuntimeError("password=hunter2")
    except RuntimeError:
        logger.warning("kept for the log file", exc_info=True)
    assert capsys.readouterr().err == "warning: retrying postgresql://***@db/console\n"
