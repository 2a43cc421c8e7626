"""The desk watch: a test fails when the console logs, shows or raises what it did not expect."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from tests.conftest import DeskWatch
from tests.views.dialogs import when_dialog_opens

REPO = Path(__file__).resolve().parent.parent


def test_a_warning_or_error_from_the_console_or_root_is_a_problem(desk_watch: DeskWatch) -> None:
    logging.getLogger("console.services.demo").warning("stock ran out")
    logging.getLogger().error("root trouble")
    try:
        raise KeyError("customer")
    except KeyError:
        logging.getLogger("console.views").exception("while opening")
    assert desk_watch.take_problems() == [
        "WARNING logged on console.services.demo: stock ran out",
        "ERROR logged on root: root trouble",
        "ERROR logged on console.views (with a traceback): while opening",
    ]


def test_information_and_other_libraries_warnings_are_not(desk_watch: DeskWatch) -> None:
    logging.getLogger("console.services").info("opened")
    logging.getLogger("consoled").warning("a different tree")
    logging.getLogger("sqlalchemy.pool").warning("the pool's own business")
    assert desk_watch.take_problems() == []


@pytest.mark.expect_log("console.views.connection_banner", logging.WARNING)
def test_a_declared_warning_passes_but_an_error_on_the_same_logger_does_not(
    desk_watch: DeskWatch,
) -> None:
    logging.getLogger("console.views.connection_banner").warning("database not answering")
    logging.getLogger("console.views.connection_banner.retry").warning("still not answering")
    assert desk_watch.take_problems() == []
    logging.getLogger("console.views.connection_banner").error("unexpected")
    assert desk_watch.take_problems() == [
        "ERROR logged on console.views.connection_banner: unexpected"
    ]


def test_a_declaration_can_name_the_message(desk_watch: DeskWatch) -> None:
    desk_watch.expect_log("console.cli", logging.ERROR, match="refused")
    logging.getLogger("console.cli").error("password refused")
    logging.getLogger("console.cli").error("no such table: customer")
    assert desk_watch.take_problems() == ["ERROR logged on console.cli: no such table: customer"]


def test_an_undeclared_message_box_is_a_problem_and_never_blocks(  # type: ignore[no-untyped-def]
    qapp, desk_watch: DeskWatch
) -> None:
    started = time.monotonic()
    answer = QMessageBox.question(None, "Dispatch Console", "Delete everything?")
    box = QMessageBox(QMessageBox.Icon.Critical, "Not saved", "no such table: customer")
    box.setInformativeText("Details are in the log.")
    assert box.exec() == 0
    assert answer == QMessageBox.StandardButton.NoButton
    assert time.monotonic() - started < 5
    assert desk_watch.take_problems() == [
        "unexpected message box: question Dispatch Console: Delete everything?",
        "unexpected message box: box Not saved: no such table: customer Details are in the log.",
    ]


@pytest.mark.expect_message_box
def test_a_declared_message_box_is_shown_and_recorded(qtbot, desk_watch: DeskWatch) -> None:  # type: ignore[no-untyped-def]
    when_dialog_opens(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Ok).click())
    answer = QMessageBox.warning(None, "Changed on another desk", "note 3 was changed")
    assert answer == QMessageBox.StandardButton.Ok
    assert desk_watch.boxes == ["warning Changed on another desk: note 3 was changed"]
    assert desk_watch.take_problems() == []


INNER_TESTS = """
import gc
import logging
import threading

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox


def test_logs_an_error():
    logging.getLogger("console.services.referrals.worklists").error("no such table: referral")


@pytest.mark.expect_log("console.views.app", logging.ERROR)
def test_logs_an_expected_error():
    logging.getLogger("console.views.app").error("unexpected error")


def test_shows_an_error_box():
    QMessageBox.critical(None, "Dispatch Console", "Something went wrong")


def test_a_slot_raises(qtbot):
    def slot():
        raise RuntimeError("slot failed")

    QTimer.singleShot(0, slot)
    qtbot.wait(50)


class Leaky:
    def __del__(self):
        raise RuntimeError("finalizer failed")


def test_an_unraisable_exception():
    Leaky()
    gc.collect()


def test_a_thread_dies():
    worker = threading.Thread(target=lambda: 1 / 0)
    worker.start()
    worker.join()


def test_is_quiet():
    logging.getLogger("console.services").info("all well")
"""


def test_the_watch_fails_each_kind_of_trouble_in_a_real_run(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["tests.conftest"]\n')
    (tmp_path / "test_inner.py").write_text(textwrap.dedent(INNER_TESTS))
    environment = {**os.environ, "PYTHONPATH": str(REPO), "QT_QPA_PLATFORM": "offscreen"}
    environment.pop("CONSOLE_TEST_DATABASE_URL", None)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-c",
            str(REPO / "pyproject.toml"),
            "--rootdir",
            str(tmp_path),
            "-p",
            "no:cacheprovider",
            "-q",
            "-rfE",
            str(tmp_path / "test_inner.py"),
        ],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=240,
    )
    report = run.stdout
    outcomes = {
        line.split("::", 1)[1].split(" ", 1)[0]: line.split(" ", 1)[0]
        for line in report.splitlines()
        if line.startswith(("FAILED test_inner.py::", "ERROR test_inner.py::"))
    }
    assert outcomes == {
        "test_logs_an_error": "FAILED",
        "test_shows_an_error_box": "FAILED",
        "test_a_slot_raises": "FAILED",
        "test_an_unraisable_exception": "FAILED",
        "test_a_thread_dies": "FAILED",
    }, report
    assert "2 passed" in report, report
    assert "ERROR logged on console.services.referrals.worklists: no such table: referral" in report
    assert "unexpected message box: critical Dispatch Console: Something went wrong" in report
    assert "slot failed" in report and "finalizer failed" in report
    assert "ZeroDivisionError" in report
