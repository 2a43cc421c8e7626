"""Import wizard: choose a file, map its columns, check every row, then import off the UI thread.

Another system's export recognised by a preset skips the column matching: the preset says
which kinds it writes and how its columns fill them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QCheckBox,
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

from console.services.output_file import OutputProblem
from console.services.transfer.importer import ImportSummary, Problem, import_file
from console.services.transfer.kinds import KINDS
from console.services.transfer.presets import (
    Preset,
    all_presets,
    find_preset,
    import_with_preset,
    missing_headings,
    open_source,
    recognise,
    recognise_header,
    rejects_target,
    source_rejects,
)
from console.services.transfer.preview import PREVIEW_ROWS, preview
from console.services.transfer.rejects import write_rejects
from console.services.transfer.synonyms import auto_mapping
from console.services.transfer.synonyms import label as field_label
from console.services.transfer.table_file import (
    EXCEL_SUFFIXES,
    FileProblem,
    TableFile,
    normalise_header,
    open_table,
)
from console.services.transfer.workbook import sheet_names
from console.views.common.forms import path_row
from console.views.common.tones import Tone, tone_name
from console.views.common.workers.task import BackgroundTask
from console.views.context import DeskContext
from console.views.transfer.import_preview import ImportPreview

IGNORE = "(ignore)"
IGNORED_PREFIX = "ignored_"
AUTO_PRESET = "auto"
NO_PRESET = ""
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


def danger_label(label: QLabel) -> QLabel:
    """A label whose text is a refusal or a problem, in the palette's danger tone."""
    label.setStyleSheet(f"color: {tone_name(Tone.DANGER, label.palette())}")
    label.setWordWrap(True)
    return label


def choice_combo(parent: QWidget, name: str, choices: tuple[tuple[str, object], ...]) -> QComboBox:
    combo = QComboBox(parent)
    combo.setAccessibleName(name)
    for label, value in choices:
        combo.addItem(label, value)
    return combo


@dataclass
class Outcome:
    """What one run gave: a summary per kind written, and where rejected rows were saved."""

    summaries: list[ImportSummary]
    rejects: list[Path] = field(default_factory=list)


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
        self.preset = QComboBox(self)
        self.preset.setAccessibleName("Export format of the file")
        self.preset.addItem("Recognise it from the header", AUTO_PRESET)
        self.preset.addItem("None: I match the columns myself", NO_PRESET)
        for preset in all_presets():
            self.preset.addItem(f"{preset.title} ({preset.name})", preset.name)
        self.recognised = QLabel(self)
        self.recognised.setObjectName("presetNote")
        self.recognised.setWordWrap(True)
        self.error = QLabel(self)
        self.error.setObjectName("fileError")
        danger_label(self.error)
        form = QFormLayout(self)
        form.addRow("&Records", self.kind)
        file_label = QLabel("&File", self)
        file_label.setBuddy(self.path)
        form.addRow(file_label, row)
        form.addRow("&Sheet", self.sheet)
        form.addRow("&Decimal mark", self.decimal)
        form.addRow("D&ates", self.day_order)
        form.addRow("F&ormat", self.preset)
        form.addRow(self.recognised)
        form.addRow(self.error)
        self.path.textChanged.connect(self.completeChanged)
        self.path.textChanged.connect(self.list_sheets)
        self.path.textChanged.connect(self.recognised.clear)
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
        path = Path(self.path.text().strip())
        try:
            wizard.table = open_table(path, sheet=wizard.sheet)
            wizard.preset = self.chosen_preset(path, wizard.table, wizard)
        except FileProblem as error:
            self.error.setText(str(error))
            return False
        self.error.clear()
        preset = wizard.preset
        self.recognised.setText(
            f"Format: {preset.title} ({preset.name}), writing {', '.join(preset.kinds)}; "
            "no column matching needed."
            if preset is not None
            else ""
        )
        return True

    def chosen_preset(self, path: Path, table: TableFile, wizard: ImportWizard) -> Preset | None:
        """The preset picked, or recognised when the header is not the kind's own; checked."""
        choice = self.preset.currentData()
        if choice == NO_PRESET:
            return None
        if choice == AUTO_PRESET:
            kind = KINDS[wizard.kind]
            if all(f.name in table.columns for f in kind.fields if f.required):
                return None
            # The header as read first; only a report with title rows is read again.
            return recognise_header(table.source_columns, path.name) or recognise(
                path, wizard.sheet
            )
        preset = find_preset(str(choice))
        if missing_headings(preset, table.source_columns):
            open_source(path, preset, wizard.sheet)  # refuses a file the preset does not fit
        return preset

    def nextId(self) -> int:
        wizard = self.wizard()
        if isinstance(wizard, ImportWizard) and wizard.preset is not None:
            return wizard.run_id
        return super().nextId()


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
        self.missing = danger_label(QLabel(self))
        self.missing.setObjectName("mappingMissing")
        self.preview_title = QLabel(f"The first {PREVIEW_ROWS} rows as they will be stored", self)
        self.preview = ImportPreview(self)
        self.preview_title.setBuddy(self.preview)
        layout = QVBoxLayout(self)
        layout.addWidget(self.read_as)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.missing)
        layout.addWidget(self.preview_title)
        layout.addWidget(self.preview, 2)
        self.combos: list[QComboBox] = []
        self.first_rows = pd.DataFrame()

    def initializePage(self) -> None:
        wizard = self.wizard()
        assert isinstance(wizard, ImportWizard) and wizard.table is not None
        kind = KINDS[wizard.kind]
        table = wizard.table
        self.read_as.setText(f"Read as {table.describe()}.")
        remembered = wizard.settings.value(layout_key(wizard.kind, table.source_columns))
        saved = json.loads(str(remembered)) if remembered else {}
        try:
            first = next(table.chunks(PREVIEW_ROWS), pd.DataFrame())
        except FileProblem as error:  # a broken first row shows again when the rows are checked
            self.read_as.setText(f"Read as {table.describe()}. {error}")
            first = pd.DataFrame()
        self.first_rows = first
        matched = auto_mapping(wizard.kind, list(table.source_columns))
        self.table.setRowCount(len(table.source_columns))
        self.combos = []
        for row, source in enumerate(table.source_columns):
            combo = QComboBox(self.table)
            combo.setAccessibleName(f"Field for column {source}")
            combo.addItem(IGNORE, None)
            for name in kind.columns:
                required = " (required)" if kind.field(name).required else ""
                combo.addItem(f"{field_label(wizard.kind, name)}{required}", name)
            guess = saved.get(source) or matched.get(source)
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
                target if target else f"{IGNORED_PREFIX}{normalise_header(source)}"
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
        twice = [name for name in kind.columns if chosen.count(name) > 1]
        lines = []
        if missing:
            lines.append("Still needed: " + ", ".join(field_label(wizard.kind, n) for n in missing))
        if twice:
            lines.append(
                "Chosen for more than one column: "
                + ", ".join(field_label(wizard.kind, n) for n in twice)
            )
        self.missing.setText("\n".join(lines))
        self.show_preview()
        self.completeChanged.emit()

    def show_preview(self) -> None:
        """The first rows under the fields chosen so far, read as the import will read them."""
        wizard = self.wizard()
        assert isinstance(wizard, ImportWizard)
        by_position = {
            position: str(combo.currentData())
            for position, combo in enumerate(self.combos)
            if combo.currentData() and position < self.first_rows.shape[1]
        }
        if len(set(by_position.values())) < len(by_position):  # one field twice: said above
            by_position = {
                position: name
                for position, name in by_position.items()
                if list(by_position.values()).count(name) == 1
            }
        self.preview.show_preview(
            wizard.kind,
            preview(wizard.kind, self.first_rows, by_position, wizard.decimal, wizard.day_first),
        )

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
        self.setSubTitle(
            "Every row is checked before anything is written: a file with problems imports"
            " nothing, unless its invalid rows are skipped and saved to a file to fix."
        )
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
        self.preset_note = QLabel(self)
        self.preset_note.setObjectName("runPresetNote")
        self.preset_note.setWordWrap(True)
        self.skip_invalid = QCheckBox("S&kip invalid rows and save them to a file", self)
        self.skip_invalid.setAccessibleName("Skip invalid rows and save them to a file")
        self.skip_invalid.toggled.connect(self.recheck)
        self.run_button = QPushButton("&Import", self)
        self.run_button.setObjectName("importButton")
        self.run_button.setAutoDefault(True)
        self.run_button.clicked.connect(self.start_import)
        self.cancel_button = QPushButton("&Cancel import", self)
        self.cancel_button.clicked.connect(self.cancel_import)
        self.cancel_button.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.skip_invalid)
        buttons.addWidget(self.export_problems)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.run_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.preset_note)
        layout.addWidget(self.summary)
        layout.addWidget(self.progress)
        layout.addWidget(self.problems, 10)
        layout.addStretch(1)  # keeps the lines together at the top while no table shows
        layout.addLayout(buttons)
        self.task: BackgroundTask | None = None
        self.outcome: ImportSummary | None = None
        self.outcomes: list[ImportSummary] = []
        self.rejects_files: list[Path] = []
        self.shown: list[Problem] = []
        self.imported = False

    def offer_import(self, rows: int | None) -> None:
        """The Import button names how many rows it writes, and Enter presses it."""
        if rows is None:
            self.run_button.setText("&Import")
        else:
            self.run_button.setText(f"&Import {rows:,} row{'' if rows == 1 else 's'}")
        self.run_button.setEnabled(rows is not None and rows > 0)
        self.run_button.setDefault(self.run_button.isEnabled())
        if self.run_button.isEnabled():
            self.run_button.setFocus()

    def settle_buttons(self) -> None:
        """Let the wizard update its buttons, then keep Import the default while it is offered
        (the wizard makes its own Finish button the default whenever it updates them)."""
        self.completeChanged.emit()
        self.run_button.setDefault(self.run_button.isEnabled())

    def initializePage(self) -> None:
        wizard = self.wizard()
        assert isinstance(wizard, ImportWizard)
        preset = wizard.preset
        self.preset_note.setText(
            f"Format: {preset.title} ({preset.name}), writing {', '.join(preset.kinds)}."
            if preset is not None
            else ""
        )
        self.preset_note.setVisible(preset is not None)
        self.outcome = None
        self.outcomes = []
        self.rejects_files = []
        self.imported = False
        self.problems.hide()
        self.export_problems.hide()
        self.offer_import(None)
        self.summary.setText("Checking every row…")
        self.run(dry_run=True)

    def isComplete(self) -> bool:
        """Finish closes the wizard once the rows are written; until then Import is the step."""
        return self.task is None and self.imported

    def recheck(self) -> None:
        """Skipping invalid rows or not changes what the check says: check again."""
        if self.task is None and self.wizard() is not None and self.isVisible():
            self.initializePage()

    def run(self, dry_run: bool) -> None:
        wizard = self.wizard()
        assert isinstance(wizard, ImportWizard) and wizard.table is not None
        engine, kind, path = wizard.context.engine, wizard.kind, wizard.table.path
        preset = wizard.preset
        mapping = {} if preset is not None else wizard.mapping_page.mapping()
        actor, skip_invalid = wizard.context.desk_user, self.skip_invalid.isChecked()
        day_first, decimal, sheet = wizard.day_first, wizard.decimal, wizard.sheet

        def work(
            progress: Callable[..., None], cancelled: Callable[[], bool]
        ) -> Outcome | FileProblem:
            def report(rows: int, _total: int | None) -> None:
                progress(rows, None, f"{rows:,} rows read")

            try:
                if preset is not None:
                    summaries = import_with_preset(
                        engine,
                        path,
                        preset,
                        skip_invalid=skip_invalid,
                        dry_run=dry_run,
                        day_first=day_first,
                        decimal=decimal,
                        sheet=sheet,
                        actor=actor,
                        progress=report,
                        cancelled=cancelled,
                    )
                    columns = None
                else:
                    table = open_table(path, mapping, sheet=sheet)
                    columns = table.source_columns
                    summaries = [
                        import_file(
                            engine,
                            kind,
                            path,
                            table=table,
                            skip_invalid=skip_invalid,
                            mapping=mapping,
                            dry_run=dry_run,
                            day_first=day_first,
                            decimal=decimal,
                            sheet=sheet,
                            actor=actor,
                            progress=report,
                            cancelled=cancelled,
                        )
                    ]
                outcome = Outcome(summaries)
                if not dry_run and all(s.written for s in summaries):
                    if preset is not None:
                        outcome.rejects = save_source_rejects(path, preset, summaries, sheet)
                    else:
                        outcome.rejects = save_rejects(path, summaries, columns)
                return outcome
            except (FileProblem, OutputProblem) as error:  # a refusal: shown, not logged
                return FileProblem(str(error))

        self.task = BackgroundTask(work, self)
        self.task.progressed.connect(lambda done, _total, text: self.summary.setText(text))
        self.task.succeeded.connect(lambda outcome: self.finished(outcome, dry_run))
        self.task.failed.connect(self.failed)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.run_button.setEnabled(False)
        self.run_button.setDefault(False)
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

    def finished(self, outcome: Outcome | FileProblem, dry_run: bool) -> None:
        if isinstance(outcome, FileProblem):
            self.refused(outcome)
            return
        self.task = None
        summaries = outcome.summaries
        self.outcomes = summaries
        self.rejects_files = outcome.rejects
        summary = next((s for s in summaries if s.problems), summaries[-1])
        self.outcome = summary
        self.progress.hide()
        self.cancel_button.hide()
        several = len(summaries) > 1
        problems = [
            Problem(p.row, f"{s.kind}: {p.column or ''}" if several else p.column, p.reason)
            for s in summaries
            for p in s.problems
        ]
        self.show_problems(problems or self.rejected_rows(summaries))
        ignored = (
            f" Ignored columns: {', '.join(self.source_names(summary.ignored_columns))}."
            if summary.ignored_columns
            else ""
        )
        counts = "; ".join(
            (f"{s.kind} " if several else "")
            + f"{s.created:,} new, {s.updated:,} changed, {s.unchanged:,} unchanged"
            for s in summaries
        )
        rejected = sum(s.rejected for s in summaries)
        left_out = ""
        if rejected and dry_run:
            left_out = f" {rejected:,} invalid row(s) will be left out and saved to a file."
        elif rejected:
            saved = ", ".join(str(path) for path in outcome.rejects)
            left_out = f" {rejected:,} invalid row(s) were left out; they are saved in {saved}."
        rows = max(s.rows for s in summaries)  # a preset's kinds can fold rows together
        if problems:
            self.summary.setText(
                f"{len(problems)} problem(s) in {rows:,} rows; nothing can be "
                f"imported until they are fixed in the file.{ignored}"
            )
            self.offer_import(None)
        elif summary.cancelled:
            self.summary.setText("Import cancelled; the database is as it was.")
            self.offer_import(rows - rejected)
        elif dry_run and rejected:
            self.summary.setText(
                f"{rows:,} rows checked: {counts}.{left_out}{ignored} "
                f"Press Import to write the other {rows - rejected:,}."
            )
            self.offer_import(rows - rejected)
        elif dry_run and rows == 1:
            self.summary.setText(f"The row is fine: {counts}.{ignored} Press Import to write it.")
            self.offer_import(rows)
        elif dry_run:
            self.summary.setText(
                f"All {rows:,} rows are fine: {counts}.{ignored} Press Import to write them."
            )
            self.offer_import(rows)
        else:
            imported = "1 row" if rows == 1 else f"{rows:,} rows"
            self.summary.setText(f"Imported {imported}: {counts}.{left_out}")
            self.imported = True
            self.run_button.setText("Imported")
            self.run_button.setEnabled(False)
            self.run_button.setDefault(False)
            wizard = self.wizard()
            assert isinstance(wizard, ImportWizard)
            wizard.context.hub.changed.emit("import")
        self.settle_buttons()

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

    @staticmethod
    def rejected_rows(summaries: list[ImportSummary]) -> list[Problem]:
        """Rows left out by skipping invalid ones, listed like problems."""
        rows = []
        for summary in summaries:
            columns = KINDS[summary.kind].columns
            for reject in summary.rejects:
                for reason in reject.reasons:
                    column, sep, text = reason.partition(": ")
                    if not sep or column not in columns:
                        column, text = "", reason
                    if len(summaries) > 1:
                        column = f"{summary.kind}: {column}" if column else summary.kind
                    rows.append(Problem(reject.line, column or None, text))
        return rows

    def source_names(self, columns: list[str]) -> list[str]:
        """Ignored columns as the file heads them, not as the import names them inside."""
        wizard = self.wizard()
        table = wizard.table if isinstance(wizard, ImportWizard) else None
        written = {normalise_header(s): s for s in (table.source_columns if table else [])}
        return [written.get(c.removeprefix(IGNORED_PREFIX), c) for c in columns]

    def in_words(self, column: str | None) -> str:
        """A problem's column as the wizard labels the field ("kind: field" for presets)."""
        if not column:
            return ""
        wizard = self.wizard()
        kind, sep, name = column.rpartition(": ")
        kind = kind if sep else (wizard.kind if isinstance(wizard, ImportWizard) else "")
        if kind in KINDS and name in KINDS[kind].columns:
            return f"{kind}: {field_label(kind, name)}" if sep else field_label(kind, name)
        return column

    def show_problems(self, problems: list[Problem]) -> None:
        problems = [Problem(p.row, self.in_words(p.column) or None, p.reason) for p in problems]
        self.shown = problems
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
        rows = [(p.row, p.column or "", p.reason) for p in self.shown]
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
        self.preset: Preset | None = None
        self.setObjectName("importWizard")
        self.setWindowTitle("Import records")
        self.choose_page = ChooseFilePage(self)
        self.mapping_page = MappingPage(self)
        self.run_page = RunPage(self)
        self.addPage(self.choose_page)
        self.addPage(self.mapping_page)
        self.run_id = self.addPage(self.run_page)
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


def save_source_rejects(
    path: Path, preset: Preset, summaries: list[ImportSummary], sheet: str | None
) -> list[Path]:
    """A preset's rows left out, as the file has them, beside it: fixed, it imports again."""
    rejects, columns = source_rejects(path, preset, summaries, sheet)
    if not rejects:
        return []
    target = rejects_target(path, "", None, False)
    write_rejects(rejects, columns, target)
    return [target]


def save_rejects(
    path: Path, summaries: list[ImportSummary], columns: list[str] | None
) -> list[Path]:
    """Rows left out, beside the imported file, under the file's own header."""
    saved = []
    for summary in summaries:
        if not summary.rejects:
            continue
        target = rejects_target(path, summary.kind, None, len(summaries) > 1)
        write_rejects(summary, columns or list(summary.rejects[0].values), target)
        saved.append(target)
    return saved
