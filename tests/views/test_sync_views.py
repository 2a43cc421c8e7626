"""The sync log dialog, the sync desk choice in Preferences, and the folder watcher."""

from __future__ import annotations

import csv
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QElapsedTimer, QSettings, QTimer
from PySide6.QtWidgets import QStatusBar
from sqlalchemy import select, update

from console.models import Customer, SyncFileOutcome, SyncOutcome, SyncRun
from console.services.transfer.kinds import KINDS
from console.services.transfer.sync import PRESETS_MODULE, claim_run, sync_folder
from console.views.context import DeskContext
from console.views.preferences_dialog import PreferencesDialog
from console.views.transfer import sync_watcher
from console.views.transfer.sync_log_view import SyncLogDialog
from console.views.transfer.sync_watcher import (
    SYNC_ENABLED,
    SYNC_FOLDER,
    SYNC_REJECTS,
    SYNC_SKIP_INVALID,
    SyncWatcher,
    sync_choice,
)


def customers_file(path: Path, rows: list[dict[str, str]], settled: bool = True) -> Path:
    header = KINDS["customers"].columns
    with path.open("w", encoding="utf-8", newline="") as target:
        writer = csv.writer(target)
        writer.writerow(header)
        writer.writerows([row.get(name, "") for name in header] for row in rows)
    if settled:
        then = time.time() - 60
        os.utime(path, (then, then))
    return path


def customer_names(context: DeskContext, *external_ids: str) -> list[str]:
    with context.read() as session:
        return list(
            session.scalars(
                select(Customer.name)
                .where(Customer.external_id.in_(external_ids))
                .order_by(Customer.name)
            )
        )


@pytest.fixture
def drop(tmp_path: Path) -> Path:
    folder = tmp_path / "drop"
    folder.mkdir()
    return folder


# -- the sync log -----------------------------------------------------------------------------


def test_the_sync_log_shows_runs_and_each_runs_files(
    qtbot, context: DeskContext, drop: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    customers_file(drop / "clients.csv", [{"external_id": "S-1", "name": "Miller"}])
    (drop / "notes.csv").write_text("colour\nred\n", encoding="utf-8")
    os.utime(drop / "notes.csv", (time.time() - 60, time.time() - 60))
    sync_folder(context.engine, drop, actor="night")
    (drop / "notes.csv").unlink()
    sync_folder(context.engine, drop, actor="night")

    dialog = SyncLogDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.runs_model.rowCount() == 2)
    newest = dialog.runs_model.rows[0]
    assert newest.outcome == SyncOutcome.DONE
    assert dialog.runs_model.text(0, 2) == "done"
    assert dialog.runs_model.text(1, 2) == "partial"
    assert dialog.runs_model.text(0, 4).startswith("night on ")
    assert dialog.files_model.rowCount() == 1
    assert dialog.files_model.text(0, 0) == "clients.csv"
    assert dialog.files_model.text(0, 6) == "1"  # unchanged the second time

    dialog.runs.selectRow(1)
    assert [dialog.files_model.text(r, 0) for r in range(2)] == ["notes.csv", "clients.csv"]
    assert dialog.files_model.text(0, 2) == "refused"
    assert dialog.files_model.text(0, 8).startswith("no preset recognises its header")
    assert dialog.message.text() == "1 of 2 file(s) refused"
    dialog.resize(1200, 600)
    dialog.grab().save(str(tmp_path / "sync-log.png"))


def test_the_sync_log_refreshes_when_a_run_is_recorded(
    qtbot, context: DeskContext, drop: Path
) -> None:  # type: ignore[no-untyped-def]
    dialog = SyncLogDialog(context)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: "No sync has run yet" in dialog.status.text())
    customers_file(drop / "clients.csv", [{"external_id": "S-1", "name": "Miller"}])
    sync_folder(context.engine, drop)
    context.hub.changed.emit("elsewhere")
    qtbot.waitUntil(lambda: dialog.runs_model.rowCount() == 1)
    assert dialog.files_model.text(0, 4) == "1"


# -- Preferences: the sync desk ---------------------------------------------------------------


def test_preferences_make_this_desk_the_sync_desk(
    qtbot, context: DeskContext, drop: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    settings = QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat)
    dialog = PreferencesDialog(context, settings)
    qtbot.addWidget(dialog)
    assert not dialog.sync_enabled.isChecked()
    dialog.sync_enabled.setChecked(True)
    dialog.sync_folder.setText(str(drop))
    assert dialog.sync_rejects.placeholderText() == str(tmp_path / "drop rejects")
    dialog.sync_skip_invalid.setChecked(True)
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    settings.sync()
    again = QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat)
    assert sync_choice(again) == (drop, None, True)

    reopened = PreferencesDialog(context, again)
    qtbot.addWidget(reopened)
    assert reopened.sync_enabled.isChecked()
    assert reopened.sync_folder.text() == str(drop)
    assert reopened.sync_skip_invalid.isChecked()


@pytest.mark.parametrize(
    ("folder", "rejects", "field", "message"),
    [
        ("", "", "sync_folder", "Export folder: choose the folder to sync"),
        ("missing", "", "sync_folder", "no such folder"),
        ("drop", "drop/rejects", "sync_rejects", "Rejects folder: rejects folder "),
    ],
)
def test_a_wrong_sync_choice_is_named_and_nothing_is_saved(  # type: ignore[no-untyped-def]
    qtbot, context: DeskContext, drop: Path, tmp_path: Path, folder, rejects, field, message
) -> None:
    settings = QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat)
    dialog = PreferencesDialog(context, settings)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.desk_user.setText("Dana")
    dialog.sync_enabled.setChecked(True)
    dialog.sync_folder.setText(str(tmp_path / folder) if folder else "")
    dialog.sync_rejects.setText(str(tmp_path / rejects) if rejects else "")
    dialog.save()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert message in dialog.error.text()
    assert dialog.focusWidget() is getattr(dialog, field)
    settings.sync()
    for key in (SYNC_ENABLED, SYNC_FOLDER, SYNC_REJECTS, SYNC_SKIP_INVALID, "desk/user"):
        assert settings.value(key) is None, key


# -- the watcher ------------------------------------------------------------------------------


def test_a_desk_that_is_not_the_sync_desk_watches_nothing(
    context: DeskContext, tmp_path: Path
) -> None:
    settings = QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat)
    assert SyncWatcher.for_desk(context, settings) is None
    settings.setValue(SYNC_ENABLED, True)
    assert SyncWatcher.for_desk(context, settings) is None  # no folder chosen


def test_a_new_file_in_the_folder_is_synced_off_the_gui_thread(
    qtbot, context: DeskContext, drop: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    presets = __import__(PRESETS_MODULE, fromlist=["import_with_preset"])
    real = presets.import_with_preset
    threads: list[threading.Thread] = []

    def slow(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread())
        time.sleep(0.8)  # a big file: the window must keep going meanwhile
        return real(*args, **kwargs)

    # A first import of pandas and the presets, on any thread, holds the interpreter for a
    # moment whoever does it; a sync of another folder first leaves only the sync to measure.
    warm = drop.parent / "warm"
    warm.mkdir()
    customers_file(warm / "clients.csv", [{"external_id": "W-1", "name": "Warm"}])
    sync_folder(context.engine, warm)
    monkeypatch.setattr(presets, "import_with_preset", slow)
    bar = QStatusBar()
    qtbot.addWidget(bar)
    watcher = SyncWatcher(context, drop, status_bar=bar, debounce_ms=200, look_every_ms=60_000)
    runs: list[SyncRun] = []
    watcher.synced.connect(runs.append)
    watcher.start()
    qtbot.wait(400)
    assert runs == [] and not watcher.running  # nothing in the folder, nothing to do

    # The GUI thread's heartbeat: how late does a 5 ms timer fire while the sync runs?
    clock, gaps = QElapsedTimer(), []
    clock.start()
    beat = QTimer()
    beat.setInterval(5)
    beat.timeout.connect(lambda: gaps.append(clock.restart()))
    beat.start()
    customers_file(drop / "clients.csv", [{"external_id": "S-1", "name": "Miller"}])
    qtbot.waitUntil(lambda: watcher.running, timeout=5_000)
    qtbot.waitUntil(lambda: len(runs) == 1, timeout=15_000)
    beat.stop()

    assert threads and threads[0] is not threading.main_thread()
    assert max(gaps) < 250, max(gaps)
    assert runs[0].files[0].outcome == SyncFileOutcome.IMPORTED
    assert customer_names(context, "S-1") == ["Miller"]
    assert bar.currentMessage().startswith("Sync: 1 file imported: 1 created")
    watcher.close()


def test_a_file_still_being_written_is_taken_once_it_settles(
    qtbot, context: DeskContext, drop: Path
) -> None:  # type: ignore[no-untyped-def]
    watcher = SyncWatcher(context, drop, debounce_ms=100, look_every_ms=60_000, settle_seconds=1)
    runs: list[SyncRun] = []
    watcher.synced.connect(runs.append)
    watcher.start()
    customers_file(drop / "clients.csv", [{"external_id": "S-2", "name": "Okafor"}], False)
    qtbot.waitUntil(lambda: len(runs) >= 1, timeout=10_000)
    assert runs[0].files[0].outcome == SyncFileOutcome.WAITING
    qtbot.waitUntil(lambda: len(runs) >= 2, timeout=10_000)
    assert runs[-1].files[0].outcome == SyncFileOutcome.IMPORTED
    assert customer_names(context, "S-2") == ["Okafor"]
    watcher.close()


def test_while_another_sync_holds_the_lock_the_desk_says_so_and_tries_later(
    qtbot, context: DeskContext, drop: Path
) -> None:  # type: ignore[no-untyped-def]
    claim_run(context.engine, drop, actor="cron", skip_invalid=False)
    bar = QStatusBar()
    qtbot.addWidget(bar)
    watcher = SyncWatcher(context, drop, status_bar=bar, debounce_ms=100, look_every_ms=300)
    failures: list[str] = []
    watcher.failed.connect(failures.append)
    customers_file(drop / "clients.csv", [{"external_id": "S-3", "name": "Lindqvist"}])
    watcher.start()
    qtbot.waitUntil(lambda: len(failures) >= 1, timeout=10_000)
    assert failures[0].startswith("Sync not started: another sync is running")
    assert "by cron on " in bar.currentMessage()
    assert customer_names(context, "S-3") == []
    # The nightly job finishes; the next look syncs.
    with context.read() as session:
        session.execute(update(SyncRun).values(outcome=SyncOutcome.DONE))
        session.commit()
    qtbot.waitUntil(lambda: customer_names(context, "S-3") == ["Lindqvist"], timeout=10_000)
    watcher.close()


def test_a_watcher_closed_during_a_sync_cancels_it_and_syncs_no_more(
    qtbot, context: DeskContext, drop: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    presets = __import__(PRESETS_MODULE, fromlist=["import_with_preset"])
    real = presets.import_with_preset
    inside = threading.Event()

    def slow(*args: Any, **kwargs: Any) -> Any:
        inside.set()
        time.sleep(0.5)
        return real(*args, **kwargs)

    monkeypatch.setattr(presets, "import_with_preset", slow)
    watcher = SyncWatcher(context, drop, debounce_ms=100, look_every_ms=200)
    runs: list[SyncRun] = []
    watcher.synced.connect(runs.append)
    customers_file(drop / "clients.csv", [{"external_id": "S-4", "name": "Nakamura"}])
    watcher.start()
    qtbot.waitUntil(inside.is_set, timeout=10_000)
    watcher.close(wait=False)  # Preferences changed the folder: the window does not wait
    qtbot.waitUntil(lambda: len(runs) == 1, timeout=10_000)
    assert runs[0].outcome == SyncOutcome.CANCELLED
    assert runs[0].files[0].reason == "cancelled; nothing of this file was imported"
    assert customer_names(context, "S-4") == []
    customers_file(drop / "more.csv", [{"external_id": "S-5", "name": "Quinn"}])
    qtbot.wait(600)
    assert len(runs) == 1 and not watcher.running


def test_a_sync_stuck_on_a_dead_link_does_not_hold_the_closing_window(
    qtbot, context: DeskContext, drop: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    presets = __import__(PRESETS_MODULE, fromlist=["import_with_preset"])
    real = presets.import_with_preset
    inside, link_back = threading.Event(), threading.Event()

    def stuck(*args: Any, **kwargs: Any) -> Any:
        inside.set()
        link_back.wait(30)  # a statement that gets no answer: no cancel check is reached
        return real(*args, **kwargs)

    monkeypatch.setattr(sync_watcher, "CLOSE_WAIT_MS", 200)
    monkeypatch.setattr(presets, "import_with_preset", stuck)
    watcher = SyncWatcher(context, drop, debounce_ms=100, look_every_ms=60_000)
    customers_file(drop / "clients.csv", [{"external_id": "S-6", "name": "Reyes"}])
    watcher.start()
    qtbot.waitUntil(inside.is_set, timeout=10_000)
    task = watcher.task
    assert task is not None
    watcher.close()  # the window closing: it returns while the sync is still stuck
    assert task.running
    # The link comes back; the cancelled sync ends on its own (and its task is then deleted),
    # writing nothing.
    with qtbot.waitSignal(task.finished, timeout=15_000):
        link_back.set()
    assert customer_names(context, "S-6") == []
