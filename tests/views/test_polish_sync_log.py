"""The sync log and status bar say plainly what a run changed; partial runs are warnings."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from console.models import SyncRun
from console.services.transfer.sync import sync_folder
from console.views.common.tones import Tone, tone
from console.views.context import DeskContext
from console.views.transfer.sync_log_view import SyncLogDialog
from console.views.transfer.sync_watcher import run_message
from tests.views.test_sync_views import customers_file


@pytest.fixture
def drop(tmp_path: Path) -> Path:
    folder = tmp_path / "drop"
    folder.mkdir()
    return folder


def _runs(context: DeskContext) -> list[SyncRun]:
    with context.read() as session:
        return list(session.scalars(select(SyncRun).order_by(SyncRun.id)))


def test_a_run_that_changed_nothing_says_so(qtbot, context: DeskContext, drop: Path) -> None:  # type: ignore[no-untyped-def]
    rows = [{"external_id": "S-1", "name": "Miller"}, {"external_id": "S-2", "name": "Ortiz"}]
    customers_file(drop / "clients.csv", rows)
    sync_folder(context.engine, drop, actor="night")
    customers_file(drop / "clients.csv", rows)
    sync_folder(context.engine, drop, actor="night")
    first, second = _runs(context)
    assert run_message(first) == "Sync: 1 file imported: 2 created. See File ▸ Sync log."
    assert run_message(second) == (
        "Sync: 1 file read, nothing changed (2 rows unchanged). See File ▸ Sync log."
    )

    dialog = SyncLogDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.runs_model.rowCount() == 2)
    assert dialog.runs_model.text(0, 3) == "1 file read, nothing changed (2 rows unchanged)"
    assert dialog.runs_model.text(1, 3) == "1 file imported: 2 created"


def test_a_partial_run_is_a_warning_and_a_refused_one_a_danger(
    qtbot, context: DeskContext, drop: Path
) -> None:  # type: ignore[no-untyped-def]
    notes = drop / "notes.csv"
    notes.write_text("colour\nred\n", encoding="utf-8")
    os.utime(notes, (time.time() - 60, time.time() - 60))
    sync_folder(context.engine, drop, actor="night")  # refused: nothing went in
    customers_file(drop / "clients.csv", [{"external_id": "S-1", "name": "Miller"}])
    sync_folder(context.engine, drop, actor="night")  # partial: clients in, notes refused
    refused, partial = _runs(context)
    assert run_message(partial) == (
        "Sync (partial): 1 file imported: 1 created; 1 file refused. See File ▸ Sync log."
    )
    assert (
        run_message(refused)
        == "Sync (refused): nothing imported; 1 file refused. See File ▸ Sync log."
    )

    dialog = SyncLogDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.runs_model.rowCount() == 2)
    model = dialog.runs_model
    colour = Qt.ItemDataRole.ForegroundRole
    assert model.text(0, 2) == "partial" and model.text(1, 2) == "refused"
    assert model.data(model.index(0, 2), colour) == tone(Tone.WARNING)
    assert model.data(model.index(1, 2), colour) == tone(Tone.DANGER)
    assert model.text(0, 3) == "1 file imported: 1 created; 1 refused"
