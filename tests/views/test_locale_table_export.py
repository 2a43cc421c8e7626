"""A table exported to CSV or XLSX holds plain values for other programs (ISO dates, plain
decimals, numbers as numbers), with the headers the table shows, whatever the desk's locale;
the window goes on showing the desk's way, and formulas stay neutralised."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from console.models import ReferralStatus
from console.services.office import formatting
from console.services.office.clock import configure_office_zone
from console.services.office.settings import load_office_settings, save_office_settings
from console.services.referrals.worklists import Worklist
from console.views.common.tables.columns import Column, local_time, money
from console.views.common.tables.table_export import export_table
from console.views.common.tables.table_model import RowTableModel
from console.views.common.tables.table_snapshot import detached_copy
from console.views.context import DeskContext
from console.views.main_window import MainWindow
from console.views.worklists.worklist_model import COLUMN_KEYS
from tests.views.waiting import settled_worklists


@dataclass(frozen=True)
class Sale:
    customer: str
    won_at: dt.datetime
    follow_up: dt.date | None
    value: Decimal | None
    visits: int
    status: ReferralStatus


SALES = [
    Sale(
        "Müller GmbH",
        dt.datetime(2026, 3, 16, 23, 30, tzinfo=dt.UTC),  # 00:30 on the 17th in Berlin
        dt.date(2026, 4, 1),
        Decimal("12500.50"),
        3,
        ReferralStatus.WON,
    ),
    Sale(
        '=HYPERLINK("x")',
        dt.datetime(2026, 3, 18, 9, 0, tzinfo=dt.UTC),
        None,
        None,
        0,
        ReferralStatus.LOST,
    ),
]

COLUMNS: list[Column[Sale]] = [
    Column("Customer", lambda r: r.customer),
    Column("Won", lambda r: r.won_at),
    Column("Recorded", lambda r: local_time(r.won_at)),  # a column that formats its own text
    Column("Follow up", lambda r: r.follow_up),
    Column("Value", lambda r: r.value),
    Column("Shown value", lambda r: money(r.value)),
    Column("Visits", lambda r: r.visits),
    Column("Status", lambda r: r.status),
]


@pytest.fixture
def german_desk(qapp: QApplication) -> Iterator[None]:
    before = QLocale()
    QLocale.setDefault(QLocale("de_DE"))
    formatting.use_currency("EUR")
    configure_office_zone("Europe/Berlin")
    yield
    QLocale.setDefault(before)
    formatting.use_currency(formatting.DEFAULT_CURRENCY)
    configure_office_zone("UTC")


def sales_model() -> RowTableModel[Sale]:
    model: RowTableModel[Sale] = RowTableModel(COLUMNS)
    model.set_rows(SALES)
    return model


def shown_row(model: RowTableModel[Sale], row: int) -> list[str]:
    return [
        str(model.index(row, column).data()).replace("\u00a0", " ")
        for column in range(model.columnCount())
    ]


HEADERS = ["Customer", "Won", "Recorded", "Follow up", "Value", "Shown value", "Visits", "Status"]
GERMAN_ROW = [
    "Müller GmbH",
    "17.03.2026 00:30",
    "17.03.2026 00:30",
    "01.04.2026",
    "12.501 €",
    "12.501 €",
    "3",
    "Won",
]


def test_a_csv_holds_iso_dates_and_plain_decimals_under_the_shown_headers(
    german_desk: None, tmp_path: Path
) -> None:
    model = sales_model()
    assert shown_row(model, 0) == GERMAN_ROW
    target = tmp_path / "sales.csv"
    assert export_table(detached_copy(model)(), target) == 2
    with target.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    assert rows == [
        HEADERS,
        [
            "Müller GmbH",
            "2026-03-17 00:30",
            "2026-03-17 00:30",
            "2026-04-01",
            "12500.50",
            "12500.50",
            "3",
            "Won",
        ],
        ['\'=HYPERLINK("x")', "2026-03-18 10:00", "2026-03-18 10:00", "", "", "", "0", "Lost"],
    ]
    # The window still shows the desk's way: the export wrote nothing into what it shows.
    assert shown_row(model, 0) == GERMAN_ROW


def test_an_xlsx_holds_numbers_as_numbers_and_dates_as_dates(
    german_desk: None, tmp_path: Path
) -> None:
    model = sales_model()
    target = tmp_path / "sales.xlsx"
    assert export_table(model, target) == 2
    sheet = openpyxl.load_workbook(target).active
    assert sheet is not None
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == HEADERS
    assert rows[1] == [
        "Müller GmbH",
        dt.datetime(2026, 3, 17, 0, 30),
        dt.datetime(2026, 3, 17, 0, 30),
        dt.datetime(2026, 4, 1),
        12500.5,
        12500.5,
        3,
        "Won",
    ]
    assert rows[2][0] == '\'=HYPERLINK("x")' and rows[2][6] == 0
    assert not any(
        isinstance(cell.value, str) and cell.value.startswith("=")
        for row in sheet.iter_rows()
        for cell in row
    )
    assert shown_row(model, 0) == GERMAN_ROW


@pytest.mark.parametrize("locale", ["de_DE", "en_US", "fr_FR"])
def test_the_file_is_the_same_whatever_the_desks_locale(
    qapp: QApplication, tmp_path: Path, locale: str
) -> None:
    before = QLocale()
    QLocale.setDefault(QLocale(locale))
    configure_office_zone("UTC")
    try:
        target = tmp_path / f"{locale}.csv"
        export_table(sales_model(), target)
        lines = target.read_text(encoding="utf-8-sig").splitlines()
    finally:
        QLocale.setDefault(before)
    assert (
        lines[1]
        == "Müller GmbH,2026-03-16 23:30,2026-03-16 23:30,2026-04-01,12500.50,12500.50,3,Won"
    )


def test_the_worklist_exports_plain_values_from_a_german_window(
    qtbot: QtBot, german_desk: None, window: MainWindow, context: DeskContext, tmp_path: Path
) -> None:
    with context.sessions.begin() as session:
        office = load_office_settings(session)
        save_office_settings(session, replace(office, currency="EUR"), office)
    view = window.worklists
    view.show_worklist(Worklist.OPEN)
    settled_worklists(qtbot, view)
    model = view.model
    value = COLUMN_KEYS.index("value")
    priced = next(row for row, item in enumerate(model.rows) if item.estimated_value)
    item = model.rows[priced]
    assert model.index(priced, value).data().endswith("\u00a0€")
    target = tmp_path / "worklist.csv"
    assert export_table(detached_copy(model)(), target) == len(model.rows)
    with target.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    exported = dict(zip(rows[0], rows[priced + 1], strict=True))
    amount = item.won_value or item.estimated_value
    assert exported[model.headerData(value, Qt.Orientation.Horizontal)] == f"{amount:.2f}"
    assert "€" not in target.read_text(encoding="utf-8-sig")
