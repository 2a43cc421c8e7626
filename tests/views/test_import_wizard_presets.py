"""The import wizard with presets: recognised, chosen or declined, and invalid rows set aside."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from console.models import Customer, ServiceVisit
from console.views.context import DeskContext
from console.views.transfer.import_wizard import NO_PRESET, ImportWizard

SAMPLES = Path(__file__).parents[1] / "data" / "presets"


def open_wizard(
    qtbot: QtBot, context: DeskContext, tmp_path: Path, path: Path, kind: str = "customers"
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
    qtbot.waitUntil(lambda: wizard.run_page.task is None, timeout=20_000)
    return wizard.run_page.summary.text()


def stored(engine: Engine, external_id: str) -> Customer | None:
    with Session(engine) as session:
        return session.scalars(select(Customer).where(Customer.external_id == external_id)).first()


def test_a_recognised_export_skips_the_matching_and_imports_every_kind(
    qtbot: QtBot, context: DeskContext, view_engine: Engine, tmp_path: Path
) -> None:
    wizard = open_wizard(qtbot, context, tmp_path, SAMPLES / "jobber-clients.csv")
    wizard.next()
    assert wizard.currentPage() is wizard.run_page  # no column matching
    assert wizard.run_page.preset_note.text() == (
        "Format: Jobber client export (jobber-clients), writing customers, sites."
    )
    assert checked(qtbot, wizard) == (
        "All 6 rows are fine: customers 4 new, 0 changed, 0 unchanged; "
        "sites 6 new, 0 changed, 0 unchanged. Press Import to write them."
    )
    assert stored(view_engine, "48211957") is None  # the check wrote nothing
    wizard.grab().save(str(tmp_path / "wizard-preset.png"))
    qtbot.mouseClick(wizard.run_page.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Imported 6 rows" in wizard.run_page.summary.text(), timeout=20_000)
    harbor = stored(view_engine, "48211957")
    assert harbor is not None and harbor.street == "200 Market Street, Suite 400"
    wizard.back()
    assert wizard.choose_page.recognised.text() == (
        "Format: Jobber client export (jobber-clients), writing customers, sites; "
        "no column matching needed."
    )
    wizard.grab().save(str(tmp_path / "wizard-first-page.png"))


def test_no_preset_means_matching_the_columns(
    qtbot: QtBot, context: DeskContext, tmp_path: Path
) -> None:
    wizard = open_wizard(qtbot, context, tmp_path, SAMPLES / "jobber-clients.csv")
    presets = wizard.choose_page.preset
    presets.setCurrentIndex(presets.findData(NO_PRESET))
    wizard.next()
    assert wizard.currentPage() is wizard.mapping_page
    assert wizard.preset is None


def test_a_chosen_preset_that_does_not_fit_is_refused_on_the_first_page(
    qtbot: QtBot, context: DeskContext, tmp_path: Path
) -> None:
    wizard = open_wizard(qtbot, context, tmp_path, SAMPLES / "jobber-clients.csv")
    presets = wizard.choose_page.preset
    presets.setCurrentIndex(presets.findData("housecall-pro-jobs"))
    wizard.next()
    assert wizard.currentPage() is wizard.choose_page
    assert wizard.choose_page.error.text() == (
        "the file is not a Housecall Pro jobs export (housecall-pro-jobs): its header lacks "
        "Job #, Customer name, Job scheduled start date"
    )


def test_invalid_rows_are_left_out_and_saved_beside_the_file(
    qtbot: QtBot, context: DeskContext, view_engine: Engine, tmp_path: Path
) -> None:
    jobs = tmp_path / "jobs.csv"
    shutil.copy(SAMPLES / "housecall-pro-jobs.csv", jobs)
    # Only one of the jobs' customers is on file, under the name the jobs use.
    with Session(view_engine) as session, session.begin():
        session.add(
            Customer(
                external_id="HP-7", account_number="HP-7", name="Harbor Point Property Management"
            )
        )
    wizard = open_wizard(qtbot, context, tmp_path, jobs, kind="visits")
    wizard.next()
    assert "3 problem(s) in 4 rows" in checked(qtbot, wizard)
    wizard.run_page.skip_invalid.setChecked(True)
    assert checked(qtbot, wizard).startswith("4 rows checked: technicians ")
    assert "3 invalid row(s) will be left out and saved to a file" in (
        wizard.run_page.summary.text()
    )
    assert wizard.run_page.problems.rowCount() == 3
    wizard.grab().save(str(tmp_path / "wizard-skip.png"))
    qtbot.mouseClick(wizard.run_page.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Imported 4 rows" in wizard.run_page.summary.text(), timeout=20_000)
    saved = tmp_path / "jobs-rejects.csv"
    assert f"3 invalid row(s) were left out; they are saved in {saved}." in (
        wizard.run_page.summary.text()
    )
    lines = saved.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 4 and lines[0].endswith(",reason")
    with Session(view_engine) as session:
        visit = session.scalars(
            select(ServiceVisit).where(ServiceVisit.external_id.like("hcp-job:%"))
        ).one()
        assert visit.external_id == "hcp-job:1043"
