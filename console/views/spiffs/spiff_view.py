"""Each technician's spiffs from the ledger: the referrals and entries behind the amount,
the pay period's figures, and paying one referral's spiff or a selection."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from console.models import SpiffEntryKind
from console.services.spiffs import (
    LedgerRow,
    PeriodSummary,
    ReferralSpiff,
    SpiffLine,
    ledger_rows,
    mark_spiffs_paid,
    period_summary,
    spiff_ledger,
    technician_referrals,
)
from console.views.common import locale_format
from console.views.common.tables.columns import Column, local_time
from console.views.common.tables.fitting import make_table
from console.views.common.tables.lazy import LazyView
from console.views.common.tables.table_model import RowTableModel
from console.views.common.tones import Tone, tone
from console.views.common.workers.background import Background
from console.views.context import DeskContext


def cash(value: Decimal | None) -> str:
    """Spiffs are paid to the cent, so they are shown to the cent."""
    return locale_format.money(value, cents=True)


TECHNICIAN_COLUMNS: list[Column[SpiffLine]] = [
    Column("Technician", lambda r: r.technician),
    Column("Phone", lambda r: r.phone),
    Column("Won referrals", lambda r: r.won_referrals, align_right=True),
    Column("Earned", lambda r: cash(r.earned), align_right=True),
    Column("Paid", lambda r: cash(r.paid), align_right=True),
    Column("Owed", lambda r: cash(r.owed), align_right=True),
]
REFERRAL_COLUMNS: list[Column[ReferralSpiff]] = [
    Column("Referral", lambda r: r.referral_id, align_right=True),
    Column("Customer", lambda r: r.customer),
    Column("Category", lambda r: r.category or "—"),
    Column("Status", lambda r: r.status.label),
    Column("Earned", lambda r: cash(r.earned), align_right=True),
    Column("Paid", lambda r: cash(r.paid), align_right=True),
    Column("Owed", lambda r: cash(r.owed), align_right=True),
]
ENTRY_COLUMNS: list[Column[LedgerRow]] = [
    Column("Recorded", lambda r: local_time(r.at)),
    Column("Referral", lambda r: r.referral_id, align_right=True),
    Column("Entry", lambda r: r.kind.label),
    Column("Amount", lambda r: cash(r.amount), align_right=True),
    Column("Pay period from", lambda r: locale_format.date(r.period_start)),
    # The rule's terms run long in a narrow pane: the tooltip holds them whole.
    Column("Terms", lambda r: r.terms, tooltip=lambda r: f"{r.terms}\nRecorded by {r.actor}"),
]
ENTRY_TONES = {SpiffEntryKind.CLAWED_BACK: Tone.DANGER, SpiffEntryKind.PAID: Tone.SUCCESS}


@dataclass(frozen=True, slots=True)
class SpiffOverview:
    technicians: list[SpiffLine]
    period: PeriodSummary


@dataclass(frozen=True, slots=True)
class Payment:
    """What paying the selected referrals comes to: what they owe, the part of it offset by
    clawbacks the technician still owes back on other referrals, and the money paid out."""

    owing: list[ReferralSpiff]
    owed: Decimal
    offset: Decimal

    @property
    def paid_out(self) -> Decimal:
        return self.owed - self.offset


def payment_for(chosen: set[int], referrals: list[ReferralSpiff]) -> Payment:
    """As the ledger settles it: clawbacks owed back on referrals not being paid are offset
    first, so a technician is never paid more than they are owed overall."""
    owing = [r for r in referrals if r.referral_id in chosen and r.owed > 0]
    owed = sum((r.owed for r in owing), Decimal(0))
    owed_back = -sum(
        (r.owed for r in referrals if r.referral_id not in chosen and r.owed < 0), Decimal(0)
    )
    return Payment(owing, owed, min(owed, owed_back))


def nothing_to_pay(technician: str, owed_overall: Decimal) -> str:
    """Why Pay is off although the selected referrals owe: clawbacks of spiffs already paid
    leave the technician owed nothing overall."""
    if owed_overall < 0:
        return (
            f"Nothing to pay: {technician} owes back {cash(-owed_overall)} from clawbacks of"
            " spiffs already paid, more than the selected referrals earned"
        )
    return (
        f"Nothing to pay: clawbacks of spiffs already paid to {technician} offset everything"
        " the selected referrals earned"
    )


@dataclass(frozen=True, slots=True)
class TechnicianSpiffs:
    technician_id: int
    referrals: list[ReferralSpiff]
    entries: list[LedgerRow]


def read_overview(session: Session) -> SpiffOverview:
    return SpiffOverview(spiff_ledger(session), period_summary(session))


def read_technician(session: Session, technician_id: int) -> TechnicianSpiffs:
    return TechnicianSpiffs(
        technician_id,
        technician_referrals(session, technician_id),
        ledger_rows(session, technician_id=technician_id),
    )


def stretch_names(table: QTableView, column: int) -> None:
    """The name column takes the spare width, so the amounts stay beside each other."""
    header = table.horizontalHeader()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)


class SpiffView(LazyView):
    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.loading = Background(context, self, "read the spiffs")
        self.drilling = Background(context, self, "read the technician's spiffs")
        self.setObjectName("spiffView")
        self.period = QLabel(self)
        self.period.setObjectName("spiffPeriod")
        self.period.setTextFormat(Qt.TextFormat.RichText)
        self.rules = QPushButton("Spiff &rules…", self)
        self.rules.setAccessibleName("Edit the office's spiff rules, clawback and pay period")
        self.rules.clicked.connect(self.edit_rules)

        self.technicians = make_table("spiffTable", "Spiffs per technician", self)
        self.technician_model: RowTableModel[SpiffLine] = RowTableModel(TECHNICIAN_COLUMNS, self)
        self.technicians.setModel(self.technician_model)
        stretch_names(self.technicians, 0)
        self.technicians.selectionModel().currentRowChanged.connect(self._technician_chosen)

        self.behind = QLabel("Choose a technician to see the referrals behind the amount.", self)
        self.referrals = make_table("spiffReferrals", "Referrals behind the spiffs", self)
        self.referrals.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.referral_model: RowTableModel[ReferralSpiff] = RowTableModel(REFERRAL_COLUMNS, self)
        self.referrals.setModel(self.referral_model)
        stretch_names(self.referrals, 1)
        self.referrals.selectionModel().selectionChanged.connect(self._referrals_chosen)
        self.entries = make_table("spiffEntries", "Ledger entries of the chosen referrals", self)
        self.entry_model: RowTableModel[LedgerRow] = RowTableModel(ENTRY_COLUMNS, self)
        self.entry_model.decorate = self._entry_colour
        self.entries.setModel(self.entry_model)
        self.pay = QPushButton("Pay selected", self)
        self.pay.setObjectName("paySelected")
        self.pay.setEnabled(False)
        self.pay.clicked.connect(self.pay_selected)

        self._build_layout()
        self._technician_id: int | None = None
        self._detail: TechnicianSpiffs | None = None
        context.follow_changes(self, self._changed)

    def _build_layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.period, 1)
        top.addWidget(self.rules)
        drill = QWidget(self)
        right = QVBoxLayout(drill)
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(self.behind)
        right.addWidget(self.referrals, 3)
        entries_title = QLabel("Ledger entries", drill)
        entries_title.setBuddy(self.entries)
        right.addWidget(entries_title)
        right.addWidget(self.entries, 2)
        paying = QHBoxLayout()
        paying.addStretch(1)
        paying.addWidget(self.pay)
        right.addLayout(paying)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.technicians)
        split.addWidget(drill)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        self.split = split
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)

    def _changed(self, _what: str) -> None:
        self.request_reload()

    def reload(self) -> None:
        """Read the ledger on a worker; the tables fill when it arrives."""
        if not self.context.online:
            self._stale = True  # read again once the database is back
            return
        self.loading.read(read_overview, self._show)

    def _show(self, overview: SpiffOverview) -> None:
        chosen = self._technician_id
        self.technician_model.set_rows(overview.technicians)
        self._fit_technicians()
        summary = overview.period
        self.period.setText(
            f"Pay period {summary.period.label}: earned <b>{cash(summary.earned)}</b>"
            f" · paid {cash(summary.paid)} · payable now <b>{cash(summary.payable)}</b>"
        )
        rows = [line.technician_id for line in overview.technicians]
        if chosen in rows:
            self.technicians.selectRow(rows.index(chosen))
            self._read_technician(chosen)
        elif chosen is not None:
            self._technician_id = None
            self._show_technician(None)

    def _fit_technicians(self) -> None:
        """Wide enough for every technician column, never more than half the width."""
        table = self.technicians
        table.resizeColumnsToContents()
        header = table.horizontalHeader()
        needed = sum(
            max(table.sizeHintForColumn(column), header.sectionSizeHint(column))
            for column in range(self.technician_model.columnCount())
        )
        needed += 2 * table.frameWidth() + table.verticalScrollBar().sizeHint().width()
        total = sum(self.split.sizes())
        if total > 0:
            left = min(needed, total // 2)
            self.split.setSizes([left, total - left])

    def _technician_chosen(self, *_indexes: Any) -> None:
        line = self.technician_model.row_at(self.technicians.currentIndex())
        if line is None or line.technician_id == self._technician_id:
            return
        self._technician_id = line.technician_id
        self._read_technician(line.technician_id)

    def _read_technician(self, technician_id: int) -> None:
        if not self.context.online:
            return  # the banner says so
        self.drilling.read(lambda s: read_technician(s, technician_id), self._show_technician)

    def _show_technician(self, detail: TechnicianSpiffs | None) -> None:
        keep = set(self.selected_referral_ids())
        self._detail = detail
        referrals = detail.referrals if detail is not None else []
        self.referral_model.set_rows(referrals)
        self.referrals.resizeColumnsToContents()
        line = self.technician_model.row_at(self.technicians.currentIndex())
        self.behind.setText(
            f"Referrals behind {line.technician}'s spiffs"
            if detail is not None and line is not None
            else "Choose a technician to see the referrals behind the amount."
        )
        selection = self.referrals.selectionModel()
        for number, row in enumerate(referrals):
            if row.referral_id in keep:
                index = self.referral_model.index(number, 0)
                selection.select(
                    index,
                    selection.SelectionFlag.Select | selection.SelectionFlag.Rows,
                )
        self._referrals_chosen()

    def selected_referral_ids(self) -> list[int]:
        rows = sorted(index.row() for index in self.referrals.selectionModel().selectedRows())
        return [self.referral_model.rows[row].referral_id for row in rows]

    def _selected_payment(self) -> Payment:
        return payment_for(set(self.selected_referral_ids()), self.referral_model.rows)

    def _referrals_chosen(
        self, _selected: QItemSelection | None = None, _deselected: QItemSelection | None = None
    ) -> None:
        detail = self._detail
        chosen = set(self.selected_referral_ids())
        entries = detail.entries if detail is not None else []
        self.entry_model.set_rows(
            [entry for entry in entries if not chosen or entry.referral_id in chosen]
        )
        self.entries.resizeColumnsToContents()
        payment = self._selected_payment()
        owing = payment.owing
        line = self.technician_model.row_at(self.technicians.currentIndex())
        owed_overall = line.owed if line is not None else Decimal(0)
        payable = bool(owing) and owed_overall > 0
        self.pay.setEnabled(payable)
        self.pay.setText(
            f"&Pay selected ({len(owing)}): {cash(payment.paid_out)}" if owing else "Pay selected"
        )
        self.pay.setToolTip(
            nothing_to_pay(line.technician, owed_overall)
            if owing and line is not None and not payable
            else ""
        )
        self.pay.setAccessibleName(
            f"Pay the spiffs of {len(owing)} selected referral(s), {cash(payment.paid_out)} in all"
        )

    def _entry_colour(self, row: LedgerRow, role: int) -> object:
        meaning = ENTRY_TONES.get(row.kind)
        if role == Qt.ItemDataRole.ForegroundRole and meaning is not None:
            return tone(meaning, self.palette())
        return None

    def pay_selected(self) -> None:
        """Ask, then record a paid entry for each selected referral that still owes."""
        payment = self._selected_payment()
        owing = payment.owing
        line = self.technician_model.row_at(self.technicians.currentIndex())
        if not owing or line is None or line.owed <= 0:
            return
        question = (
            f"Record {cash(payment.paid_out)} for {len(owing)} referral(s) as paid to"
            f" {line.technician}?"
        )
        if payment.offset > 0:
            question += (
                f"\n\nThe referrals owe {cash(payment.owed)}; {cash(payment.offset)} of it is"
                " offset against clawbacks of spiffs already paid, so"
                f" {cash(payment.paid_out)} is paid out."
            )
        answer = QMessageBox.question(self, "Pay spiffs", question)
        if answer != QMessageBox.StandardButton.Yes:
            return
        referral_ids = [r.referral_id for r in owing]
        self.context.write(
            self, lambda s: mark_spiffs_paid(s, referral_ids, self.context.desk_user), "spiff"
        )

    def edit_rules(self) -> None:
        from console.views.spiffs.spiff_rules_dialog import SpiffRulesDialog

        SpiffRulesDialog.edit(self.context, self)
