"""Editing contact details from the 360, and choosing side by side when another desk saved first."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt

from console.services.customers.contacts import read_contact, update_contact
from console.views.context import DeskContext
from console.views.customer.contact_conflict_dialog import ContactConflictDialog
from console.views.customer.contact_dialog import ContactDialog
from console.views.main_window import MainWindow
from tests.views.dialogs import when_dialog_opens
from tests.views.waiting import open_customer

CUSTOMER = 5


def stored(context: DeskContext):  # type: ignore[no-untyped-def]
    with context.read() as session:
        return read_contact(session, CUSTOMER)


def other_desk_saves(context: DeskContext, **change: str) -> None:
    contact = stored(context)
    with context.sessions.begin() as session:
        update_contact(
            session,
            CUSTOMER,
            replace(contact.details, **change),
            expected_version=contact.version,
            actor="Maria",
        )


def test_saved_contact_shows_in_the_header_and_title(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    open_customer(qtbot, window, CUSTOMER)
    dialog = ContactDialog(window.context, CUSTOMER, window)
    qtbot.addWidget(dialog)
    dialog.inputs["name"].setText("Renamed Customer Ltd")
    dialog.inputs["phone"].setText("555-0142")
    dialog.save()
    assert dialog.result() == ContactDialog.DialogCode.Accepted
    qtbot.waitUntil(lambda: "555-0142" in window.customer.header.details.text())
    assert window.windowTitle().startswith("Renamed Customer Ltd")
    assert stored(window.context).updated_by == "sam"


def test_refusal_names_the_field_and_keeps_the_dialog_open(qtbot, context: DeskContext) -> None:  # type: ignore[no-untyped-def]
    dialog = ContactDialog(context, CUSTOMER)
    qtbot.addWidget(dialog)
    dialog.inputs["email"].setText("not an address")
    dialog.save()
    assert dialog.result() != ContactDialog.DialogCode.Accepted
    assert dialog.error.text().startswith("Email:")
    assert dialog.inputs["email"].text() == "not an address"


def test_conflict_shows_both_sides_and_saves_the_chosen_mix(qtbot, context: DeskContext) -> None:  # type: ignore[no-untyped-def]
    dialog = ContactDialog(context, CUSTOMER)
    qtbot.addWidget(dialog)
    other_desk_saves(context, city="Theirville", phone="555-0001")
    dialog.inputs["phone"].setText("555-0999")
    rows: dict[str, tuple[str, str, bool]] = {}

    def look_and_save(conflict: ContactConflictDialog) -> None:
        table = conflict.table
        for row in range(table.rowCount()):
            rows[table.item(row, 0).text()] = (
                table.item(row, 1).text(),
                table.item(row, 2).text(),
                table.item(row, 2).checkState() == Qt.CheckState.Checked,
            )
        conflict.save_button.click()

    when_dialog_opens(ContactConflictDialog, look_and_save)
    dialog.save()
    assert rows["Phone"] == ("555-0001", "555-0999", True)
    city_before = rows["City"][1]
    assert rows["City"] == ("Theirville", city_before, False)
    after = stored(context)
    assert (after.details.phone, after.details.city) == ("555-0999", "Theirville")
    assert after.updated_by == "sam"


def test_keep_theirs_leaves_the_other_desks_save_alone(qtbot, context: DeskContext) -> None:  # type: ignore[no-untyped-def]
    dialog = ContactDialog(context, CUSTOMER)
    qtbot.addWidget(dialog)
    other_desk_saves(context, phone="555-0001")
    dialog.inputs["phone"].setText("555-0999")
    when_dialog_opens(ContactConflictDialog, lambda conflict: conflict.theirs_button.click())
    dialog.save()
    assert dialog.result() == ContactDialog.DialogCode.Rejected
    after = stored(context)
    assert (after.details.phone, after.updated_by) == ("555-0001", "Maria")
