"""The coordinator's worklists: tabs with counts, filters, and the selected referral."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabBar,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from console.models import Staff, StaffRole
from console.services.referral_detail import ReferralDetail, referral_detail
from console.services.staff import staff_list
from console.services.worklists import DESK_WORKLISTS, WorkItem, Worklist, desk_worklists
from console.views.common.background import Background, show_stale
from console.views.common.columns import Column, local_time, money
from console.views.common.forms import staff_combo
from console.views.common.lazy import LazyView
from console.views.common.table_model import RowTableModel
from console.views.common.tables import fit_columns_once, make_table
from console.views.context import DeskContext
from console.views.referrals.referral_panel import ReferralPanel
from console.views.referrals.staff_lists import add_staff

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


def _caption(text: str, buddy: QWidget, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setBuddy(buddy)
    return label


@dataclass(frozen=True)
class WorklistPage:
    """One reload's answer, read in one job: every list (the tabs count them), the referral to
    show beside them, and the staff for the filters the first time."""

    lists: dict[Worklist, list[WorkItem]]
    detail: ReferralDetail | None
    staff: tuple[list[Staff], list[Staff]] | None


class WorklistView(LazyView):
    """The worklists; every read runs on a worker, so switching lists never holds a key back.

    `loaded` fires when the lists on screen are the newest asked for.
    """

    openCustomer = Signal(int)
    loaded = Signal()
    tellTech = Signal(list)  # referral ids whose techs are to get the outcome by message

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.loading = Background(context, self, "read the worklists")
        self.loading.settled.connect(self._settled)
        self._staff_known = False
        self.setObjectName("worklistView")
        self.tabs = QTabBar(self)
        self.tabs.setObjectName("worklistTabs")
        self.tabs.setAccessibleName("Worklists")
        self.tabs.setUsesScrollButtons(True)
        self.tabs.setExpanding(False)
        for which in DESK_WORKLISTS:
            self.tabs.addTab(which.title)
        # Filled with the staff by the first reload.
        self.salesperson = staff_combo([], "Filter by salesperson", "All salespeople", self)
        self.technician = staff_combo([], "Filter by technician", "All technicians", self)
        self.table = make_table("worklistTable", "Referrals on this worklist", self)
        self.model: RowTableModel[WorkItem] = RowTableModel(WORK_COLUMNS, self)
        self.model.decorate = self._decorate
        self.table.setModel(self.model)
        self.panel = ReferralPanel(context, self)
        self.panel.openCustomer.connect(self.openCustomer)
        self.panel.tellTech.connect(self.tellTech)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tell_selected = QPushButton("Message the &techs…", self)
        self.tell_selected.setObjectName("tellSelectedTechs")
        self.tell_selected.setAccessibleName("Write to the techs of the selected referrals")
        self.tell_selected.setToolTip(
            "Select several referrals (Ctrl or Shift and click) to write to each tech at once"
        )
        self.tell_selected.clicked.connect(self._tell_selected)
        self.tell_selected.setVisible(False)
        self.empty = QLabel(self)
        self.empty.setObjectName("worklistEmpty")

        filters = QHBoxLayout()
        filters.addWidget(_caption("&Salesperson:", self.salesperson, self))
        filters.addWidget(self.salesperson)
        filters.addWidget(_caption("&Technician:", self.technician, self))
        filters.addWidget(self.technician)
        filters.addStretch(1)
        filters.addWidget(self.empty)
        filters.addWidget(self.tell_selected)
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
        self._filling = False
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
        self.tell_selected.setVisible(self.current_worklist is Worklist.TELL_TECH)
        self.panel.show_nothing_now()
        self.reload()
        if self.loading.busy:
            show_stale(self.table, True)  # the rows shown are another list's until it arrives

    def _changed(self, _what: str) -> None:
        self.request_reload()

    @property
    def busy(self) -> bool:
        """A read is on its way whose answer will be shown."""
        return self.loading.busy

    def reload(self) -> None:
        """Read the lists again on a worker, keeping the selected referral where it still is.

        One job reads every list, and the referral to show beside them, in one session.
        """
        if not self.context.online:
            self._stale = True  # read again once the database is back
            return
        selected = self.panel.detail.id if self.panel.detail else None
        keep_panel = self._keep_panel
        which = self.current_worklist
        filters = {
            "salesperson_id": self.salesperson.currentData(),
            "technician_id": self.technician.currentData(),
        }
        with_staff = not self._staff_known

        def work(session: Session) -> WorklistPage:
            staff = (
                (
                    staff_list(session, StaffRole.SALESPERSON),
                    staff_list(session, StaffRole.TECHNICIAN),
                )
                if with_staff
                else None
            )
            lists = desk_worklists(session, **filters)
            rows = [item.id for item in lists[which]]
            shown: int | None = None
            if selected in rows or (selected is not None and keep_panel):
                shown = selected
            elif rows:
                shown = rows[0]
            detail = referral_detail(session, shown) if shown is not None else None
            return WorklistPage(lists, detail, staff)

        self.empty.setText("Loading…")
        self.loading.read(work, lambda page: self._show(page, which))

    def _settled(self) -> None:
        show_stale(self.table, False)
        if self.empty.text() == "Loading…":
            self.empty.setText("")

    def _show(self, page: WorklistPage, which: Worklist) -> None:
        if page.staff is not None and not self._staff_known:
            self._staff_known = True
            self._fill_staff(*page.staff)
        lists = page.lists
        items = lists[which]
        for index, listed in enumerate(DESK_WORKLISTS):
            self.tabs.setTabText(index, f"{listed.title} ({len(lists[listed])})")
        self._filling = True
        try:
            self.model.set_rows(items)
            fit_columns_once(self.table)
            self.empty.setText("" if items else "Nothing on this list.")
            rows = [item.id for item in items]
            detail = page.detail
            if detail is not None:
                self.panel.show_detail(detail)
                if detail.id in rows:
                    self.table.selectRow(rows.index(detail.id))
            else:
                self.panel.show_nothing_now()
        finally:
            self._filling = False
        self._keep_panel = True
        self.loaded.emit()

    def _fill_staff(self, salespeople: list[Staff], technicians: list[Staff]) -> None:
        add_staff(self.salesperson, salespeople)
        add_staff(self.technician, technicians)

    def _selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._filling:
            return  # the panel was given the referral with the lists
        item = self.model.row_at(current)
        if item is None:
            self.panel.show_nothing_now()
        else:
            self.panel.show_referral(item.id)

    def selected_ids(self) -> list[int]:
        rows = self.table.selectionModel().selectedRows()
        return [item.id for index in rows if (item := self.model.row_at(index)) is not None]

    def _tell_selected(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.tellTech.emit(ids)

    def _open(self, index: QModelIndex) -> None:
        item = self.model.row_at(index)
        if item is not None:
            self.openCustomer.emit(item.customer_id)

    @staticmethod
    def _decorate(item: WorkItem, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and item.overdue:
            return QBrush(OVERDUE)
        return None
