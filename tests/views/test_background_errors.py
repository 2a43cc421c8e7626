"""Errors met off the GUI thread are never swallowed: logged in full, and shown by their owner.

A database that cannot be reached goes to the banner; anything else is logged with its
traceback and shown once.
"""

from __future__ import annotations

import logging
from pathlib import Path

import psycopg
import pytest
from PySide6.QtCore import QDate, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy.exc import OperationalError

from console.models import Referral, ReferralStatus
from console.services.briefing import PageSize
from console.services.changes import ChangeWatcher
from console.services.referrals.detail import referral_detail
from console.views.briefing import batch_dialog
from console.views.briefing.batch_dialog import BatchBriefingDialog
from console.views.context import DeskContext
from console.views.main_window import MainWindow
from console.views.referrals.step_dialog import StepDialog
from console.views.search import search_panel
from tests.views.referral_steps import new_referral


@pytest.mark.expect_log(
    "console.views.common.workers.task", logging.ERROR, match="background work failed"
)
def test_a_failed_batch_is_logged_in_full_and_shown(
    qtbot, context: DeskContext, tmp_path: Path, caplog, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    def spool_full(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the print spool is full")

    monkeypatch.setattr(batch_dialog, "write_day_briefings", spool_full)
    dialog = BatchBriefingDialog(context, PageSize.LETTER)
    qtbot.addWidget(dialog)
    dialog.day.setDate(QDate(2026, 3, 17))
    dialog.folder.setText(str(tmp_path / "out"))
    errors: list[BaseException] = []
    with qtbot.waitSignal(dialog.worker_finished, timeout=30_000):
        dialog.start_batch()
        assert dialog.task is not None
        dialog.task.error.connect(errors.append)
    assert dialog.summary.text() == "Stopped: the print spool is full"
    assert len(errors) == 1 and isinstance(errors[0], RuntimeError)
    logged = [r for r in caplog.records if r.name == "console.views.common.workers.task"]
    assert len(logged) == 1 and logged[0].levelno == logging.ERROR
    assert logged[0].exc_info is not None and logged[0].exc_info[1] is errors[0]


def close_message_boxes() -> None:
    """The user reads the message and presses OK."""
    box = QApplication.activeModalWidget()
    if isinstance(box, QMessageBox):
        box.accept()


@pytest.mark.expect_message_box
@pytest.mark.expect_log("console.views.common.workers.background", logging.ERROR)
def test_a_broken_look_for_other_desks_is_logged_each_time_and_shown_once(
    qtbot, window: MainWindow, desk_watch, caplog, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    def broken(_self: ChangeWatcher) -> bool:
        raise RuntimeError("data_version is not a number")

    monkeypatch.setattr(ChangeWatcher, "changed", broken)
    closer = QTimer(window)
    closer.setInterval(50)
    closer.timeout.connect(close_message_boxes)
    closer.start()
    for _ in range(3):
        looks = window.changes.looks
        window.check_other_desks()
        qtbot.waitUntil(lambda looks=looks: window.changes.looks > looks)
    logged = [r for r in caplog.records if r.name == "console.views.common.workers.background"]
    assert len(logged) >= 3 and all(r.exc_info is not None for r in logged)
    boxes = [box for box in desk_watch.boxes if "data_version is not a number" in box]
    assert len(boxes) == 1, desk_watch.boxes
    assert window.context.online, "not a connection problem: no banner"
    assert not window.banner.isVisible()


@pytest.mark.expect_log("console.views.connection_banner", logging.WARNING)
def test_a_search_that_cannot_reach_the_database_shows_the_banner(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    def unreachable(*_args: object, **_kwargs: object) -> list[object]:
        lost = psycopg.OperationalError("server closed the connection unexpectedly")
        raise OperationalError("SELECT", {}, lost)

    monkeypatch.setattr(search_panel, "search_customers", unreachable)
    qtbot.keyClicks(window.search.field, "mill")
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=5_000)
    assert not window.context.online
    assert window.search.field.text() == "mill"
    assert window.search.model.rowCount() == 0


def test_a_refused_step_names_the_field_and_saves_nothing(qtbot, context: DeskContext) -> None:  # type: ignore[no-untyped-def]
    referral_id = new_referral(context, 6, "Old boiler")
    with context.read() as session:
        detail = referral_detail(session, referral_id)
    dialog = StepDialog(context, detail, ReferralStatus.ASSIGNED)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.property("ready") is True)  # its salespeople are read
    changes: list[str] = []
    context.hub.changed.connect(changes.append)
    dialog.salesperson.setCurrentIndex(-1)
    dialog.buttons_ok()
    assert dialog.isVisible()
    assert dialog.error.text().startswith("salesperson:")
    assert changes == []
    with context.read() as session:
        stored = session.get(Referral, referral_id)
        assert stored.status is ReferralStatus.NEW and stored.salesperson_id is None
