"""The import wizard speaks the user's words, previews the rows, and makes Import the last step."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QWizard
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from console.models import Customer
from console.views.common.tones import Tone, tone
from console.views.context import DeskContext
from console.views.transfer.import_wizard import ImportWizard

HEADER = "Cust #,Customer Name,Zip,E-mail,Mobile,Favourite colour\n"


def rows(count: int, bad_email_on: int | None = None) -> str:
    lines = []
    for n in range(1, count + 1):
        email = "not-an-address" if n == bad_email_on else f"c{n}@example.com"
        lines.append(f"WW-{n},Words Customer {n},6270{n % 10},{email},555-01{n:02d},blue\n")
    return HEADER + "".join(lines)


def open_on(qtbot: QtBot, context: DeskContext, tmp_path: Path, content: str) -> ImportWizard:
    path = tmp_path / "clients.csv"
    path.write_text(content, encoding="utf-8")
    wizard = ImportWizard(
        context, QSettings(str(tmp_path / "wizard.ini"), QSettings.Format.IniFormat)
    )
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.choose_page.kind.setCurrentIndex(wizard.choose_page.kind.findData("customers"))
    wizard.choose_page.path.setText(str(path))
    wizard.next()
    return wizard


def test_file_headers_in_peoples_words_are_matched_and_shown_as_labels(
    qtbot: QtBot, context: DeskContext, tmp_path: Path
) -> None:
    wizard = open_on(qtbot, context, tmp_path, rows(3))
    page = wizard.mapping_page
    assert [combo.currentData() for combo in page.combos] == [
        "external_id",
        "name",
        "postal_code",
        "email",
        "phone",
        None,
    ]
    shown = [combo.currentText() for combo in page.combos]
    assert shown == [
        "Customer ID (required)",
        "Name (required)",
        "ZIP / postal code",
        "Email",
        "Phone",
        "(ignore)",
    ]
    choices = [page.combos[0].itemText(i) for i in range(page.combos[0].count())]
    assert not any("_" in choice for choice in choices)
    assert page.isComplete() and page.missing.text() == ""


def test_the_first_rows_show_as_they_will_be_stored_under_the_labels(
    qtbot: QtBot, context: DeskContext, tmp_path: Path
) -> None:
    wizard = open_on(qtbot, context, tmp_path, rows(14, bad_email_on=2))
    preview = wizard.mapping_page.preview
    headers = [preview.horizontalHeaderItem(c).text() for c in range(preview.columnCount())]
    assert headers == ["Customer ID", "Name", "Phone", "Email", "ZIP / postal code"]
    assert preview.rowCount() == 10
    assert preview.verticalHeaderItem(0).text() == "Row 2"
    assert [preview.item(0, c).text() for c in range(5)] == [
        "WW-1",
        "Words Customer 1",
        "555-0101",
        "c1@example.com",
        "62701",
    ]
    refused = preview.item(1, 3)
    assert refused.text() == "not-an-address"
    assert refused.foreground().color() == tone(Tone.DANGER, preview.palette())
    assert refused.toolTip().startswith("Email ")
    # Ignoring a column takes it out of the preview at once.
    zip_combo = wizard.mapping_page.combos[2]
    zip_combo.setCurrentIndex(zip_combo.findData(None))
    headers = [preview.horizontalHeaderItem(c).text() for c in range(preview.columnCount())]
    assert "ZIP / postal code" not in headers


def test_import_is_the_default_button_and_names_the_rows(
    qtbot: QtBot, context: DeskContext, tmp_path: Path
) -> None:
    wizard = open_on(qtbot, context, tmp_path, rows(12))
    wizard.next()
    run = wizard.run_page
    qtbot.waitUntil(lambda: run.task is None and run.outcome is not None, timeout=20_000)
    assert run.run_button.text() == "&Import 12 rows"
    assert run.run_button.isDefault() and run.run_button.isEnabled()
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert not finish.isEnabled()  # nothing is written until Import is pressed
    qtbot.keyClick(run.run_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Imported 12 rows" in run.summary.text(), timeout=20_000)
    assert finish.isEnabled() and not run.run_button.isEnabled()
    with context.read() as session:
        count = session.scalar(
            select(func.count()).select_from(Customer).where(Customer.external_id.like("WW-%"))
        )
    assert count == 12


def test_a_file_with_problems_offers_no_import_and_writes_nothing(
    qtbot: QtBot, context: DeskContext, tmp_path: Path
) -> None:
    wizard = open_on(qtbot, context, tmp_path, rows(2, bad_email_on=2))
    wizard.next()
    run = wizard.run_page
    qtbot.waitUntil(lambda: run.task is None and run.outcome is not None, timeout=20_000)
    assert "1 problem(s) in 2 rows" in run.summary.text()
    assert "Ignored columns: Favourite colour." in run.summary.text()
    table = run.problems
    assert [table.item(0, c).text() for c in range(2)] == ["3", "Email"]
    assert run.run_button.text() == "&Import" and not run.run_button.isEnabled()
    run.skip_invalid.setChecked(True)  # the good row can go in without the bad one
    qtbot.waitUntil(lambda: run.task is None and run.run_button.isEnabled(), timeout=20_000)
    assert run.run_button.text() == "&Import 1 row" and run.run_button.isDefault()
    assert not wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    with context.read() as session:
        assert not session.scalar(
            select(func.count()).select_from(Customer).where(Customer.external_id.like("WW-%"))
        )


def test_labels_show_no_stray_ampersand_and_errors_take_the_palettes_tone(
    qtbot: QtBot, context: DeskContext, tmp_path: Path, dark_palette: QPalette
) -> None:
    wizard = ImportWizard(
        context, QSettings(str(tmp_path / "wizard.ini"), QSettings.Format.IniFormat)
    )
    qtbot.addWidget(wizard)
    wizard.show()
    page = wizard.choose_page
    for label in page.findChildren(QLabel):
        if "&" in label.text().replace("&&", ""):
            assert label.buddy() is not None, label.text()
    file_label = next(lb for lb in page.findChildren(QLabel) if lb.text() == "&File")
    assert file_label.buddy() is page.path
    page.path.setText(str(tmp_path / "missing.csv"))
    wizard.next()
    assert wizard.currentPage() is page and page.error.text()
    assert tone(Tone.DANGER, dark_palette).name() in page.error.styleSheet()
