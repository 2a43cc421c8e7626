"""Help ▸ About: which console this is, which database it is using and where its log is.

Support's first questions, answered on one screen and copied in one click.
"""

from __future__ import annotations

import platform
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.engine import URL

from console import __version__
from console.database import display_url
from console.paths import DISPLAY_NAME

ICON_SIZE = 64


def about_details(database: URL | str, log_file: Path) -> list[tuple[str, str]]:
    """The facts the About box shows, in order; the database URL never shows its password."""
    return [
        ("Version", __version__),
        ("Database", display_url(database)),
        ("Log file", str(log_file)),
        ("Qt", f"{qVersion()} (PySide6 {pyside_version})"),
        ("Python", f"{platform.python_version()} ({platform.python_implementation()})"),
        ("System", platform.platform(terse=True)),
    ]


class AboutDialog(QDialog):
    """Version, database, log file and the Qt and Python underneath, with Copy details."""

    def __init__(self, database: URL | str, log_file: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"About {DISPLAY_NAME}")
        self.setObjectName("aboutDialog")
        self.details = about_details(database, log_file)

        icon = QLabel(self)
        window_icon = QApplication.windowIcon()
        if not window_icon.isNull():
            icon.setPixmap(window_icon.pixmap(ICON_SIZE, ICON_SIZE))
        title = QLabel(
            f"<h2>{DISPLAY_NAME} {__version__}</h2>"
            "<p>Technician referrals, customer history and sales briefings.</p>",
            self,
        )
        header = QHBoxLayout()
        header.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        header.addWidget(title, 1)

        form = QFormLayout()
        self.values: dict[str, QLabel] = {}
        for name, value in self.details:
            label = QLabel(value, self)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)
            label.setAccessibleName(name)
            form.addRow(f"{name}:", label)
            self.values[name] = label

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = QPushButton("&Copy details", self)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_details)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def details_text(self) -> str:
        return "\n".join(f"{name}: {value}" for name, value in self.details)

    def copy_details(self) -> None:
        """Put every line on the clipboard, ready to paste into a support request."""
        QGuiApplication.clipboard().setText(f"{DISPLAY_NAME}\n{self.details_text()}")
