"""Every action of the main window, declared once: menus, shortcuts and the command palette.

The menus are built from `ACTIONS` in its order, and the command palette lists the same
entries, so a menu item, its shortcut and its palette line cannot disagree.

To add an action, add one `WindowAction` to `declared_actions()` where its menu should
show it::

    WindowAction(
        "spiff_rules",                        # id: unique, stable, lower_snake_case
        Menu.FILE,                            # the menu it sits in
        "Spiff &rules…",                      # menu text; & marks the Alt key letter
        run=lambda window: window.show_spiff_rules(),
        tip="Set what a won referral pays the tech",   # status bar text on hover
        shortcuts=("Ctrl+Shift+R",),          # optional; tests refuse a shortcut used twice
        section="settings",                   # a separator goes between sections of a menu
        enabled=lambda window: window.customer.overview is not None,  # optional
        disabled_tip="Open a customer first", # optional: what the palette says while disabled
    )

`run` receives the `MainWindow`; keep the work in a method of the window (or of the view it
belongs to) and call it from here. Nothing else is needed: the menu entry, the shortcut and
the palette line follow. A new top menu is one more `Menu` member, in the order it shows.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenuBar, QWidget

from console.services.referrals.worklists import Worklist

if TYPE_CHECKING:
    from console.views.main_window import MainWindow

Shortcut = QKeySequence.StandardKey | str
ACTION_ID = "actionId"
"""The QAction property holding its registry id."""


class Menu(enum.Enum):
    """The window's menus, left to right; the value is the menu's title."""

    FILE = "&File"
    CUSTOMER = "&Customer"
    GO = "&Go"
    HELP = "&Help"

    @property
    def plain(self) -> str:
        return plain_text(self.value)


def plain_text(text: str) -> str:
    """Menu text as read: without the mnemonic marks (a doubled && stays one &)."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


@dataclass(frozen=True)
class WindowAction:
    """One thing the user can do from the window's menus, keys and palette."""

    id: str
    menu: Menu
    text: str
    run: Callable[[MainWindow], object]
    tip: str
    shortcuts: tuple[Shortcut, ...] = ()
    section: str = ""
    enabled: Callable[[MainWindow], bool] | None = None
    disabled_tip: str = ""
    role: QAction.MenuRole = QAction.MenuRole.NoRole
    keywords: str = ""
    """More words the palette finds it by (what a user might type instead of its name)."""

    @property
    def title(self) -> str:
        """How the palette names it: `Menu › Text`."""
        return f"{self.menu.plain} › {plain_text(self.text)}"

    def key_sequences(self) -> list[QKeySequence]:
        """Every key sequence that runs it, standard keys as this platform binds them, once each."""
        sequences: list[QKeySequence] = []
        for shortcut in self.shortcuts:
            if isinstance(shortcut, QKeySequence.StandardKey):
                sequences.extend(QKeySequence.keyBindings(shortcut))
            else:
                sequences.append(QKeySequence(shortcut))
        unique = {sequence.toString(): sequence for sequence in reversed(sequences)}
        return [sequence for sequence in sequences if unique[sequence.toString()] is sequence]

    def is_enabled(self, window: MainWindow) -> bool:
        return self.enabled is None or self.enabled(window)


def _customer_open(window: MainWindow) -> bool:
    return window.customer.overview is not None


NEEDS_CUSTOMER = "Open a customer first"


def _go(title: str, number: int, page: Callable[[MainWindow], QWidget], tip: str) -> WindowAction:
    return WindowAction(
        f"go_{title.lower().replace(' ', '_')}",
        Menu.GO,
        title,
        run=lambda window: window.tabs.setCurrentWidget(page(window)),
        tip=tip,
        shortcuts=(f"Ctrl+{number}",),
        section="areas",
    )


def _worklist(which: Worklist) -> WindowAction:
    return WindowAction(
        f"worklist_{which.name.lower()}",
        Menu.GO,
        f"{which.title} referrals",
        run=lambda window: window.show_worklist(which),
        tip=f"Show the {which.title.lower()} referrals worklist",
        section="worklists",
    )


def declared_actions() -> tuple[WindowAction, ...]:
    """The registry, in menu order. (A function so type checking can see the window's
    attributes the handlers use; read it as the constant `ACTIONS`.)"""
    return (
        WindowAction(
            "print_briefing",
            Menu.FILE,
            "&Print briefing…",
            run=lambda window: window.print_briefing(),
            tip="Preview and print the briefing of the selected referral or the open customer",
            shortcuts=(QKeySequence.StandardKey.Print,),
            section="print",
            keywords="sheet pdf sales visit",
        ),
        WindowAction(
            "print_day",
            Menu.FILE,
            "Print the &day's briefings…",
            run=lambda window: window.print_day(),
            tip="Print the briefings for every sales appointment of a day",
            shortcuts=("Ctrl+Alt+P",),
            section="print",
            keywords="batch tomorrow appointments",
        ),
        WindowAction(
            "import_records",
            Menu.FILE,
            "&Import records…",
            run=lambda window: window.import_records(),
            tip="Bring customers, equipment, visits or referrals in from a CSV or Excel file",
            shortcuts=("Ctrl+I",),
            section="files",
            keywords="csv excel xlsx upload",
        ),
        WindowAction(
            "export_records",
            Menu.FILE,
            "Export &records…",
            run=lambda window: window.export_records(),
            tip="Save every record of one kind to a CSV or Excel file",
            section="files",
            keywords="csv excel xlsx download",
        ),
        WindowAction(
            "export_table",
            Menu.FILE,
            "&Export this table…",
            run=lambda window: window.export_focused_table(),
            tip="Save the table that has the keyboard focus, as it is shown",
            shortcuts=("Ctrl+E",),
            section="files",
            keywords="csv excel",
        ),
        WindowAction(
            "outbox",
            Menu.FILE,
            "&Outbox…",
            run=lambda window: window.show_outbox(),
            tip="Messages to techs and salespeople, sent and waiting",
            section="files",
            keywords="email mail messages",
        ),
        WindowAction(
            "sync_log",
            Menu.FILE,
            "S&ync log…",
            run=lambda window: window.show_sync_log(),
            tip="What the folder sync imported, and what it left out",
            section="files",
        ),
        WindowAction(
            "preferences",
            Menu.FILE,
            "Prefere&nces…",
            run=lambda window: window.show_preferences(),
            tip="Office settings: promptness, spiffs, categories, mail server, time zone",
            shortcuts=("Ctrl+,",),
            section="settings",
            role=QAction.MenuRole.PreferencesRole,
            keywords="settings options",
        ),
        WindowAction(
            "salespeople",
            Menu.FILE,
            "Sa&lespeople…",
            run=lambda window: window.show_salespeople(),
            tip="Which referral categories each salesperson takes, and who is away",
            section="settings",
            keywords="round-robin assignment away vacation categories",
        ),
        WindowAction(
            "quit",
            Menu.FILE,
            "&Quit",
            run=lambda window: window.close(),
            tip="Close the console",
            # Some platforms bind no standard Quit key; Ctrl+Q is what desks expect.
            shortcuts=(QKeySequence.StandardKey.Quit, "Ctrl+Q"),
            section="quit",
            role=QAction.MenuRole.QuitRole,
            keywords="exit close",
        ),
        WindowAction(
            "find_customer",
            Menu.CUSTOMER,
            "&Find customer…",
            run=lambda window: window.search.focus_search(),
            tip="Back to the customer search",
            shortcuts=("Ctrl+F", "Ctrl+K"),
            section="find",
            keywords="search",
        ),
        WindowAction(
            "refresh",
            Menu.CUSTOMER,
            "&Refresh",
            run=lambda window: window.context.hub.changed.emit("refresh"),
            tip="Read everything on screen again from the database",
            shortcuts=(QKeySequence.StandardKey.Refresh,),
            section="find",
            keywords="reload",
        ),
        WindowAction(
            "edit_contact",
            Menu.CUSTOMER,
            "Edit &contact details…",
            run=lambda window: window.edit_contact(),
            tip="Change the open customer's name, phones, email and address",
            shortcuts=("Ctrl+Shift+E",),
            section="customer",
            enabled=_customer_open,
            disabled_tip=NEEDS_CUSTOMER,
            keywords="phone email address",
        ),
        WindowAction(
            "new_referral",
            Menu.CUSTOMER,
            "&New referral…",
            run=lambda window: window.new_referral(),
            tip="Record what a tech saw at the open customer for the sales team",
            shortcuts=(QKeySequence.StandardKey.New,),
            section="customer",
            enabled=_customer_open,
            disabled_tip=NEEDS_CUSTOMER,
            keywords="lead",
        ),
        WindowAction(
            "add_note",
            Menu.CUSTOMER,
            "Add upsell no&te…",
            run=lambda window: window.customer.add_note(),
            tip="Note something about the open customer the sales team should know",
            shortcuts=("Ctrl+Shift+N",),
            section="customer",
            enabled=_customer_open,
            disabled_tip=NEEDS_CUSTOMER,
        ),
        WindowAction(
            "book_visit",
            Menu.CUSTOMER,
            "&Book a visit…",
            run=lambda window: window.book_visit(),
            tip="Put a service visit for the open customer on a tech's day",
            shortcuts=("Ctrl+B",),
            section="customer",
            enabled=_customer_open,
            disabled_tip=NEEDS_CUSTOMER,
            keywords="schedule appointment",
        ),
        _go("Customer", 1, lambda window: window.pages, "Show the open customer"),
        _go(
            "Referral worklists", 2, lambda window: window.worklists, "Show the referral worklists"
        ),
        _go("Spiffs", 3, lambda window: window.spiffs, "Show the spiffs earned by the techs"),
        _go("Numbers", 4, lambda window: window.numbers_tab, "Show the referral numbers"),
        _go("Day board", 5, lambda window: window.day_board, "Show a day's visits by technician"),
        _worklist(Worklist.OVERDUE),
        _worklist(Worklist.TELL_TECH),
        WindowAction(
            "command_palette",
            Menu.GO,
            "&Command palette…",
            run=lambda window: window.show_palette(),
            tip="Find any action, customer or referral by typing",
            shortcuts=("Ctrl+Shift+P",),
            section="palette",
        ),
        WindowAction(
            "about",
            Menu.HELP,
            "&About Dispatch Console",
            run=lambda window: window.show_about(),
            tip="Version, database and where the log file is",
            role=QAction.MenuRole.AboutRole,
            keywords="version help log",
        ),
    )


ACTIONS = declared_actions()


def action_named(action_id: str) -> WindowAction:
    """The registry entry with this id."""
    return next(action for action in ACTIONS if action.id == action_id)


def build_actions(
    window: MainWindow, entries: Iterable[WindowAction] = ACTIONS
) -> dict[str, QAction]:
    """One QAction per entry, parented to the window so its shortcut works everywhere in it."""
    built: dict[str, QAction] = {}
    for entry in entries:
        if entry.id in built:
            raise ValueError(f"action {entry.id!r} is declared twice")
        action = QAction(entry.text, window)
        action.setObjectName(f"action_{entry.id}")
        action.setProperty(ACTION_ID, entry.id)
        action.setShortcuts(entry.key_sequences())
        action.setStatusTip(entry.tip)
        action.setToolTip(entry.tip)
        action.setMenuRole(entry.role)
        action.triggered.connect(lambda _checked=False, e=entry: e.run(window))
        built[entry.id] = action
    return built


def build_menus(
    menubar: QMenuBar, actions: dict[str, QAction], entries: Iterable[WindowAction] = ACTIONS
) -> None:
    """The menus in `Menu` order, each entry in registry order, separators between sections."""
    listed = list(entries)
    for menu in Menu:
        inside = [entry for entry in listed if entry.menu is menu]
        if not inside:
            continue
        widget = menubar.addMenu(menu.value)
        widget.setObjectName(f"menu_{menu.name.lower()}")
        section = inside[0].section
        for entry in inside:
            if entry.section != section:
                widget.addSeparator()
                section = entry.section
            widget.addAction(actions[entry.id])


def update_enabled(
    window: MainWindow, actions: dict[str, QAction], entries: Iterable[WindowAction] = ACTIONS
) -> None:
    """Enable each action as its condition says now; the tip says why one is not."""
    for entry in entries:
        if entry.enabled is None:
            continue
        on = entry.is_enabled(window)
        action = actions[entry.id]
        action.setEnabled(on)
        action.setStatusTip(entry.tip if on else f"{entry.tip} ({entry.disabled_tip.lower()})")
