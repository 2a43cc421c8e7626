"""Print every sales appointment's briefing for a day, off the UI thread, with cancel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.services.briefing import PageSize
from console.services.briefing.batch import BatchResult, day_appointments, write_day_briefings
from console.services.connection import is_connection_error
from console.services.office.clock import local_today
from console.views.common import locale_format
from console.views.common.forms import path_row
from console.views.common.qt_dates import from_qdate, to_qdate
from console.views.common.workers.outage import survives_outage
from console.views.common.workers.task import BackgroundTask, short_message
from console.views.context import DeskContext


class BatchBriefingDialog(QDialog):
    worker_finished = Signal()

    def __init__(
        self, context: DeskContext, page_size: PageSize, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.page_size = page_size
        self.task: BackgroundTask | None = None
        self.outcome: BatchResult | None = None
        self.setObjectName("batchBriefingDialog")
        self.setWindowTitle("Print the day's briefings")
        self.day = QDateEdit(to_qdate(local_today() + dt.timedelta(days=1)), self)
        self.day.setCalendarPopup(True)
        locale_format.show_desk_dates(self.day)
        self.day.setAccessibleName("Day of the sales appointments")
        self.day.dateChanged.connect(lambda _day: self._count())
        self.folder = QLineEdit(str(Path.home() / "Briefings"), self)
        self.folder.setAccessibleName("Folder for the PDF files")
        folder_row = path_row(self.folder, self._browse, "Browse…")
        self.combined = QCheckBox("One combined PDF for the whole day", self)
        self.summary = QLabel(self)
        self.summary.setObjectName("batchSummary")
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName("Progress")
        self.progress.hide()
        self.start = QPushButton("&Start", self)
        self.start.setDefault(True)
        self.start.clicked.connect(self.start_batch)
        self.cancel = QPushButton("&Cancel", self)
        self.cancel.clicked.connect(self.cancel_or_close)
        form = QFormLayout()
        form.addRow("&Day", self.day)
        folder_label = QLabel("&Folder", self)  # a text label would show the & and lack Alt+F
        folder_label.setBuddy(self.folder)
        form.addRow(folder_label, folder_row)
        form.addRow("", self.combined)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.start)
        buttons.addWidget(self.cancel)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.progress)
        layout.addLayout(buttons)
        self._count()

    @survives_outage
    def _count(self) -> None:
        day = from_qdate(self.day.date())
        count = self.context.fetch(lambda session: len(day_appointments(session, day)))
        self.summary.setText(f"{count} sales appointment{'s' if count != 1 else ''} that day.")
        self.start.setEnabled(count > 0)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Folder for the briefings", self.folder.text()
        )
        if folder:
            self.folder.setText(folder)

    def start_batch(self) -> None:
        day = from_qdate(self.day.date())
        folder, combined, page_size = (
            Path(self.folder.text()),
            self.combined.isChecked(),
            self.page_size,
        )
        sessions, actor = self.context.sessions, self.context.desk_user

        def work(progress: Callable[..., None], cancelled: Callable[[], bool]) -> BatchResult:
            return write_day_briefings(
                sessions,
                day,
                folder,
                page_size=page_size,
                combined=combined,
                progress=progress,
                cancelled=cancelled,
                actor=actor,
            )

        self.task = BackgroundTask(work, self)
        self.task.progressed.connect(self._progressed)
        self.task.succeeded.connect(self._finished)
        self.task.error.connect(self._failed)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.start.setEnabled(False)
        self.cancel.setText("&Cancel")
        self.summary.setText("Rendering briefings…")
        self.task.start()

    def _progressed(self, done: int, total: int, customer: str) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.summary.setText(f"{done} of {total}: {customer}")

    def _finished(self, result: BatchResult) -> None:
        self.outcome = result
        self.task = None
        if result.cancelled:
            self.summary.setText(
                f"Cancelled; {len(result.files)} complete file(s) kept, nothing half-written."
            )
        else:
            self.summary.setText(f"Wrote {len(result.files)} file(s) to {self.folder.text()}.")
        self.cancel.setText("&Close")
        self.start.setEnabled(True)
        self.worker_finished.emit()

    def _failed(self, error: BaseException) -> None:
        self.task = None
        if is_connection_error(error):
            self.context.report_trouble(error)
        self.summary.setText(f"Stopped: {short_message(error)}")
        self.cancel.setText("&Close")
        self.start.setEnabled(True)
        self.worker_finished.emit()

    def cancel_or_close(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.summary.setText("Cancelling after the current briefing…")
            return
        self.reject()

    def reject(self) -> None:
        if self.task is not None:
            self.task.wait()
        super().reject()
