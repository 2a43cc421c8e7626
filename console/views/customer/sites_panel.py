"""The customer's sites, and the equipment and visits at the one selected.

A property manager with forty buildings is one customer with forty sites: the table lists them
with what the office has at each, and picking one shows that site's equipment and history.
Both reads run as background jobs through the services; nothing here touches the database.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QGroupBox, QHeaderView, QLabel, QSplitter, QVBoxLayout, QWidget
from sqlalchemy.orm import Session

from console.services.customers.customer_360 import (
    EquipmentRow,
    SiteDetail,
    SiteRow,
    VisitRow,
    site_detail,
    site_rows,
)
from console.views.common.tables.columns import Column, local_time
from console.views.common.tables.fitting import ColumnFitter, fit_columns_once, make_table
from console.views.common.tables.table_model import RowTableModel
from console.views.common.workers.background import Background, show_stale
from console.views.context import DeskContext
from console.views.customer.columns import EQUIPMENT_COLUMNS, HISTORY_COLUMNS

SITE_COLUMNS: list[Column[SiteRow]] = [
    Column("Site", lambda r: r.name, tooltip=lambda r: r.notes),
    Column("Address", lambda r: r.address),
    Column("Equipment", lambda r: r.equipment_count, align_right=True),
    Column("Visits", lambda r: r.visit_count, align_right=True),
    Column("Last visit", lambda r: local_time(r.last_visit, with_time=False)),
    Column("Next visit", lambda r: local_time(r.next_visit, with_time=False), priority=1),
]
# The site's own history needs no paging or sorting by the server: a site holds a share of
# one customer's visits, read newest first.
SITE_HISTORY_COLUMNS: list[Column[VisitRow]] = [
    Column(column.title, column.value, column.tooltip, priority=column.priority)
    for column in HISTORY_COLUMNS
]


def _box(title: str, child: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(6, 6, 6, 6)
    layout.addWidget(child)
    return box


class SitesPanel(QWidget):
    """The places a customer is served; `show_customer(id)` reads them, or `set_sites` fills
    them from a 360 already read. Selecting a site reads its equipment and visits."""

    site_shown = Signal(int)
    """A site's equipment and visits are on screen (its id)."""

    def __init__(
        self, context: DeskContext, parent: QWidget | None = None, follow_changes: bool = True
    ) -> None:
        """`follow_changes=False` when a page that feeds `set_sites` re-reads on changes."""
        super().__init__(parent)
        self.context = context
        self.customer_id: int | None = None
        self.detail: SiteDetail | None = None
        self.loading = Background(context, self, "read the customer's sites")
        self.detail_loading = Background(context, self, "read the site")

        self.sites = make_table("siteTable", "Sites", self)
        self.site_model: RowTableModel[SiteRow] = RowTableModel(SITE_COLUMNS, self)
        self.sites.setModel(self.site_model)
        # The address is what tells buildings apart: it takes the room the counts do not need.
        self.sites.horizontalHeader().setStretchLastSection(False)
        address = [column.title for column in SITE_COLUMNS].index("Address")
        self.sites.horizontalHeader().setSectionResizeMode(address, QHeaderView.ResizeMode.Stretch)
        self.sites.selectionModel().currentRowChanged.connect(self._site_selected)

        self.equipment = make_table("siteEquipmentTable", "Equipment at the site", self)
        self.equipment_model: RowTableModel[EquipmentRow] = RowTableModel(EQUIPMENT_COLUMNS, self)
        self.equipment.setModel(self.equipment_model)
        self.visits = make_table("siteVisitTable", "Visits at the site", self)
        self.visit_model: RowTableModel[VisitRow] = RowTableModel(SITE_HISTORY_COLUMNS, self)
        self.visits.setModel(self.visit_model)
        # Side by side the two tables are narrow: the least needed columns step aside.
        self.fitters = [
            ColumnFitter(self.equipment, EQUIPMENT_COLUMNS, widest=200),
            ColumnFitter(self.visits, SITE_HISTORY_COLUMNS, widest=240),
        ]

        self.heading = QLabel("Select a site to see its equipment and visits.", self)
        self.heading.setObjectName("siteHeading")
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        detail = QSplitter(Qt.Orientation.Horizontal, self)
        detail.addWidget(_box("Equipment", self.equipment))
        detail.addWidget(_box("Visits", self.visits))
        detail.setStretchFactor(0, 2)
        detail.setStretchFactor(1, 3)
        self.detail_area = QWidget(self)
        detail_layout = QVBoxLayout(self.detail_area)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.heading)
        detail_layout.addWidget(detail, 1)

        split = QSplitter(Qt.Orientation.Vertical, self)
        split.setObjectName("sitesSplit")
        split.addWidget(_box("Sites", self.sites))
        split.addWidget(self.detail_area)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        if follow_changes:
            context.follow_changes(self, self._changed)

    @property
    def busy(self) -> bool:
        return self.loading.busy or self.detail_loading.busy

    def show_customer(self, customer_id: int) -> None:
        """Read the customer's sites on a worker; the first site is selected when they arrive."""
        if not self.context.online:
            return  # the banner says so; the panel refreshes once it is back
        keep = self.selected_site_id if customer_id == self.customer_id else None
        self.customer_id = customer_id
        self.loading.read(
            lambda session: site_rows(session, customer_id),
            lambda rows: self.set_sites(customer_id, rows, keep),
        )

    def set_sites(self, customer_id: int, rows: list[SiteRow], keep: int | None = None) -> None:
        """Show these sites of the customer, selecting site `keep` if listed, else the first."""
        self.customer_id = customer_id
        self.site_model.set_rows(rows)
        fit_columns_once(self.sites)
        if not rows:
            self._clear_detail("This customer has no sites.")
            return
        ids = [row.id for row in rows]
        # The reset above cleared the current row, so selecting one reads its detail afresh.
        self.sites.setCurrentIndex(self.site_model.index(ids.index(keep) if keep in ids else 0, 0))

    def refresh(self) -> None:
        if self.customer_id is not None:
            self.show_customer(self.customer_id)

    def _changed(self, _what: str) -> None:
        if self.isVisible():
            self.refresh()

    @property
    def selected_site_id(self) -> int | None:
        row = self.site_model.row_at(self.sites.currentIndex())
        return row.id if row is not None else None

    def _site_selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.site_model.row_at(current)
        if row is not None:
            self._read_site(row.id)

    def _read_site(self, site_id: int) -> None:
        if not self.context.online:
            return
        show_stale(self.detail_area, True)

        def work(session: Session) -> SiteDetail:
            return site_detail(session, site_id)

        self.detail_loading.read(work, self._show_detail, self._detail_failed)

    def _show_detail(self, detail: SiteDetail) -> None:
        self.detail = detail
        site = detail.site
        address = f" — {escape(site.address)}" if site.address else ""
        self.heading.setText(f"<b>{escape(site.name)}</b>{address}")
        self.equipment_model.set_rows(detail.equipment)
        self.visit_model.set_rows(detail.visits)
        show_stale(self.detail_area, False)
        self.site_shown.emit(site.id)

    def _detail_failed(self, error: BaseException) -> None:
        show_stale(self.detail_area, False)
        self.detail_loading.report(error)

    def _clear_detail(self, text: str) -> None:
        self.detail = None
        self.heading.setText(text)
        self.equipment_model.set_rows([])
        self.visit_model.set_rows([])
