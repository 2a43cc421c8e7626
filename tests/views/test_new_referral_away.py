"""The new-referral form shows who is away, greyed, and still lets the desk choose them."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox

from console.models import Referral
from console.models.referral import Assignment
from console.services.office.clock import local_today
from console.services.office.staff import mark_away
from console.views.common import locale_format
from console.views.common.tones import muted
from console.views.context import DeskContext
from tests.views.test_new_referral_dialog import draft_for_visit, open_dialog, round_robin


def row_of(combo: QComboBox, name: str) -> int:
    return next(i for i in range(combo.count()) if combo.itemText(i).startswith(name))


def test_away_salespeople_are_marked_greyed_and_still_chosen_by_hand(
    qtbot,  # type: ignore[no-untyped-def]
    context: DeskContext,
) -> None:
    first, second = round_robin(context)
    back_on = local_today() + dt.timedelta(days=4)
    with context.sessions.begin() as session:
        mark_away(session, first, back_on)
        mark_away(session, second)
    dialog = open_dialog(qtbot, context, draft_for_visit(context))
    combo = dialog.salesperson

    away_until = row_of(combo, first)
    assert combo.itemText(away_until).endswith(f"(away until {locale_format.date(back_on)})")
    away = row_of(combo, second)
    assert combo.itemText(away).endswith("(away)")
    here = next(
        i for i in range(1, combo.count()) if i not in (away, away_until) and combo.itemData(i)
    )
    assert "away" not in combo.itemText(here)
    grey = muted(combo.palette())
    for row in (away_until, away):
        assert QColor(combo.itemData(row, Qt.ItemDataRole.ForegroundRole)) == grey
        assert combo.model().flags(combo.model().index(row, 0)) & Qt.ItemFlag.ItemIsEnabled
    assert combo.itemData(here, Qt.ItemDataRole.ForegroundRole) is None

    combo.setCurrentIndex(away_until)
    qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.MouseButton.LeftButton)
    with context.read() as session:
        referral = session.get(Referral, dialog.created_id)
        assert referral is not None and referral.salesperson is not None
        assert (referral.salesperson.name, referral.assignment) == (first, Assignment.MANUAL)
