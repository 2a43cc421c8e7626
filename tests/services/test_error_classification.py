"""Only a lost connection counts as "the database is away"; every other error is a fault,
and a save that another desk made stale is the `Conflict` the desk already knows.

The errors here are the real ones each backend raises: a missing table, a syntax error, a
locked file, a file that cannot be opened, a server that was stopped under a live connection.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from console.database import make_engine
from console.models import EventKind, Referral, ReferralEvent, ReferralStatus, StaffRole
from console.services.connection import is_connection_error
from console.services.errors import Conflict
from console.services.referrals.lifecycle import StepDetails, create_referral, move_referral
from console.services.spiffs import mark_spiffs_paid
from tests import factories
from tests.private_postgres import PrivateServer, private_postgres  # noqa: F401 (fixture)


def _raised(engine: Engine, statement: str) -> DBAPIError:
    with pytest.raises(DBAPIError) as caught, engine.connect() as connection:
        connection.execute(text(statement))
    return caught.value


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'desk.sqlite'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE customer (id INTEGER PRIMARY KEY)"))
    yield engine
    engine.dispose()


def test_a_missing_table_on_sqlite_is_a_fault_not_an_outage(sqlite_file: Engine) -> None:
    error = _raised(sqlite_file, "SELECT * FROM no_such_table")
    assert "no such table" in str(error)
    assert not is_connection_error(error)


def test_a_syntax_error_on_sqlite_is_a_fault_not_an_outage(sqlite_file: Engine) -> None:
    error = _raised(sqlite_file, "SELEC 1")
    assert "syntax error" in str(error)
    assert not is_connection_error(error)


def test_a_locked_sqlite_file_is_not_an_outage(tmp_path: Path) -> None:
    path = tmp_path / "busy.sqlite"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE customer (id INTEGER PRIMARY KEY)")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        waiting = sqlite3.connect(path, timeout=0)
        with pytest.raises(sqlite3.OperationalError) as caught:
            waiting.execute("INSERT INTO customer VALUES (1)")
        waiting.close()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert caught.value.sqlite_errorname == "SQLITE_BUSY"
    assert not is_connection_error(caught.value)


def test_an_sqlite_file_that_cannot_be_opened_is_an_outage(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}")  # a folder, not a database file
    error = _raised(engine, "SELECT 1")
    engine.dispose()
    assert "unable to open" in str(error)
    assert is_connection_error(error)


def test_an_sqlite_disk_error_is_an_outage() -> None:
    # A failing disk cannot be summoned on demand; this is the error SQLite raises for one
    # (SQLITE_IOERR_READ), as Python's sqlite3 module builds it.
    failing_read = sqlite3.OperationalError("disk I/O error")
    failing_read.sqlite_errorcode = 266
    failing_read.sqlite_errorname = "SQLITE_IOERR_READ"
    assert is_connection_error(failing_read)


def test_ordinary_errors_and_their_wrappers_are_faults() -> None:
    assert not is_connection_error(ValueError("bad date"))
    assert not is_connection_error(None)
    wrapped = RuntimeError("while saving")
    wrapped.__cause__ = KeyError("missing")
    assert not is_connection_error(wrapped)


@pytest.fixture
def office(private_postgres: PrivateServer) -> Iterator[Engine]:  # noqa: F811
    engine = make_engine(private_postgres.url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE IF NOT EXISTS customer (id integer PRIMARY KEY)"))
    yield engine
    engine.dispose()


def test_postgres_faults_and_a_stopped_server_are_told_apart(
    office: Engine,
    private_postgres: PrivateServer,  # noqa: F811
) -> None:
    missing = _raised(office, "SELECT * FROM no_such_table")
    syntax = _raised(office, "SELEC 1")
    by_zero = _raised(office, "SELECT 1 / 0")
    assert "does not exist" in str(missing) and "syntax error" in str(syntax)
    assert not any(is_connection_error(error) for error in (missing, syntax, by_zero))

    held = office.connect()
    held.execute(text("SELECT 1"))
    raw = psycopg.connect(private_postgres.url.replace("+psycopg", ""), autocommit=True)
    private_postgres.stop()
    try:
        with pytest.raises(DBAPIError) as on_held:
            held.execute(text("SELECT 1"))
        held.close()
        with pytest.raises(psycopg.Error) as on_raw:
            raw.execute("SELECT 1")
        with pytest.raises(psycopg.OperationalError) as on_closed:
            raw.execute("SELECT 1")
        refused = _raised(office, "SELECT 1")
        with pytest.raises(psycopg.OperationalError) as raw_refused:
            psycopg.connect(private_postgres.url.replace("+psycopg", ""))
    finally:
        raw.close()
        private_postgres.start()
    assert on_raw.value.sqlstate == "57P01"  # the server said it was shutting down
    assert "connection is closed" in str(on_closed.value)
    assert "Connection refused" in str(refused)
    for error in (on_held.value, on_raw.value, on_closed.value, refused, raw_refused.value):
        assert is_connection_error(error), error
    with office.connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar() == 1


def test_a_connection_the_server_ended_is_an_outage(office: Engine) -> None:
    victim = office.connect()
    pid = victim.execute(text("SELECT pg_backend_pid()")).scalar()
    with office.connect() as admin:
        admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    with pytest.raises(DBAPIError) as caught:
        victim.execute(text("SELECT 1"))
    victim.close()
    assert caught.value.connection_invalidated
    assert is_connection_error(caught.value)


def test_two_desks_paying_the_same_spiff_meet_a_conflict_not_a_crash(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        customer = factories.customer(session, name="Ada Park")
        factories.staff(session, "Ana Tech")
        factories.staff(session, "Sal Es", role=StaffRole.SALESPERSON)
        referral = create_referral(
            session,
            customer_id=customer.id,
            technician="Ana Tech",
            pain_point="Boiler leaking",
            actor="sam",
            salesperson="Sal Es",
        )
        move_referral(session, referral, ReferralStatus.CONTACTED, "sam")
        move_referral(session, referral, ReferralStatus.WON, "sam", StepDetails(value="9000"))
        referral_id = referral.id
    late = sessions()
    try:
        late.begin()
        seen = late.get(Referral, referral_id)  # this desk has the referral on screen
        assert seen is not None and seen.spiff_paid_at is None
        with sessions.begin() as first:
            mark_spiffs_paid(first, [referral_id], "kim")
        with pytest.raises(Conflict) as refused:
            mark_spiffs_paid(late, [referral_id], "sam")
        late.rollback()
    finally:
        late.close()
    assert str(refused.value) == (
        f"the spiff of referral {referral_id} was changed on another desk while you were"
        " working; nothing was saved"
    )
    with sessions() as session:
        payments = session.scalars(
            select(ReferralEvent.actor).where(
                ReferralEvent.referral_id == referral_id,
                ReferralEvent.kind == EventKind.SPIFF_PAID,
            )
        ).all()
    assert payments == ["kim"]
