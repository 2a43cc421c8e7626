"""Driving modal dialogs from tests: act on the dialog once it is open, as a user would."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog

D = TypeVar("D", bound=QDialog)


def when_dialog_opens(kind: type[D], act: Callable[[D], None], seen: list[D] | None = None) -> None:
    """Run `act` on the next modal dialog of `kind` as soon as it shows and is ready.

    A form that reads its lists after opening says `ready` once they are in, as a user waits
    for them before choosing.
    """

    def attempt(tries: int = 250) -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind) and dialog.property("ready") is not False:
            if seen is not None:
                seen.append(dialog)
            act(dialog)
        elif tries:
            QTimer.singleShot(20, lambda: attempt(tries - 1))

    QTimer.singleShot(0, attempt)
