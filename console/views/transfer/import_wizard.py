"""Import wizard: choose a file, map its columns, check every row, then import off the UI thread."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from console.services.transfer.importer import ImportSummary, Problem, import_file
from console.services.transfer.kinds import KINDS
from console.services.transfer.table_file import (
    EXCEL_SUFFIXES,
    FileProblem,
    TableFile,
    normalise_header,
    open_table,
)
from console.services.transfer.workbook import sheet_names
from console.views.common.forms import path_row
from console.views.common.task import BackgroundTask
from console.views.context import DeskContext

IGNORE = "(ignore)"
ACTIVE_SHEET = "The sheet open when it was saved"
DECIMAL_MARKS = (
    ("Decide from each column", None),
    ("Comma (1.234,56)", ","),
    ("Point (1,234.56)", "."),
)
DAY_ORDERS = (
    ("Decide from each column", None),
    ("Day first (31/12/2025)", True),
    ("Month first (12/31/2025)", False),
)


def choice_combo(parent: QWidget, name: str, choices: tuple[tuple[str, object], ...]) -> QComboBox:
    combo = QComboBox(parent)
    combo.setAccessibleName(name)
    for label, value in choices:
        combo.addItem(label, value)
    return combo


def layout_key(kind: str, source_columns: list[str]) -> str:
    """Files from the same system share a header; their mapping is remembered under it."""
    digest = hashlib.sha1(json.dumps([kind, source_columns]).encode()).hexdigest()[:16]
    return f"import/mapping/{digest}"


class ChooseFilePage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.setTitle("Choose the file")
        self.setSubTitle("A CSV or Excel export from your other system.")
        self.kind = QComboBox(self)
        self.kind.setAccessibleName("What the file holds")
        for name in KINDS:
            self.kind.addItem(name.capitalize(), name)
        self.path = QLineEdit(self)
        self.path.setAccessibleName("File to import")
        row = path_row(self.path, self.browse)
        self.sheet = QComboBox(self)
        self.sheet.setAccessibleName("Sheet of the workbook")
        self.decimal = choice_combo(self, "Decimal mark of numbers", DECIMAL_MARKS)
        self.day_order = choice_combo(self, "Order of day and month in dates", DAY_ORDERS)
        self.error = QLabel(self)
        self.error.setObjectName("fileError")
        self.error.setStyleSheet("color: #c62828")
        self.error.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow("&Records", self.kind)
        form.addRow("&File", row)
        form.addRow("&Sheet", self.sheet)
        form.addRow("&Decimal mark", self.decimal)
        form.addRow("D&ates", self.day_order)
        form.addRow(self.error)
        self.path.textChanged.connect(self.completeChanged)
        self.path.textChanged.connect(self.list_sheets)
        self.list_sheets()

    def list_sheets(self) -> None:
        """A workbook's sheets to choose from; a CSV has none."""
        self.sheet.clear()
        self.sheet.addItem(ACTIVE_SHEET, None)
        path = Path(self.path.text().strip())
        if path.suffix.lower() in EXCEL_SUFFIXES and path.is_file():
            try:
                names = sheet_names(path)
            except FileProblem:
                names = []  # opening the file says what is wrong with it
            for name in names:
                self.sheet.addItem(name, name)
        self.sheet.setEnabled(self.sheet.count() > 1)

    def browse(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, "Import file", "", "Tables (*.csv *.tsv *.txt *.xlsx *.xlsm)"
        )
        if path:
            self.path.setText(path)

    def isComplete(self) -> bool:
        return bool(self.path.text().strip())

    def validatePage(self) -> bool:
        wizard = self.wizard()
        assert isinstance(wizard, ImportWizard)
        try:
            wizard.table = open_table(Path(self.path.text().strip()), sheet=wizard.sheet)
        except FileProblem as error:
            self.error.setText(str(error))
            return False
        self.error.clear()
        return True


class MappingPage(QWizardPage):
    """Each column of the file, and which field it fills."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.setTitle("Match the columns")
        self.setSubTitle(
            "Say which field each column of the file fills. Unmatched columns are ignored."
        )
        self.read_as = QLabel(self)
        self.read_as.setObjectName("readAs")
        self.read_as.setAccessibleName("How the file was read")
        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("mappingTable")
        self.table.setAccessibleName("Column mapping")
        self.table.setHorizontalHeaderLabels(["Column in the file", "First value", "Field"])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.missing = QLabel(self)
        self.missing.setWordWrap(True)
        self.missing.setStyleSheet("color: #c62828")
        layout = QVBoxLayout(self)
        layout.addWidget(self.read_as)
        layout.addWidget(self.table)
        layout.addWidget(self.missing)
        self.combos: list[QComboBox] = []

    def initializePage(self) -> None:
        wizard = self.wizard()
        assert isinstance(wizard, ImportWizard) and wizard.table is not None
        kind = KINDS[wizard.kind]
        table = wizard.table
        self.read_as.setText(f"Read as {table.describe()}.")
        remembered = wizard.settings.value(layout_key(wizard.kind, table.source_columns))
        saved = json.loads(str(remembered)) if remembered else {}
        try:
            first = next(table.chunks(1), pd.DataFrame())
        except FileProblem as error:  # a broken first row shows again when the rows are checked
            self.read_as.setText(f"Read as {table.describe()}. {error}")
            first = pd.DataFrame()
        self.table.setRowCount(len(table.source_columns))
        self.combos = []
        for row, source in enumerate(table.source_columns):
            combo = QComboBox(self.table)
            combo.setAccessibleName(f"Field for column {source}")
            combo.addItem(IGNORE, None)
            for name in kind.columns:
                required = " (required)" if kind.field(name).required else ""
                combo.addItem(f"{name}{required}", name)
            guess = saved.get(source) or normalise_header(source)
            index = combo.findData(guess)
            combo.setCurrentIndex(index if index >= 0 else 0)
            combo.currentIndexChanged.connect(self.check)
            sample = str(first.iloc[0, row]) if not first.empty and row < first.shape[1] else ""
            self.table.setItem(row, 0, QTableWidgetItem(source))
            self.table.setItem(row, 1, QTableWidgetItem(sample))
            self.table.setCellWidget(row, 2, combo)
            self.combos.append(combo)
        self.table.resizeColumnsToContents()
        self.check()

    def mapping(self) -> dict[str, str]:
        wizard = self.wizard()
        assert isinstance(wizard, ImportWizard) and wizard.table is not None
        result = {}
        for source, combo in zip(wizard.table.source_columns, self.combos, strict=True):
            target = combo.currentData()
            result[normalise_header(source)] = (
                target if target else f"ignored_{normalise_header(source)}"
            )
        return result

    def check(self) -> None:
        wizard = self.wizard()
        assert isinstance(wizard, ImportWizard)
        chosen = [combo.currentData() for combo in self.combos if combo.currentData()]
        kind = KINDS[wizard.kind]
        missing = [
            name for name in kind.columns if kind.field(name).required and name not in chosen
        ]
        twice = sorted({name for name in chosen if chosen.count(name) > 1})
        lines = []
        if missing:
            lines.append("Still needed: " + ", ".join(missing))
        if twice:
            lines.append("Chosen for more than one column: " + ", ".join(twice))
        self.missing.setText("\n".join(lines))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return not self.missing.text()

    def validatePage(self) -> bool:
        wizard = self.wizard()
        assert isinstance(wizard, ImportWizard) and wizard.table is not None
        saved = {
            source: combo.currentData()
            for source, combo in zip(wizard.table.source_columns, self.combos, strict=True)
            if combo.currentData()
        }
        wizard.settings.setValue(
            layout_key(wizard.kind, wizard.table.source_columns), json.dumps(saved)
        )
        return True


class RunPage(QWizardPage):
    """Check every row first; import only a clean file, with progress and cancel."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.setTitle("Check and import")
        self.summary = QLabel(self)
        self.summary.setObjectName("importSummary")
        self.summary.setWordWrap(True)
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName("Import progress")
        self.progress.hide()
        self.problems = QTableWidget(0, 3, self)
        self.problems.setObjectName("problemTable")
        self.problems.setAccessibleName("Problems found in the file")
        self.problems.setHorizontalHeaderLabels(["Row", "Column", "Problem"])
        self.problems.horizontalHeader().setStretchLastSection(True)
        self.problems.hide()
        self.export_problems = QPushButton("&Save problems as CSV…", self)
        self.export_problems.clicked.connect(self.ask_save_problems)
        self.export_problems.hide()
        self.run_button = QPushButton("&Import", self)
        self.run_button.setObjectName("importButton")
        self.run_button.clicked.connect(self.start_import)
        self.cancel_button = QPushButton("&Cancel import", self)
        self.cancel_button.clicked.connect(self.cancel_import)
        self.cancel_button.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_problems)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.run_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.progress)
        layout.addWidget(self.problems, 1)
        layout.addLayout(buttons)
        self.task: BackgroundTask | None = None
        self.outcome: ImportSummary | None = None

    def initializePage(self) -> None:
        self.outcome = None
        self.problems.hide()
        self.export_problems.hide()
        self.run_button.setEnabled(True)
        self.summary.setText("Checking every row…")
        self.run(dry_run=True)

    def isComplete(self) -> bool:
        return self.task is None

    def run(self, dry_run: bool) -> None:
        wizard = self.wizard()
        assert isinstance(wizard, ImportWizard) and wizard.table is not None
        engine, kind, path = wizard.context.engine, wizard.kind, wizard.table.path
        mapping, actor = wizard.mapping_page.mapping(), wizard.context.desk_user
        day_first, decimal, sheet = wizard.day_first, wizard.decimal, wizard.sheet

        def work(
            progress: Callable[..., None], cancelled: Callable[[], bool]
        ) -> ImportSummary | FileProblem:
            try:
                return import_file(
                    engine,
                    kind,
                    path,
                    mapping=mapping,
                    dry_run=dry_run,
                    day_first=day_first,
                    decimal=decimal,
                    sheet=sheet,
                    actor=actor,
                    progress=lambda rows, _total: progress(rows, None, f"{rows:,} rows read"),
                    cancelled=cancelled,
                )
            except FileProblem as error:  # a refusal of the file: shown, not logged
                return error

        self.task = BackgroundTask(work, self)
        self.task.progressed.connect(lambda done, _total, text: self.summary.setText(text))
        self.task.succeeded.connect(lambda outcome: self.finished(outcome, dry_run))
        self.task.failed.connect(self.failed)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.run_button.setEnabled(False)
        self.cancel_button.setVisible(not dry_run)
        self.completeChanged.emit()
        self.task.start()

    def start_import(self) -> None:
        self.summary.setText("Importing…")
        self.run(dry_run=False)

    def cancel_import(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.summary.setText("Cancelling; nothing will be kept…")

    def finished(self, summary: ImportSummary | FileProblem, dry_run: bool) -> None:
        if isinstance(summary, FileProblem):
            self.refused(summary)
            return
        self.task = None
        self.outcome = summary
        self.progress.hide()
        self.cancel_button.hide()
        self.show_problems(summary.problems)
        ignored = (
            f" Ignored columns: {', '.join(summary.ignored_columns)}."
            if summary.ignored_columns
            else ""
        )
        counts = (
            f"{summary.created:,} new, {summary.updated:,} changed, {summary.unchanged:,} unchanged"
        )
        if summary.problems:
            self.summary.setText(
                f"{len(summary.problems)} problem(s) in {summary.rows:,} rows; nothing can be "
                f"imported until they are fixed in the file.{ignored}"
            )
            self.run_button.setEnabled(False)
        elif summary.cancelled:
            self.summary.setText("Import cancelled; the database is as it was.")
            self.run_button.setEnabled(True)
        elif dry_run:
            self.summary.setText(
                f"All {summary.rows:,} rows are fine: {counts}.{ignored} "
                "Press Import to write them."
            )
            self.run_button.setEnabled(True)
        else:
            self.summary.setText(f"Imported {summary.rows:,} rows: {counts}.")
            self.run_button.setEnabled(False)
            wizard = self.wizard()
            assert isinstance(wizard, ImportWizard)
            wizard.context.hub.changed.emit("import")
        self.completeChanged.emit()

    def refused(self, problem: FileProblem) -> None:
        """The file turned out unreadable part-way (a broken row): nothing was imported."""
        self.task = None
        self.progress.hide()
        self.cancel_button.hide()
        self.run_button.setEnabled(False)
        self.summary.setText(f"The file cannot be imported: {problem}. Nothing was imported.")
        self.completeChanged.emit()

    def failed(self, message: str) -> None:
        self.task = None
        self.progress.hide()
        self.cancel_button.hide()
        self.summary.setText(f"Stopped: {message}. Nothing was imported.")
        self.completeChanged.emit()

    def show_problems(self, problems: list[Problem]) -> None:
        self.problems.setRowCount(len(problems))
        for row, problem in enumerate(problems):
            self.problems.setItem(row, 0, QTableWidgetItem(str(problem.row)))
            self.problems.setItem(row, 1, QTableWidgetItem(problem.column or ""))
            self.problems.setItem(row, 2, QTableWidgetItem(problem.reason))
        self.problems.resizeColumnsToContents()
        self.problems.setVisible(bool(problems))
        self.export_problems.setVisible(bool(problems))

    def ask_save_problems(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, "Save problems", "import-problems.csv", "CSV (*.csv)"
        )
        if path:
            self.save_problems(Path(path))

    def save_problems(self, path: Path) -> None:
        assert self.outcome is not None
        rows = [(p.row, p.column or "", p.reason) for p in self.outcome.problems]
        pd.DataFrame(rows, columns=["row", "column", "problem"]).to_csv(
            path, index=False, encoding="utf-8-sig"
        )

    def cleanupPage(self) -> None:
        if self.task is not None:
            self.task.wait()
            self.task = None


class ImportWizard(QWizard):
    def __init__(
        self, context: DeskContext, settings: QSettings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.settings = settings
        self.table: TableFile | None = None
        self.setObjectName("importWizard")
        self.setWindowTitle("Import records")
        self.choose_page = ChooseFilePage(self)
        self.mapping_page = MappingPage(self)
        self.run_page = RunPage(self)
        for page in (self.choose_page, self.mapping_page, self.run_page):
            self.addPage(page)
        self.resize(760, 560)

    @property
    def kind(self) -> str:
        return str(self.choose_page.kind.currentData())

    @property
    def day_first(self) -> bool | None:
        """True or False as chosen; None lets each column decide, refusing an ambiguous one."""
        value = self.choose_page.day_order.currentData()
        return value if isinstance(value, bool) else None

    @property
    def decimal(self) -> str | None:
        value = self.choose_page.decimal.currentData()
        return value if isinstance(value, str) else None

    @property
    def sheet(self) -> str | None:
        value = self.choose_page.sheet.currentData()
        return value if isinstance(value, str) else None

    def reject(self) -> None:
        self.run_page.cleanupPage()
        super().reject()
