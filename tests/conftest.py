"""Shared fixtures: a fresh database per test on SQLite and PostgreSQL, and the desk watch.

The desk watch fails any test during which the console logs an error or a warning, or shows a
message box, that the test did not declare: bugs that only show as a log line or an error box
cannot hide. A test that expects one says so:

    @pytest.mark.expect_log("console.views.connection_banner", logging.WARNING)
    @pytest.mark.expect_message_box

Exceptions that reach `sys.excepthook` (Qt slots, virtual methods) fail the test through
pytest-qt; those that reach `sys.unraisablehook` or `threading.excepthook` fail it through the
warning filters in pyproject.toml. A modal left open fails its test after the timeout there.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import tempfile
import uuid
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from console.database import make_engine, session_factory
from console.migrate import upgrade_database
from console.services.demo import seed_demo
from console.services.office.clock import configure_office_zone
from console.views.common.workers import off_thread
from console.views.common.workers.gui_thread_gc import collect_due_garbage
from tests.private_postgres import private_server


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


# -- the desk watch ---------------------------------------------------------------------------

WATCHED = "console"  # the console's logger tree; the root logger is watched as well


@dataclass
class DeskWatch:
    """What the console logged or showed during one test that the test did not declare."""

    expected_logs: list[tuple[str, int, str]] = field(default_factory=list)
    boxes_expected: bool = False
    problems: list[str] = field(default_factory=list)
    boxes: list[str] = field(default_factory=list)

    def expect_log(self, logger: str, level: int = logging.WARNING, match: str = "") -> None:
        """Records from `logger` (or below it) up to `level`, containing `match`, are expected."""
        self.expected_logs.append((logger, level, match))

    def expect_message_boxes(self) -> None:
        """Message boxes are part of what this test drives; they are shown and recorded."""
        self.boxes_expected = True

    def _expected(self, record: logging.LogRecord) -> bool:
        return any(
            (record.name == logger or record.name.startswith(f"{logger}."))
            and record.levelno <= level
            and match in record.getMessage()
            for logger, level, match in self.expected_logs
        )

    def saw_record(self, record: logging.LogRecord) -> None:
        watched = record.name == "root" or record.name.split(".", 1)[0] == WATCHED
        if watched and record.levelno >= logging.WARNING and not self._expected(record):
            trace = " (with a traceback)" if record.exc_info else ""
            self.problems.append(
                f"{record.levelname} logged on {record.name}{trace}: {record.getMessage()}"
            )

    def saw_box(self, description: str) -> bool:
        """Note a message box about to show; False when it was not declared (not shown)."""
        self.boxes.append(description)
        if not self.boxes_expected:
            self.problems.append(f"unexpected message box: {description}")
        return self.boxes_expected

    def take_problems(self) -> list[str]:
        taken, self.problems = self.problems, []
        return taken


_watching: DeskWatch | None = None


class _WatchHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        if _watching is not None:
            _watching.saw_record(record)


def _box_text(title: object, text: object) -> str:
    return f"{title!s}: {text!s}".replace("\n", " ")


def _guarded_static(kind: str, original: Callable[..., Any]) -> Callable[..., Any]:
    def shown(parent: Any, title: str, text: str, *args: Any, **kwargs: Any) -> Any:
        watch = _watching
        if watch is None or watch.saw_box(f"{kind} {_box_text(title, text)}"):
            return original(parent, title, text, *args, **kwargs)
        return QMessageBox.StandardButton.NoButton  # as if closed without an answer

    return shown


def _guarded_exec(original: Callable[[QMessageBox], int]) -> Callable[[QMessageBox], int]:
    def shown(box: QMessageBox) -> int:
        watch = _watching
        described = _box_text(box.windowTitle(), f"{box.text()} {box.informativeText()}".strip())
        if watch is None or watch.saw_box(f"box {described}"):
            return original(box)
        return 0

    return shown


@pytest.fixture(scope="session", autouse=True)
def _watch_the_desk() -> Iterator[None]:
    handler = _WatchHandler(logging.WARNING)
    root = logging.getLogger()
    root.addHandler(handler)
    patch = pytest.MonkeyPatch()
    for kind in ("warning", "critical", "information", "question"):
        patch.setattr(QMessageBox, kind, _guarded_static(kind, getattr(QMessageBox, kind)))
    patch.setattr(QMessageBox, "exec", _guarded_exec(QMessageBox.exec))
    yield
    patch.undo()
    root.removeHandler(handler)


def _watch_for(item: pytest.Item) -> DeskWatch:
    watch = DeskWatch()
    for marker in item.iter_markers("expect_log"):
        watch.expect_log(*marker.args, **marker.kwargs)
    if item.get_closest_marker("expect_message_box") is not None:
        watch.expect_message_boxes()
    return watch


WATCH_KEY = pytest.StashKey[DeskWatch]()


def _fail_on_problems(item: pytest.Item, phase: str) -> None:
    watch = item.stash.get(WATCH_KEY, None)
    problems = watch.take_problems() if watch is not None else []
    if problems:
        pytest.fail(f"during {phase}:\n" + "\n".join(problems), pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    global _watching
    item.stash[WATCH_KEY] = _watching = _watch_for(item)
    result = yield
    _fail_on_problems(item, "setup")
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    result = yield
    _fail_on_problems(item, "the test")
    return result


# How long a test's leftover pool jobs may take to end before the next test starts: a read
# ends in milliseconds; one held by a silent network is not waited out.
POOL_DRAIN_MS = 1_500


def _let_the_pool_finish() -> None:
    """Jobs a test left running end before the next test starts.

    A read finishing late would otherwise load the previous test's office settings, whose time
    zone and currency then apply to the next test's process (as on a desk they should).
    """
    pool = off_thread.pool_if_started()
    if pool is not None and not pool.waitForDone(POOL_DRAIN_MS):
        logging.getLogger(__name__).info("pool jobs still running after %d ms", POOL_DRAIN_MS)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, None, None]:
    global _watching
    try:
        result = yield
    finally:
        _watching = None
        _let_the_pool_finish()
        # Once a window's threads exist, cycles are collected on the GUI thread only: between
        # tests too, so tests that run no event loop do not pile garbage up.
        collect_due_garbage()
    _fail_on_problems(item, "teardown")
    return result


@pytest.fixture
def desk_watch(request: pytest.FixtureRequest) -> DeskWatch:
    """This test's watch: declare an expected log line or box at run time, or inspect it."""
    return request.node.stash[WATCH_KEY]


POSTGRES_ENV = "CONSOLE_TEST_DATABASE_URL"
DEMO_TODAY = dt.date(2026, 3, 16)


@pytest.fixture(autouse=True)
def _isolated_data_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONSOLE_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    monkeypatch.delenv("CONSOLE_DATABASE_URL", raising=False)


@pytest.fixture(autouse=True)
def _settings_kept_aside(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Any `QSettings()` made without a file lands in a folder of the test's own, never in the
    real user's settings."""
    folder = str(tmp_path_factory.mktemp("qsettings"))
    for settings_format in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
            QSettings.setPath(settings_format, scope, folder)


@pytest.fixture(autouse=True)
def _machine_office_zone() -> Iterator[None]:
    """Every test starts and ends with no office zone configured (loading settings sets one)."""
    configure_office_zone(None)
    yield
    configure_office_zone(None)


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """`CONSOLE_TEST_DATABASE_URL` when set; else a private server started once for the run
    (skipped, with the reason, only where PostgreSQL is not installed)."""
    configured = os.environ.get(POSTGRES_ENV)
    if configured:
        yield configured
        return
    with private_server() as server:
        yield server.url


def postgres_schema_url(base: str) -> Iterator[str]:
    """A database URL whose connections live in a schema of their own, dropped afterwards."""
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        # The trigram operators live in public, so no test schema can take them away.
        connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options=-csearch_path%3D{schema},public"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'console.sqlite'}"
    else:
        yield from postgres_schema_url(request.getfixturevalue("postgres_server_url"))


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
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'console.sqlite'}")
    upgrade_database(engine)
    yield engine
    engine.dispose()
