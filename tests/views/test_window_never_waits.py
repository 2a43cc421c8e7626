"""The window keeps answering while the database is slow or silent.

A slow database is made by delaying every statement; a 5 ms timer on the GUI thread measures
how long the window went deaf, as a user would feel it. A single statement waited for on the
GUI thread would stall it for longer than the limit, which leaves room for painting.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QElapsedTimer, QSettings, Qt, QTimer
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import Engine, event

from console.services.changes import ChangeWatcher
from console.services.customers.notes import add_note
from console.views import connection_banner as banner_module
from console.views.common.workers.off_thread import thread_pool
from console.views.context import DeskContext
from console.views.main_window import MainWindow
from tests.views.waiting import open_customer

STATEMENT_DELAY_S = 0.3
STALL_LIMIT_MS = 250


class StallMeter:
    """The longest gap between firings of a 5 ms timer on the GUI thread."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.longest = 0
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)

    def __enter__(self) -> StallMeter:
        self.clock.start()
        self.timer.start()
        return self

    def _tick(self) -> None:
        self.longest = max(self.longest, self.clock.restart())

    def __exit__(self, *_exc: object) -> None:
        self.timer.stop()
        self._tick()


@pytest.fixture
def slow(view_engine: Engine) -> Iterator[None]:
    """Every statement takes a network round trip's worth of time, as on a distant server."""

    def delay(*_args: Any) -> None:
        time.sleep(STATEMENT_DELAY_S)

    event.listen(view_engine, "before_cursor_execute", delay)
    yield
    thread_pool().waitForDone(10_000)  # no statement is under way while the delay goes
    event.remove(view_engine, "before_cursor_execute", delay)


def test_opening_a_customer_on_a_slow_database_keeps_the_window_alive(
    qtbot, window: MainWindow, slow: None
) -> None:  # type: ignore[no-untyped-def]
    qtbot.wait(200)
    with StallMeter() as meter:
        window.open_customer(5)
        qtbot.waitUntil(lambda: window.customer.customer_id == 5, timeout=10_000)
    assert not window.customer.busy
    assert window.customer.header.name.text() == window.customer.overview.name
    assert meter.longest < STALL_LIMIT_MS, f"the window went deaf for {meter.longest} ms"


def test_saving_on_a_slow_database_keeps_the_window_alive(
    qtbot, window: MainWindow, context: DeskContext, slow: None
) -> None:  # type: ignore[no-untyped-def]
    open_customer(qtbot, window, 5)
    qtbot.wait(300)  # the new page is painted before measuring
    before = window.customer.note_model.rowCount()
    with StallMeter() as meter:
        saved = context.write(
            window, lambda s: add_note(s, 5, "Asked about a humidifier", author="sam"), "note"
        )
    assert saved is not None
    qtbot.waitUntil(lambda: window.customer.note_model.rowCount() == before + 1, timeout=10_000)
    assert meter.longest < STALL_LIMIT_MS, f"the window went deaf for {meter.longest} ms"


def test_search_answers_off_the_gui_thread_and_keeps_the_keys_in_order(
    qtbot, window: MainWindow, slow: None
) -> None:  # type: ignore[no-untyped-def]
    search = window.search
    opened: list[int] = []
    search.customerActivated.connect(opened.append)
    qtbot.wait(200)
    with StallMeter() as meter:
        qtbot.keyClicks(search.field, "mil")
        qtbot.keyClicks(search.field, "l")
        # Down and Enter before any result is in: both wait for the results of "mill".
        qtbot.keyClick(search.field, Qt.Key.Key_Down)
        qtbot.keyClick(search.field, Qt.Key.Key_Return)
        assert search.field.text() == "mill" and opened == []
        qtbot.waitUntil(lambda: opened != [], timeout=5_000)
    assert search.shown_query == "mill"
    hits = search.model.hits
    assert len(hits) > 1 and opened == [hits[1].id]
    assert search.results.currentIndex().row() == 1
    qtbot.waitUntil(lambda: window.customer.customer_id == hits[1].id, timeout=10_000)
    assert meter.longest < STALL_LIMIT_MS, f"the window went deaf for {meter.longest} ms"


def test_the_newest_search_wins(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    search = window.search
    assert search.model.rowCount() == 0
    search.field.setText("mill")
    search.search_in_background()
    search.field.setText("qqzzxx")
    search.search_in_background()
    qtbot.waitUntil(lambda: search.shown_query == "qqzzxx")
    qtbot.wait(300)  # the answer for "mill" comes too, and is dropped
    assert search.model.rowCount() == 0 and search.field.text() == "qqzzxx"
    assert search.summary.text() == "No customer matches “qqzzxx”."


def test_looks_for_other_desks_never_overlap_and_leave_the_window_free(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    running: list[int] = []
    most = [0]
    original = ChangeWatcher.changed

    def slow_look(self: ChangeWatcher) -> bool:
        running.append(1)
        most[0] = max(most[0], len(running))
        time.sleep(0.4)
        running.pop()
        return original(self)

    monkeypatch.setattr(ChangeWatcher, "changed", slow_look)
    looks = window.changes.looks
    qtbot.wait(200)
    with StallMeter() as meter:
        for _ in range(6):
            window.check_other_desks()
            qtbot.wait(100)
        qtbot.waitUntil(lambda: window.changes.looks >= looks + 2, timeout=5_000)
    assert most[0] == 1
    assert meter.longest < STALL_LIMIT_MS, f"the window went deaf for {meter.longest} ms"


@pytest.mark.expect_log("console.views.connection_banner", logging.WARNING)
def test_a_silent_network_shows_the_banner_without_freezing(
    qtbot, window: MainWindow, context: DeskContext, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    link = threading.Event()
    original, original_probe = ChangeWatcher.changed, banner_module.probe

    def black_hole(self: ChangeWatcher) -> bool:
        link.wait(10)  # a dropped VPN: no answer, no error
        return original(self)

    def unanswered_probe(engine: Engine) -> BaseException | None:
        link.wait(10)
        return original_probe(engine)

    monkeypatch.setattr(ChangeWatcher, "changed", black_hole)
    monkeypatch.setattr(banner_module, "probe", unanswered_probe)
    open_customer(qtbot, window, 5)
    qtbot.wait(300)
    shown = window.customer.overview
    try:
        with StallMeter() as silent:
            qtbot.wait(2_500)  # looks for other desks go unanswered
        qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=8_000)
        qtbot.wait(300)
        with StallMeter() as away:
            window.open_customer(6)  # skipped while the banner shows: nothing changes on screen
            lists = window.worklists.tabs
            lists.setCurrentIndex((lists.currentIndex() + 1) % lists.count())  # no error box
            qtbot.wait(1_500)
        assert not context.online and window.customer.overview is shown
        assert "not answering" in window.banner.message.text()
        for meter in (silent, away):
            assert meter.longest < STALL_LIMIT_MS, f"the window went deaf for {meter.longest} ms"
    finally:
        link.set()
    monkeypatch.setattr(ChangeWatcher, "changed", original)
    monkeypatch.setattr(banner_module, "probe", original_probe)
    qtbot.waitUntil(lambda: not window.banner.isVisible(), timeout=10_000)
    open_customer(qtbot, window, 6)
    assert window.customer.customer_id == 6


def test_export_runs_off_the_gui_thread(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    open_customer(qtbot, window, 3)
    target = tmp_path / "history.csv"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *_args, **_kw: (str(target), "CSV (*.csv)")
    )
    window.customer.history.setFocus()
    window.export_focused_table()
    qtbot.waitUntil(lambda: "Exported" in window.statusBar().currentMessage(), timeout=10_000)
    lines = target.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) - 1 == window.customer.overview.visit_count
    assert lines[0].startswith("Date,Technician,Site,Equipment,Status")
    assert window.statusBar().currentMessage() == f"Exported {len(lines) - 1} rows to {target}"


def test_briefing_folder_is_remembered_in_the_windows_settings(
    qtbot, window: MainWindow, tmp_path: Path, settings_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from console.views.briefing.preview_dialog import BriefingPreviewDialog
    from tests.views.dialogs import when_dialog_opens

    folder = tmp_path / "briefings"
    folder.mkdir()
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        lambda *_args, **_kw: (str(folder / "miller.pdf"), "PDF files (*.pdf)"),
    )
    untouched = QSettings().value("briefing/folder")

    def save(dialog: BriefingPreviewDialog) -> None:
        dialog.ask_save()
        dialog.reject()

    open_customer(qtbot, window, 7)
    when_dialog_opens(BriefingPreviewDialog, save)
    window.print_briefing()
    assert (folder / "miller.pdf").read_bytes().startswith(b"%PDF")
    window.settings.sync()
    stored = QSettings(str(settings_path), QSettings.Format.IniFormat)
    assert stored.value("briefing/folder") == str(folder)
    assert QSettings().value("briefing/folder") == untouched


def test_search_now_shows_the_results_without_the_typing_pause(
    qtbot, window: MainWindow, slow: None
) -> None:  # type: ignore[no-untyped-def]
    window.search.field.setText("mill")
    qtbot.wait(200)
    with StallMeter() as meter, qtbot.waitSignal(window.search.searched, timeout=10_000):
        window.search.run_search()
    assert window.search.shown_query == "mill" and window.search.model.rowCount() > 1
    assert window.search.summary.text().endswith("matches")
    assert meter.longest < STALL_LIMIT_MS, f"the window went deaf for {meter.longest} ms"
