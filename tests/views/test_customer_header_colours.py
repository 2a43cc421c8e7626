"""The customer header's phone and email links read on a dark desk, and pinned notes are marked
in words every font has."""

from __future__ import annotations

import datetime as dt

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from console.services.customers.customer_360 import NoteRow, customer_overview
from console.views.common.tones import Tone, tone
from console.views.context import DeskContext
from console.views.customer.columns import NOTE_COLUMNS
from console.views.customer.header import CustomerHeader, link_colour
from tests import factories
from tests.views.conftest import dark_colours


def header_for(qtbot: QtBot, context: DeskContext) -> CustomerHeader:
    with context.sessions.begin() as session:
        customer = factories.customer(
            session, name="Ada Park", phone="555-0101", email="ada@example.com"
        )
        customer_id = customer.id
    with context.read() as session:
        overview = customer_overview(session, customer_id)
    header = CustomerHeader()
    qtbot.addWidget(header)
    header.show_customer(overview)
    header.show()
    return header


def test_contact_links_take_the_readable_blue_on_a_dark_desk(
    qtbot: QtBot, context: DeskContext, dark_palette: QPalette
) -> None:
    header = header_for(qtbot, context)
    readable = tone(Tone.INFO, dark_palette).name()
    text = header.details.text()
    assert f'href="tel:555-0101" style="color:{readable}"' in text
    assert f'href="mailto:ada@example.com" style="color:{readable}"' in text
    # Qt's default link blue would sit too close to the dark background to read.
    window = dark_palette.color(QPalette.ColorRole.Window)
    assert abs(QColor(readable).lightness() - window.lightness()) > 96


def test_a_theme_with_its_own_link_colour_keeps_it(qtbot: QtBot) -> None:
    themed = dark_colours()
    themed.setColor(QPalette.ColorRole.Link, QColor("#8ab4f8"))
    assert link_colour(themed) == QColor("#8ab4f8")
    light = QPalette()
    light.setColor(QPalette.ColorRole.Window, QColor("#f0f0f0"))
    light.setColor(QPalette.ColorRole.Link, QColor("#0b57d0"))
    assert link_colour(light) == QColor("#0b57d0")


def test_switching_to_a_dark_theme_redraws_the_links(
    qtbot: QtBot, context: DeskContext, qapp: QApplication
) -> None:
    header = header_for(qtbot, context)
    before = qapp.palette()
    dark = dark_colours()
    try:
        qapp.setPalette(dark)
        QApplication.processEvents()
        assert f"color:{tone(Tone.INFO, dark).name()}" in header.details.text()
    finally:
        qapp.setPalette(before)


def note(pinned: bool, referral_id: int | None) -> NoteRow:
    return NoteRow(
        id=1,
        created_at=dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC),
        author="Ana Tech",
        category="Equipment",
        text="Boiler 19 years old",
        pinned=pinned,
        referral_id=referral_id,
        equipment_id=None,
        version=1,
    )


def test_pinned_notes_are_marked_in_plain_words() -> None:
    marks = NOTE_COLUMNS[0]
    assert marks.value(note(True, None)) == "Pinned"
    assert marks.value(note(True, 7)) == "Pinned →R"
    assert marks.value(note(False, 7)) == "→R"
    assert marks.value(note(False, None)) == ""
    assert marks.tooltip is not None
    assert marks.tooltip(note(True, 7)) == "Pinned to the top; Turned into a referral"
    for shown in (note(True, 7), note(True, None)):
        text = marks.value(shown)
        assert all(ord(char) < 0x2190 or char == "→" for char in text), text
