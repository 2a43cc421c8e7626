"""The sync log: each run over the export folder, and per run its files with counts and reasons.

Read off the GUI thread; it refreshes itself when any desk (or the scheduled job, through the
database's change news) records a run.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from console.models import SyncFile, SyncFileOutcome, SyncOutcome, SyncRun
from console.services.transfer.sync import recent_runs
from console.views.common.tables.columns import Column
from console.views.common.tables.fitting import fit_columns_once, make_table
from console.views.common.tables.table_model import RowTableModel
from console.views.common.tones import Tone, tone
from console.views.common.workers.background import Background
from console.views.context import DeskContext
from console.views.transfer.sync_watcher import imported_summary

RUNS_SHOWN = 100


def _files_summary(run: SyncRun) -> str:
    """What the run's files did: rows changed (or plainly none), then files refused or waiting."""
    if not run.files:
        return "no files"
    parts = [imported_summary(run.files)]
    for outcome in (SyncFileOutcome.CHECKED, SyncFileOutcome.REFUSED, SyncFileOutcome.WAITING):
        count = sum(1 for f in run.files if f.outcome is outcome)
        if count:
            parts.append(f"{count} {outcome.value}")
    return "; ".join(parts)


RUN_COLUMNS: list[Column[SyncRun]] = [
    Column("Started", lambda run: run.started_at),
    Column("Finished", lambda run: run.finished_at),
    Column("Outcome", lambda run: run.outcome.value),
    Column("Files", _files_summary),
    Column("By", lambda run: f"{run.actor} on {run.host}"),
    Column("Folder", lambda run: run.folder, tooltip=lambda run: run.message),
]


def _problems_tip(file: SyncFile) -> str | None:
    if not file.problems:
        return file.reason
    more = file.problem_count - len(file.problems.splitlines())
    return file.problems + (f"\n… and {more} more" if more > 0 else "")


FILE_COLUMNS: list[Column[SyncFile]] = [
    Column("File", lambda file: file.name),
    Column("Preset", lambda file: file.preset or ""),
    Column("Outcome", lambda file: file.outcome.value),
    Column("Kinds", lambda file: ", ".join(kind.kind for kind in file.kinds)),
    Column("Created", lambda file: file.total("created"), align_right=True),
    Column("Updated", lambda file: file.total("updated"), align_right=True),
    Column("Unchanged", lambda file: file.total("unchanged"), align_right=True),
    Column("Rows left out", lambda file: file.total("rejected"), align_right=True),
    Column("Reason", lambda file: file.reason or "", tooltip=_problems_tip),
]


def _run_colour(run: SyncRun, role: int) -> object:
    if role != Qt.ItemDataRole.ForegroundRole:
        return None
    # Partial runs did put data in: a warning, kept apart from runs where nothing went in.
    if run.outcome is SyncOutcome.PARTIAL:
        return tone(Tone.WARNING)
    if run.outcome in (SyncOutcome.REFUSED, SyncOutcome.FAILED, SyncOutcome.ABANDONED):
        return tone(Tone.DANGER)
    return None


def _file_colour(file: SyncFile, role: int) -> object:
    if role != Qt.ItemDataRole.ForegroundRole:
        return None
    if file.outcome is SyncFileOutcome.REFUSED:
        return tone(Tone.DANGER)
    if file.outcome is SyncFileOutcome.WAITING:
        return tone(Tone.WARNING)
    return None


class SyncLogDialog(QDialog):
    """The newest runs above, the selected run's files below; a file's tooltip lists its
    problems."""

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("syncLogDialog")
        self.setWindowTitle("Sync log")
        self.resize(1100, 640)
        self.runs_model: RowTableModel[SyncRun] = RowTableModel(RUN_COLUMNS, self)
        self.runs_model.decorate = _run_colour
        self.files_model: RowTableModel[SyncFile] = RowTableModel(FILE_COLUMNS, self)
        self.files_model.decorate = _file_colour
        self.runs = make_table("syncRuns", "Sync runs", self)
        self.runs.setModel(self.runs_model)
        self.files = make_table("syncFiles", "Files of the run", self)
        self.files.setModel(self.files_model)
        selection = self.runs.selectionModel()
        selection.selectionChanged.connect(self._run_chosen)
        self.status = QLabel("Reading the sync log…", self)
        self.status.setObjectName("syncLogStatus")
        self.status.setWordWrap(True)
        self.message = QLabel(self)
        self.message.setObjectName("syncRunMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.runs)
        lower = QWidget(split)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.message)
        lower_layout.addWidget(self.files, 1)
        split.addWidget(lower)
        split.setSizes([260, 380])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        self.refresh_button = QPushButton("&Refresh", self)
        buttons.addButton(self.refresh_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.refresh_button.clicked.connect(self.refresh)
        QShortcut(QKeySequence.StandardKey.Refresh, self, self.refresh)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(split, 1)
        layout.addWidget(buttons)

        self.loading = Background(context, self, "read the sync log")
        context.follow_changes(self, lambda _what: self.refresh())
        self.finished.connect(lambda _result: context.stop_following(self))
        self.refresh()

    def refresh(self) -> None:
        """Read the newest runs on a worker; the chosen run stays chosen."""
        self.loading.read(lambda session: _read_runs(session), self._show)

    def _show(self, runs: list[SyncRun]) -> None:
        chosen = self.chosen_run()
        chosen_id = chosen.id if chosen is not None else None
        self.runs_model.set_rows(runs)
        if not runs:
            self.status.setText(
                "No sync has run yet. Run `dispatch-console sync FOLDER`, or make this desk the "
                "sync desk in Preferences."
            )
            self.files_model.set_rows([])
            self.message.clear()
            return
        self.status.setText(f"The newest {len(runs)} sync run(s); choose one to see its files.")
        row = next((n for n, run in enumerate(runs) if run.id == chosen_id), 0)
        self.runs.selectRow(row)
        fit_columns_once(self.runs)

    def chosen_run(self) -> SyncRun | None:
        index = self.runs.currentIndex()
        return self.runs_model.row_at(index) if index.isValid() else None

    def _run_chosen(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.runs.selectionModel().selectedRows()
        run = self.runs_model.row_at(rows[0]) if rows else None
        self.files_model.set_rows(run.files if run is not None else [])
        self.message.setText((run.message or "") if run is not None else "")
        self.message.setVisible(bool(self.message.text()))
        fit_columns_once(self.files)


def _read_runs(session: Session) -> list[SyncRun]:
    runs = recent_runs(session, RUNS_SHOWN)
    session.expunge_all()  # handed to the GUI thread with their files already loaded
    return runs
