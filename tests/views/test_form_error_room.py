"""A refusal shown in a form makes the dialog taller; it never squeezes the fields."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QWidget

from console.services.referrals.contact_attempts import record_attempt
from console.views.common.forms import error_label
from console.views.common.screen_fit import available_area
from console.views.context import DeskContext
from tests.views.test_attempt_dialog import assigned_referral, open_dialog

SHOTS = Path("/tmp/shots/fixes-b")


def assert_whole(widget: QWidget) -> None:
    """At least as tall as it needs to be: a squeezed field is cut or unreadable."""
    needed = widget.minimumSizeHint().height()
    if isinstance(widget, QLabel) and widget.wordWrap():
        needed = max(needed, widget.heightForWidth(widget.width()))
    assert widget.height() >= needed, (widget.accessibleName() or widget.objectName(), needed)


def assert_apart(first: QWidget, second: QWidget) -> None:
    assert not first.geometry().intersects(second.geometry()), (
        first.accessibleName(),
        second.accessibleName(),
    )


def test_the_changed_elsewhere_message_wraps_and_the_dialog_grows(
    qtbot,  # type: ignore[no-untyped-def]
    context: DeskContext,
) -> None:
    detail = assigned_referral(context)
    dialog = open_dialog(qtbot, context, detail)
    dialog.resize(dialog.minimumWidth(), dialog.minimumSizeHint().height())
    with context.sessions.begin() as session:  # another desk, meanwhile
        record_attempt(
            session,
            detail.id,
            channel="phone",
            reached=False,
            note="other desk",
            next_try=None,
            actor="kim",
            expected_version=detail.version,
        )
    height_before = dialog.height()
    dialog.note.setText("left voicemail")
    dialog.save_button()
    qtbot.waitUntil(lambda: dialog.error.isVisible())
    qtbot.wait(50)
    dialog.grab().save(str(SHOTS / "attempt-conflict.png"))

    assert "changed on another desk" in dialog.error.text()
    assert dialog.error.height() > dialog.error.fontMetrics().height()  # wrapped, not cut
    assert dialog.height() > height_before
    fields = [dialog.channel, dialog.reached, dialog.note, dialog.plan_next, dialog.next_try]
    for widget in [*fields, dialog.error, dialog.so_far]:
        assert_whole(widget)
    for widget in fields:
        assert_apart(widget, dialog.error)
    buttons = dialog.buttons.geometry()
    assert buttons.bottom() <= dialog.rect().bottom()
    assert dialog.frameGeometry().height() <= available_area(dialog).height()


def test_any_dialog_with_the_shared_error_label_grows_for_a_long_refusal(
    qtbot,  # type: ignore[no-untyped-def]
) -> None:
    dialog = QDialog()
    qtbot.addWidget(dialog)
    dialog.setMinimumWidth(360)  # a set minimum: Qt no longer keeps the height for the layout
    name, amount = QLineEdit(dialog), QLineEdit(dialog)
    name.setAccessibleName("Name")
    amount.setAccessibleName("Amount")
    error = error_label(dialog)
    layout = QFormLayout(dialog)
    layout.addRow("Name", name)
    layout.addRow("Amount", amount)
    layout.addRow(error)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.resize(360, dialog.minimumSizeHint().height())
    height_before = dialog.height()

    error.setText("amount: " + "more than the rule allows for this salesperson; " * 4)
    error.show()
    qtbot.wait(20)
    assert dialog.height() > height_before
    for widget in (name, amount, error):
        assert_whole(widget)
    for widget in (name, amount):
        assert_apart(widget, error)

    taller = dialog.height()
    error.setText("amount: " + "the rule and the office disagree about this amount; " * 8)
    qtbot.wait(20)
    assert dialog.height() > taller  # a longer message while shown grows it again
    assert_whole(error)
