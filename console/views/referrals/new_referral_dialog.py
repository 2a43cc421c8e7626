"""Record a technician's referral: from the customer, a visit row or an upsell note."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from console.models import Staff, StaffRole, Urgency
from console.services.customers import EquipmentRow
from console.services.errors import InputError
from console.services.referrals import create_referral
from console.services.staff import staff_list
from console.views.common.background import read_for_form
from console.views.common.form_dialog import FormDialog
from console.views.common.forms import save_cancel_buttons, select_data, staff_combo
from console.views.context import DeskContext
from console.views.referrals.staff_lists import add_staff


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


class NewReferralDialog(FormDialog):
    def __init__(
        self, context: DeskContext, draft: ReferralDraft, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, parent)
        self.draft = draft
        self.created_id: int | None = None
        self.setWindowTitle(f"New referral — {draft.customer_name}")
        self.setObjectName("newReferralDialog")
        # Filled once the staff are read (on a worker); the form is usable meanwhile.
        self.technician = staff_combo([], "Referring technician", "Choose…", self)
        self.salesperson = staff_combo([], "Assign to salesperson", "Not yet", self)
        self.equipment = QComboBox(self)
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
        self.recommendation = QPlainTextEdit(self)
        self.recommendation.setAccessibleName("Recommendation")
        self.recommendation.setPlaceholderText("What would help the customer")
        self.recommendation.setTabChangesFocus(True)
        self.urgency = QComboBox(self)
        self.urgency.setAccessibleName("Urgency")
        for level in Urgency:
            self.urgency.addItem(level.value.capitalize(), level.value)
        select_data(self.urgency, Urgency.NORMAL.value)
        self.value = QLineEdit(self)
        self.value.setAccessibleName("Estimated value")
        self.value.setPlaceholderText("e.g. 8500")

        form = QFormLayout()
        form.addRow("Referring &technician", self.technician)
        form.addRow("&Equipment", self.equipment)
        form.addRow("&Pain point", self.pain_point)
        form.addRow("&Recommendation", self.recommendation)
        form.addRow("&Urgency", self.urgency)
        form.addRow("Estimated &value ($)", self.value)
        form.addRow("Assign to &salesperson", self.salesperson)
        self.fields.update(
            {
                "technician": self.technician,
                "pain point": self.pain_point,
                "estimated value": self.value,
                "salesperson": self.salesperson,
                "equipment": self.equipment,
                "urgency": self.urgency,
            }
        )
        buttons = save_cancel_buttons(self, self.save)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(560, 480)
        self.pain_point.setFocus()
        self.lists = read_for_form(
            self,
            self,
            lambda session: (
                staff_list(session, StaffRole.TECHNICIAN),
                staff_list(session, StaffRole.SALESPERSON),
            ),
            self._fill_staff,
            [
                self.technician,
                self.salesperson,
                buttons.button(QDialogButtonBox.StandardButton.Save),
            ],
        )

    def _fill_staff(self, staff: tuple[list[Staff], list[Staff]]) -> None:
        technicians, salespeople = staff
        add_staff(self.technician, technicians)
        add_staff(self.salesperson, salespeople)
        select_data(self.technician, self.draft.technician_id)
        if not self.draft.technician_id and not self.pain_point.toPlainText():
            self.technician.setFocus()

    def save(self) -> None:
        technician_id = self.technician.currentData()
        if technician_id is None:
            self.refused(InputError("technician", "choose the technician who saw it"))
            return

        def work(session: Session) -> int:
            referral = create_referral(
                session,
                customer_id=self.draft.customer_id,
                technician=technician_id,
                pain_point=self.pain_point.toPlainText(),
                recommendation=self.recommendation.toPlainText(),
                equipment_id=self.equipment.currentData(),
                visit_id=self.draft.visit_id,
                urgency=self.urgency.currentData(),
                estimated_value=self.value.text(),
                salesperson=self.salesperson.currentData(),
                from_note_id=self.draft.note_id,
                actor=self.context.desk_user,
            )
            return referral.id

        created = self.save_form(work, "referral")
        if created is not None:
            self.created_id = created
            self.accept()
