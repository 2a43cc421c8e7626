"""The referral panel's box for a won sale: when it was won, whether the work is done or the
sale was cancelled, and the two steps left to take on it."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from console.services.errors import InputError
from console.services.spiffs.sale_standing import SaleStanding
from console.views.common import locale_format
from console.views.common.forms import error_label
from console.views.common.tables.columns import local_time


def standing_html(standing: SaleStanding) -> str:
    """Won when, the work done or not, cancelled or not, and until when a cancellation claws
    back."""
    lines = [f"Won on {local_time(standing.won_at)}."] if standing.won_at else []
    if standing.work_completed_at is not None:
        by = escape(standing.work_completed_by or "")
        lines.append(f"<b>Work completed</b> on {local_time(standing.work_completed_at)} by {by}.")
    elif standing.cancelled_at is None:
        lines.append("The work is not marked completed yet.")
    if standing.cancelled_at is not None:
        by = escape(standing.cancelled_by or "")
        reason = f": {escape(standing.cancel_reason)}" if standing.cancel_reason else "."
        lines.append(
            f"<b>Sale cancelled</b> on {local_time(standing.cancelled_at)} by {by}{reason}"
        )
    elif standing.clawbacks and standing.clawback_until is not None:
        lines.append(
            f"Cancelling before {local_time(standing.clawback_until, False)} takes back "
            f"{locale_format.money(standing.clawback_total)} in spiffs."
        )
    return "<br>".join(lines)


class SaleBox(QGroupBox):
    """Shows a sale's standing; the panel that owns it reads the standing and takes the steps."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("After the sale", parent)
        self.setObjectName("saleBox")
        self.text = QLabel(self)
        self.text.setObjectName("saleText")
        self.text.setWordWrap(True)
        # Wrapped text follows the panel's width instead of asking for its own.
        self.text.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error = error_label(self)
        self.work_completed = QPushButton("&Work completed", self)
        self.work_completed.setObjectName("workCompletedButton")
        self.work_completed.setAccessibleName(
            "Record that the sold work is done (pays the work-completed spiffs)"
        )
        self.cancel_sale = QPushButton("Cancel the sa&le…", self)
        self.cancel_sale.setObjectName("cancelSaleButton")
        self.cancel_sale.setAccessibleName("Cancel the won sale; its spiffs may be taken back")
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(self.error)
        row = QHBoxLayout()
        row.addWidget(self.work_completed)
        row.addWidget(self.cancel_sale)
        row.addStretch(1)
        layout.addLayout(row)

    def show_standing(self, standing: SaleStanding, won: bool) -> None:
        """The standing as read; the steps only while the referral is still won."""
        self.text.setText(standing_html(standing))
        self.work_completed.setVisible(won and standing.work_completed_at is None)
        self.cancel_sale.setVisible(won)
        self.show()

    def show_refusal(self, error: InputError) -> None:
        message = error.message[:1].upper() + error.message[1:]
        self.error.setText(f"{message}. Nothing was saved.")
        self.error.show()

    def clear_refusal(self) -> None:
        self.error.hide()
