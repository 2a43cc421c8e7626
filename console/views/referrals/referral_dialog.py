"""A referral opened from the customer 360 or the day board, in a window of its own."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from console.views.context import DeskContext
from console.views.referrals.referral_panel import ReferralPanel


class ReferralDialog(QDialog):
    """Shows the referral's state after every step; stops hearing of changes once closed.

    `openCustomer` asks the window to open the referral's customer, closing the dialog.
    """

    openCustomer = Signal(int)

    def __init__(
        self, context: DeskContext, referral_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("referralDialog")
        self.setWindowTitle(f"Referral #{referral_id}")
        self.panel = ReferralPanel(context, self)
        self.panel.show_referral(referral_id)
        self.panel.openCustomer.connect(self._open_customer)
        self.panel.tellTech.connect(self._tell_tech)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel)
        layout.addWidget(buttons)
        context.follow_changes(self, self._changed)
        self.resize(620, 640)

    def _open_customer(self, customer_id: int) -> None:
        self.accept()
        self.openCustomer.emit(customer_id)

    def _tell_tech(self, referral_ids: list[int]) -> None:
        """Write to the tech from here; the window's outbox sends it within half a minute."""
        from console.views.messages.tell_tech_dialog import TellTechDialog

        TellTechDialog(self.context, referral_ids, parent=self).exec()

    def _changed(self, _what: str) -> None:
        self.panel.refresh()

    def done(self, result: int) -> None:
        self.context.stop_following(self)
        super().done(result)
