"""PostgreSQL stops under an open window: a banner, nothing typed is lost, work goes on after."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from sqlalchemy import Engine, select

from console.database import make_engine
from console.migrate import upgrade_database
from console.models import Customer, UpsellNote
from console.services.demo import seed_demo
from console.views.common.workers.outage import NOT_SAVED_OFFLINE
from console.views.context import DeskContext
from console.views.main_window import MainWindow
from console.views.notes.note_dialog import NoteDialog
from tests.conftest import DEMO_TODAY
from tests.private_postgres import PrivateServer, private_postgres  # noqa: F401 (fixture)
from tests.views.waiting import open_customer

CUSTOMER = 3
NOTE_TEXT = "Boiler is 19 years old; ask about a maintenance plan"


@pytest.fixture
def office_engine(private_postgres: PrivateServer) -> Iterator[Engine]:  # noqa: F811
    engine = make_engine(private_postgres.url)
    upgrade_database(engine)
    seed_demo(engine, customers=20, seed=3, today=DEMO_TODAY)
    yield engine
    engine.dispose()


@pytest.mark.expect_log("console.views.connection_banner", logging.WARNING)
def test_banner_while_the_server_is_away_and_work_goes_on_after(  # type: ignore[no-untyped-def]
    qtbot,
    caplog,
    tmp_path: Path,
    private_postgres: PrivateServer,  # noqa: F811
    office_engine: Engine,
) -> None:
    context = DeskContext.for_engine(office_engine, desk_user="sam")
    window = MainWindow(context, QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    open_customer(qtbot, window, CUSTOMER)
    notes_before = window.customer.note_model.rowCount()
    dialog = NoteDialog(context, CUSTOMER, parent=window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.text.setPlainText(NOTE_TEXT)
    with context.read() as session:
        typed = session.get(Customer, CUSTOMER + 2).name[:4]
    window.search.field.setText(typed)

    caplog.set_level(logging.INFO)
    private_postgres.stop()
    # The window notices by itself, through its regular look for other desks' changes.
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=15_000)
    assert "not answering" in window.banner.message.text()
    assert any(
        record.exc_info and "not answering" in record.getMessage() for record in caplog.records
    ), "the full error goes to the log"

    dialog.save()
    assert dialog.isVisible() and dialog.error.text() == NOT_SAVED_OFFLINE
    assert dialog.text.toPlainText() == NOTE_TEXT
    window.open_customer(CUSTOMER + 1)  # a read while away changes nothing on screen
    assert window.customer.customer_id == CUSTOMER
    assert window.search.field.text() == typed

    private_postgres.start()
    qtbot.waitUntil(lambda: not window.banner.isVisible(), timeout=60_000)
    assert context.online
    # What was typed is searched once it is back.
    qtbot.waitUntil(lambda: window.search.model.rowCount() > 0, timeout=10_000)

    dialog.save()
    assert dialog.result() == NoteDialog.DialogCode.Accepted
    with context.read() as session:
        saved = session.scalars(select(UpsellNote.text).where(UpsellNote.customer_id == CUSTOMER))
        assert NOTE_TEXT in list(saved)
    qtbot.waitUntil(lambda: window.customer.note_model.rowCount() == notes_before + 1)
    open_customer(qtbot, window, CUSTOMER + 1)
    assert window.customer.customer_id == CUSTOMER + 1
    window.close()
