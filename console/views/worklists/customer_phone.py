"""The phone to call on a worklist: copied with a click, or handed to the desk's dialler.

It is the customer's, except on "Tell the tech", where the person to call is the technician
who made the referral.
"""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication

from console.services.referrals.worklists import WorkItem


def phone_to_call(item: WorkItem, calls_technician: bool) -> tuple[str, str] | None:
    """(phone, whose name) of the person the list calls about `item`; None without a phone."""
    if calls_technician:
        phone, name = item.technician_phone, item.technician
    else:
        phone, name = item.customer_phone, item.customer
    return (phone, name) if phone else None


def phone_link(phone: str) -> QUrl:
    """A `tel:` link for a phone number as people type it ('(555) 010-2030 ext. 4')."""
    dialled = "".join(c for c in phone.split("ext")[0] if c.isdigit() or c == "+")
    return QUrl(f"tel:{dialled}")


def copy_phone(phone: str, customer: str) -> str:
    """Put `phone` on the clipboard; the line for the status bar."""
    QGuiApplication.clipboard().setText(phone)
    return f"Copied {phone} ({customer}) to the clipboard"


def call_phone(phone: str, customer: str) -> str:
    """Open a `tel:` link (a softphone or the system's dialler takes it); the status line.

    Where nothing takes the link, the number goes to the clipboard instead, so it can be
    dialled by hand.
    """
    if QDesktopServices.openUrl(phone_link(phone)):
        return f"Calling {phone} ({customer})…"
    QGuiApplication.clipboard().setText(phone)
    return f"No program here makes calls: {phone} ({customer}) is copied to dial by hand"
