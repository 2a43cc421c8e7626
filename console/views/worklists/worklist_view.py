"""The coordinator's worklists: tabs with counts, filters, and the selected referral.

Each list keeps its own columns, widths, sort, scroll position and selected referral while the
desk moves between lists; widths, columns and the list shown last outlive the window.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QPoint, QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QTabBar,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from console.models import Staff, StaffRole
from console.services.office.clock import utc_now
from console.services.office.staff import staff_list
from console.services.referrals.detail import ReferralDetail, referral_detail
from console.services.referrals.worklists import DESK_WORKLISTS, WorkItem, Worklist, desk_worklists
from console.views.common.forms import staff_combo
from console.views.common.tables.fitting import make_table
from console.views.common.tables.lazy import LazyView
from console.views.common.workers.background import Background, show_stale
from console.views.context import DeskContext
from console.views.referrals.referral_panel import ReferralPanel
from console.views.referrals.staff_lists import add_staff
from console.views.worklists.customer_phone import call_phone, copy_phone
from console.views.worklists.status_badge import StatusBadgeDelegate
from console.views.worklists.worklist_layouts import ListArranger, WorklistLayouts
from console.views.worklists.worklist_model import (
    DUE_COLUMN,
    PHONE_COLUMN,
    STATUS_COLUMN,
    WORK_COLUMNS,
    WorklistModel,
)
from console.views.worklists.worklist_tabs import tab_caption, tab_text, tab_tooltip
from console.views.worklists.worklist_width import WorklistWidth

TICK_MS = 60_000  # due words are said again every minute, without reading anything


def _caption(text: str, buddy: QWidget, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setBuddy(buddy)
    return label


@dataclass(frozen=True)
class WorklistPage:
    """One reload's answer, read in one job: every list (the tabs count them), the referral to
    show beside them, the staff for the filters the first time, and when it was read."""

    lists: dict[Worklist, list[WorkItem]]
    detail: ReferralDetail | None
    staff: tuple[list[Staff], list[Staff]] | None
    now: dt.datetime


class WorklistView(LazyView):
    """The worklists; every read runs on a worker, so switching lists never holds a key back.

    `loaded` fires when the lists on screen are the newest asked for; `message` carries a line
    for the status bar.
    """

    openCustomer = Signal(int)
    loaded = Signal()
    message = Signal(str)
    tellTech = Signal(list)  # referral ids whose techs are to get the outcome by message

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.loading = Background(context, self, "read the worklists")
        self.loading.settled.connect(self._settled)
        self._staff_known = False
        self._shown_list: Worklist | None = None  # the list whose rows the table holds
        self._left = False  # the desk moved away from that list; how it was left is kept
        self.setObjectName("worklistView")
        self.tabs = QTabBar(self)
        self.tabs.setObjectName("worklistTabs")
        self.tabs.setAccessibleName("Worklists")
        self.tabs.setUsesScrollButtons(True)
        self.tabs.setExpanding(False)
        for index, which in enumerate(DESK_WORKLISTS):
            self.tabs.addTab(tab_caption(which))
            self.tabs.setTabToolTip(index, tab_tooltip(which))
        # Filled with the staff by the first reload.
        self.salesperson = staff_combo([], "Filter by salesperson", "All salespeople", self)
        self.technician = staff_combo([], "Filter by technician", "All technicians", self)
        self.filter = QLineEdit(self)
        self.filter.setObjectName("worklistFilter")
        self.filter.setAccessibleName("Narrow the open referrals")
        self.filter.setPlaceholderText("Customer, tech, salesperson or words of the referral")
        self.filter.setClearButtonEnabled(True)
        for combo in (self.salesperson, self.technician):
            # Long names are elided rather than widening the row past a laptop's screen.
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(14)
        self.filter_caption = _caption("F&ind:", self.filter, self)
        self.table = make_table("worklistTable", "Referrals on this worklist", self)
        self.model = WorklistModel(self)
        self.table.setModel(self.model)
        self.badges = StatusBadgeDelegate(self.table)
        self.table.setItemDelegateForColumn(STATUS_COLUMN, self.badges)
        self.table.setSortingEnabled(True)
        self.arranger = ListArranger(
            self.table,
            [column.title for column in WORK_COLUMNS],
            [column.hidden for column in WORK_COLUMNS],
            DUE_COLUMN,
        )
        self.widths = WorklistWidth(self.table, [column.priority for column in WORK_COLUMNS])
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._row_menu)
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
        self.left_layout = QVBoxLayout(left)
        self.left_layout.setContentsMargins(0, 0, 0, 0)
        self.left_layout.addWidget(self.tabs)
        self.left_layout.addLayout(filters)
        # A row of its own, shown on All open only, so a laptop's screen keeps the search.
        self.find_row = QWidget(left)
        find_layout = QHBoxLayout(self.find_row)
        find_layout.setContentsMargins(0, 0, 0, 0)
        find_layout.addWidget(self.filter_caption)
        find_layout.addWidget(self.filter, 1)
        self.left_layout.addWidget(self.find_row)
        self.left_layout.addWidget(self.table, 1)
        self.split = QSplitter(Qt.Orientation.Horizontal, self)
        self.split.setObjectName("worklistSplit")
        self.split.addWidget(left)
        self.split.addWidget(self.panel)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.split)
        self._show_filter_for(self.current_worklist)

        self._keep_panel = False
        self._filling = False
        self.tabs.currentChanged.connect(lambda _index: self.switch_list())
        self.salesperson.currentIndexChanged.connect(lambda _index: self.switch_list())
        self.technician.currentIndexChanged.connect(lambda _index: self.switch_list())
        self.filter.textChanged.connect(self._narrow)
        self.table.selectionModel().currentRowChanged.connect(self._selected)
        self.table.doubleClicked.connect(self._open)
        self.table.activated.connect(self.open_referral)
        self.table.clicked.connect(self._clicked)
        self.clock = QTimer(self)
        self.clock.setInterval(TICK_MS)
        self.clock.timeout.connect(lambda: self.model.set_now(utc_now()))
        self.clock.start()
        context.follow_changes(self, self._changed)

    @property
    def current_worklist(self) -> Worklist:
        return DESK_WORKLISTS[self.tabs.currentIndex()]

    def show_worklist(self, which: Worklist) -> None:
        self.tabs.setCurrentIndex(DESK_WORKLISTS.index(which))

    def switch_list(self) -> None:
        """Another list or filter: back where the desk left that list, else at its top."""
        self._keep_panel = False
        which = self.current_worklist
        if not self._left and self._shown_list is not None and which is not self._shown_list:
            self._remember()  # before the rows above the table change its height
            self._left = True  # the rows on screen are no longer worked on until replaced
        self.tell_selected.setVisible(which is Worklist.TELL_TECH)
        self._show_filter_for(which)
        self.panel.show_nothing_now()
        self.reload()
        if self.loading.busy:
            show_stale(self.table, True)  # the rows shown are another list's until it arrives

    def _show_filter_for(self, which: Worklist) -> None:
        searchable = which is Worklist.OPEN
        self.find_row.setVisible(searchable)

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
        which = self.current_worklist
        if which is self._shown_list:
            selected = self.panel.detail.id if self.panel.detail else None
            keep_panel = self._keep_panel
        else:
            selected, keep_panel = self.arranger.layouts.of(which).selected, False
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
            now = utc_now()
            lists = desk_worklists(session, now=now, **filters)
            rows = [item.id for item in lists[which]]
            shown: int | None = None
            if selected in rows or (selected is not None and keep_panel):
                shown = selected
            elif rows:
                shown = rows[0]
            detail = referral_detail(session, shown) if shown is not None else None
            return WorklistPage(lists, detail, staff, now)

        self.empty.setText("Loading…")
        self.loading.read(work, lambda page: self._show(page, which))

    def _settled(self) -> None:
        show_stale(self.table, False)
        if self.empty.text() == "Loading…":
            self._say_count()

    def _show(self, page: WorklistPage, which: Worklist) -> None:
        if page.staff is not None and not self._staff_known:
            self._staff_known = True
            self._fill_staff(*page.staff)
        lists = page.lists
        items = lists[which]
        for index, listed in enumerate(DESK_WORKLISTS):
            self.tabs.setTabText(index, tab_text(listed, len(lists[listed])))
        entering = which is not self._shown_list
        self._left = False
        layout = self.arranger.layouts.of(which)
        scroll = layout.scroll if entering else self.arranger.scrolled()
        self._filling = True
        try:
            if entering:
                self.widths.forget()
                self.model.sort_column, self.model.sort_order = self.arranger.arrange(which)
            self.model.filter_text = self.filter.text() if which is Worklist.OPEN else ""
            self.model.show_items(items, page.now, calls_technician=which is Worklist.TELL_TECH)
            if entering and layout.header is None and items:
                self.arranger.fit_columns()
            self.widths.fit()
            rows = [item.id for item in self.model.rows]
            detail = page.detail
            if detail is not None:
                self.panel.show_detail(detail)
                if detail.id in rows:
                    self.table.selectRow(rows.index(detail.id))
            else:
                self.panel.show_nothing_now()
            self._shown_list = which
            self.arranger.layouts.last = which
            self.left_layout.activate()  # the table's height with this list's rows above it
            self.arranger.scroll_to(scroll)
        finally:
            self._filling = False
        self._say_count()
        self._keep_panel = True
        self.loaded.emit()

    def _say_count(self) -> None:
        shown, listed = len(self.model.rows), len(self.model.items)
        if not listed:
            self.empty.setText("Nothing on this list.")
        elif shown < listed:
            self.empty.setText(f"{shown} of {listed} match" if shown else "None match.")
        else:
            self.empty.setText("")

    # Each list's own arrangement.

    def _remember(self) -> None:
        """Keep how the desk left the list on screen, to find it so on coming back."""
        if self._shown_list is not None and not self._left:
            selected = self.panel.detail.id if self.panel.detail else None
            with self.widths.desk_choice():
                self.arranger.remember(self._shown_list, selected)

    def save_state(self, settings: QSettings) -> None:
        """Column widths and choices of every list, and the list shown, for the next start."""
        self._remember()
        self.arranger.layouts.save(settings)

    def restore_state(self, settings: QSettings) -> None:
        """Come back to the list shown last, each list arranged as the desk left it."""
        layouts = self.arranger.layouts = WorklistLayouts.load(settings)
        if layouts.last is not None:
            self.tabs.blockSignals(True)  # read when the view is first shown, not now
            try:
                self.show_worklist(layouts.last)
            finally:
                self.tabs.blockSignals(False)
            self.tell_selected.setVisible(layouts.last is Worklist.TELL_TECH)
            self._show_filter_for(layouts.last)

    # Working a row.

    def _narrow(self, text: str) -> None:
        if self.current_worklist is not Worklist.OPEN or self._shown_list is not Worklist.OPEN:
            return
        self.model.set_filter(text)
        self._say_count()
        if self.model.rows and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)

    def _clicked(self, index: QModelIndex) -> None:
        if index.column() == PHONE_COLUMN:
            self.copy_phone(self.model.row_at(index))

    def copy_phone(self, item: WorkItem | None) -> None:
        """Put the phone the list calls on the clipboard and say so in the status bar."""
        if item is not None and (called := self.model.phone_to_call(item)):
            self.message.emit(copy_phone(*called))

    def call(self, item: WorkItem | None) -> None:
        """Hand the phone the list calls to the desk's dialler."""
        if item is not None and (called := self.model.phone_to_call(item)):
            self.message.emit(call_phone(*called))

    def _row_menu(self, position: QPoint) -> None:
        item = self.model.row_at(self.table.indexAt(position))
        if item is None:
            return
        menu = QMenu(self)
        menu.setObjectName("worklistRowMenu")
        if called := self.model.phone_to_call(item):
            menu.addAction(f"Call {called[0]}", lambda: self.call(item))
            menu.addAction("Copy phone", lambda: self.copy_phone(item))
            menu.addSeparator()
        menu.addAction("Open customer", lambda: self.openCustomer.emit(item.customer_id))
        menu.popup(self.table.viewport().mapToGlobal(position))

    def open_referral(self, index: QModelIndex) -> None:
        """Enter on a row: its referral beside the list takes the keyboard, to act on it."""
        item = self.model.row_at(index)
        if item is None:
            return
        if self.panel.detail is None or self.panel.detail.id != item.id:
            self.panel.show_referral(item.id)
        steps = [
            button
            for button in self.panel.steps.findChildren(QPushButton)
            if button.isVisibleTo(self.panel) and button.isEnabled()
        ]
        (steps[0] if steps else self.panel.note).setFocus(Qt.FocusReason.OtherFocusReason)

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
        if item is not None and index.column() != PHONE_COLUMN:
            self.openCustomer.emit(item.customer_id)
