"""On "Tell the tech" the person to call is the technician: the Phone column is theirs, says
so in its header, copies on a click and calls from the row's menu; other lists keep the
customer's phone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMenu

from console.services.referrals.worklists import Worklist
from console.views.main_window import MainWindow
from console.views.worklists import customer_phone
from console.views.worklists import worklist_view as worklist_view_module
from console.views.worklists.worklist_model import PHONE_COLUMN
from console.views.worklists.worklist_view import WorklistView
from tests.conftest import DEMO_TODAY
from tests.views.waiting import settled_worklists

NOW = dt.datetime.combine(DEMO_TODAY, dt.time(12), tzinfo=dt.UTC)


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


def phone_header(view: WorklistView) -> str:
    return view.model.headerData(PHONE_COLUMN, Qt.Orientation.Horizontal)


def test_tell_the_tech_shows_the_technicians_phone(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    view = show(qtbot, window, Worklist.TELL_TECH)
    assert view.model.rows, "the demo has referrals to tell the tech about"
    assert phone_header(view) == "Tech's phone"
    shown = [view.model.index(n, PHONE_COLUMN).data() for n in range(len(view.model.rows))]
    assert shown == [item.technician_phone or "" for item in view.model.rows]
    assert any(shown)
    assert all(
        item.technician_phone != item.customer_phone
        for item in view.model.rows
        if item.technician_phone
    )

    view = show(qtbot, window, Worklist.OPEN)
    assert phone_header(view) == "Phone"
    item = view.model.rows[0]
    assert view.model.index(0, PHONE_COLUMN).data() == (item.customer_phone or "")


def test_a_click_copies_the_techs_phone_and_the_menu_calls_the_tech(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    view = show(qtbot, window, Worklist.TELL_TECH)
    number = next(n for n, item in enumerate(view.model.rows) if item.technician_phone)
    item = view.model.rows[number]
    assert item.technician_phone is not None
    QGuiApplication.clipboard().clear()
    rect = view.table.visualRect(view.model.index(number, PHONE_COLUMN))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert QGuiApplication.clipboard().text() == item.technician_phone
    assert window.statusBar().currentMessage() == (
        f"Copied {item.technician_phone} ({item.technician}) to the clipboard"
    )
    tooltip = view.model.index(number, PHONE_COLUMN).data(Qt.ItemDataRole.ToolTipRole)
    assert (
        tooltip == f"Click to copy {item.technician_phone} ({item.technician}); right-click to call"
    )

    opened: list[QUrl] = []
    monkeypatch.setattr(
        customer_phone.QDesktopServices, "openUrl", lambda url: opened.append(url) or True
    )
    view.table.customContextMenuRequested.emit(rect.center())
    menu = view.findChild(QMenu, "worklistRowMenu")
    call = next(a for a in menu.actions() if a.text() == f"Call {item.technician_phone}")
    call.trigger()
    menu.close()
    digits = "".join(c for c in item.technician_phone if c.isdigit())
    assert [url.toString() for url in opened] == [f"tel:{digits}"]
    assert window.statusBar().currentMessage() == (
        f"Calling {item.technician_phone} ({item.technician})…"
    )
    assert isinstance(rect.center(), QPoint)
