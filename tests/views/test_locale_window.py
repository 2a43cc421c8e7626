"""The window writes dates, times and money the desk's way, in the office's currency, and so do
the PDFs it makes; Preferences chooses the currency."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QLocale, QSettings, Qt
from PySide6.QtWidgets import QApplication

from console.services.office import formatting
from console.services.office.clock import local as office_local
from console.services.office.settings import load_office_settings, save_office_settings
from console.services.referrals.worklists import WorkItem, Worklist
from console.views.context import DeskContext
from console.views.main_window import MainWindow
from console.views.preferences_dialog import PreferencesDialog
from console.views.worklists.worklist_model import COLUMN_KEYS
from tests.views.waiting import settled_worklists


def plain(text: str) -> str:
    """Locales put no-break spaces inside amounts and times; a reader sees spaces."""
    return text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2009", " ")


def office_uses(context: DeskContext, currency: str) -> None:
    with context.sessions.begin() as session:
        office = load_office_settings(session)
        save_office_settings(session, replace(office, currency=currency), office)


@pytest.fixture
def desk_in(qapp: QApplication) -> Iterator[Callable[[str], None]]:
    """Sets the desktop's locale for one test, as `QLocale.setDefault` does at start."""
    before = QLocale()

    def use(name: str) -> None:
        QLocale.setDefault(QLocale(name))

    yield use
    QLocale.setDefault(before)
    formatting.use_currency(formatting.DEFAULT_CURRENCY)


def open_window(qtbot, context: DeskContext, desk_settings: QSettings) -> MainWindow:  # type: ignore[no-untyped-def]
    main = MainWindow(context, desk_settings)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    return main


def worklist_cells(qtbot, window: MainWindow) -> list[tuple[WorkItem, str, str]]:  # type: ignore[no-untyped-def]
    """(item, Value cell, Recorded cell) of every row with a value on the open-referrals list."""
    view = window.worklists
    view.show_worklist(Worklist.OPEN)
    settled_worklists(qtbot, view)
    model = view.model
    value, recorded = COLUMN_KEYS.index("value"), COLUMN_KEYS.index("recorded")
    shown = []
    for row, item in enumerate(model.rows):
        if item.won_value or item.estimated_value:
            cell = model.index(row, value).data(Qt.ItemDataRole.DisplayRole)
            when = model.index(row, recorded).data(Qt.ItemDataRole.DisplayRole)
            shown.append((item, plain(cell), plain(when)))
    assert shown, "the demo office has referrals with a value"
    return shown


def grouped(amount: Decimal, separator: str) -> str:
    return f"{amount.quantize(Decimal(1)):,}".replace(",", separator)


def test_a_german_desk_in_euros(
    qtbot, context: DeskContext, desk_settings: QSettings, desk_in
) -> None:  # type: ignore[no-untyped-def]
    office_uses(context, "EUR")
    desk_in("de_DE")
    window = open_window(qtbot, context, desk_settings)
    for item, value, recorded in worklist_cells(qtbot, window):
        amount = item.won_value or item.estimated_value
        assert amount is not None
        assert value == f"{grouped(amount, '.')} €"
        assert recorded == f"{office_local(item.created_at):%d.%m.%Y %H:%M}"
    assert formatting.money(Decimal("1234.5")).replace("\u00a0", " ") == "1.234,50 €"


def test_a_british_desk_writes_the_day_first(
    qtbot, context: DeskContext, desk_settings: QSettings, desk_in
) -> None:  # type: ignore[no-untyped-def]
    desk_in("en_GB")
    window = open_window(qtbot, context, desk_settings)
    for item, value, recorded in worklist_cells(qtbot, window):
        amount = item.won_value or item.estimated_value
        assert amount is not None
        assert value == f"US${grouped(amount, ',')}"
        assert recorded == f"{office_local(item.created_at):%d/%m/%Y %H:%M}"


def test_a_french_desk_in_euros(
    qtbot, context: DeskContext, desk_settings: QSettings, desk_in
) -> None:  # type: ignore[no-untyped-def]
    office_uses(context, "EUR")
    desk_in("fr_FR")
    window = open_window(qtbot, context, desk_settings)
    for item, value, recorded in worklist_cells(qtbot, window):
        amount = item.won_value or item.estimated_value
        assert amount is not None
        assert value == f"{grouped(amount, ' ')} €"
        assert recorded == f"{office_local(item.created_at):%d/%m/%Y %H:%M}"


def test_an_american_desk_writes_the_month_first_and_a_twelve_hour_clock(
    qtbot, context: DeskContext, desk_settings: QSettings, desk_in
) -> None:  # type: ignore[no-untyped-def]
    desk_in("en_US")
    window = open_window(qtbot, context, desk_settings)
    for item, value, recorded in worklist_cells(qtbot, window):
        amount = item.won_value or item.estimated_value
        assert amount is not None
        assert value == f"${grouped(amount, ',')}"
        local = office_local(item.created_at)
        hour = local.hour % 12 or 12
        noon = "AM" if local.hour < 12 else "PM"
        assert recorded == f"{local.month}/{local.day}/{local.year} {hour}:{local:%M} {noon}"


def test_the_numbers_and_their_pdf_follow_the_desk(
    qtbot, context: DeskContext, desk_settings: QSettings, desk_in, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    office_uses(context, "EUR")
    desk_in("de_DE")
    window = open_window(qtbot, context, desk_settings)
    window.tabs.setCurrentWidget(window.numbers_tab)
    qtbot.waitUntil(lambda: window.numbers_tab.ready, timeout=20_000)
    dashboard = window.dashboard
    with qtbot.waitSignal(dashboard.loaded, timeout=10_000):
        dashboard.preset.setCurrentText("All time")
    assert dashboard.metrics is not None
    value_won = Decimal(str(dashboard.metrics.totals["value_won"]))
    german = f"{grouped(value_won, '.')} €"
    assert f"value won {german}" in plain(dashboard.totals.text())
    headings = [
        dashboard.table.horizontalHeaderItem(column).text()
        for column in range(dashboard.table.columnCount())
    ]
    column = headings.index("Value won")
    cells = [plain(dashboard.table.item(row, column).text()) for row in range(3)]
    assert all(re.fullmatch(r"\d{1,3}(\.\d{3})* €", cell) for cell in cells), cells
    assert dashboard.until.text() == QLocale("de_DE").toString(dashboard.until.date(), "dd.MM.yyyy")

    out = tmp_path / "numbers.pdf"
    with qtbot.waitSignal(dashboard.reportSaved, timeout=20_000):
        dashboard.save_report(out)
    text = plain(" ".join(page.extract_text() for page in PdfReader(out).pages))
    assert f"value won {german}" in text and "$" not in text
    assert re.search(r"Referrals recorded the beginning to \d{2}\.\d{2}\.\d{4}", text)


def test_preferences_choose_the_currency_and_refuse_a_made_up_one(
    qtbot, context: DeskContext, tmp_path: Path, desk_in
) -> None:  # type: ignore[no-untyped-def]
    settings = QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat)
    dialog = PreferencesDialog(context, settings)
    qtbot.addWidget(dialog)
    assert dialog.currency.currentText() == "USD · US Dollar"
    dialog.currency.setEditText("XYZ")
    dialog.first_contact.setValue(6)
    dialog.save()
    assert dialog.error.text() == (
        "Currency: 'XYZ' is not an ISO 4217 currency code (such as USD, EUR or GBP)"
    )
    assert dialog.currency.hasFocus() or dialog.currency.lineEdit().selectedText() == "XYZ"
    with context.read() as session:
        unchanged = load_office_settings(session)
    assert (unchanged.currency, unchanged.first_contact_hours) == ("USD", 24)

    dialog.currency.setCurrentIndex(dialog.currency.findData("EUR"))
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    with context.read() as session:
        assert load_office_settings(session).currency == "EUR"
    assert formatting.office_currency() == "EUR"
