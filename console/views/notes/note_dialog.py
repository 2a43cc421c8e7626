"""Add or edit an upsell note."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from console.models import NOTE_CATEGORIES, UpsellNote
from console.services.customers.customer_360 import NoteRow
from console.services.customers.notes import add_note, edit_note, stored_note
from console.services.errors import Conflict
from console.views.common.form_dialog import FormDialog
from console.views.common.forms import keep_mine, save_cancel_buttons
from console.views.common.workers.outage import survives_outage
from console.views.context import DeskContext


class NoteDialog(FormDialog):
    def __init__(
        self,
        context: DeskContext,
        customer_id: int,
        note: NoteRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, parent)
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
        self.fields.update({"text": self.text, "category": self.category})
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

    def save(self) -> None:
        text, category, pinned = (
            self.text.toPlainText(),
            self.category.currentText(),
            self.pinned.isChecked(),
        )
        note = self.note

        def work(session: Session) -> UpsellNote:
            if note is None:
                return add_note(
                    session,
                    self.customer_id,
                    text,
                    author=self.context.desk_user,
                    category=category,
                    pinned=pinned,
                )
            return edit_note(
                session,
                note.id,
                text=text,
                category=category,
                pinned=pinned,
                expected_version=note.version,
            )

        if self.save_form(work, "note", conflict=self.resolve_conflict) is not None:
            self.accept()

    @survives_outage
    def resolve_conflict(self, _error: Conflict | None = None) -> None:
        """Another desk saved this note first: show both versions and let the user choose."""
        assert self.note is not None
        note_id = self.note.id
        current = self.context.fetch(lambda session: stored_note(session, note_id))
        if current is None:
            self.show_error("Another desk removed this note; your text is still here to copy.")
            return
        if keep_mine(
            self,
            "Another desk saved this note while you were editing it.",
            f"Theirs:\n{current.text}\n\nYours:\n{self.text.toPlainText()}",
        ):
            self.note = replace(self.note, version=current.version)
            self.save()
        else:
            self.reject()
