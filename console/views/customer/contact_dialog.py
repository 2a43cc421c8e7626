"""Edit a customer's contact details; a save that meets another desk's edit asks which to keep."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from console.services.contacts import (
    FIELD_LABELS,
    FIELD_NAMES,
    ContactConflict,
    ContactDetails,
    CustomerContact,
    read_contact,
    update_contact,
)
from console.services.errors import InputError
from console.views.common.columns import local_time
from console.views.common.forms import error_label, save_cancel_buttons
from console.views.common.outage import keeps_input_when_offline
from console.views.context import DeskContext
from console.views.customer.contact_conflict_dialog import ContactConflictDialog, Resolution

MNEMONICS = {"name": "&Name", "phone": "&Phone", "email": "&Email", "street": "S&treet"}


class ContactDialog(QDialog):
    def __init__(
        self, context: DeskContext, customer_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("contactDialog")
        with context.read() as session:
            self.contact: CustomerContact = read_contact(session, customer_id)
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
        self.error = error_label(self)
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

    @keeps_input_when_offline
    def save(self) -> None:
        try:
            with self.context.sessions.begin() as session:
                update_contact(
                    session,
                    self.contact.customer_id,
                    self.details(),
                    expected_version=self.contact.version,
                    actor=self.context.desk_user,
                )
        except InputError as error:
            self.error.setText(str(error))
            self.error.show()
            field = next((n for n, label in FIELD_LABELS.items() if label == error.field), None)
            if field:
                self.inputs[field].setFocus()
            return
        except ContactConflict as conflict:
            self.resolve_conflict(conflict.theirs)
            return
        self.context.hub.changed.emit("customer")
        self.accept()

    def resolve_conflict(self, theirs: CustomerContact) -> None:
        """Show both versions; save the chosen mix on top of theirs, keep theirs, or go back."""
        choice = ContactConflictDialog(self.contact.details, self.details(), theirs, self)
        choice.exec()
        if choice.resolution is Resolution.BACK_TO_EDITING:
            self.error.setText(
                "Another desk changed this customer. Save again to compare once more."
            )
            self.error.show()
            return
        if choice.resolution is Resolution.KEEP_THEIRS:
            self.context.hub.changed.emit("customer")
            self.reject()
            return
        chosen = choice.chosen()
        self.contact = theirs
        self.show_details(chosen)
        self.save()
