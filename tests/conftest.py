"""Shared fixtures: a fresh database per test on SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from console.database import make_engine, session_factory
from console.migrate import upgrade_database
from console.services.demo import seed_demo


def _offscreen_desk_screen() -> None:
    """Tests run offscreen on a desk-sized screen (the plugin's default is 800x600)."""
    if os.environ.get("QT_QPA_PLATFORM", "offscreen") != "offscreen":
        return
    config = Path(tempfile.gettempdir()) / "dispatch-console-test-screen.json"
    screen = {
        "name": "desk",
        "x": 0,
        "y": 0,
        "width": 1920,
        "height": 1200,
        "logicalDpiX": 96,
        "logicalDpiY": 96,
    }
    config.write_text(json.dumps({"screens": [screen]}), encoding="utf-8")
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"


_offscreen_desk_screen()


POSTGRES_ENV = "CONSOLE_TEST_DATABASE_URL"
DEMO_TODAY = dt.date(2026, 3, 16)


@pytest.fixture(autouse=True)
def _isolated_data_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONSOLE_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    monkeypatch.delenv("CONSOLE_DATABASE_URL", raising=False)


def _postgres_url() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(
            f"PostgreSQL tests need {POSTGRES_ENV} (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)"
        )
    return url


def postgres_schema_url() -> Iterator[str]:
    """A database URL whose connections live in a schema of their own, dropped afterwards."""
    base = _postgres_url()
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options=-csearch_path%3D{schema},public"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'console.sqlite'}"
    else:
        yield from postgres_schema_url()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    upgrade_database(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return session_factory(engine)


@pytest.fixture
def demo_engine(engine: Engine) -> Engine:
    seed_demo(engine, customers=40, seed=7, today=DEMO_TODAY)
    return engine


@pytest.fixture
def sqlite_engine(tmp_path) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path / 'console.sqlite'}")
    upgrade_database(engine)
    yield engine
    engine.dispose()
