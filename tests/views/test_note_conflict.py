"""A note edited on two desks: the second desk sees both versions and chooses."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from console.services.customers.customer_360 import customer_overview
from console.services.customers.notes import edit_note
from console.views.context import DeskContext
from console.views.notes.note_dialog import NoteDialog
from tests.views.dialogs import when_dialog_opens


def stale_note_dialog(qtbot, context: DeskContext) -> NoteDialog:  # type: ignore[no-untyped-def]
    with context.read() as session:
        note = customer_overview(session, 4).notes_list[0]
    dialog = NoteDialog(context, 4, note)
    qtbot.addWidget(dialog)
    with context.sessions.begin() as session:
        edit_note(session, note.id, text="Desk two's words", expected_version=note.version)
    dialog.text.setPlainText("Desk one's words")
    return dialog


def choose(button_text: str, seen: list[str]):  # type: ignore[no-untyped-def]
    def act(box: QMessageBox) -> None:
        seen.append(box.informativeText())
        next(b for b in box.buttons() if b.text() == button_text).click()

    return act


def current_text(context: DeskContext, note_id: int) -> str:
    with context.read() as session:
        return next(n.text for n in customer_overview(session, 4).notes_list if n.id == note_id)


@pytest.mark.expect_message_box
def test_both_versions_shown_and_mine_kept_on_request(qtbot, context: DeskContext) -> None:  # type: ignore[no-untyped-def]
    dialog = stale_note_dialog(qtbot, context)
    seen: list[str] = []
    when_dialog_opens(QMessageBox, choose("Save mine", seen))
    dialog.save()
    assert "Theirs:\nDesk two's words" in seen[0] and "Yours:\nDesk one's words" in seen[0]
    assert current_text(context, dialog.note.id) == "Desk one's words"


@pytest.mark.expect_message_box
def test_keep_theirs_loses_nothing_of_theirs(qtbot, context: DeskContext) -> None:  # type: ignore[no-untyped-def]
    dialog = stale_note_dialog(qtbot, context)
    when_dialog_opens(QMessageBox, choose("Keep theirs", []))
    dialog.save()
    assert current_text(context, dialog.note.id) == "Desk two's words"
