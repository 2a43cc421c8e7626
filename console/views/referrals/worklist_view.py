"""The coordinator's worklists: tabs with counts, filters, and the selected referral."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from console.models import StaffRole
from console.services.staff import staff_list
from console.services.worklists import DESK_WORKLISTS, WorkItem, Worklist, desk_worklists
from console.views.common.columns import Column, local_time, money
from console.views.common.forms import staff_combo
from console.views.common.lazy import LazyView
from console.views.common.off_thread import Latest
from console.views.common.outage import survives_outage
from console.views.common.table_model import RowTableModel
from console.views.common.tables import fit_columns_once, make_table
from console.views.context import DeskContext
from console.views.referrals.referral_panel import ReferralPanel

OVERDUE = QColor("#c62828")


def _status(item: WorkItem) -> str:
    return f"{item.status.label} · OVERDUE" if item.overdue else item.status.label


def _due(item: WorkItem) -> str:
    if item.appointment_at:
        return f"appt {local_time(item.appointment_at)}"
    if item.follow_up_on:
        return f"follow up {item.follow_up_on.isoformat()}"
    if item.due_at:
        return f"contact by {local_time(item.due_at)}"
    return ""


WORK_COLUMNS: list[Column[WorkItem]] = [
    Column("#", lambda r: r.id, align_right=True),
    Column("Status", _status),
    Column("Customer", lambda r: r.customer, tooltip=lambda r: r.customer_phone),
    Column("Technician", lambda r: r.technician),
    Column("Tech phone", lambda r: r.technician_phone),
    Column("Salesperson", lambda r: r.salesperson or "unassigned"),
    Column("Recorded", lambda r: local_time(r.created_at)),
    Column("Due", _due),
    Column("Value", lambda r: money(r.won_value or r.estimated_value), align_right=True),
    Column("Pain point", lambda r: r.pain_point, tooltip=lambda r: r.pain_point),
]


class WorklistView(LazyView):
    openCustomer = Signal(int)

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.loading = Latest()
        self.setObjectName("worklistView")
        self.tabs = QTabBar(self)
        self.tabs.setObjectName("worklistTabs")
        self.tabs.setAccessibleName("Worklists")
        self.tabs.setUsesScrollButtons(True)
        self.tabs.setExpanding(False)
        for which in DESK_WORKLISTS:
            self.tabs.addTab(which.title)
        salespeople, technicians = context.fetch(
            lambda session: (
                staff_list(session, StaffRole.SALESPERSON),
                staff_list(session, StaffRole.TECHNICIAN),
            )
        )
        self.salesperson = staff_combo(
            salespeople, "Filter by salesperson", "All salespeople", self
        )
        self.technician = staff_combo(technicians, "Filter by technician", "All technicians", self)
        self.table = make_table("worklistTable", "Referrals on this worklist", self)
        self.model: RowTableModel[WorkItem] = RowTableModel(WORK_COLUMNS, self)
        self.model.decorate = self._decorate
        self.table.setModel(self.model)
        self.panel = ReferralPanel(context, self)
        self.panel.openCustomer.connect(self.openCustomer)
        self.empty = QLabel(self)
        self.empty.setObjectName("worklistEmpty")

        filters = QHBoxLayout()
        filters.addWidget(QLabel("&Salesperson:", self, buddy=self.salesperson))
        filters.addWidget(self.salesperson)
        filters.addWidget(QLabel("&Technician:", self, buddy=self.technician))
        filters.addWidget(self.technician)
        filters.addStretch(1)
        filters.addWidget(self.empty)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.tabs)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.table, 1)
        self.split = QSplitter(Qt.Orientation.Horizontal, self)
        self.split.setObjectName("worklistSplit")
        self.split.addWidget(left)
        self.split.addWidget(self.panel)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.split)

        self._keep_panel = False
        self.tabs.currentChanged.connect(lambda _index: self.switch_list())
        self.salesperson.currentIndexChanged.connect(lambda _index: self.switch_list())
        self.technician.currentIndexChanged.connect(lambda _index: self.switch_list())
        self.table.selectionModel().currentRowChanged.connect(self._selected)
        self.table.doubleClicked.connect(self._open)
        context.follow_changes(self, self._changed)

    @property
    def current_worklist(self) -> Worklist:
        return DESK_WORKLISTS[self.tabs.currentIndex()]

    def show_worklist(self, which: Worklist) -> None:
        self.tabs.setCurrentIndex(DESK_WORKLISTS.index(which))

    def switch_list(self) -> None:
        """Another list or filter: start at its first referral."""
        self._keep_panel = False
        self.panel.show_nothing()
        self.reload()

    def _changed(self, _what: str) -> None:
        self.request_reload()

    @survives_outage
    def reload(self) -> None:
        """Read the lists again, keeping the selected referral selected where it still is."""
        selected = self.panel.detail.id if self.panel.detail else None
        filters = {
            "salesperson_id": self.salesperson.currentData(),
            "technician_id": self.technician.currentData(),
        }
        lists = self.context.fetch(lambda session: desk_worklists(session, **filters), self.loading)
        items = lists[self.current_worklist]
        for index, which in enumerate(DESK_WORKLISTS):
            self.tabs.setTabText(index, f"{which.title} ({len(lists[which])})")
        self.model.set_rows(items)
        fit_columns_once(self.table)
        self.empty.setText("" if items else "Nothing on this list.")
        rows = [item.id for item in items]
        if selected in rows:
            self.table.selectRow(rows.index(selected))  # the panel follows the selection
        elif selected is not None and self._keep_panel:
            # The referral just acted on left this list; keep it in view for its next step.
            self.panel.show_referral(selected)
        elif items:
            self.table.selectRow(0)
        else:
            self.panel.show_nothing()
        self._keep_panel = True

    def _selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        item = self.model.row_at(current)
        if item is None:
            self.panel.show_nothing()
        else:
            self.panel.show_referral(item.id)

    def _open(self, index: QModelIndex) -> None:
        item = self.model.row_at(index)
        if item is not None:
            self.openCustomer.emit(item.customer_id)

    @staticmethod
    def _decorate(item: WorkItem, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and item.overdue:
            return QBrush(OVERDUE)
        return None
