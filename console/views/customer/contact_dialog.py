"""Edit a customer's contact details; a save that meets another desk's edit asks which to keep."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from console.services.customers.contacts import (
    FIELD_LABELS,
    FIELD_NAMES,
    ContactConflict,
    ContactDetails,
    CustomerContact,
    read_contact,
    update_contact,
)
from console.services.errors import Conflict, InputError
from console.views.common.form_dialog import FormDialog
from console.views.common.forms import save_cancel_buttons
from console.views.common.tables.columns import local_time
from console.views.context import DeskContext
from console.views.customer.contact_conflict_dialog import ContactConflictDialog, Resolution

MNEMONICS = {"name": "&Name", "phone": "&Phone", "email": "&Email", "street": "S&treet"}


class ContactDialog(FormDialog):
    def __init__(
        self, context: DeskContext, customer_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, parent)
        self.setObjectName("contactDialog")
        self.contact: CustomerContact = context.fetch(
            lambda session: read_contact(session, customer_id)
        )
        self.setWindowTitle(f"Contact details — {self.contact.details.name}")
        self.inputs: dict[str, QLineEdit | QPlainTextEdit] = {}
        form = QFormLayout()
        for name in FIELD_NAMES:
            widget: QLineEdit | QPlainTextEdit
            if name == "notes":
                widget = QPlainTextEdit(self)
                widget.setTabChangesFocus(True)
                widget.setFixedHeight(72)
            else:
                widget = QLineEdit(self)
            widget.setObjectName(f"contact_{name}")
            widget.setAccessibleName(FIELD_LABELS[name])
            self.inputs[name] = widget
            form.addRow(MNEMONICS.get(name, FIELD_LABELS[name]), widget)
        self.show_details(self.contact.details)
        saved_by = f" by {self.contact.updated_by}" if self.contact.updated_by else ""
        self.last_saved = QLabel(f"Last saved {local_time(self.contact.updated_at)}{saved_by}")
        self.last_saved.setObjectName("contactLastSaved")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.last_saved)
        layout.addWidget(self.error)
        layout.addWidget(save_cancel_buttons(self, self.save))
        self.resize(520, 460)
        self.inputs["name"].setFocus()

    def show_details(self, details: ContactDetails) -> None:
        for name, widget in self.inputs.items():
            value = getattr(details, name)
            if isinstance(widget, QPlainTextEdit):
                widget.setPlainText(value)
            else:
                widget.setText(value)

    def details(self) -> ContactDetails:
        """What the form holds now."""
        return ContactDetails(
            **{
                name: widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()
                for name, widget in self.inputs.items()
            }
        )

    def save(self) -> None:
        contact, details = self.contact, self.details()
        saved = self.save_form(
            lambda session: update_contact(
                session,
                contact.customer_id,
                details,
                expected_version=contact.version,
                actor=self.context.desk_user,
            ),
            "customer",
            conflict=self._changed_elsewhere,
        )
        if saved is not None:
            self.accept()

    def refused(self, error: InputError) -> None:
        """Services name contact fields by their label; the cursor goes to that field."""
        self.show_error(str(error))
        field = next((n for n, label in FIELD_LABELS.items() if label == error.field), None)
        if field:
            self.inputs[field].setFocus()

    def _changed_elsewhere(self, error: Conflict) -> None:
        if isinstance(error, ContactConflict):
            self.resolve_conflict(error.theirs)
        else:
            self.show_error(f"{error}. Nothing was saved.")

    def resolve_conflict(self, theirs: CustomerContact) -> None:
        """Show both versions; save the chosen mix on top of theirs, keep theirs, or go back."""
        choice = ContactConflictDialog(self.contact.details, self.details(), theirs, self)
        choice.exec()
        if choice.resolution is Resolution.BACK_TO_EDITING:
            self.show_error("Another desk changed this customer. Save again to compare once more.")
            return
        if choice.resolution is Resolution.KEEP_THEIRS:
            self.reject()
            return
        chosen = choice.chosen()
        self.contact = theirs
        self.show_details(chosen)
        self.save()
