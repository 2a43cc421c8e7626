"""Waiting, in tests, for reads the window makes on its workers to reach the screen.

Views return at once and fill in when the answer arrives; a test that acts on what is shown
waits for it the way a user would, by watching the screen, never by sleeping.
"""

from __future__ import annotations

from typing import Any

from console.views.main_window import MainWindow
from console.views.referrals.referral_panel import ReferralPanel
from console.views.worklists.worklist_view import WorklistView

TIMEOUT_MS = 10_000


def open_customer(qtbot: Any, window: MainWindow, customer_id: int) -> None:
    """Open a customer as the window does, and wait until their 360 is on screen."""
    window.open_customer(customer_id)
    qtbot.waitUntil(
        lambda: (
            window.customer.customer_id == customer_id
            and not window.customer.busy
            and window.tabs.currentWidget() is window.pages
        ),
        timeout=TIMEOUT_MS,
    )


def settled_panel(qtbot: Any, panel: ReferralPanel) -> None:
    """Wait until the referral panel shows the referral last asked for."""
    qtbot.waitUntil(lambda: not panel.busy, timeout=TIMEOUT_MS)


def settled_worklists(qtbot: Any, view: WorklistView) -> None:
    """Wait until the worklists, and the referral beside them, are the newest asked for."""
    qtbot.waitUntil(lambda: not view.busy and not view.panel.busy, timeout=TIMEOUT_MS)
