"""Book a visit for a customer, or move one to another time or technician."""

from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from console.models import Staff, StaffRole
from console.services.errors import Conflict, InputError
from console.services.office.staff import staff_list
from console.services.schedule.dayboard import ScheduleConflict, VisitChanged, schedule_visit
from console.views.common import locale_format
from console.views.common.form_dialog import FormDialog
from console.views.common.forms import keep_mine, save_cancel_buttons, select_data, staff_combo
from console.views.common.qt_dates import office_day_at, office_field_time, office_moment
from console.views.common.workers.background import read_for_form
from console.views.context import DeskContext
from console.views.referrals.staff_lists import add_staff

# Wide enough for a technician's name and phone beside its label, narrow enough to stay a dialog.
DIALOG_WIDTH = 480


def roomy_label(text: str, field: QWidget) -> QLabel:
    """A field's label with a space's room after its text.

    Some desktop fonts paint a word's last letter a pixel or two past its measured width;
    the room keeps that letter whole beside the field.
    """
    label = QLabel(text, field.parentWidget())
    label.setBuddy(field)
    label.setMinimumWidth(label.sizeHint().width() + label.fontMetrics().horizontalAdvance(" "))
    return label


class VisitDialog(FormDialog):
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
        super().__init__(context, parent)
        self.customer_id = customer_id
        self.visit_id = visit_id
        self.version = version
        self.setObjectName("visitDialog")
        self.setWindowTitle(f"{'Move' if visit_id else 'Book'} a visit — {customer_name}")
        self.heading = QLabel(self.heading_text(customer_name, visit_id, starts_at), self)
        self.heading.setObjectName("visitDialogHeading")
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.technician = staff_combo([], "Technician", None, self)  # filled once read
        start = office_field_time(starts_at) if starts_at else office_day_at(1, dt.time(9, 0))
        self.when = QDateTimeEdit(start, self)
        self.when.setCalendarPopup(True)
        locale_format.show_desk_dates(self.when, clock=True)
        self.when.setAccessibleName("Visit time")
        self.problem = QPlainTextEdit(problem, self)
        self.problem.setAccessibleName("Problem")
        self.problem.setTabChangesFocus(True)
        lines = self.problem.fontMetrics().lineSpacing()
        self.problem.setFixedHeight(lines * 4 + 2 * self.problem.frameWidth() + 8)
        self.fields.update(
            {"technician": self.technician, "time": self.when, "problem": self.problem}
        )
        form = QFormLayout()
        form.setHorizontalSpacing(12)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(roomy_label("&Technician", self.technician), self.technician)
        form.addRow(roomy_label("&When", self.when), self.when)
        form.addRow(roomy_label("&Problem", self.problem), self.problem)
        buttons = save_cancel_buttons(self, self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

        def fill(technicians: list[Staff]) -> None:
            add_staff(self.technician, technicians)
            select_data(self.technician, technician_id)

        self.lists = read_for_form(
            self,
            self,
            lambda session: staff_list(session, StaffRole.TECHNICIAN),
            fill,
            [self.technician, buttons.button(QDialogButtonBox.StandardButton.Save)],
        )
        self.resize(DIALOG_WIDTH, self.sizeHint().height())

    @staticmethod
    def heading_text(
        customer_name: str, visit_id: int | None, starts_at: dt.datetime | None
    ) -> str:
        """Says whose visit this is and, when moving one, which visit it was."""
        heading = f"<b>{html.escape(customer_name)}</b>"
        if visit_id is not None and starts_at is not None:
            when = locale_format.datetime(starts_at)
            heading += f"<br>Moving the visit booked for {html.escape(when)}"
        return heading

    def resolve_conflict(self, changed: VisitChanged, accept_overlap: bool) -> None:
        """Another desk changed this visit first: show both and let the dispatcher choose."""
        mine = locale_format.datetime(self.starts_at())
        if keep_mine(
            self,
            "Another desk changed this visit while you were moving it.",
            f"Theirs:\n{changed.theirs}\n\nYours:\n{mine} with {self.technician.currentText()}",
        ):
            self.version = changed.version
            self.save(accept_overlap=accept_overlap)
        else:
            self.reject()

    def starts_at(self) -> dt.datetime:
        return office_moment(self.when.dateTime())

    def save(self, accept_overlap: bool = False) -> None:
        technician, starts_at, problem = (
            self.technician.currentData(),
            self.starts_at(),
            self.problem.toPlainText(),
        )
        visit_id, version = self.visit_id, self.version

        def refused(error: InputError) -> None:
            if not isinstance(error, ScheduleConflict):
                self.refused(error)
                return
            answer = QMessageBox.question(
                self,
                "Technician already booked",
                f"{error.message}.\n\nBook this visit anyway?",
            )
            if answer == QMessageBox.StandardButton.Yes:
                self.save(accept_overlap=True)

        def conflict(error: Conflict) -> None:
            if isinstance(error, VisitChanged):
                self.resolve_conflict(error, accept_overlap)
            else:
                self.show_error(f"{error}. Nothing was saved.")

        saved = self.context.write(
            self,
            lambda session: schedule_visit(
                session,
                customer_id=self.customer_id,
                technician=technician,
                starts_at=starts_at,
                problem=problem,
                visit_id=visit_id,
                expected_version=version,
                accept_overlap=accept_overlap,
            ),
            "visit",
            refused=refused,
            conflict=conflict,
            offline=self.not_saved_offline,
        )
        if saved is not None:
            self.accept()
