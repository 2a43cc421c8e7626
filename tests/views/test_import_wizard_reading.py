"""The import wizard on hard files: how the file was read, the sheet, the decimal mark and the
day order chosen, and refusals shown in words with nothing written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QTableWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from console.models import Customer, Referral, ServiceVisit, Staff, StaffRole
from console.views.context import DeskContext
from console.views.transfer.import_wizard import ImportWizard
from tests.services.transfer import hostile


def wizard_for(
    qtbot: QtBot, context: DeskContext, tmp_path: Path, path: Path, kind: str
) -> ImportWizard:
    wizard = ImportWizard(
        context, QSettings(str(tmp_path / "wizard.ini"), QSettings.Format.IniFormat)
    )
    qtbot.addWidget(wizard)
    wizard.show()
    page = wizard.choose_page
    page.kind.setCurrentIndex(page.kind.findData(kind))
    page.path.setText(str(path))
    return wizard


def checked(qtbot: QtBot, wizard: ImportWizard) -> str:
    """Go to the last page and wait for every row to be checked; the summary shown."""
    wizard.next()
    qtbot.waitUntil(lambda: wizard.run_page.task is None, timeout=20_000)
    return wizard.run_page.summary.text()


def cell(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    assert item is not None
    return item.text()


def customer_count(context: DeskContext) -> int:
    with context.read() as session:
        return session.scalar(select(func.count()).select_from(Customer)) or 0


def test_a_workbook_sheet_is_chosen_and_how_it_was_read_is_shown(
    qtbot: QtBot, context: DeskContext, tmp_path: Path
) -> None:
    path = hostile.customers_workbook(tmp_path)
    wizard = wizard_for(qtbot, context, tmp_path, path, "customers")
    sheets = wizard.choose_page.sheet
    assert wizard.choose_page.sheet.isEnabled()
    assert [sheets.itemText(i) for i in range(sheets.count())][1:] == ["Customers", "Notes"]
    sheets.setCurrentIndex(sheets.findData("Customers"))
    wizard.next()
    assert wizard.currentPage() is wizard.mapping_page
    assert wizard.mapping_page.read_as.text() == 'Read as Excel workbook, sheet "Customers".'
    assert "The row is fine: 1 new" in checked(qtbot, wizard)
    qtbot.mouseClick(wizard.run_page.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Imported 1 row:" in wizard.run_page.summary.text(), timeout=20_000)
    with context.read() as session:
        assert (
            session.scalars(select(Customer.city).where(Customer.external_id == "W-1")).one()
            == "Oslo"
        )


def test_a_csv_has_no_sheet_to_choose_and_says_how_it_was_read(
    qtbot: QtBot, context: DeskContext, tmp_path: Path
) -> None:
    path = hostile.quoted_separators(tmp_path)
    wizard = wizard_for(qtbot, context, tmp_path, path, "customers")
    assert not wizard.choose_page.sheet.isEnabled()
    wizard.next()
    assert wizard.mapping_page.read_as.text() == "Read as CSV, semicolon-separated, UTF-8."
    first_values = [cell(wizard.mapping_page.table, row, 1) for row in range(2)]
    assert first_values == ["Acme, Ltd", "555-0100"]


def test_an_unreadable_file_is_refused_on_the_first_page(
    qtbot: QtBot, context: DeskContext, tmp_path: Path
) -> None:
    before = customer_count(context)
    wizard = wizard_for(qtbot, context, tmp_path, hostile.mixed_encodings(tmp_path), "customers")
    wizard.next()
    assert wizard.currentPage() is wizard.choose_page
    assert wizard.choose_page.error.text() == hostile.REFUSALS[1][1]
    assert customer_count(context) == before


def test_a_broken_row_found_while_checking_stops_the_import_in_words(
    qtbot: QtBot, context: DeskContext, tmp_path: Path
) -> None:
    before = customer_count(context)
    wizard = wizard_for(qtbot, context, tmp_path, hostile.extra_field(tmp_path), "customers")
    wizard.next()
    summary = checked(qtbot, wizard)
    assert summary == (
        "The file cannot be imported: row 3: has 4 fields, the header has 3. Nothing was imported."
    )
    assert not wizard.run_page.run_button.isEnabled()
    assert customer_count(context) == before


def test_the_day_order_chosen_decides_an_ambiguous_date(
    qtbot: QtBot, context: DeskContext, tmp_path: Path
) -> None:
    with context.read() as session:
        customer = session.scalars(select(Customer.external_id).limit(1)).one()
    content = f"external_id,customer_external_id,scheduled_for\nWV-1,{customer},05/02/2024\n"
    path = hostile.text_file(tmp_path, "visits.csv", content.encode())

    undecided = wizard_for(qtbot, context, tmp_path, path, "visits")
    undecided.next()
    assert "1 problem(s)" in checked(qtbot, undecided)
    assert cell(undecided.run_page.problems, 0, 2) == (
        "05/02/2024 could be 5 February or 2 May; say --day-first or --month-first"
    )

    decided = wizard_for(qtbot, context, tmp_path, path, "visits")
    order = decided.choose_page.day_order
    order.setCurrentIndex(order.findData(False))  # month first
    decided.next()
    assert "The row is fine" in checked(qtbot, decided)
    qtbot.mouseClick(decided.run_page.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Imported 1 row:" in decided.run_page.summary.text(), timeout=20_000)
    with context.read() as session:
        stored = session.scalars(
            select(ServiceVisit.scheduled_for).where(ServiceVisit.external_id == "WV-1")
        ).one()
    assert stored is not None
    assert abs(stored.replace(tzinfo=None) - dt.datetime(2024, 5, 2)) <= dt.timedelta(days=1)


def test_the_decimal_mark_chosen_decides_an_ambiguous_amount(
    qtbot: QtBot, context: DeskContext, tmp_path: Path
) -> None:
    with context.read() as session:
        customer = session.scalars(select(Customer.external_id).limit(1)).one()
        technician = session.scalars(
            select(Staff.name).where(Staff.role == StaffRole.TECHNICIAN).limit(1)
        ).one()
    header = "external_id,customer_external_id,technician,pain_point,estimated_value\n"
    row = f'WR-1,{customer},{technician},Old boiler,"1,234"\n'
    path = hostile.text_file(tmp_path, "referrals.csv", (header + row).encode())

    undecided = wizard_for(qtbot, context, tmp_path, path, "referrals")
    undecided.next()
    assert "1 problem(s)" in checked(qtbot, undecided)
    assert "could be 1234 or 1.234" in cell(undecided.run_page.problems, 0, 2)

    decided = wizard_for(qtbot, context, tmp_path, path, "referrals")
    marks = decided.choose_page.decimal
    marks.setCurrentIndex(marks.findData("."))  # the point is the decimal mark: 1,234 is 1234
    decided.next()
    assert "The row is fine" in checked(qtbot, decided)
    qtbot.mouseClick(decided.run_page.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Imported 1 row:" in decided.run_page.summary.text(), timeout=20_000)
    with context.read() as session:
        value = session.scalars(
            select(Referral.estimated_value).where(Referral.external_id == "WR-1")
        ).one()
    assert value == Decimal("1234")
