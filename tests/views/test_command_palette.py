"""The command palette: every menu action, customers by name, referrals by number."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from sqlalchemy import select

from console.models import Customer, Referral
from console.services.customers.quick_find import QuickFinds
from console.views import command_palette
from console.views.actions import ACTION_ID, ACTIONS
from console.views.command_palette import CommandPalette, Found, PaletteEntry
from console.views.context import DeskContext
from console.views.main_window import MainWindow
from console.views.referrals.referral_dialog import ReferralDialog
from tests.views.dialogs import when_dialog_opens
from tests.views.waiting import TIMEOUT_MS, open_customer


def menu_actions(window: MainWindow) -> list[tuple[str, str]]:
    """(menu title, action id) for every item of every menu, as the menu bar shows them."""
    found = []
    for top in window.menuBar().actions():
        menu = top.menu()
        assert menu is not None
        for action in menu.actions():
            if not action.isSeparator():
                found.append((top.text(), str(action.property(ACTION_ID))))
    return found


def lines(palette: CommandPalette) -> list[PaletteEntry]:
    return [
        palette.list.topLevelItem(row).data(0, command_palette.ENTRY_ROLE)
        for row in range(palette.list.topLevelItemCount())
    ]


def typed(qtbot, palette: CommandPalette, text: str) -> list[PaletteEntry]:  # type: ignore[no-untyped-def]
    """Type `text` and wait until customers and referrals for it are in."""
    palette.query.clear()
    qtbot.keyClicks(palette.query, text)
    qtbot.waitUntil(lambda: not palette.looking, timeout=TIMEOUT_MS)
    return lines(palette)


def in_palette(window: MainWindow, act: Callable[[CommandPalette], None]) -> None:
    """Open the palette from its shortcut and act on it as a user would."""
    done: list[CommandPalette] = []

    def run(palette: CommandPalette) -> None:
        act(palette)
        done.append(palette)
        if palette.isVisible():
            palette.reject()

    when_dialog_opens(CommandPalette, run)
    window.actions_by_id["command_palette"].trigger()
    assert done, "the palette did not open"


def test_every_menu_action_is_in_the_palette_with_the_menus_shortcut(
    qtbot, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    in_menus = menu_actions(window)
    palette = CommandPalette(window)
    qtbot.addWidget(palette)
    listed = {entry.target for entry in lines(palette) if entry.found is Found.ACTION}
    assert [action_id for _menu, action_id in in_menus if action_id not in listed] == []
    assert sorted(action_id for _menu, action_id in in_menus) == sorted(a.id for a in ACTIONS)
    for entry in ACTIONS:
        action = window.actions_by_id[entry.id]
        assert [s.toString() for s in action.shortcuts()] == [
            s.toString() for s in entry.key_sequences()
        ], entry.id
        assert action.text() == entry.text and action.statusTip().startswith(entry.tip)
        menu_title = next(menu for menu, action_id in in_menus if action_id == entry.id)
        assert menu_title == entry.menu.value


def test_no_two_actions_share_a_shortcut(window: MainWindow) -> None:
    owners: dict[str, list[str]] = {}
    for action in window.findChildren(type(window.actions_by_id["quit"])):
        for sequence in action.shortcuts():
            owners.setdefault(sequence.toString(), []).append(action.objectName())
    assert {key: names for key, names in owners.items() if len(names) > 1} == {}
    assert all(entry.key_sequences() for entry in ACTIONS if entry.shortcuts)


def mnemonic(text: str) -> str | None:
    """The Alt letter a menu text marks with a single &, if any."""
    marked = text.replace("&&", "")
    at = marked.find("&")
    return marked[at + 1].lower() if at >= 0 and at + 1 < len(marked) else None


def test_no_two_items_of_a_menu_share_an_alt_letter(window: MainWindow) -> None:
    menus = [top for top in window.menuBar().actions()]
    bar_letters = [mnemonic(top.text()) for top in menus]
    assert len(bar_letters) == len(set(bar_letters))
    clashes = {}
    for top in menus:
        menu = top.menu()
        assert menu is not None
        letters = [mnemonic(a.text()) for a in menu.actions() if not a.isSeparator()]
        twice = {letter for letter in letters if letter and letters.count(letter) > 1}
        if twice:
            clashes[top.text()] = sorted(twice)
    assert clashes == {}


def test_the_palette_names_an_actions_shortcut(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    palette = CommandPalette(window)
    qtbot.addWidget(palette)
    qtbot.keyClicks(palette.query, "print day")
    item = palette.list.topLevelItem(0)
    expected = QKeySequence("Ctrl+Alt+P").toString(QKeySequence.SequenceFormat.NativeText)
    assert (item.text(0), item.text(1)) == ("File › Print the day's briefings…", expected)


def test_an_action_runs_from_the_palette(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    def run_spiffs(palette: CommandPalette) -> None:
        qtbot.keyClicks(palette.query, "spiffs")
        assert lines(palette)[0].title == "Go › Spiffs"
        qtbot.keyClick(palette.query, Qt.Key.Key_Return)

    in_palette(window, run_spiffs)
    assert window.tabs.currentWidget() is window.spiffs


def test_a_customer_action_waits_for_a_customer(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    notes: list[str] = []

    def try_new_referral(palette: CommandPalette) -> None:
        qtbot.keyClicks(palette.query, "new referral")
        entry = lines(palette)[0]
        assert (entry.title, entry.enabled) == ("Customer › New referral…", False)
        assert palette.list.topLevelItem(0).text(1) == "Open a customer first"
        qtbot.keyClick(palette.query, Qt.Key.Key_Return)
        assert palette.isVisible()  # nothing ran; it says why
        notes.append(palette.note.text())

    in_palette(window, try_new_referral)
    assert notes == ["Customer › New referral…: open a customer first."]
    assert not window.actions_by_id["new_referral"].isEnabled()
    open_customer(qtbot, window, 4)
    assert window.actions_by_id["new_referral"].isEnabled()
    palette = CommandPalette(window)
    qtbot.addWidget(palette)
    qtbot.keyClicks(palette.query, "new referral")
    assert lines(palette)[0].enabled


def test_a_customer_found_by_name_opens_on_enter(
    qtbot, window: MainWindow, context: DeskContext
) -> None:  # type: ignore[no-untyped-def]
    with context.read() as session:
        customer = session.get(Customer, 9)
        assert customer is not None
        name = customer.name

    def open_by_name(palette: CommandPalette) -> None:
        found = typed(qtbot, palette, name)
        customers = [e for e in found if e.found is Found.CUSTOMER]
        assert f"Customer › {name}" in [e.title for e in customers]
        row = next(i for i, e in enumerate(found) if e.target == 9 and e.found is Found.CUSTOMER)
        for _ in range(row):
            qtbot.keyClick(palette.query, Qt.Key.Key_Down)
        qtbot.keyClick(palette.query, Qt.Key.Key_Return)

    in_palette(window, open_by_name)
    qtbot.waitUntil(lambda: window.customer.customer_id == 9 and not window.customer.busy)
    assert window.tabs.currentWidget() is window.pages
    assert window.customer.header.name.text() == name


def test_a_referral_found_by_number_opens_its_dialog(
    qtbot, window: MainWindow, context: DeskContext
) -> None:  # type: ignore[no-untyped-def]
    with context.read() as session:
        referral = session.scalars(select(Referral).where(Referral.id == 12)).one()
        customer = referral.customer.name
    titles: list[str] = []

    def close(dialog: ReferralDialog) -> None:
        titles.append(dialog.windowTitle())
        dialog.reject()

    for text in ("#12", "12"):

        def open_by_number(palette: CommandPalette, text: str = text) -> None:
            found = typed(qtbot, palette, text)
            assert found[0].found is Found.REFERRAL
            assert found[0].title == f"Referral #12 › {customer}"
            assert found[0].detail.startswith(referral.status.label)
            qtbot.keyClick(palette.query, Qt.Key.Key_Return)

        when_dialog_opens(ReferralDialog, close)
        in_palette(window, open_by_number)
    assert titles == ["Referral #12", "Referral #12"]


def test_nothing_matches_says_so(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    palette = CommandPalette(window)
    qtbot.addWidget(palette)
    assert typed(qtbot, palette, "xyzzyq") == []
    assert palette.note.text() == "No action, customer or referral matches “xyzzyq”"
    assert typed(qtbot, palette, "#999999") == []
    assert palette.note.text() == "No action, customer or referral matches “#999999”"
    qtbot.keyClick(palette.query, Qt.Key.Key_Return)
    assert palette.chosen is None


def test_lookups_run_off_the_gui_thread_and_the_newest_text_wins(
    qtbot, window: MainWindow, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    threads: list[bool] = []
    real = command_palette.quick_find

    def watched(session, text: str) -> QuickFinds:  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread() is threading.main_thread())
        if text == "mi":
            time.sleep(0.5)  # an answer slow enough to be overtaken by the next keys
        return real(session, text)

    monkeypatch.setattr(command_palette, "quick_find", watched)
    palette = CommandPalette(window)
    qtbot.addWidget(palette)
    qtbot.keyClicks(palette.query, "mi")
    qtbot.waitUntil(lambda: bool(threads), timeout=TIMEOUT_MS)
    qtbot.keyClicks(palette.query, "zzqq")  # typed while "mi" is still being looked up
    qtbot.waitUntil(lambda: not palette.looking, timeout=TIMEOUT_MS)
    qtbot.wait(700)  # the slow answer for "mi" arrives meanwhile, and is dropped
    assert threads and not any(threads)
    assert lines(palette) == []
    assert palette.note.text() == "No action, customer or referral matches “mizzqq”"
