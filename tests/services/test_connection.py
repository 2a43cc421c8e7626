"""Which errors mean "the database is away", and how long to wait before asking again."""

from __future__ import annotations

import sqlite3

from sqlalchemy.exc import IntegrityError, OperationalError

from console.database import make_engine
from console.services.connection import Backoff, is_connection_error, probe, short_reason


def test_backoff_doubles_up_to_its_ceiling_and_starts_over_when_reset() -> None:
    backoff = Backoff(first=1, ceiling=10)
    assert [backoff.next_delay() for _ in range(6)] == [1, 2, 4, 8, 10, 10]
    backoff.reset()
    assert backoff.next_delay() == 1


def test_unreachable_server_is_a_connection_error_and_a_refused_row_is_not() -> None:
    cannot_open = sqlite3.OperationalError("unable to open database file")
    cannot_open.sqlite_errorcode = 14  # SQLITE_CANTOPEN, as the sqlite3 module sets it
    unreachable = OperationalError("SELECT 1", {}, cannot_open)
    refused = IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed"))
    assert is_connection_error(unreachable)
    assert not is_connection_error(refused)
    assert not is_connection_error(ValueError("bad date"))
    wrapped = RuntimeError("while saving")
    wrapped.__cause__ = unreachable
    assert is_connection_error(wrapped)


def test_probe_reports_a_closed_port_without_raising() -> None:
    engine = make_engine("postgresql+psycopg://nobody:s3cret-pass@127.0.0.1:1/none")
    error = probe(engine)
    assert error is not None and is_connection_error(error)
    assert "s3cret-pass" not in short_reason(error)
    engine.dispose()
