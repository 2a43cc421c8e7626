"""The main window as a dispatcher uses it: type, pick with the keyboard, read the 360."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from console.views.context import DeskContext
from console.views.main_window import MainWindow
from tests.views.waiting import open_customer


def test_search_field_has_focus_at_start(window: MainWindow) -> None:
    assert QApplication.focusWidget() is window.search.field


def test_type_pick_with_keyboard_and_read_the_customer(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(window.search.field, "mill")
    qtbot.waitUntil(lambda: window.search.model.rowCount() > 1)
    second = window.search.model.hits[1]
    qtbot.keyClick(window.search.field, Qt.Key.Key_Down)
    qtbot.keyClick(window.search.field, Qt.Key.Key_Return)

    customer = window.customer
    qtbot.waitUntil(lambda: customer.overview is not None and customer.overview.id == second.id)
    assert window.pages.currentWidget() is customer
    assert customer.header.name.text() == second.name
    assert second.name in window.windowTitle()
    history = customer.history_model
    assert history.rowCount() == min(customer.overview.visit_count, history.page_size)
    dates = [history.rows[i].scheduled_for for i in range(history.rowCount())]
    assert dates == sorted(dates, reverse=True)
    assert customer.referral_model.rowCount() == len(customer.overview.referrals)
    assert customer.note_model.rowCount() == len(customer.overview.notes_list)
    assert customer.equipment_model.rowCount() >= 1


def test_selected_visit_notes_are_shown_in_full(
    qtbot, window: MainWindow, context: DeskContext
) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from console.models import ServiceVisit

    with context.sessions() as session:
        customer_id = session.scalar(
            select(ServiceVisit.customer_id)
            .where(ServiceVisit.tech_notes.is_not(None), func.length(ServiceVisit.tech_notes) > 100)
            .limit(1)
        )
    open_customer(qtbot, window, customer_id)
    rows = window.customer.history_model.rows
    target = next(i for i, row in enumerate(rows) if row.tech_notes and len(row.tech_notes) > 100)
    window.customer.history.selectRow(target)
    assert rows[target].tech_notes in window.customer.history_detail.toPlainText()


def test_ctrl_k_returns_to_search(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    open_customer(qtbot, window, 1)
    assert QApplication.focusWidget() is not window.search.field
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is window.search.field


def test_garbage_search_says_nothing_matches(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(window.search.field, "qqzzxx")
    window.search.run_search()
    qtbot.waitUntil(lambda: "No customer matches" in window.search.summary.text())
    assert window.search.model.rowCount() == 0


def test_status_bar_names_the_database(window: MainWindow, context: DeskContext) -> None:
    labels = [w.text() for w in window.statusBar().findChildren(type(window.empty))]
    assert any(label.startswith("SQLite:") and "desk.sqlite" in label for label in labels)


def test_layout_round_trips(qtbot, context: DeskContext, settings_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = MainWindow(context, QSettings(str(settings_path), QSettings.Format.IniFormat))
    qtbot.addWidget(first)
    first.show()
    first.resize(1280, 800)
    first.split.setSizes([300, 980])
    sizes = first.split.sizes()
    first.close()

    second = MainWindow(context, QSettings(str(settings_path), QSettings.Format.IniFormat))
    qtbot.addWidget(second)
    second.show()
    assert (second.width(), second.height()) == (1280, 800)
    assert second.split.sizes() == sizes


def test_export_what_a_table_shows(qtbot, window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from console.views.common.tables.table_export import export_table

    open_customer(qtbot, window, 3)
    model = window.customer.history_model
    out = tmp_path / "history.csv"
    count = export_table(model, out)
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert count == window.customer.overview.visit_count == len(lines) - 1
    assert lines[0].startswith("Date,Technician,Site,Equipment,Status")


def test_another_desks_change_shows_without_losing_the_selection(
    qtbot, window: MainWindow, context: DeskContext
) -> None:  # type: ignore[no-untyped-def]
    from console.database import make_engine, session_factory
    from console.services.customers.notes import add_note

    open_customer(qtbot, window, 5)
    window.customer.history.selectRow(2)
    before = window.customer.note_model.rowCount()
    other_desk = make_engine(str(context.engine.url))
    with session_factory(other_desk).begin() as session:
        add_note(session, 5, "Noticed at desk 2", author="Desk 2", pinned=True)
    other_desk.dispose()
    window.check_other_desks()
    qtbot.waitUntil(lambda: window.customer.note_model.rowCount() == before + 1)
    notes = [note.text for note in window.customer.note_model.rows]
    assert len(notes) == before + 1 and notes[0] == "Noticed at desk 2"
    assert window.customer.history.currentIndex().row() == 2


def test_own_saves_do_not_refresh_the_window_a_second_time(
    qtbot, window: MainWindow, context: DeskContext
) -> None:  # type: ignore[no-untyped-def]
    from console.services.customers.notes import add_note

    open_customer(qtbot, window, 5)
    elsewhere: list[str] = []
    context.hub.changed.connect(
        lambda what: elsewhere.append(what) if what == "elsewhere" else None
    )
    context.write(window, lambda session: add_note(session, 5, "Mine", author="sam"), "note")
    qtbot.waitUntil(lambda: "Mine" in [note.text for note in window.customer.note_model.rows])
    looks = window.changes.looks
    qtbot.waitUntil(lambda: window.changes.looks >= looks + 3, timeout=6_000)
    assert elsewhere == []
