"""Staff lists filled into a form after it has opened, read on a worker meanwhile."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from console.models import Staff
from console.services.office.clock import local_today
from console.services.referrals.assignment import is_away
from console.views.common import locale_format
from console.views.common.tones import muted


def staff_label(person: Staff) -> str:
    """'Ana Sales · 555-0101', as `staff_combo` labels people."""
    return f"{person.name} · {person.phone}" if person.phone else person.name


def add_staff(combo: QComboBox, people: Sequence[Staff]) -> None:
    """Append people to a combo made by `staff_combo`, labelled the same way, id as data."""
    combo.blockSignals(True)
    for person in people:
        combo.addItem(staff_label(person), person.id)
    combo.blockSignals(False)


def away_words(person: Staff, today: dt.date) -> str:
    """'(away until 5 Dec 2026)' in the desk's date format, '(away)' with no end day, or ''."""
    if not is_away(person, today):
        return ""
    if person.away_until is None:
        return "(away)"
    return f"(away until {locale_format.date(person.away_until)})"


def add_salespeople(
    combo: QComboBox, people: Sequence[Staff], today: dt.date | None = None
) -> None:
    """Like `add_staff`, with those away on `today` (an office day) marked and greyed.

    They stay choosable: a desk may still hand a referral to someone away on purpose.
    """
    today = today or local_today()
    combo.blockSignals(True)
    for person in people:
        away = away_words(person, today)
        combo.addItem(f"{staff_label(person)} {away}" if away else staff_label(person), person.id)
        if away:
            index = combo.count() - 1
            combo.setItemData(index, muted(combo.palette()), Qt.ItemDataRole.ForegroundRole)
            combo.setItemData(
                index,
                f"{person.name} is {away.strip('()')}; choosing them still assigns it to them.",
                Qt.ItemDataRole.ToolTipRole,
            )
    combo.blockSignals(False)
