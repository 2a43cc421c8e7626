"""The coordinator's worklists as the desk sees them: what each list holds, due words, sort,
badges, the phone, the filter of all open referrals, and each list's own arrangement."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt, QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMenu

from console.models import Referral
from console.services.referrals.due_words import ago_in_words, due_in_words
from console.services.referrals.worklists import DESK_WORKLISTS, Worklist, worklist
from console.views.common.tones import Tone, tinted_background, tone
from console.views.context import DeskContext
from console.views.main_window import MainWindow
from console.views.worklists import customer_phone
from console.views.worklists import worklist_view as worklist_view_module
from console.views.worklists.status_badge import STATUS_TONES, badges
from console.views.worklists.worklist_model import (
    COLUMN_KEYS,
    DUE_COLUMN,
    PHONE_COLUMN,
    RECORDS_ASSIGNMENT,
    STATUS_COLUMN,
    WORK_COLUMNS,
    waited_since,
)
from console.views.worklists.worklist_view import WorklistView
from tests.conftest import DEMO_TODAY
from tests.views.waiting import settled_worklists

# Noon on the demo office's today, so the demo's referrals fall on every list.
NOW = dt.datetime.combine(DEMO_TODAY, dt.time(12), tzinfo=dt.UTC)
CUSTOMER_COLUMN = COLUMN_KEYS.index("customer")


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(worklist_view_module, "utc_now", lambda: NOW)
    yield


def show(qtbot, window: MainWindow, which: Worklist) -> WorklistView:  # type: ignore[no-untyped-def]
    window.show_worklist(which)
    view = window.worklists
    settled_worklists(qtbot, view)
    assert view.current_worklist is which
    return view


def shown_ids(view: WorklistView) -> list[int]:
    return [item.id for item in view.model.rows]


def cell_text(view: WorklistView, row: int, column: int) -> str:
    return view.model.index(row, column).data()


def test_each_list_shows_its_referrals_most_urgent_first(
    qtbot, window: MainWindow, context: DeskContext
) -> None:  # type: ignore[no-untyped-def]
    seen: set[int] = set()
    for index, which in enumerate(DESK_WORKLISTS):
        view = show(qtbot, window, which)
        with context.read() as session:
            expected = [item.id for item in worklist(session, which, now=NOW)]
        assert shown_ids(view) == expected, which
        assert view.tabs.tabText(index).endswith(f"({len(expected)})")
        seen.update(expected)
    with context.read() as session:
        open_ids = {item.id for item in worklist(session, Worklist.OPEN, now=NOW)}
    assert open_ids and open_ids <= seen
    # Every open referral is on some list besides All open, so none waits unseen.
    others = set()
    for which in DESK_WORKLISTS:
        if which is not Worklist.OPEN:
            with context.read() as session:
                others.update(item.id for item in worklist(session, which, now=NOW))
    assert open_ids <= others


def test_due_words_and_overdue_marks_without_a_red_row(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    view = show(qtbot, window, Worklist.OPEN)
    rows = view.model.rows
    assert any(item.overdue for item in rows) and any(not item.overdue for item in rows)
    danger = tone(Tone.DANGER)
    for number, item in enumerate(rows):
        words = cell_text(view, number, DUE_COLUMN)
        if item.due is None:
            waited = waited_since(item)
            assert words == (f"{waited[0]} {ago_in_words(waited[1], NOW)}" if waited else "")
            continue
        assert words == due_in_words(item.due.at, NOW)
        late = view.model.index(number, DUE_COLUMN).data(Qt.ItemDataRole.ForegroundRole)
        assert (late is not None and late.color() == danger) == (item.due.at <= NOW)
        # Only the due cell speaks of it: the customer's name keeps the table's colour.
        customer = view.model.index(number, CUSTOMER_COLUMN)
        assert customer.data(Qt.ItemDataRole.ForegroundRole) is None
    overdue = next(number for number, item in enumerate(rows) if item.overdue)
    assert cell_text(view, overdue, DUE_COLUMN).endswith("overdue")
    tip = view.model.index(overdue, DUE_COLUMN).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("First contact due ")
    view = show(qtbot, window, Worklist.NEEDS_APPOINTMENT)
    waiting = [cell_text(view, n, DUE_COLUMN) for n, item in enumerate(view.model.rows)]
    assert waiting and all(
        words.startswith("contacted ") and words.endswith(" ago")
        for words, item in zip(waiting, view.model.rows, strict=True)
        if item.due is None
    )


def test_sorted_most_urgent_first_and_by_any_column(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    view = show(qtbot, window, Worklist.OPEN)
    header = view.table.horizontalHeader()
    assert header.sortIndicatorSection() == DUE_COLUMN
    dues = [item.due.at for item in view.model.rows if item.due is not None]
    assert dues == sorted(dues)
    with_due = [item.due is not None for item in view.model.rows]
    assert with_due == sorted(with_due, reverse=True)  # nothing due comes after all that is
    first = view.model.rows[0]
    assert first.due is not None and first.due.at == min(dues)

    selected = view.panel.detail.id
    header.setSortIndicator(CUSTOMER_COLUMN, Qt.SortOrder.AscendingOrder)
    names = [item.customer.casefold() for item in view.model.rows]
    assert names == sorted(names)
    header.setSortIndicator(CUSTOMER_COLUMN, Qt.SortOrder.DescendingOrder)
    assert [item.customer.casefold() for item in view.model.rows] == sorted(names, reverse=True)
    # The referral being worked on stays selected wherever the sort puts it.
    current = view.model.row_at(view.table.currentIndex())
    assert current is not None and current.id == selected == view.panel.detail.id


def _pixels(image, rect) -> set[int]:  # type: ignore[no-untyped-def]
    return {
        image.pixel(x, y)
        for x in range(rect.left(), rect.right())
        for y in range(rect.top(), rect.bottom())
    }


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_status_is_a_badge_in_the_palettes_tones(
    qtbot, window: MainWindow, request: pytest.FixtureRequest, theme: str
) -> None:  # type: ignore[no-untyped-def]
    if theme == "dark":
        request.getfixturevalue("dark_palette")
    view = show(qtbot, window, Worklist.OVERDUE)
    assert view.model.rows, "the demo office has overdue referrals"
    item = view.model.rows[0]
    image = view.table.viewport().grab().toImage()
    status = _pixels(image, view.table.visualRect(view.model.index(0, STATUS_COLUMN)))
    customer = _pixels(image, view.table.visualRect(view.model.index(0, CUSTOMER_COLUMN)))
    overdue_badge = tinted_background(Tone.DANGER).rgb()
    status_badge = STATUS_TONES[item.status]
    assert status_badge is not None
    assert tinted_background(status_badge).rgb() in status  # the status's own badge
    assert overdue_badge in status  # and "Overdue" beside it
    assert overdue_badge not in customer  # the row itself is not painted red
    assert [text for text, _tone in badges(item)] == [item.status.label, "Overdue"]


def test_clicking_the_phone_copies_it_and_the_menu_calls_it(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    view = show(qtbot, window, Worklist.OPEN)
    number = next(n for n, item in enumerate(view.model.rows) if item.customer_phone)
    item = view.model.rows[number]
    QGuiApplication.clipboard().clear()
    rect = view.table.visualRect(view.model.index(number, PHONE_COLUMN))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert QGuiApplication.clipboard().text() == item.customer_phone
    assert window.statusBar().currentMessage() == (
        f"Copied {item.customer_phone} ({item.customer}) to the clipboard"
    )

    opened: list[QUrl] = []
    monkeypatch.setattr(
        customer_phone.QDesktopServices, "openUrl", lambda url: opened.append(url) or True
    )
    view.table.customContextMenuRequested.emit(rect.center())
    menu = view.findChild(QMenu, "worklistRowMenu")
    call = next(a for a in menu.actions() if a.text() == f"Call {item.customer_phone}")
    call.trigger()
    menu.close()
    digits = "".join(c for c in item.customer_phone if c.isdigit())
    assert [url.toString() for url in opened] == [f"tel:{digits}"]
    assert window.statusBar().currentMessage().startswith(f"Calling {item.customer_phone}")


def test_all_open_narrows_by_typed_words(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    view = show(qtbot, window, Worklist.NEW)
    assert not view.filter.isVisibleTo(view)  # only All open is narrowed by typing
    view = show(qtbot, window, Worklist.OPEN)
    assert view.filter.isVisibleTo(view)
    everything = list(view.model.rows)
    target = everything[len(everything) // 2]
    word = target.customer.split()[0]
    view.filter.setFocus()
    qtbot.keyClicks(view.filter, word)
    shown = view.model.rows
    assert target in shown and len(shown) < len(everything)
    assert all(
        word.casefold()
        in " ".join(
            filter(
                None,
                (
                    item.customer,
                    item.customer_phone,
                    item.technician,
                    item.salesperson,
                    item.pain_point,
                    item.recommendation,
                ),
            )
        ).casefold()
        for item in shown
    )
    assert view.empty.text() == f"{len(shown)} of {len(everything)} match"
    # The technician's name narrows too; words are matched each on their own.
    view.filter.clear()
    qtbot.keyClicks(view.filter, f"{target.technician.split()[-1]} {word}")
    assert target in view.model.rows
    view.filter.clear()
    qtbot.keyClicks(view.filter, "zzz-no-such-referral")
    assert view.model.rows == [] and view.empty.text() == "None match."
    view.filter.clear()
    assert len(view.model.rows) == len(everything) and view.empty.text() == ""


def test_enter_opens_the_referral_beside_the_list(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    view = show(qtbot, window, Worklist.OPEN)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Down)
    settled_worklists(qtbot, view)
    item = view.model.row_at(view.table.currentIndex())
    assert item is not None and view.panel.detail.id == item.id
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    settled_worklists(qtbot, view)
    focused = QGuiApplication.focusObject()
    assert focused is not None and view.panel.isAncestorOf(focused)
    assert view.panel.detail.id == item.id


def _hide_column_from_the_header_menu(view: WorklistView, title: str) -> None:
    header = view.table.horizontalHeader()
    header.customContextMenuRequested.emit(QPoint(10, 5))
    menu = view.findChild(QMenu, "worklistColumns")
    next(a for a in menu.actions() if a.text() == title).trigger()
    menu.close()
    menu.deleteLater()


def test_each_list_keeps_its_columns_sort_scroll_and_referral(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.resize(1920, 560)  # wide: no column steps aside; short: All open scrolls
    view = show(qtbot, window, Worklist.OPEN)
    header = view.table.horizontalHeader()
    technician = COLUMN_KEYS.index("technician")
    _hide_column_from_the_header_menu(view, "Technician")
    assert header.isSectionHidden(technician)
    header.setSortIndicator(CUSTOMER_COLUMN, Qt.SortOrder.DescendingOrder)
    bar = view.table.verticalScrollBar()
    assert bar.maximum() > 0, "All open is longer than the window"
    bar.setValue(bar.maximum())
    scrolled = bar.value()
    last = len(view.model.rows) - 1
    view.table.selectRow(last)
    settled_worklists(qtbot, view)
    picked = view.model.rows[last].id
    assert view.panel.detail.id == picked

    view = show(qtbot, window, Worklist.NEW)
    assert not header.isSectionHidden(technician)
    assert header.sortIndicatorSection() == DUE_COLUMN
    assert view.table.verticalScrollBar().value() == 0

    view = show(qtbot, window, Worklist.OPEN)
    assert header.isSectionHidden(technician)
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
        CUSTOMER_COLUMN,
        Qt.SortOrder.DescendingOrder,
    )
    assert view.table.verticalScrollBar().value() == scrolled
    assert view.panel.detail.id == picked
    assert view.model.row_at(view.table.currentIndex()).id == picked


def test_widths_columns_and_the_last_list_outlive_the_window(
    qtbot, context: DeskContext, desk_settings: QSettings
) -> None:  # type: ignore[no-untyped-def]
    first = MainWindow(context, desk_settings)
    qtbot.addWidget(first)
    first.show()
    view = show(qtbot, first, Worklist.OPEN)
    view.table.setColumnWidth(CUSTOMER_COLUMN, 333)
    view = show(qtbot, first, Worklist.OVERDUE)
    view.table.setColumnWidth(CUSTOMER_COLUMN, 277)
    _hide_column_from_the_header_menu(view, "Salesperson")
    first.close()

    second = MainWindow(context, desk_settings)
    qtbot.addWidget(second)
    second.show()
    second.tabs.setCurrentWidget(second.worklists)
    view = second.worklists
    settled_worklists(qtbot, view)
    assert view.current_worklist is Worklist.OVERDUE
    header = view.table.horizontalHeader()
    assert view.table.columnWidth(CUSTOMER_COLUMN) == 277
    assert header.isSectionHidden(COLUMN_KEYS.index("salesperson"))
    view = show(qtbot, second, Worklist.OPEN)
    assert view.table.columnWidth(CUSTOMER_COLUMN) == 333
    assert not header.isSectionHidden(COLUMN_KEYS.index("salesperson"))


def test_how_a_referral_was_assigned_is_shown_where_the_office_records_it(
    qtbot, window: MainWindow, context: DeskContext
) -> None:  # type: ignore[no-untyped-def]
    titles = [column.title for column in WORK_COLUMNS]
    assert ("How assigned" in titles) == RECORDS_ASSIGNMENT == hasattr(Referral, "assignment")
    if not RECORDS_ASSIGNMENT:
        return
    view = show(qtbot, window, Worklist.ASSIGNED)
    item = view.model.rows[0]
    with context.sessions.begin() as session:  # another desk assigns it round-robin
        session.get(Referral, item.id).assignment = "round_robin"
    context.hub.changed.emit("referral")
    qtbot.waitUntil(
        lambda: any(
            cell_text(view, n, COLUMN_KEYS.index("assignment")) == "Assigned: round-robin"
            for n in range(len(view.model.rows))
        ),
        timeout=10_000,
    )


@pytest.mark.parametrize(
    ("typed", "link"),
    [
        ("(555) 010-2030", "tel:5550102030"),
        ("(555) 010-2030 ext. 4", "tel:5550102030"),
        ("+49 30 1234-567", "tel:+49301234567"),
    ],
)
def test_the_call_link_dials_the_number_as_typed(qapp, typed: str, link: str) -> None:  # type: ignore[no-untyped-def]
    assert customer_phone.phone_link(typed).toString() == link


def test_without_a_dialler_the_number_is_copied_to_dial_by_hand(
    qapp, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(customer_phone.QDesktopServices, "openUrl", lambda url: False)
    QGuiApplication.clipboard().clear()
    said = customer_phone.call_phone("(555) 010-2030", "Miller Bakery")
    assert said == (
        "No program here makes calls: (555) 010-2030 (Miller Bakery) is copied to dial by hand"
    )
    assert QGuiApplication.clipboard().text() == "(555) 010-2030"
