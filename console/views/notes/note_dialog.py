"""Add or edit an upsell note."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from console.models import NOTE_CATEGORIES
from console.services.customers import NoteRow
from console.services.errors import Conflict, InputError
from console.services.notes import add_note, edit_note
from console.views.common.forms import error_label
from console.views.context import DeskContext


class NoteDialog(QDialog):
    def __init__(
        self,
        context: DeskContext,
        customer_id: int,
        note: NoteRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.customer_id = customer_id
        self.note = note
        self.setObjectName("noteDialog")
        self.setWindowTitle("Edit upsell note" if note else "New upsell note")
        self.text = QPlainTextEdit(note.text if note else "", self)
        self.text.setAccessibleName("Note text")
        self.text.setTabChangesFocus(True)
        self.category = QComboBox(self)
        self.category.setAccessibleName("Category")
        self.category.setEditable(True)
        self.category.addItems(list(NOTE_CATEGORIES))
        if note:
            self.category.setCurrentText(note.category)
        self.pinned = QCheckBox("&Pin to the top", self)
        self.pinned.setChecked(bool(note and note.pinned))
        self.error = error_label(self)
        form = QFormLayout()
        form.addRow("&Note", self.text)
        form.addRow("&Category", self.category)
        form.addRow("", self.pinned)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(480, 300)
        self.text.setFocus()

    def save(self) -> None:
        try:
            with self.context.sessions.begin() as session:
                if self.note is None:
                    add_note(
                        session,
                        self.customer_id,
                        self.text.toPlainText(),
                        author=self.context.desk_user,
                        category=self.category.currentText(),
                        pinned=self.pinned.isChecked(),
                    )
                else:
                    edit_note(
                        session,
                        self.note.id,
                        text=self.text.toPlainText(),
                        category=self.category.currentText(),
                        pinned=self.pinned.isChecked(),
                        expected_version=self.note.version,
                    )
        except (InputError, Conflict) as error:
            self.error.setText(str(error))
            self.error.show()
            return
        self.context.hub.changed.emit("note")
        self.accept()
