"""Another desk saved the customer while this desk was editing: compare side by side, choose."""

from __future__ import annotations

import enum

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.services.customers.contacts import (
    FIELD_LABELS,
    ContactDetails,
    CustomerContact,
    merge_choices,
    merged,
)
from console.views.common.tables.columns import local_time


class Resolution(enum.Enum):
    SAVE_CHOSEN = "save chosen"
    KEEP_THEIRS = "keep theirs"
    BACK_TO_EDITING = "back to editing"


class ContactConflictDialog(QDialog):
    """One row per field that differs; the tick in "Yours" decides whose value is saved."""

    THEIRS, YOURS = 1, 2

    def __init__(
        self,
        original: ContactDetails,
        mine: ContactDetails,
        theirs: CustomerContact,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("contactConflictDialog")
        self.setWindowTitle("Changed on another desk")
        self.mine = mine
        self.theirs = theirs
        self.resolution = Resolution.BACK_TO_EDITING
        self.fields = mine.differences(theirs.details)
        defaults = merge_choices(original, mine, theirs.details)

        who = theirs.updated_by or "Another desk"
        explanation = QLabel(
            f"<b>{who} saved this customer at {local_time(theirs.updated_at)}</b> while you were"
            " editing. Nothing of yours is saved yet.<br>Tick <i>Yours</i> where your value should"
            " win; the other fields keep theirs. Fields you did not touch follow the other desk.",
            self,
        )
        explanation.setWordWrap(True)

        self.table = QTableWidget(len(self.fields), 3, self)
        self.table.setObjectName("contactConflictTable")
        self.table.setAccessibleName("Fields changed on both desks")
        self.table.setHorizontalHeaderLabels(["Field", f"Theirs ({who})", "Yours"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.yours: dict[str, QTableWidgetItem] = {}
        for row, name in enumerate(self.fields):
            self.table.setItem(row, 0, QTableWidgetItem(FIELD_LABELS[name]))
            self.table.setItem(row, self.THEIRS, QTableWidgetItem(_shown(theirs.details, name)))
            yours = QTableWidgetItem(_shown(mine, name))
            yours.setFlags(yours.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            yours.setCheckState(
                Qt.CheckState.Checked if defaults[name] else Qt.CheckState.Unchecked
            )
            self.table.setItem(row, self.YOURS, yours)
            self.yours[name] = yours

        buttons = QDialogButtonBox(self)
        self.save_button = QPushButton("&Save the chosen values", self)
        self.save_button.setDefault(True)
        self.theirs_button = QPushButton("&Keep theirs, drop mine", self)
        back = QPushButton("&Back to editing", self)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.theirs_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.addButton(back, QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(lambda: self._finish(Resolution.SAVE_CHOSEN))
        self.theirs_button.clicked.connect(lambda: self._finish(Resolution.KEEP_THEIRS))
        back.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(720, 160 + 32 * max(len(self.fields), 3))

    def keep_mine(self) -> dict[str, bool]:
        return {
            name: item.checkState() == Qt.CheckState.Checked for name, item in self.yours.items()
        }

    def chosen(self) -> ContactDetails:
        """What will be saved: the ticked values of mine, everything else theirs."""
        return merged(self.mine, self.theirs.details, self.keep_mine())

    def _finish(self, resolution: Resolution) -> None:
        self.resolution = resolution
        self.accept()


def _shown(details: ContactDetails, name: str) -> str:
    return getattr(details, name) or "(empty)"
