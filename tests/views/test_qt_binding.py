"""The Qt binding must keep Python's books: a call that returns nothing keeps None alive.

PySide6 6.12.0 on Python 3.11 drops one reference to None on every such call, and the process
aborts after a few thousand of them: minutes of real use. pyproject.toml keeps that release out;
this test catches any other that does the same.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QLabel

CALLS = 2_000


def test_void_calls_leave_the_reference_count_of_none_alone(qtbot) -> None:  # type: ignore[no-untyped-def]
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for number in range(CALLS):
        label.setText(str(number))
        QApplication.processEvents()
    assert sys.getrefcount(None) > before - CALLS // 4
