"""Add or edit an upsell note."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from console.models import NOTE_CATEGORIES, UpsellNote
from console.services.customers import NoteRow
from console.services.errors import Conflict, InputError
from console.services.notes import add_note, edit_note
from console.views.common.forms import error_label, keep_mine, save_cancel_buttons
from console.views.common.outage import keeps_input_when_offline
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
        buttons = save_cancel_buttons(self, self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(480, 300)
        self.text.setFocus()

    @keeps_input_when_offline
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
        except Conflict:
            self.resolve_conflict()
            return
        except InputError as error:
            self.error.setText(str(error))
            self.error.show()
            return
        self.context.hub.changed.emit("note")
        self.accept()

    def resolve_conflict(self) -> None:
        """Another desk saved this note first: show both versions and let the user choose."""
        assert self.note is not None
        with self.context.read() as session:
            current = session.get(UpsellNote, self.note.id)
        if current is None or current.removed_at is not None:
            self.error.setText("Another desk removed this note; your text is still here to copy.")
            self.error.show()
            return
        if keep_mine(
            self,
            "Another desk saved this note while you were editing it.",
            f"Theirs:\n{current.text}\n\nYours:\n{self.text.toPlainText()}",
        ):
            self.note = replace(self.note, version=current.version)
            self.save()
        else:
            self.context.hub.changed.emit("note")
            self.reject()
