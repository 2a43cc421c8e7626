"""The outbox: what waits, what went, what failed and why; failed messages can be retried."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from console.models import OutboxState
from console.services.errors import InputError
from console.services.messages.outbox import OutboxRow, outbox_rows, retry_messages
from console.views.common.forms import error_label
from console.views.common.tables.columns import Column, local_time
from console.views.common.tables.fitting import fit_columns_once, make_table
from console.views.common.tables.table_model import RowTableModel
from console.views.common.tones import Tone, tone
from console.views.common.workers.background import Background
from console.views.context import DeskContext


def _when(row: OutboxRow) -> str:
    if row.state is OutboxState.SENT:
        return f"sent {local_time(row.sent_at)}"
    if row.state is OutboxState.QUEUED and row.next_attempt_at is not None:
        return f"next try {local_time(row.next_attempt_at)}"
    return ""


COLUMNS: list[Column[OutboxRow]] = [
    Column("State", lambda row: row.state.value),
    Column("To", lambda row: row.to),
    Column("Subject", lambda row: row.subject, tooltip=lambda row: row.subject),
    Column("Queued", lambda row: row.created_at),
    Column("Tries", lambda row: row.attempts, align_right=True),
    Column("When", _when),
    Column("Reason", lambda row: row.reason, tooltip=lambda row: row.reason or None),
]
COLUMN_NAMES = [column.title for column in COLUMNS]
WIDE_COLUMNS = ("Subject", "Reason")


class OutboxDialog(QDialog):
    """Lists the outbox; Retry puts failed (or chosen) messages back in the queue, due now.

    `retried` runs after a retry is saved, so the window's sender can send at once.
    """

    def __init__(
        self,
        context: DeskContext,
        retried: Callable[[], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.retried = retried
        self.setObjectName("outboxDialog")
        self.setWindowTitle("Outbox")
        self.resize(960, 480)
        self.model: RowTableModel[OutboxRow] = RowTableModel(COLUMNS, self)
        self.model.decorate = self._decorate
        self.table = make_table("outboxTable", "Outbox messages", self)
        self.table.setModel(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        # Subject and Reason are the long texts: they share the spare width, elided past it
        # with the whole text in their tooltips.
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        for name in WIDE_COLUMNS:
            header.setSectionResizeMode(COLUMN_NAMES.index(name), QHeaderView.ResizeMode.Stretch)
        self.summary = QLabel(self)
        self.summary.setObjectName("outboxSummary")
        self.error = error_label(self)
        self.retry = QPushButton("&Retry", self)
        self.retry.setObjectName("outboxRetry")
        self.retry.setToolTip(
            "Send the chosen messages again now (all failed ones when none is chosen)"
        )
        self.retry.clicked.connect(self.retry_chosen)
        refresh = QPushButton("Re&fresh", self)
        refresh.clicked.connect(self.refresh)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.addButton(refresh, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.retry, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.summary, 1)
        row.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)
        layout.addLayout(row)
        self.background = Background(context, self, "read the outbox")
        context.follow_changes(self, lambda _what: self.refresh())
        self.refresh()

    def _decorate(self, row: OutboxRow, role: int) -> object:
        if role == Qt.ItemDataRole.ForegroundRole and row.state is OutboxState.FAILED:
            return QBrush(tone(Tone.DANGER))
        return None

    def refresh(self) -> None:
        self.background.read(outbox_rows, self._show)

    def _show(self, rows: list[OutboxRow]) -> None:
        self.model.set_rows(rows)
        fit_columns_once(self.table, widest=260)
        counts = {state: sum(1 for row in rows if row.state is state) for state in OutboxState}
        self.summary.setText(
            f"{counts[OutboxState.QUEUED] + counts[OutboxState.SENDING]} waiting, "
            f"{counts[OutboxState.FAILED]} failed, {counts[OutboxState.SENT]} sent"
        )
        self.retry.setEnabled(any(row.state is not OutboxState.SENT for row in rows))

    def chosen(self) -> list[OutboxRow]:
        selection = self.table.selectionModel()
        if selection is None:
            return []
        return [
            row
            for index in selection.selectedRows()
            if (row := self.model.row_at(index)) is not None
        ]

    def show_refusal(self, error: Exception) -> None:
        self.error.setText(str(error))
        self.error.show()

    def retry_chosen(self) -> None:
        ids = [row.id for row in self.chosen() if row.state is not OutboxState.SENT] or None
        if ids is None and any(row.state is OutboxState.SENT for row in self.chosen()):
            self.show_refusal(
                InputError("message", "a sent message is not sent again; choose a failed one")
            )
            return

        def work(session: Session) -> int:
            return retry_messages(session, ids)

        again = self.context.write(
            self,
            work,
            "outbox",
            refused=self.show_refusal,
        )
        if again is None:
            return
        self.error.hide()
        if self.retried is not None:
            self.retried()
        self.refresh()
