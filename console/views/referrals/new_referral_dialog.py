"""Record a technician's referral: from the customer, a visit row or an upsell note.

The header says which customer (and visit) it is for. The salesperson list begins with
"Assign automatically (round-robin)" when the office assigns that way; salespeople who are
away are marked so, greyed, and can still be chosen by hand. After saving, the
window's status bar says who got it, or why nobody could. A referral may continue one of the
customer's earlier referrals (a second appointment on the same need), so the office's numbers
count the need once.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from console.models import Staff, StaffRole, Urgency
from console.services.customers.customer_360 import EquipmentRow
from console.services.errors import InputError
from console.services.office.staff import staff_list
from console.services.referrals.assignment import creation_message
from console.services.referrals.form import ReferralFormLists, referral_form_lists
from console.services.referrals.lifecycle import create_referral
from console.views.common import locale_format
from console.views.common.form_dialog import FormDialog
from console.views.common.forms import save_cancel_buttons, select_data, staff_combo
from console.views.common.workers.background import read_for_form
from console.views.context import DeskContext
from console.views.referrals.staff_lists import add_salespeople, add_staff


@dataclass(frozen=True)
class ReferralDraft:
    """What is known before the dialog opens; the user fills in the rest."""

    customer_id: int
    customer_name: str
    equipment: tuple[EquipmentRow, ...] = ()
    technician_id: int | None = None
    equipment_id: int | None = None
    visit_id: int | None = None
    note_id: int | None = None
    pain_point: str = ""


AUTOMATIC = "Assign automatically (round-robin)"
NOT_YET = "Not yet"
WIDEST = 640  # px: long names and labels wrap or elide rather than widen the form
COMBO_CHARACTERS = 28
TEXT_LINES = 4
STATUS_MS = 15_000


def _narrow(combo: QComboBox) -> QComboBox:
    """A combo whose longest entry does not set the form's width."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(COMBO_CHARACTERS)
    return combo


def _lines_high(field: QPlainTextEdit, lines: int) -> None:
    metrics = field.fontMetrics()
    margins = field.contentsMargins()
    frame = 2 * field.frameWidth() + margins.top() + margins.bottom()
    field.setMaximumHeight(metrics.lineSpacing() * lines + frame + 8)


class NewReferralDialog(FormDialog):
    def __init__(
        self, context: DeskContext, draft: ReferralDraft, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, parent)
        self.draft = draft
        self.created_id: int | None = None
        self.assignment_note = ""
        self.setWindowTitle(f"New referral — {draft.customer_name}")
        self.setObjectName("newReferralDialog")
        self.header = QLabel(self)
        self.header.setObjectName("newReferralHeader")
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self._show_header("")
        # Filled once the staff are read (on a worker); the form is usable meanwhile.
        self.technician = _narrow(staff_combo([], "Referring technician", "Choose…", self))
        self.salesperson = _narrow(staff_combo([], "Assign to salesperson", NOT_YET, self))
        self.category = _narrow(QComboBox(self))
        self.category.setAccessibleName("Category")
        self.category.addItem("None", None)
        self.continues = _narrow(QComboBox(self))
        self.continues.setAccessibleName("Continues an earlier referral")
        self.continues.addItem("No: a new need", None)
        self.equipment = _narrow(QComboBox(self))
        self.equipment.setAccessibleName("Equipment")
        self.equipment.addItem("None in particular", None)
        for row in draft.equipment:
            age = f" ({row.age_years:.0f} yr)" if row.age_years is not None else ""
            self.equipment.addItem(f"{row.label}{age}", row.id)
        select_data(self.equipment, draft.equipment_id)
        self.pain_point = QPlainTextEdit(draft.pain_point, self)
        self.pain_point.setAccessibleName("Pain point")
        self.pain_point.setPlaceholderText("What the tech saw: e.g. boiler 19 years old, leaking")
        self.pain_point.setTabChangesFocus(True)
        _lines_high(self.pain_point, TEXT_LINES)
        self.recommendation = QPlainTextEdit(self)
        self.recommendation.setAccessibleName("Recommendation")
        self.recommendation.setPlaceholderText("What would help the customer")
        self.recommendation.setTabChangesFocus(True)
        _lines_high(self.recommendation, TEXT_LINES - 1)
        self.urgency = QComboBox(self)
        self.urgency.setAccessibleName("Urgency")
        for level in Urgency:
            self.urgency.addItem(level.value.capitalize(), level.value)
        select_data(self.urgency, Urgency.NORMAL.value)
        self.value = QLineEdit(self)
        self.value.setAccessibleName("Estimated value")
        self.value.setPlaceholderText("e.g. 8500")

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.addRow("Referring &technician", self.technician)
        form.addRow("&Equipment", self.equipment)
        form.addRow("&Pain point", self.pain_point)
        form.addRow("&Recommendation", self.recommendation)
        form.addRow("Ca&tegory", self.category)
        form.addRow("&Urgency", self.urgency)
        form.addRow(f"Estimated &value ({locale_format.currency_sign()})", self.value)
        form.addRow("Assign to &salesperson", self.salesperson)
        form.addRow("C&ontinues", self.continues)
        self.fields.update(
            {
                "technician": self.technician,
                "pain point": self.pain_point,
                "estimated value": self.value,
                "salesperson": self.salesperson,
                "equipment": self.equipment,
                "urgency": self.urgency,
                "category": self.category,
                "continues": self.continues,
            }
        )
        buttons = save_cancel_buttons(self, self.save)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMaximumWidth(WIDEST)
        self.resize(580, 520)
        self.pain_point.setFocus()
        self.lists = read_for_form(
            self,
            self,
            lambda session: (
                staff_list(session, StaffRole.TECHNICIAN),
                staff_list(session, StaffRole.SALESPERSON),
                referral_form_lists(session, draft.customer_id, draft.visit_id),
            ),
            self._fill_staff,
            [
                self.technician,
                self.salesperson,
                self.category,
                self.continues,
                buttons.button(QDialogButtonBox.StandardButton.Save),
            ],
        )

    def _show_header(self, visit: str) -> None:
        text = f"For <b>{escape(self.draft.customer_name)}</b>"
        if visit:
            text += f" · from the {escape(visit)}"
        self.header.setText(text)

    def _fill_staff(self, lists: tuple[list[Staff], list[Staff], ReferralFormLists]) -> None:
        technicians, salespeople, form = lists
        add_staff(self.technician, technicians)
        if form.round_robin:
            self.salesperson.setItemText(0, AUTOMATIC)
        add_salespeople(self.salesperson, salespeople)
        select_data(self.technician, self.draft.technician_id)
        for category in form.categories:
            self.category.addItem(category, category)
        for earlier in form.earlier:
            self.continues.addItem(earlier.label, earlier.id)
            self.continues.setItemData(
                self.continues.count() - 1, earlier.label, Qt.ItemDataRole.ToolTipRole
            )
        self._show_header(form.visit)
        if not self.draft.technician_id and not self.pain_point.toPlainText():
            self.technician.setFocus()

    def _tell_the_window(self, message: str) -> None:
        """Say who got the referral in the window's status bar, where it does not interrupt."""
        parent = self.parentWidget()
        window = parent.window() if parent is not None else None
        if isinstance(window, QMainWindow):
            said = (
                f"Referral {self.created_id}: {message}"
                if message
                else (f"Referral {self.created_id} recorded")
            )
            window.statusBar().showMessage(said, STATUS_MS)

    def save(self) -> None:
        technician_id = self.technician.currentData()
        if technician_id is None:
            self.refused(InputError("technician", "choose the technician who saw it"))
            return
        try:
            estimated_value = locale_format.typed_money(self.value.text(), "estimated value")
        except InputError as error:
            self.refused(error)
            return

        def work(session: Session) -> tuple[int, str]:
            referral = create_referral(
                session,
                customer_id=self.draft.customer_id,
                technician=technician_id,
                pain_point=self.pain_point.toPlainText(),
                recommendation=self.recommendation.toPlainText(),
                equipment_id=self.equipment.currentData(),
                visit_id=self.draft.visit_id,
                urgency=self.urgency.currentData(),
                estimated_value=estimated_value,
                salesperson=self.salesperson.currentData(),
                from_note_id=self.draft.note_id,
                category=self.category.currentData(),
                continues_referral_id=self.continues.currentData(),
                actor=self.context.desk_user,
            )
            return referral.id, creation_message(session, referral)

        created = self.save_form(work, "referral")
        if created is not None:
            self.created_id, self.assignment_note = created
            self._tell_the_window(self.assignment_note)
            self.accept()
