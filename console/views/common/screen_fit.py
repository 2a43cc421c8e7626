"""Dialog sizes that stay on the screen, and dialogs that grow when their content does.

A laptop at 1366×768 has about 730 pixels of height for a window once the task bar and the
title bar are counted: a dialog asking for more puts its buttons out of reach.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

# Room the window manager's frame and title bar take around a dialog.
FRAME_WIDTH = 16
FRAME_HEIGHT = 40


def available_area(widget: QWidget) -> QRect:
    """The usable part of the screen the dialog opens on: its parent's, else its own."""
    parent = widget.parentWidget()
    screen = (parent.window() if parent is not None else widget).screen()
    if screen is None:
        screen = QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def fitted_size(wanted: QSize, available: QRect) -> QSize:
    """`wanted`, made smaller where it would not fit in `available` with the window's frame."""
    return QSize(
        min(wanted.width(), max(available.width() - FRAME_WIDTH, 0)),
        min(wanted.height(), max(available.height() - FRAME_HEIGHT, 0)),
    )


def fit_to_screen(dialog: QWidget, wanted: QSize) -> None:
    """Open at `wanted` where the screen has room, else as large as it allows."""
    dialog.resize(fitted_size(wanted, available_area(dialog)))


def grow_to_fit(dialog: QWidget) -> None:
    """Make the dialog tall enough for what it now shows (a wrapped message, say).

    Its fields keep their height and the dialog grows instead, as far as the screen allows;
    it never shrinks here, so a size the user chose stays.
    """
    layout = dialog.layout()
    if layout is None:
        return
    layout.activate()
    width = dialog.width()
    if layout.hasHeightForWidth():
        needed = layout.totalHeightForWidth(width)
    else:
        needed = layout.totalSizeHint().height()
    needed = max(needed, layout.totalMinimumSize().height())
    room = max(available_area(dialog).height() - FRAME_HEIGHT, 0)
    target = min(needed, room) if room else needed
    if target > dialog.height():
        dialog.resize(width, target)
