"""Book a visit for a customer, or move one to another time or technician."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from console.models import StaffRole
from console.services.dayboard import ScheduleConflict, VisitChanged, schedule_visit
from console.services.errors import InputError
from console.views.common.forms import (
    error_label,
    keep_mine,
    save_cancel_buttons,
    select_data,
    staff_combo,
)
from console.views.common.outage import keeps_input_when_offline
from console.views.context import DeskContext


class VisitDialog(QDialog):
    def __init__(
        self,
        context: DeskContext,
        customer_id: int,
        customer_name: str,
        *,
        visit_id: int | None = None,
        version: int | None = None,
        technician_id: int | None = None,
        starts_at: dt.datetime | None = None,
        problem: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.customer_id = customer_id
        self.visit_id = visit_id
        self.version = version
        self.setObjectName("visitDialog")
        self.setWindowTitle(f"{'Move' if visit_id else 'Book'} a visit — {customer_name}")
        with context.read() as session:
            self.technician = staff_combo(session, StaffRole.TECHNICIAN, "Technician", None, self)
        select_data(self.technician, technician_id)
        start = (
            QDateTime(starts_at.astimezone().replace(tzinfo=None))
            if starts_at
            else QDateTime(QDate.currentDate().addDays(1), QTime(9, 0))
        )
        self.when = QDateTimeEdit(start, self)
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.when.setAccessibleName("Visit time")
        self.problem = QLineEdit(problem, self)
        self.problem.setAccessibleName("Problem")
        self.error = error_label(self)
        form = QFormLayout()
        form.addRow("&Technician", self.technician)
        form.addRow("&When", self.when)
        form.addRow("&Problem", self.problem)
        buttons = save_cancel_buttons(self, self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def resolve_conflict(self, changed: VisitChanged, accept_overlap: bool) -> None:
        """Another desk changed this visit first: show both and let the dispatcher choose."""
        mine = self.starts_at().astimezone().strftime("%Y-%m-%d %H:%M")
        if keep_mine(
            self,
            "Another desk changed this visit while you were moving it.",
            f"Theirs:\n{changed.theirs}\n\nYours:\n{mine} with {self.technician.currentText()}",
        ):
            self.version = changed.version
            self.save(accept_overlap=accept_overlap)
        else:
            self.context.hub.changed.emit("visit")
            self.reject()

    def starts_at(self) -> dt.datetime:
        return self.when.dateTime().toPython().astimezone(dt.UTC)  # type: ignore[union-attr]

    @keeps_input_when_offline
    def save(self, accept_overlap: bool = False) -> None:
        try:
            with self.context.sessions.begin() as session:
                schedule_visit(
                    session,
                    customer_id=self.customer_id,
                    technician=self.technician.currentData(),
                    starts_at=self.starts_at(),
                    problem=self.problem.text(),
                    visit_id=self.visit_id,
                    expected_version=self.version,
                    accept_overlap=accept_overlap,
                )
        except VisitChanged as changed:
            self.resolve_conflict(changed, accept_overlap)
            return
        except ScheduleConflict as conflict:
            answer = QMessageBox.question(
                self,
                "Technician already booked",
                f"{conflict.message}.\n\nBook this visit anyway?",
            )
            if answer == QMessageBox.StandardButton.Yes:
                self.save(accept_overlap=True)
            return
        except InputError as error:
            self.error.setText(str(error))
            self.error.show()
            return
        self.context.hub.changed.emit("visit")
        self.accept()
