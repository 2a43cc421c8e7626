"""The customer 360: header, service history, referrals, upsell notes and equipment."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from PySide6.QtCore import QModelIndex, QSettings, Qt, Signal
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from console.services.customers.customer_360 import (
    CustomerOverview,
    EquipmentRow,
    HistoryColumn,
    NoteRow,
    ReferralRow,
    VisitRow,
    customer_overview,
    visit_history,
)
from console.services.customers.notes import edit_note, remove_note
from console.views.common.tables.columns import local_time
from console.views.common.tables.fitting import ColumnFitter, make_table
from console.views.common.tables.table_model import PagedTableModel, PageFetcher, RowTableModel
from console.views.common.tones import Tone, tone
from console.views.common.workers.background import Background, is_stale, show_stale
from console.views.common.workers.outage import OutageSafePages, survives_outage
from console.views.context import DeskContext
from console.views.customer.columns import (
    EQUIPMENT_COLUMNS,
    HISTORY_COLUMNS,
    NOTE_COLUMNS,
    OLD_EQUIPMENT_YEARS,
    REFERRAL_COLUMNS,
)
from console.views.customer.header import CustomerHeader
from console.views.customer.sites_panel import SitesPanel
from console.views.notes.note_dialog import NoteDialog
from console.views.referrals.new_referral_dialog import NewReferralDialog, ReferralDraft
from console.views.referrals.referral_dialog import ReferralDialog


def _box(title: str, child: QWidget, *buttons: QPushButton) -> QGroupBox:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(6, 6, 6, 6)
    if buttons:
        row = QHBoxLayout()
        for button in buttons:
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
    layout.addWidget(child)
    return box


def _button(text: str, accessible: str, slot: object) -> QPushButton:
    button = QPushButton(text)
    button.setAccessibleName(accessible)
    button.clicked.connect(slot)
    return button


@dataclass(frozen=True)
class CustomerPage:
    """Everything the 360 shows at once, read in one job: the overview and the first page of
    the service history in the order the table is sorted."""

    overview: CustomerOverview
    first_history: list[VisitRow]
    sort_key: str | None
    descending: bool


class _FirstPageKnown:
    """A page source that answers its first question from a page already read with the rest.

    Opening a customer then costs one job on the worker, and the table fills without a second
    wait; later pages, and any other sort, are read as the table asks for them.
    """

    def __init__(self, page: CustomerPage, later: PageFetcher) -> None:
        self.page: CustomerPage | None = page
        self.later = later

    def __call__(
        self, offset: int, limit: int, sort_key: str | None, descending: bool
    ) -> list[VisitRow]:
        page, self.page = self.page, None
        if (
            page is not None
            and offset == 0
            and (sort_key, descending) == (page.sort_key, page.descending)
            and len(page.first_history) <= limit
        ):
            return page.first_history
        return list(self.later(offset, limit, sort_key, descending))


def visit_detail_html(row: VisitRow) -> str:
    """The whole of one visit, readable without opening a dialog."""
    technician = escape(row.technician or "no technician")
    heading = f"<b>{escape(local_time(row.scheduled_for))}</b> · {technician}"
    if row.technician_phone:
        heading += f" · {escape(row.technician_phone)}"
    if row.equipment:
        heading += f" · {escape(row.equipment)}"
    sections = [heading]
    for label, text in (
        ("Problem", row.problem),
        ("Work done", row.work_done),
        ("Tech notes", row.tech_notes),
    ):
        if text:
            sections.append(
                f"<b>{label}:</b> <span style='white-space:pre-wrap'>{escape(text)}</span>"
            )
    return "<p>" + "</p><p>".join(sections) + "</p>"


class CustomerView(QWidget):
    """Shows one customer; `show_customer` loads it, `refresh` reloads what is shown.

    Both read on a worker and return at once; `shown` carries the customer's id once the page
    on screen is theirs. Meanwhile the page shown stays usable, greyed out while it is
    another customer's.
    """

    shown = Signal(int)

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.overview: CustomerOverview | None = None
        self.loading = Background(context, self, "read the customer")
        self.loading.settled.connect(self._settled)
        self.header = CustomerHeader(self)
        self.header.edit_button.clicked.connect(self.edit_contact)

        self.history = make_table("historyTable", "Service history", self)
        self.history_model: PagedTableModel[VisitRow] = PagedTableModel(
            HISTORY_COLUMNS, parent=self
        )
        self.history.setModel(self.history_model)
        self.history.setSortingEnabled(True)
        self.history.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        self.history_detail = QTextBrowser(self)
        self.history_detail.setObjectName("visitDetail")
        self.history_detail.setAccessibleName("Selected visit")
        self.history_detail.setPlaceholderText("Select a visit to read its notes in full.")
        self.history.selectionModel().currentRowChanged.connect(self._show_visit)

        self.referrals = make_table("referralTable", "Referrals", self)
        self.referral_model: RowTableModel[ReferralRow] = RowTableModel(REFERRAL_COLUMNS, self)
        self.referral_model.decorate = self._decorate_referral
        self.referrals.setModel(self.referral_model)

        self.notes = make_table("noteTable", "Upsell notes", self)
        self.note_model: RowTableModel[NoteRow] = RowTableModel(NOTE_COLUMNS, self)
        self.note_model.decorate = self._decorate_note
        self.notes.setModel(self.note_model)

        self.equipment = make_table("equipmentTable", "Equipment", self)
        self.equipment_model: RowTableModel[EquipmentRow] = RowTableModel(EQUIPMENT_COLUMNS, self)
        self.equipment_model.decorate = self._decorate_equipment
        self.equipment.setModel(self.equipment_model)

        # Each table keeps to its space: the least needed columns step aside when it is narrow,
        # long text is elided and shown whole on hover.
        self.fitters = [
            ColumnFitter(self.history, HISTORY_COLUMNS, widest=240),
            ColumnFitter(self.referrals, REFERRAL_COLUMNS, widest=240),
            ColumnFitter(self.notes, NOTE_COLUMNS, widest=280),
            ColumnFitter(self.equipment, EQUIPMENT_COLUMNS, widest=200),
        ]

        history_split = QSplitter(Qt.Orientation.Vertical, self)
        history_split.setObjectName("historySplit")
        history_split.addWidget(self.history)
        history_split.addWidget(self.history_detail)
        history_split.setStretchFactor(0, 3)
        history_split.setStretchFactor(1, 1)
        self.referral_from_visit = _button(
            "Referral from this &visit…",
            "New referral from the selected visit",
            self.new_referral_from_visit,
        )
        self.history_box = _box("Service history", history_split, self.referral_from_visit)

        side = QSplitter(Qt.Orientation.Vertical, self)
        side.setObjectName("customerSideSplit")
        self.new_referral_button = _button("&New referral…", "New referral", self.new_referral)
        self.open_referral_button = _button(
            "&Open", "Open the selected referral", self.open_referral
        )
        self.referral_box = _box(
            "Referrals", self.referrals, self.new_referral_button, self.open_referral_button
        )
        self.note_buttons = [
            _button("&Add…", "Add an upsell note", self.add_note),
            _button("&Edit…", "Edit the selected note", self.edit_note),
            _button("Pin/unpin", "Pin or unpin the selected note", self.toggle_pin),
            _button(
                "&Make referral…", "Make a referral from the selected note", self.note_to_referral
            ),
            _button("Remove", "Remove the selected note", self.remove_note),
        ]
        self.note_box = _box("Upsell notes", self.notes, *self.note_buttons)
        self.equipment_box = _box("Equipment", self.equipment)
        for box in (self.referral_box, self.note_box, self.equipment_box):
            side.addWidget(box)

        self.body = QSplitter(Qt.Orientation.Horizontal, self)
        self.body.setObjectName("customerBodySplit")
        self.body.addWidget(self.history_box)
        self.body.addWidget(side)
        self.body.setStretchFactor(0, 3)
        self.body.setStretchFactor(1, 2)
        self.splitters = [self.body, side, history_split]

        self.referrals.doubleClicked.connect(lambda _index: self.open_referral())
        self.notes.doubleClicked.connect(lambda _index: self.edit_note())
        context.follow_changes(self, self._changed)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        self.sites_panel = SitesPanel(context, self, follow_changes=False)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("customerTabs")
        self.tabs.addTab(self.body, "&Overview")
        self.tabs.addTab(self.sites_panel, "S&ites")
        layout.addWidget(self.tabs, 1)

    @property
    def customer_id(self) -> int | None:
        return self.overview.id if self.overview else None

    def _changed(self, _what: str) -> None:
        self.refresh()

    @property
    def busy(self) -> bool:
        """A read is on its way whose answer will be shown."""
        return self.loading.busy

    def show_customer(self, customer_id: int) -> None:
        """Read the customer on a worker; the page fills, and `shown` fires, when it arrives."""
        self._read(customer_id, keep_selection=False)

    def refresh(self) -> None:
        """Read the customer again, keeping the selected rows where they still are."""
        if self.overview is not None:
            self._read(self.overview.id, keep_selection=True)

    def _read(self, customer_id: int, keep_selection: bool) -> None:
        if not self.context.online:
            return  # the banner says so; views refresh by themselves once it is back
        # The history keeps the order the user chose, from one customer to the next.
        sort_key, descending = self.history_model.sort_key, self.history_model.descending
        keep = (
            {
                table: table.currentIndex().row()
                for table in (self.history, self.referrals, self.notes, self.equipment)
            }
            if keep_selection
            else {}
        )
        page_size = self.history_model.page_size

        def work(session: Session) -> CustomerPage:
            overview = customer_overview(session, customer_id)
            first = visit_history(
                session,
                customer_id,
                limit=page_size,
                order_by=HistoryColumn(sort_key or HistoryColumn.DATE),
                descending=descending,
            )
            return CustomerPage(overview, first, sort_key, descending)

        if self.overview is not None and self.overview.id != customer_id:
            self.stale = True  # another customer is on its way: this one is greyed out
        self.loading.read(work, lambda page: self._fill(page, keep))

    @property
    def stale(self) -> bool:
        """The customer on screen is greyed out: another one is being read."""
        return is_stale(self.body)

    @stale.setter
    def stale(self, value: bool) -> None:
        show_stale(self.header, value)
        show_stale(self.body, value)

    def _settled(self) -> None:
        self.stale = False

    def _fill(self, page: CustomerPage, keep: dict[QTableView, int]) -> None:
        overview = page.overview
        self.overview = overview
        self.header.show_customer(overview)
        self.referral_model.set_rows(overview.referrals)
        self.note_model.set_rows(overview.notes_list)
        self.equipment_model.set_rows(overview.equipment)
        same = self.sites_panel.customer_id == overview.id
        self.sites_panel.set_sites(
            overview.id, overview.sites, self.sites_panel.selected_site_id if same else None
        )
        self.tabs.setTabText(1, f"S&ites ({len(overview.sites)})")
        self.history_box.setTitle(f"Service history ({overview.visit_count} visits)")
        self.referral_box.setTitle(
            f"Referrals ({overview.open_referral_count} open of {len(overview.referrals)})"
        )
        self.note_box.setTitle(f"Upsell notes ({len(overview.notes_list)})")
        self.equipment_box.setTitle(f"Equipment ({len(overview.equipment)})")
        self.history_detail.clear()
        later = OutageSafePages(self.context, self._history_pages(overview.id))
        self.history_model.load(_FirstPageKnown(page, later))
        if self.history_model.rowCount():
            self.history.selectRow(0)
        for table, row in keep.items():
            if 0 <= row < table.model().rowCount():
                table.selectRow(row)
        self.shown.emit(overview.id)

    @survives_outage
    def edit_contact(self) -> None:
        if self.overview is None:
            return
        from console.views.customer.contact_dialog import ContactDialog

        ContactDialog(self.context, self.overview.id, self).exec()

    # -- referrals and notes ------------------------------------------------------------

    def referral_draft(self, **known: object) -> ReferralDraft:
        assert self.overview is not None
        return ReferralDraft(
            customer_id=self.overview.id,
            customer_name=self.overview.name,
            equipment=tuple(self.overview.equipment),
            **known,  # type: ignore[arg-type]
        )

    @survives_outage
    def run_new_referral(self, draft: ReferralDraft) -> int | None:
        dialog = NewReferralDialog(self.context, draft, self)
        dialog.exec()
        return dialog.created_id

    def new_referral(self) -> None:
        if self.overview is not None:
            self.run_new_referral(self.referral_draft())

    def new_referral_from_visit(self) -> None:
        visit = self.history_model.row_at(self.history.currentIndex())
        if self.overview is None:
            return
        if visit is None:
            QMessageBox.information(
                self, "New referral", "Select the visit the referral comes from."
            )
            return
        pain = visit.tech_notes or visit.problem or ""
        self.run_new_referral(
            self.referral_draft(
                technician_id=visit.technician_id,
                equipment_id=visit.equipment_id,
                visit_id=visit.id,
                pain_point=pain,
            )
        )

    def open_referral(self) -> None:
        referral = self.referral_model.row_at(self.referrals.currentIndex())
        if referral is not None:
            ReferralDialog(self.context, referral.id, self).exec()

    def _selected_note(self) -> NoteRow | None:
        note = self.note_model.row_at(self.notes.currentIndex())
        if note is None and self.overview is not None:
            QMessageBox.information(self, "Upsell notes", "Select a note first.")
        return note

    def add_note(self) -> None:
        if self.overview is not None:
            NoteDialog(self.context, self.overview.id, parent=self).exec()

    def edit_note(self) -> None:
        note = self._selected_note()
        if note is not None and self.overview is not None:
            NoteDialog(self.context, self.overview.id, note, parent=self).exec()

    def toggle_pin(self) -> None:
        note = self._selected_note()
        if note is not None:
            self.context.write(
                self,
                lambda s: edit_note(
                    s, note.id, pinned=not note.pinned, expected_version=note.version
                ),
                "note",
            )

    def remove_note(self) -> None:
        note = self._selected_note()
        if note is None:
            return
        answer = QMessageBox.question(
            self,
            "Remove note",
            f"Remove this note from the customer?\n\n{note.text}\n\nIt stays on record.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.context.write(
                self,
                lambda s: remove_note(
                    s, note.id, self.context.desk_user, expected_version=note.version
                ),
                "note",
            )

    def note_to_referral(self) -> None:
        note = self._selected_note()
        if note is None:
            return
        if note.referral_id is not None:
            ReferralDialog(self.context, note.referral_id, self).exec()
            return
        self.run_new_referral(
            self.referral_draft(
                equipment_id=note.equipment_id, note_id=note.id, pain_point=note.text
            )
        )

    def _history_pages(self, customer_id: int) -> PageFetcher:
        """Pages of one customer's visits, each read in a session of its own (any thread)."""
        sessions = self.context.sessions

        def page(offset: int, limit: int, sort_key: str | None, descending: bool) -> list[VisitRow]:
            with sessions() as session:
                return visit_history(
                    session,
                    customer_id,
                    offset=offset,
                    limit=limit,
                    order_by=HistoryColumn(sort_key or HistoryColumn.DATE),
                    descending=descending,
                )

        return page

    def _show_visit(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.history_model.row_at(current)
        if row is None:
            self.history_detail.clear()
        else:
            self.history_detail.setHtml(visit_detail_html(row))

    @staticmethod
    def _decorate_referral(row: ReferralRow, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.overdue:
                return QBrush(tone(Tone.DANGER))
            if row.awaiting_tell_tech:
                return QBrush(tone(Tone.INFO))
        return None

    @staticmethod
    def _decorate_note(row: NoteRow, role: int) -> Any:
        if role == Qt.ItemDataRole.FontRole and row.pinned:
            font = QFont()
            font.setBold(True)
            return font
        return None

    @staticmethod
    def _decorate_equipment(row: EquipmentRow, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and (row.age_years or 0) >= OLD_EQUIPMENT_YEARS:
            return QBrush(tone(Tone.WARNING))
        return None

    def save_state(self, settings: QSettings) -> None:
        for splitter in self.splitters:
            settings.setValue(f"customer/{splitter.objectName()}", splitter.saveState())

    def restore_state(self, settings: QSettings) -> None:
        for splitter in self.splitters:
            state = settings.value(f"customer/{splitter.objectName()}")
            if state is not None:
                splitter.restoreState(state)
