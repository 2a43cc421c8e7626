"""The Salespeople dialog: categories each takes, time away, refusals, and where it opens from."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from sqlalchemy import select

from console.models import Staff, StaffRole
from console.services.office.clock import local_date, utc_now
from console.services.office.staff import mark_away, salespeople_setup
from console.views.context import DeskContext
from console.views.main_window import MainWindow
from console.views.preferences_dialog import PreferencesDialog
from console.views.referrals.salespeople_dialog import ROUND_ROBIN_OFF, SalespeopleDialog
from tests.views.dialogs import when_dialog_opens

PLAN = "Maintenance plan"


def open_dialog(qtbot, context: DeskContext) -> SalespeopleDialog:  # type: ignore[no-untyped-def]
    dialog = SalespeopleDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.property("ready") is True, timeout=10_000)
    return dialog


def stored(context: DeskContext) -> dict[str, tuple]:
    with context.read() as session:
        return {
            row.name: (row.categories, row.away, row.away_until)
            for row in salespeople_setup(session)
        }


def box(dialog: SalespeopleDialog, category: str):  # type: ignore[no-untyped-def]
    return next(b for b in dialog.category_boxes if b.text() == category)


def test_lists_everyone_and_saves_categories_and_time_away(qtbot, context: DeskContext) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, context)
    before = stored(context)
    names = sorted(before)
    assert [dialog.people.item(i).text() for i in range(dialog.people.count())] == names
    assert dialog.intro.text() == ROUND_ROBIN_OFF
    first, second = names[0], names[1]
    box(dialog, PLAN).setChecked(True)
    box(dialog, "Other").setChecked(True)
    dialog.people.setCurrentRow(1)
    assert dialog.person_box.title() == second
    assert not box(dialog, PLAN).isChecked()
    dialog.away.setChecked(True)
    dialog.has_end.setChecked(True)
    last_day = local_date(utc_now()) + dt.timedelta(days=10)
    dialog.until.setDate(last_day)
    assert dialog.people.item(1).text() == f"{second} — away until {last_day}"
    dialog.people.setCurrentRow(0)  # back to the first: what was ticked is still there
    assert box(dialog, PLAN).isChecked() and box(dialog, "Other").isChecked()
    qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    after = stored(context)
    assert after[first] == ((PLAN, "Other"), False, None)
    assert after[second] == ((), True, last_day)
    assert {n: after[n] for n in names[2:]} == {n: before[n] for n in names[2:]}


def test_a_change_made_on_another_desk_meanwhile_is_refused(qtbot, context: DeskContext) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, context)
    name = dialog.people.item(0).text()
    with context.sessions.begin() as session:
        mark_away(session, name)  # another desk
    before = stored(context)
    box(dialog, PLAN).setChecked(True)
    qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error.isVisible())
    assert dialog.isVisible()
    assert dialog.error.text().startswith(f"{name} was changed on another desk")
    assert stored(context) == before
    # The list now shows the other desk's change, ready to be edited again.
    qtbot.waitUntil(lambda: dialog.property("ready") is True)
    assert dialog.people.item(0).text() == f"{name} — away"


def test_away_shows_in_the_list_when_it_opens(qtbot, context: DeskContext) -> None:  # type: ignore[no-untyped-def]
    with context.sessions.begin() as session:
        name = session.scalars(
            select(Staff.name).where(Staff.role == StaffRole.SALESPERSON).order_by(Staff.name)
        ).first()
        mark_away(session, name)
    dialog = open_dialog(qtbot, context)
    assert dialog.people.item(0).text() == f"{name} — away"
    assert dialog.away.isChecked() and not dialog.until.isEnabled()


def test_opens_from_the_file_menu_and_from_preferences(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, desk_settings
) -> None:
    seen: list[SalespeopleDialog] = []
    when_dialog_opens(SalespeopleDialog, lambda d: d.reject(), seen)
    window.actions_by_id["salespeople"].trigger()
    assert len(seen) == 1
    preferences = PreferencesDialog(window.context, desk_settings, window)
    qtbot.addWidget(preferences)
    assert not preferences.round_robin.isChecked()
    when_dialog_opens(SalespeopleDialog, lambda d: d.reject(), seen)
    button = next(
        b
        for b in preferences.findChildren(type(preferences.buttons.buttons()[0]))
        if b.text() == "Sales&people…"
    )
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert len(seen) == 2
    preferences.round_robin.setChecked(True)
    assert preferences.office_settings().assign_round_robin is True
    preferences.reject()
