"""A referral opened from the customer 360, in a window of its own."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from console.views.common.outage import survives_outage
from console.views.context import DeskContext
from console.views.referrals.referral_panel import ReferralPanel


class ReferralDialog(QDialog):
    def __init__(
        self, context: DeskContext, referral_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("referralDialog")
        self.setWindowTitle(f"Referral #{referral_id}")
        self.panel = ReferralPanel(context, self)
        self.panel.show_referral(referral_id)
        self.panel.openCustomer.connect(lambda _id: self.accept())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel)
        layout.addWidget(buttons)
        context.hub.changed.connect(self._refresh)
        self.resize(620, 640)

    @survives_outage
    def _refresh(self, _what: str) -> None:
        if self.isVisible():
            self.panel.refresh()
