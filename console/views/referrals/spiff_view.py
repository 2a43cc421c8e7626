"""Each technician's spiffs from won referrals: owed, paid, and paying them out."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from console.services.spiffs import SpiffLine, mark_spiffs_paid, spiff_ledger, unpaid_spiffs
from console.views.common.background import Background
from console.views.common.columns import Column, money
from console.views.common.lazy import LazyView
from console.views.common.table_model import RowTableModel
from console.views.common.tables import make_table
from console.views.context import DeskContext

SPIFF_COLUMNS: list[Column[SpiffLine]] = [
    Column("Technician", lambda r: r.technician),
    Column("Phone", lambda r: r.phone),
    Column("Won referrals", lambda r: r.won_referrals, align_right=True),
    Column("Owed", lambda r: f"${r.owed:,.2f}", align_right=True),
    Column("Paid", lambda r: f"${r.paid:,.2f}", align_right=True),
]


class SpiffView(LazyView):
    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.loading = Background(context, self, "read the spiffs")
        self.paying = Background(context, self, "read the spiffs owed")
        self.setObjectName("spiffView")
        self.table = make_table("spiffTable", "Spiffs per technician", self)
        self.model: RowTableModel[SpiffLine] = RowTableModel(SPIFF_COLUMNS, self)
        self.table.setModel(self.model)
        self.total = QLabel(self)
        self.pay = QPushButton("Mark selected technician's spiffs &paid…", self)
        self.pay.setAccessibleName("Mark the selected technician's owed spiffs as paid")
        self.pay.clicked.connect(self.pay_selected)
        bar = QHBoxLayout()
        bar.addWidget(self.total)
        bar.addStretch(1)
        bar.addWidget(self.pay)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(bar)
        context.follow_changes(self, self._changed)

    def _changed(self, _what: str) -> None:
        self.request_reload()

    def reload(self) -> None:
        """Read the ledger on a worker; the table fills when it arrives."""
        if not self.context.online:
            self._stale = True  # read again once the database is back
            return
        self.loading.read(spiff_ledger, self._show)

    def _show(self, lines: list[SpiffLine]) -> None:
        self.model.set_rows(lines)
        self.table.resizeColumnsToContents()
        owed = sum((line.owed for line in lines), Decimal(0))
        paid = sum((line.paid for line in lines), Decimal(0))
        self.total.setText(f"Owed in all: <b>{money(owed)}</b> · paid in all: {money(paid)}")

    def pay_selected(self) -> None:
        """Read the technician's unpaid referrals on a worker, then ask before paying them."""
        line = self.model.row_at(self.table.currentIndex())
        if line is None or line.owed == 0:
            QMessageBox.information(self, "Spiffs", "Select a technician who is owed spiffs.")
            return
        if not self.context.online:
            return  # the banner says so
        technician_id = line.technician_id
        self.paying.read(
            lambda session: [referral.id for referral in unpaid_spiffs(session, technician_id)],
            lambda referral_ids: self._confirm_payment(line, referral_ids),
        )

    def _confirm_payment(self, line: SpiffLine, referral_ids: list[int]) -> None:
        answer = QMessageBox.question(
            self,
            "Mark spiffs paid",
            f"Record {money(line.owed)} for {len(referral_ids)} won referral(s) "
            f"as paid to {line.technician}?",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.context.write(
                self, lambda s: mark_spiffs_paid(s, referral_ids, self.context.desk_user), "spiff"
            )
