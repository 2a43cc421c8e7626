"""Reads the user waits on run on workers: keys typed meanwhile are handled at once.

A gate holds the read on its worker until the test opens it, so "while a read is under way"
is a fact of the test, not a matter of timing; whatever the window does with a key typed then
is visible before the gate opens.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from PySide6.QtCore import Qt
from sqlalchemy.exc import OperationalError

from console.services.customers import customer_360 as customer_service
from console.services.customers.customer_360 import customer_overview
from console.services.referrals import worklists as worklist_service
from console.services.referrals.worklists import Worklist
from console.views.common.workers.background import is_stale
from console.views.common.workers.off_thread import thread_pool
from console.views.context import DeskContext
from console.views.customer import customer_view as customer_view_module
from console.views.main_window import MainWindow
from console.views.worklists import worklist_view as worklist_view_module
from tests.views.waiting import open_customer, settled_worklists


class Gate:
    """Reads pass it only once it is open; it counts those waiting at it."""

    def __init__(self) -> None:
        self.open_now = threading.Event()
        self.waiting = 0
        self.lock = threading.Lock()

    def wrap(self, read: Callable[..., Any]) -> Callable[..., Any]:
        def gated(*args: Any, **kwargs: Any) -> Any:
            with self.lock:
                self.waiting += 1
            self.open_now.wait(10)
            return read(*args, **kwargs)

        return gated

    def open(self) -> None:
        self.open_now.set()


@pytest.fixture
def gate() -> Iterator[Gate]:
    gate = Gate()
    yield gate
    gate.open()
    thread_pool().waitForDone(10_000)


def test_a_key_typed_while_a_customer_is_read_is_handled_at_once(
    qtbot, window: MainWindow, gate: Gate, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    open_customer(qtbot, window, 5)
    monkeypatch.setattr(
        customer_view_module, "customer_overview", gate.wrap(customer_service.customer_overview)
    )
    window.open_customer(6)
    qtbot.waitUntil(lambda: gate.waiting == 1)
    assert window.customer.busy and window.customer.stale  # customer 5, greyed out
    window.search.field.setFocus()
    qtbot.keyClicks(window.search.field, "mil")
    # Handled while the read waits at the gate: the text is there, the old customer still shown.
    assert window.search.field.text() == "mil"
    assert window.customer.customer_id == 5 and window.customer.busy
    gate.open()
    qtbot.waitUntil(lambda: window.customer.customer_id == 6 and not window.customer.busy)
    assert not window.customer.stale
    # The user typed into the search meanwhile: the keyboard stays where they are typing.
    assert window.search.field.hasFocus() and window.search.field.text() == "mil"


def test_an_older_customer_read_that_answers_late_is_dropped(
    qtbot, window: MainWindow, gate: Gate, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    first = threading.Event()
    original = customer_service.customer_overview

    def slow_for_seven(session: Any, customer_id: int, *args: Any, **kwargs: Any) -> Any:
        if customer_id == 7:
            first.set()
            gate.open_now.wait(10)
        return original(session, customer_id, *args, **kwargs)

    monkeypatch.setattr(customer_view_module, "customer_overview", slow_for_seven)
    window.open_customer(7)
    qtbot.waitUntil(first.is_set)
    window.open_customer(8)
    qtbot.waitUntil(lambda: window.customer.customer_id == 8 and not window.customer.busy)
    shown = window.customer.overview
    gate.open()
    thread_pool().waitForDone(10_000)
    qtbot.wait(100)  # the answer for 7 is delivered now, and must not replace 8
    assert window.customer.customer_id == 8 and window.customer.overview is shown
    assert window.windowTitle().startswith(f"{shown.name} — ")


def test_switching_worklists_never_holds_a_key(
    qtbot, window: MainWindow, gate: Gate, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    view = window.worklists
    window.show_worklist(Worklist.NEW)
    settled_worklists(qtbot, view)
    monkeypatch.setattr(
        worklist_view_module, "desk_worklists", gate.wrap(worklist_service.desk_worklists)
    )
    view.show_worklist(Worklist.TELL_TECH)
    qtbot.waitUntil(lambda: gate.waiting == 1)
    assert view.busy and view.empty.text() == "Loading…"
    assert is_stale(view.table)  # the rows shown are another list's, greyed out
    window.search.field.setFocus()
    qtbot.keyClicks(window.search.field, "ann")
    assert window.search.field.text() == "ann" and view.busy
    # Moving to another list while the first read waits: only the newest list is shown.
    view.show_worklist(Worklist.OVERDUE)
    qtbot.waitUntil(lambda: gate.waiting == 2)
    gate.open()
    settled_worklists(qtbot, view)
    with DeskContext.for_engine(window.context.engine).read() as session:
        expected = [item.id for item in worklist_service.worklist(session, Worklist.OVERDUE)]
    assert [item.id for item in view.model.rows] == expected
    assert view.empty.text() in ("", "Nothing on this list.")
    assert not is_stale(view.table)
    if expected:
        assert view.panel.detail is not None and view.panel.detail.id == expected[0]
        assert view.table.currentIndex().row() == 0


def test_a_worklist_reload_reads_the_lists_and_the_referral_in_one_job(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    view = window.worklists
    jobs: list[threading.Thread] = []
    original_read = view.loading.read

    def counted(work: Any, done: Any, failed: Any = None) -> int:
        jobs.append(threading.current_thread())
        return original_read(work, done, failed)

    panel_reads: list[int] = []
    monkeypatch.setattr(view.loading, "read", counted)
    monkeypatch.setattr(view.panel, "show_referral", panel_reads.append)
    window.show_worklist(Worklist.NEW)
    settled_worklists(qtbot, view)
    assert len(jobs) == 1 and panel_reads == []
    assert view.model.rows and view.panel.detail is not None
    assert view.panel.detail.id == view.model.rows[0].id


@pytest.mark.expect_log("console.views.connection_banner", logging.WARNING)
def test_a_read_that_cannot_reach_the_database_raises_the_banner(
    qtbot, window: MainWindow, context: DeskContext, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    open_customer(qtbot, window, 5)
    shown = window.customer.overview

    def unreachable(*_args: Any, **_kwargs: Any) -> Any:
        lost = psycopg.OperationalError("server closed the connection unexpectedly")
        raise OperationalError("SELECT", {}, lost)

    monkeypatch.setattr(customer_view_module, "customer_overview", unreachable)
    window.open_customer(6)
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=5_000)
    assert not context.online and not window.customer.busy
    assert window.customer.overview is shown and not window.customer.stale
    monkeypatch.setattr(customer_view_module, "customer_overview", customer_overview)
    qtbot.waitUntil(lambda: not window.banner.isVisible(), timeout=10_000)
    open_customer(qtbot, window, 6)


def test_the_numbers_tab_loads_its_imports_off_the_gui_thread(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from console.views.dashboard import numbers_tab as numbers_module

    where: list[bool] = []
    original = numbers_module.import_heavy_modules

    def watched() -> None:
        where.append(threading.current_thread() is threading.main_thread())
        original()

    monkeypatch.setattr(numbers_module, "import_heavy_modules", watched)
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    tab = window.numbers_tab
    assert window.tabs.currentWidget() is tab and not tab.ready
    assert tab.placeholder.text() == "Loading the numbers…"
    qtbot.waitUntil(lambda: tab.ready, timeout=20_000)
    assert where == [False]
    dashboard = window.dashboard
    qtbot.waitUntil(lambda: dashboard.metrics is not None and not dashboard.busy, timeout=10_000)
    assert dashboard.table.rowCount() == len(dashboard.metrics.by_technician)


@pytest.mark.expect_log("console.views.connection_banner", logging.WARNING)
def test_a_save_that_meets_silence_shows_the_banner_promptly_and_keeps_the_form(
    qtbot, window: MainWindow, context: DeskContext, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from console.services.customers.notes import add_note
    from console.views import context as context_module
    from console.views.context import NOT_CONFIRMED

    open_customer(qtbot, window, 5)
    before = window.customer.note_model.rowCount()
    link = threading.Event()
    monkeypatch.setattr(context_module, "probe", lambda _engine: link.wait(10) and None)

    def silent_save(session: Any) -> Any:
        link.wait(10)  # a dropped VPN: the statement neither answers nor fails
        return add_note(session, 5, "Typed on a silent link", author="sam")

    told: list[str] = []
    changes: list[str] = []
    context.hub.changed.connect(changes.append)
    started = time.monotonic()
    try:
        assert context.write(window, silent_save, "note", offline=told.append) is None
        waited = time.monotonic() - started
        assert told == [NOT_CONFIRMED] and window.banner.isVisible() and not context.online
        # The save watch tried the link after 0.7 s and gave up on it 1 s later.
        assert waited < 2.5, f"the save waited {waited:.1f} s before the banner showed"
        assert window.customer.note_model.rowCount() == before and changes == []
    finally:
        link.set()
    # The save reached the database after all: every view shows it.
    qtbot.waitUntil(lambda: "note" in changes, timeout=10_000)
    qtbot.waitUntil(lambda: not window.banner.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: window.customer.note_model.rowCount() == before + 1)


@pytest.mark.expect_log("console.views.connection_banner", logging.WARNING)
def test_a_save_while_the_banner_shows_is_refused_at_once_and_writes_nothing(
    qtbot, window: MainWindow, context: DeskContext
) -> None:  # type: ignore[no-untyped-def]
    from console.models import UpsellNote
    from console.services.customers.notes import add_note
    from console.views.common.workers.outage import NOT_SAVED_OFFLINE

    with context.read() as session:
        notes_before = session.query(UpsellNote).count()
    context.report_trouble(None)
    told: list[str] = []
    started = time.monotonic()
    saved = context.write(
        window,
        lambda s: add_note(s, 5, "While away", author="sam"),
        "note",
        offline=told.append,
    )
    assert saved is None and told == [NOT_SAVED_OFFLINE]
    assert time.monotonic() - started < 0.5
    with context.read() as session:
        assert session.query(UpsellNote).count() == notes_before
    qtbot.waitUntil(lambda: context.online, timeout=10_000)


def test_a_form_opens_at_once_and_fills_its_lists_when_they_are_read(
    qtbot, window: MainWindow, gate: Gate, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from console.services.office.staff import staff_list
    from console.views.referrals import new_referral_dialog as dialog_module
    from console.views.referrals.new_referral_dialog import NewReferralDialog

    open_customer(qtbot, window, 5)
    monkeypatch.setattr(dialog_module, "staff_list", gate.wrap(staff_list))
    dialog = NewReferralDialog(window.context, window.customer.referral_draft(), window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: gate.waiting == 1)
    save = dialog.buttons.button(dialog.buttons.StandardButton.Save)
    assert dialog.property("ready") is False and dialog.windowTitle().endswith("(loading…)")
    assert not dialog.technician.isEnabled() and not save.isEnabled()
    qtbot.keyClicks(dialog.pain_point, "Boiler 19 years old")  # typing goes on meanwhile
    assert dialog.pain_point.toPlainText() == "Boiler 19 years old"
    gate.open()
    qtbot.waitUntil(lambda: dialog.property("ready") is True)
    assert dialog.technician.isEnabled() and save.isEnabled()
    assert dialog.technician.count() > 1 and dialog.salesperson.count() > 1
    assert not dialog.windowTitle().endswith("(loading…)")
    assert dialog.pain_point.toPlainText() == "Boiler 19 years old"
    dialog.reject()


def test_long_lived_objects_are_taken_out_of_full_collections_once_per_reason() -> None:
    import gc

    from console.views.common.workers.off_thread import settle_long_lived

    settle_long_lived("a reason of this test's")
    frozen = gc.get_freeze_count()
    assert frozen > 0
    made_since = [[index] for index in range(1_000)]  # noqa: F841 (kept alive on purpose)
    settle_long_lived("a reason of this test's")
    assert gc.get_freeze_count() == frozen  # the second time changes nothing


def test_opening_a_customer_reads_the_page_and_its_history_in_one_job(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    original = customer_service.visit_history
    reads: list[tuple[int, bool]] = []

    def watched(session: Any, customer_id: int, *args: Any, **kwargs: Any) -> Any:
        reads.append((customer_id, threading.current_thread() is threading.main_thread()))
        return original(session, customer_id, *args, **kwargs)

    monkeypatch.setattr(customer_view_module, "visit_history", watched)
    open_customer(qtbot, window, 5)
    assert reads == [(5, False)]  # one read, on a worker, with the overview
    rows = window.customer.history_model.rows
    with window.context.read() as session:
        assert rows == original(session, 5, limit=window.customer.history_model.page_size)
