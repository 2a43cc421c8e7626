"""A dialog that saves a form through the one save path, showing refusals beside the fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import QDialog, QWidget
from sqlalchemy.orm import Session

from console.services.errors import Conflict, InputError
from console.views.common.forms import error_label
from console.views.common.workers.outage import NOT_SAVED_OFFLINE
from console.views.context import DeskContext

T = TypeVar("T")


class FormDialog(QDialog):
    """Keeps what was typed when a save is refused or cannot reach the database.

    `fields` maps the field names services use in their refusals to the widgets holding them,
    so the cursor goes where the problem is.
    """

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.fields: dict[str, QWidget] = {}
        self.error = error_label(self)

    def show_error(self, text: str) -> None:
        """The message wraps under the fields; the dialog grows to hold it (see `error_label`)."""
        self.error.setText(text)
        self.error.show()

    def refused(self, error: InputError) -> None:
        """Say what is wrong and put the cursor in the field it is about."""
        self.show_error(str(error))
        widget = self.fields.get(error.field or "")
        if widget is not None:
            widget.setFocus()

    def not_saved_offline(self, message: str = NOT_SAVED_OFFLINE) -> None:
        self.show_error(message)

    def save_form(
        self,
        work: Callable[[Session], T],
        what: str,
        conflict: Callable[[Conflict], None] | None = None,
    ) -> T | None:
        """Run `work` through `DeskContext.write`; None when nothing was saved."""
        return self.context.write(
            self,
            work,
            what,
            refused=self.refused,
            conflict=conflict,
            offline=self.not_saved_offline,
        )
