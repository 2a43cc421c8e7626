"""Small form helpers: combos over staff and currencies, and showing which field a refusal is
about."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

from console.models import Staff
from console.services.office.formatting import currency_codes, currency_label
from console.views.common.screen_fit import grow_to_fit
from console.views.common.tones import Tone, tone_name


def staff_combo(
    people: Sequence[Staff],
    accessible_name: str,
    allow_none: str | None = None,
    parent: QWidget | None = None,
) -> QComboBox:
    """A combo of staff (read with `staff_list`), the staff id as item data."""
    combo = QComboBox(parent)
    combo.setAccessibleName(accessible_name)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(14)
    if allow_none is not None:
        combo.addItem(allow_none, None)
    for person in people:
        label = f"{person.name} · {person.phone}" if person.phone else person.name
        combo.addItem(label, person.id)
    return combo


def select_data(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)


def currency_combo(code: str, parent: QWidget | None = None) -> QComboBox:
    """Every ISO 4217 currency as `EUR · Euro`; typing a code or part of a name finds it."""
    combo = QComboBox(parent)
    combo.setObjectName("officeCurrency")
    combo.setAccessibleName("Currency")
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    for known in currency_codes():
        combo.addItem(currency_label(known), known)
    index = combo.findData(code)
    if index >= 0:
        combo.setCurrentIndex(index)
    else:
        combo.setEditText(code)
    completer = combo.completer()
    if completer is not None:
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
    return combo


def chosen_currency(combo: QComboBox) -> str:
    """The code chosen or typed (`EUR · Euro` or `EUR`); validation judges whether it is one."""
    return combo.currentText().split("·")[0].strip()


class FormErrorLabel(QLabel):
    """A refusal under a form's fields: it wraps, and a dialog grows to show it whole.

    Without the growth a dialog with a set minimum width keeps its height and the layout
    takes the message's lines from the fields above it.
    """

    def setText(self, text: str) -> None:
        super().setText(text)
        if self.isVisible():
            self._make_room()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._make_room()

    def _make_room(self) -> None:
        window = self.window()
        if isinstance(window, QDialog) and window is not self:
            grow_to_fit(window)


def error_label(parent: QWidget | None = None) -> QLabel:
    label = FormErrorLabel(parent)
    label.setObjectName("formError")
    # The danger tone of the palette at hand, so the message reads on a dark desktop too.
    label.setStyleSheet(f"color: {tone_name(Tone.DANGER)}; font-weight: bold;")
    label.setWordWrap(True)
    label.setAccessibleName("Form error")
    label.hide()
    return label


def save_cancel_buttons(dialog: QDialog, save: Callable[[], None]) -> QDialogButtonBox:
    """Save runs `save` (which accepts the dialog when all is well); Cancel closes it."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    buttons.accepted.connect(save)
    buttons.rejected.connect(dialog.reject)
    return buttons


def keep_mine(parent: QWidget, what_happened: str, both_sides: str) -> bool:
    """Another desk saved first: show both sides and ask; True means save mine over theirs."""
    choice = QMessageBox(parent)
    choice.setIcon(QMessageBox.Icon.Warning)
    choice.setWindowTitle("Changed on another desk")
    choice.setText(what_happened)
    choice.setInformativeText(both_sides)
    mine = choice.addButton("Save mine", QMessageBox.ButtonRole.AcceptRole)
    choice.addButton("Keep theirs", QMessageBox.ButtonRole.RejectRole)
    choice.exec()
    return choice.clickedButton() is mine


def path_row(field: QLineEdit, browse: Callable[[], None], label: str = "&Browse…") -> QHBoxLayout:
    """A file or folder field with its Browse button beside it."""
    button = QPushButton(label, field.parentWidget())
    button.clicked.connect(browse)
    row = QHBoxLayout()
    row.addWidget(field, 1)
    row.addWidget(button)
    return row
