"""The import wizard: the mapping step, the problem table, and an import off the UI thread."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from sqlalchemy import select

from console.models import Customer
from console.views.context import DeskContext
from console.views.transfer.import_wizard import ImportWizard


def start(qtbot, context: DeskContext, tmp_path: Path, content: str) -> ImportWizard:  # type: ignore[no-untyped-def]
    path = tmp_path / "crm.csv"
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


def fields(wizard: ImportWizard) -> list[str | None]:
    return [combo.currentData() for combo in wizard.mapping_page.combos]


def test_mapping_step_guesses_checks_and_remembers(
    qtbot, context: DeskContext, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    wizard = start(qtbot, context, tmp_path, "Legacy Key,Name,Line 2\nW-1,Wizard Co,555-0100\n")
    assert wizard.currentPage() is wizard.mapping_page
    assert fields(wizard) == [None, "name", None]
    assert "Still needed: Customer ID" in wizard.mapping_page.missing.text()
    assert not wizard.mapping_page.isComplete()
    first, _name, phone = wizard.mapping_page.combos
    first.setCurrentIndex(first.findData("external_id"))
    phone.setCurrentIndex(phone.findData("phone"))
    assert wizard.mapping_page.isComplete()
    assert wizard.mapping_page.mapping() == {
        "legacy_key": "external_id",
        "name": "name",
        "line_2": "phone",
    }
    wizard.next()
    qtbot.waitUntil(lambda: wizard.run_page.outcome is not None, timeout=20_000)
    assert "The row is fine: 1 new" in wizard.run_page.summary.text()
    # Every page says what it is for under its title, the last one too.
    pages = (wizard.choose_page, wizard.mapping_page, wizard.run_page)
    assert all(page.title() and page.subTitle() for page in pages)
    if os.environ.get("CONSOLE_SCREENSHOTS"):
        wizard.grab().save(str(Path(os.environ["CONSOLE_SCREENSHOTS"]) / "import-check.png"))
    qtbot.mouseClick(wizard.run_page.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Imported 1 row:" in wizard.run_page.summary.text(), timeout=20_000)
    with context.read() as session:
        assert (
            session.scalars(select(Customer.phone).where(Customer.external_id == "W-1")).one()
            == "555-0100"
        )

    again = start(qtbot, context, tmp_path, "Legacy Key,Name,Line 2\nW-2,Other Co,555-0101\n")
    assert fields(again) == ["external_id", "name", "phone"]


def test_problem_table_lists_every_problem_and_saves_them(
    qtbot, context: DeskContext, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    content = "external_id,name,email\nB-1,,a@example.com\nB-1,Twice,b@example.com\n"
    wizard = start(qtbot, context, tmp_path, content)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.run_page.outcome is not None, timeout=20_000)
    table = wizard.run_page.problems
    rows = [[table.item(r, c).text() for c in range(3)] for r in range(table.rowCount())]
    assert rows == [["2", "Name", "is required"], ["3", "Customer ID", "'B-1' is already on row 2"]]
    assert not wizard.run_page.run_button.isEnabled()
    assert "2 problem(s)" in wizard.run_page.summary.text()
    out = tmp_path / "problems.csv"
    wizard.run_page.save_problems(out)
    assert out.read_text(encoding="utf-8-sig").splitlines()[1] == "2,Name,is required"
