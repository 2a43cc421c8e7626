"""The line at the top of a step dialog saying which referral it acts on.

"Referral 123 · Ada Miller · boiler leaking…": the pain point is cut to one line, whole in
the tooltip, so a long one never widens the dialog. Dialogs on one referral keep between
`DIALOG_MIN_WIDTH` and `DIALOG_MAX_WIDTH`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from console.services.referrals.detail import ReferralDetail

DIALOG_MIN_WIDTH = 440
DIALOG_MAX_WIDTH = 640
PAIN_POINT_CHARS = 60
ELLIPSIS = "…"


def shortened(text: str, limit: int = PAIN_POINT_CHARS) -> str:
    """`text` on one line, cut at a word before `limit` characters with an ellipsis."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,.;:-") + ELLIPSIS


def heading_text(detail: ReferralDetail) -> str:
    """ "Referral 123 · Ada Miller · boiler leaking…" """
    parts = [f"Referral {detail.id}", " ".join(detail.customer.split())]
    if detail.pain_point.strip():
        parts.append(shortened(detail.pain_point))
    return " · ".join(parts)


class HeadingLabel(QLabel):
    """One line of plain text, elided to the label's width; the whole line is `full_text`."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.full_text = text
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setText(text)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        elided = self.fontMetrics().elidedText(
            self.full_text, Qt.TextElideMode.ElideRight, max(self.width(), 0)
        )
        if elided != self.text():
            self.setText(elided)


def heading_label(detail: ReferralDetail, parent: QWidget) -> HeadingLabel:
    """The heading as a label that never asks for more width than the dialog has."""
    label = HeadingLabel(heading_text(detail), parent)
    label.setObjectName("referralHeading")
    label.setToolTip(f"Referral {detail.id} for {detail.customer}\n\n{detail.pain_point}".strip())
    label.setAccessibleName(label.full_text)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


def keep_dialog_width(dialog: QWidget) -> None:
    """A dialog on one referral: wide enough for its form, never wider than the cap."""
    dialog.setMinimumWidth(DIALOG_MIN_WIDTH)
    dialog.setMaximumWidth(DIALOG_MAX_WIDTH)
