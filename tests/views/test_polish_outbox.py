"""The outbox keeps its buttons in one row and gives long subjects and reasons the spare width."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from console.models import OutboxState
from console.services.messages.outbox import queue_message
from console.views.context import DeskContext
from console.views.messages.outbox_view import COLUMN_NAMES, OutboxDialog

SUBJECT = (
    "Your referral at Alvarez Dental Clinic was won: thank you for the heads-up, " * 2
).strip()
REASON = ("recipient refused: 550 5.1.1 mailbox unavailable at the receiving server, " * 2).strip()


def test_outbox_buttons_share_a_row_and_long_texts_are_whole_in_tooltips(
    qtbot, context: DeskContext
) -> None:  # type: ignore[no-untyped-def]
    with context.sessions.begin() as session:
        message = queue_message(
            session,
            kind="tell_tech",
            to="ana@example.com",
            subject=SUBJECT,
            body="Thanks",
            actor="sam",
        )
        message.state = OutboxState.FAILED
        message.last_error = REASON
    dialog = OutboxDialog(context)
    qtbot.addWidget(dialog)
    dialog.resize(1100, 480)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=5_000)
    qtbot.wait(50)

    box = dialog.findChild(QDialogButtonBox)
    close = box.button(QDialogButtonBox.StandardButton.Close)
    refresh = next(b for b in box.buttons() if b.text() == "Re&fresh")
    assert set(box.buttons()) == {close, refresh, dialog.retry}
    rows = {b.mapTo(dialog, b.rect().center()).y() for b in (close, refresh, dialog.retry)}
    assert len(rows) == 1  # Close, Refresh and Retry in one row
    (row,) = rows
    summary = dialog.summary.mapTo(dialog, dialog.summary.rect().center()).y()
    assert abs(summary - row) <= 8  # the counts sit beside them

    subject, reason = COLUMN_NAMES.index("Subject"), COLUMN_NAMES.index("Reason")
    tip = Qt.ItemDataRole.ToolTipRole
    assert dialog.model.index(0, subject).data(tip) == SUBJECT
    assert (
        dialog.model.index(0, reason).data(tip) == REASON.strip()
        or dialog.model.index(0, reason).data(tip) == REASON
    )
    widths = [dialog.table.columnWidth(c) for c in range(len(COLUMN_NAMES))]
    others = [w for c, w in enumerate(widths) if c not in (subject, reason)]
    assert widths[subject] > max(others) and widths[reason] > max(others)
    assert dialog.table.textElideMode() == Qt.TextElideMode.ElideRight
