"""The day's briefings dialog: it starts from the office's tomorrow, whatever the computer's own
zone says, and every field is reached with its Alt key."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QFormLayout, QLabel
from pytestqt.qtbot import QtBot

from console.services.briefing import PageSize
from console.services.office.clock import configure_office_zone, local_today
from console.views.briefing.batch_dialog import BatchBriefingDialog
from console.views.common.qt_dates import from_qdate
from console.views.context import DeskContext


@pytest.fixture
def office_a_day_ahead_of_the_machine() -> Iterator[None]:
    """UTC+14 against UTC-11: the two calendars never show the same date."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TZ", "Pacific/Pago_Pago")
        time.tzset()
        configure_office_zone("Pacific/Kiritimati")
        yield
    time.tzset()


def test_the_batch_offers_the_offices_tomorrow(
    qtbot: QtBot, context: DeskContext, office_a_day_ahead_of_the_machine: None
) -> None:
    before = local_today() + dt.timedelta(days=1)
    dialog = BatchBriefingDialog(context, PageSize.LETTER)
    qtbot.addWidget(dialog)
    after = local_today() + dt.timedelta(days=1)
    offered = from_qdate(dialog.day.date())
    assert offered in {before, after}
    assert offered != dt.date.today() + dt.timedelta(days=1)


def test_every_label_names_its_field_and_shows_no_ampersand(
    qtbot: QtBot, context: DeskContext
) -> None:
    dialog = BatchBriefingDialog(context, PageSize.LETTER)
    qtbot.addWidget(dialog)
    form = dialog.findChild(QFormLayout)
    assert form is not None
    buddies = {}
    for row in range(form.rowCount()):
        item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
        label = item.widget() if item is not None else None
        if isinstance(label, QLabel) and label.text():
            buddies[label.text()] = label.buddy()
    assert buddies == {"&Day": dialog.day, "&Folder": dialog.folder}
