"""The day board: who is where today, the sales appointments, and which tech is nearby."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.services.briefing.page import default_page_size
from console.services.schedule.dayboard import BoardVisit, DayBoard, counted, day_board
from console.views.common import locale_format
from console.views.common.qt_dates import from_qdate, office_today
from console.views.common.tables.lazy import LazyView
from console.views.common.tones import Tone, tone
from console.views.common.workers.background import Background, show_stale
from console.views.common.workers.outage import survives_outage
from console.views.context import DeskContext
from console.views.dayboard.visit_dialog import VisitDialog
from console.views.referrals.referral_dialog import ReferralDialog

VISIT_ROLE = int(Qt.ItemDataRole.UserRole) + 2
REFERRAL_ROLE = int(Qt.ItemDataRole.UserRole) + 3


VISIT_COLUMN_WIDEST = (200, 260, 160, 320)
APPOINTMENT_COLUMN_WIDEST = (80, 240, 180, 260)
"""Widest each column but the last may grow to its content; the last takes the rest."""


def fit_tree_columns(tree: QTreeWidget, widest: tuple[int, ...]) -> None:
    """Columns as wide as their content, up to `widest`; longer text elides, whole on hover."""
    for column, cap in enumerate(widest):
        tree.resizeColumnToContents(column)
        tree.setColumnWidth(column, min(tree.columnWidth(column), cap))


def _time(value: dt.datetime) -> str:
    return locale_format.time(value)


def _headed(title: str, tree: QWidget) -> QWidget:
    """`tree` under a heading that names it (and, with Alt and its letter, goes to it)."""
    pane = QWidget()
    heading = QLabel(title, pane)
    heading.setBuddy(tree)
    font = heading.font()
    font.setBold(True)
    heading.setFont(font)
    layout = QVBoxLayout(pane)
    layout.setContentsMargins(0, 4, 0, 0)
    layout.addWidget(heading)
    layout.addWidget(tree, 1)
    return pane


class DayBoardView(LazyView):
    """The board reads its day on a worker: moving through the days never holds a key back.

    `loaded` fires when the day on screen is the one last asked for.
    """

    openCustomer = Signal(int)
    referralFromVisit = Signal(object)
    loaded = Signal()
    sheetSaved = Signal(str)

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.loading = Background(context, self, "read the day board")
        self.loading.settled.connect(self._settled)
        self.printing = Background(context, self, "save the day sheet")
        self.board: DayBoard | None = None
        self.setObjectName("dayBoardView")
        self.date = QDateEdit(office_today(), self)
        self.date.setCalendarPopup(True)
        locale_format.show_desk_dates(self.date, weekday="dddd")
        self.date.setAccessibleName("Day shown")
        previous = QPushButton("◀ &Previous day", self)
        previous.setAccessibleName("Previous day")
        previous.setToolTip("Alt+Left")
        previous.clicked.connect(lambda: self.move_day(-1))
        following = QPushButton("Ne&xt day ▶", self)
        following.setAccessibleName("Next day")
        following.setToolTip("Alt+Right")
        following.clicked.connect(lambda: self.move_day(1))
        today = QPushButton("&Today", self)
        today.clicked.connect(lambda: self.date.setDate(office_today()))
        for keys, step in (("Alt+Left", -1), ("Alt+Right", 1)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda step=step: self.move_day(step))

        self.visits = QTreeWidget(self)
        self.visits.setObjectName("dayVisits")
        self.visits.setAccessibleName("Technicians and their visits")
        self.visits.setHeaderLabels(["Technician / time", "Customer", "Town", "Problem", "Status"])
        self.visits.setAlternatingRowColors(True)
        self.visits.itemActivated.connect(self._activated)
        self.appointments = QTreeWidget(self)
        self.appointments.setObjectName("dayAppointments")
        self.appointments.setAccessibleName("Sales appointments and techs nearby")
        self.appointments.setHeaderLabels(
            ["Time", "Customer", "Salesperson", "Referring tech", "Tech nearby"]
        )
        self.appointments.setAlternatingRowColors(True)
        self.appointments.itemActivated.connect(self._activated)

        self.open_button = QPushButton("&Open customer", self)
        self.open_button.clicked.connect(self.open_selected)
        self.referral_button = QPushButton("New &referral from this visit…", self)
        self.referral_button.clicked.connect(self.referral_from_selected)
        self.move_button = QPushButton("&Move visit…", self)
        self.move_button.clicked.connect(self.move_selected)
        self.open_referral_button = QPushButton("Appointment's re&ferral…", self)
        self.open_referral_button.setAccessibleName(
            "Open the referral of the selected sales appointment"
        )
        self.open_referral_button.clicked.connect(self.open_selected_referral)
        self.print_button = QPushButton("Print &day sheet…", self)
        self.print_button.setAccessibleName(
            "Save the day sheet as PDF, for the selected technician or everyone"
        )
        self.print_button.clicked.connect(self.ask_day_sheet)
        self.summary = QLabel(self)

        top = QHBoxLayout()
        for widget in (previous, self.date, following, today):
            top.addWidget(widget)
        top.addStretch(1)
        top.addWidget(self.summary)
        actions = QHBoxLayout()
        for widget in (
            self.open_button,
            self.referral_button,
            self.move_button,
            self.open_referral_button,
            self.print_button,
        ):
            actions.addWidget(widget)
        actions.addStretch(1)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(_headed("Technicians and their &visits", self.visits))
        split.addWidget(
            _headed("&Sales appointments, with the techs nearby to call first", self.appointments)
        )
        split.setSizes([500, 250])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(actions)
        layout.addWidget(split, 1)
        self.date.dateChanged.connect(lambda _d: self.request_reload())
        context.follow_changes(self, self._changed)

    def _changed(self, _what: str) -> None:
        self.request_reload()

    @property
    def day(self) -> dt.date:
        return from_qdate(self.date.date())

    def move_day(self, step: int) -> None:
        self.date.setDate(self.date.date().addDays(step))

    @property
    def busy(self) -> bool:
        """A read is on its way whose answer will be shown."""
        return self.loading.busy

    def reload(self) -> None:
        """Read the day shown on a worker; the board fills when it arrives."""
        if not self.context.online:
            self._stale = True  # read again once the database is back
            return
        day = self.day
        if self.board is not None and self.board.day != day:
            for tree in (self.visits, self.appointments):
                show_stale(tree, True)  # another day's board, until this one arrives
        self.summary.setText(f"Loading {locale_format.date(day)}…")
        self.loading.read(lambda session: day_board(session, day), self._show)

    def _settled(self) -> None:
        for tree in (self.visits, self.appointments):
            show_stale(tree, False)
        if self.summary.text().startswith("Loading"):
            self.summary.setText("")

    def _show(self, board: DayBoard) -> None:
        self.board = board
        self.visits.clear()
        count = 0
        for tech in board.technicians:
            badge = f" · {tech.awaiting_tell_tech} to tell" if tech.awaiting_tell_tech else ""
            visit_count = counted(len(tech.visits), "visit")
            parent = QTreeWidgetItem([f"{tech.name}{badge}", tech.phone or "", "", "", visit_count])
            font = parent.font(0)
            font.setBold(True)
            parent.setFont(0, font)
            if tech.awaiting_tell_tech:
                parent.setToolTip(
                    0,
                    f"{counted(tech.awaiting_tell_tech, 'outcome')} to pass on"
                    f" when {tech.name} calls in",
                )
            notes: list[QTreeWidgetItem] = []
            for visit in tech.visits:
                child = QTreeWidgetItem(
                    [
                        _time(visit.starts_at),
                        visit.customer,
                        visit.city or "",
                        visit.problem or "",
                        visit.status.value,
                    ]
                )
                child.setData(0, VISIT_ROLE, visit)
                for column in (1, 2, 3):  # whole on hover where the column cuts it short
                    child.setToolTip(column, child.text(column))
                parent.addChild(child)
                lines = board.headsups.get(visit.id)
                if lines:  # old equipment where the tech is going: worth a look, not a sale
                    # One line across the row, so it never widens the customer column.
                    note = QTreeWidgetItem(["Heads-up: " + "; ".join(lines)])
                    note.setData(0, VISIT_ROLE, visit)  # Enter still opens the customer
                    note.setForeground(0, QBrush(tone(Tone.WARNING)))
                    note.setToolTip(0, "\n".join(lines))
                    child.addChild(note)
                    notes.append(note)
                count += 1
            self.visits.addTopLevelItem(parent)
            for note in notes:  # spanning takes effect once the row is in the tree
                note.setFirstColumnSpanned(True)
        self.visits.expandAll()
        fit_tree_columns(self.visits, VISIT_COLUMN_WIDEST)
        self.appointments.clear()
        for appointment in board.appointments:
            nearby = board.nearby.get(appointment.id, [])
            near = "; ".join(n.label for n in nearby)
            referring = f"{appointment.technician} · {appointment.technician_phone or 'no phone'}"
            item = QTreeWidgetItem(
                [
                    _time(appointment.starts_at),
                    appointment.customer,
                    appointment.salesperson,
                    referring,
                    near or "—",
                ]
            )
            item.setData(0, VISIT_ROLE, appointment.customer_id)
            item.setData(0, REFERRAL_ROLE, appointment.referral_id)
            for column in (1, 2, 3):
                item.setToolTip(column, item.text(column))
            item.setToolTip(
                4,
                "\n".join(f"{n.label} · at {n.customer}" for n in nearby)
                or "No technician works in this town or postal code within two hours of it.",
            )
            self.appointments.addTopLevelItem(item)
        fit_tree_columns(self.appointments, APPOINTMENT_COLUMN_WIDEST)
        self.summary.setText(
            f"{counted(count, 'visit')} · {counted(len(board.appointments), 'sales appointment')}"
        )
        self.loaded.emit()

    def selected_technician(self) -> int | None:
        """The technician row selected (or the technician of the selected visit)."""
        item = self.visits.currentItem()
        if item is None:
            return None
        visit = item.data(0, VISIT_ROLE)
        if isinstance(visit, BoardVisit):
            return visit.technician_id
        index = self.visits.indexOfTopLevelItem(item)
        if self.board is not None and 0 <= index < len(self.board.technicians):
            return self.board.technicians[index].id
        return None

    def day_sheet(self, technician_id: int | None) -> bytes:
        """The day sheet's PDF; any thread (ReportLab, no Qt)."""
        from console.services.briefing.day_sheet import render_day_sheet  # PDF stack on demand

        assert self.board is not None
        return render_day_sheet(self.board, default_page_size(), technician_id, self.board.headsups)

    def save_day_sheet(self, technician_id: int | None, path: Path) -> None:
        """Render and write the day sheet on a worker; the board says when it is saved."""
        board = self.board
        assert board is not None

        def work() -> Path:
            from console.services.briefing.day_sheet import render_day_sheet

            path.write_bytes(
                render_day_sheet(board, default_page_size(), technician_id, board.headsups)
            )
            return path

        self.summary.setText(f"Saving the day sheet to {path.name}…")
        self.printing.submit(work, self._day_sheet_saved, self._day_sheet_failed)

    def _day_sheet_saved(self, path: Path) -> None:
        self.summary.setText(f"Day sheet saved to {path}")
        self.sheetSaved.emit(str(path))

    def _day_sheet_failed(self, error: BaseException) -> None:
        self.summary.setText("")
        if isinstance(error, OSError):
            QMessageBox.warning(self, "Day sheet not saved", f"Could not write the file:\n{error}")
            return
        self.printing.report(error)

    def ask_day_sheet(self) -> None:
        if self.board is None:
            return
        technician_id = self.selected_technician()
        answer = QMessageBox.question(
            self,
            "Day sheet",
            "Print the day sheet for the selected technician only?\n(No prints the whole office.)",
            QMessageBox.StandardButton.Yes
            | QMessageBox.StandardButton.No
            | QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Cancel:
            return
        chosen = technician_id if answer == QMessageBox.StandardButton.Yes else None
        path, _filter = QFileDialog.getSaveFileName(
            self, "Save day sheet", f"day-sheet-{self.day.isoformat()}.pdf", "PDF (*.pdf)"
        )
        if path:
            self.save_day_sheet(chosen, Path(path))

    def selected_visit(self) -> BoardVisit | None:
        item = self.visits.currentItem()
        value = item.data(0, VISIT_ROLE) if item else None
        return value if isinstance(value, BoardVisit) else None

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        value = item.data(0, VISIT_ROLE)
        if isinstance(value, BoardVisit):
            self.openCustomer.emit(value.customer_id)
        elif isinstance(value, int):
            self.openCustomer.emit(value)

    def open_selected(self) -> None:
        tree = self.appointments if self.appointments.hasFocus() else self.visits
        item = tree.currentItem()
        if item is not None:
            self._activated(item, 0)

    def open_selected_referral(self) -> None:
        """The referral behind the selected sales appointment, to take its next step."""
        item = self.appointments.currentItem()
        referral_id = item.data(0, REFERRAL_ROLE) if item is not None else None
        if referral_id is None:
            QMessageBox.information(
                self, "Open referral", "Select a sales appointment below first."
            )
            return
        dialog = ReferralDialog(self.context, int(referral_id), self)
        dialog.openCustomer.connect(self.openCustomer)
        dialog.exec()

    def referral_from_selected(self) -> None:
        visit = self.selected_visit()
        if visit is not None:
            self.referralFromVisit.emit(visit)

    @survives_outage
    def move_selected(self) -> None:
        visit = self.selected_visit()
        if visit is None:
            return
        VisitDialog(
            self.context,
            visit.customer_id,
            visit.customer,
            visit_id=visit.id,
            version=visit.version,
            technician_id=visit.technician_id,
            starts_at=visit.starts_at,
            problem=visit.problem or "",
            parent=self,
        ).exec()
