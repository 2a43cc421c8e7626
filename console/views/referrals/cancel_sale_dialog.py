"""Cancel a won sale: the reason, and before confirming, what it takes back from the tech.

The clawback is read when the dialog opens, by the ledger's own rule, so the desk knows what
the technician loses before pressing the button; nothing is written until then.
"""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from console.services.errors import Conflict, InputError
from console.services.referrals.detail import ReferralDetail
from console.services.referrals.lifecycle import cancel_sale
from console.services.spiffs.sale_standing import SaleStanding, sale_standing
from console.views.common import locale_format
from console.views.common.form_dialog import FormDialog
from console.views.common.tables.columns import local_time
from console.views.common.workers.background import read_for_form
from console.views.context import DeskContext
from console.views.referrals.referral_heading import heading_label, keep_dialog_width

REASON_NEEDED = "say why the sale was cancelled"
READING = "Reading what the sale earned…"
DIALOG_WIDTH = 520


def clawback_text(standing: SaleStanding) -> str:
    """What confirming will do to the technician's spiffs, in the desk's words."""
    if standing.clawbacks:
        parts = ", ".join(
            f"{escape(c.stage)} {locale_format.money(c.amount)} from {escape(c.technician)}"
            for c in standing.clawbacks
        )
        total = locale_format.money(standing.clawback_total)
        return f"Cancelling takes back <b>{total}</b> in spiffs: {parts}."
    if standing.clawback_days == 0:
        return "Nothing is clawed back: the office keeps spiffs on cancelled sales (Preferences)."
    if standing.clawback_passed and standing.won_at is not None:
        return (
            f"Nothing is clawed back: the sale was won on {local_time(standing.won_at, False)}, "
            f"more than {standing.clawback_days} days ago."
        )
    return "Nothing is clawed back: the sale has earned no spiff to take back."


class CancelSaleDialog(FormDialog):
    """Asks for the reason and shows the clawback; "Cancel the sale" writes both at once."""

    def __init__(
        self, context: DeskContext, detail: ReferralDetail, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, parent)
        self.detail = detail
        self.setObjectName("cancelSaleDialog")
        self.setWindowTitle(f"Cancel the sale — referral {detail.id}, {detail.customer}")
        self.heading = heading_label(detail, self)
        self.reason = QLineEdit(self)
        self.reason.setObjectName("cancelSaleReason")
        self.reason.setAccessibleName("Why the sale was cancelled")
        self.reason.setPlaceholderText("Customer changed their mind, financing fell through…")
        self.fields["reason"] = self.reason
        self.consequence = QLabel(READING, self)
        self.consequence.setObjectName("clawbackText")
        self.consequence.setWordWrap(True)
        self.standing: SaleStanding | None = None
        form = QFormLayout()
        form.addRow("&Reason", self.reason)
        self.buttons = QDialogButtonBox(self)
        self.confirm = self.buttons.addButton(
            "Cancel the sale", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.confirm.setObjectName("confirmCancelSale")
        keep = self.buttons.addButton("Keep the sale", QDialogButtonBox.ButtonRole.RejectRole)
        keep.setDefault(True)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addWidget(self.consequence)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        keep_dialog_width(self)
        self.resize(DIALOG_WIDTH, self.sizeHint().height())
        referral_id = detail.id
        self.reader = read_for_form(
            self,
            self,
            lambda session: sale_standing(session, referral_id),
            self._show_standing,
            [self.confirm],
        )

    def _show_standing(self, standing: SaleStanding) -> None:
        self.standing = standing
        self.consequence.setText(clawback_text(standing))
        # The text arrives after the dialog is shown: grow to show it whole.
        width = max(self.width(), DIALOG_WIDTH)
        layout = self.layout()
        needed = layout.totalHeightForWidth(width) if layout is not None else self.height()
        self.resize(width, max(self.height(), needed))

    def save(self) -> None:
        reason = self.reason.text().strip()
        if not reason:
            self.refused(InputError("reason", REASON_NEEDED))
            return
        detail, actor = self.detail, self.context.desk_user
        saved = self.save_form(
            lambda session: cancel_sale(
                session, detail.id, actor, reason, expected_version=detail.version
            ),
            "referral",
            conflict=self._changed_elsewhere,
        )
        if saved is not None:
            self.accept()

    def _changed_elsewhere(self, error: Conflict) -> None:
        self.show_error(f"{error}. Nothing was saved.")
