"""Whole words on screen: the tell-the-tech box, the visit and attempt dialogs, search names."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QPlainTextEdit,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from console.models import Referral, ReferralStatus, ServiceVisit, VisitStatus
from console.services.customers.search import CustomerHit
from console.services.referrals.detail import referral_detail
from console.views.common import locale_format
from console.views.context import DeskContext
from console.views.dayboard.visit_dialog import VisitDialog
from console.views.referrals.attempt_dialog import AttemptDialog
from console.views.referrals.referral_panel import PANEL_MIN_WIDTH, ReferralPanel
from console.views.search.results_model import SEARCH_COLUMNS, SearchResultsModel
from tests.views.referral_steps import settle


def test_tell_the_tech_controls_show_their_whole_text_at_the_narrowest_panel(
    qtbot: QtBot, context: DeskContext
) -> None:
    with context.read() as session:
        referral_id = session.scalar(
            select(Referral.id)
            .where(Referral.status.in_([ReferralStatus.WON, ReferralStatus.LOST]))
            .where(Referral.tech_informed_at.is_(None))
            .limit(1)
        )
    assert referral_id is not None
    panel = ReferralPanel(context)
    qtbot.addWidget(panel)
    panel.resize(PANEL_MIN_WIDTH, 900)
    panel.show()
    panel.show_referral(referral_id)
    settle(panel)
    qtbot.waitUntil(lambda: not panel.tell_box.isHidden())
    QApplication.processEvents()
    controls = panel.tell_box.findChildren(QAbstractButton)
    texts = {control.text() for control in controls}
    assert {"&Thanked them", "&Copy phone", "&Message the tech…", "Tech &told"} <= texts
    for control in controls:
        assert control.width() >= control.sizeHint().width(), control.text()
        # Nothing around it clips the control: all of it is on screen.
        assert control.visibleRegion().boundingRect() == control.rect(), control.text()
    assert panel.width() == PANEL_MIN_WIDTH


def test_visit_dialog_says_whose_visit_and_which_one_it_moves(
    qtbot: QtBot, context: DeskContext
) -> None:
    with context.read() as session:
        visit = session.scalars(
            select(ServiceVisit).where(ServiceVisit.status == VisitStatus.SCHEDULED).limit(1)
        ).one()
    dialog = VisitDialog(
        context,
        visit.customer_id,
        "Ramirez Florist",
        visit_id=visit.id,
        version=visit.version,
        technician_id=visit.technician_id,
        starts_at=visit.scheduled_for,
        problem="Furnace short-cycles\nthermostat replaced last spring",
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.technician.count() > 0)
    heading = dialog.heading.text()
    assert "Ramirez Florist" in heading
    assert f"Moving the visit booked for {locale_format.datetime(visit.scheduled_for)}" in heading
    assert 440 <= dialog.width() <= 640
    assert isinstance(dialog.problem, QPlainTextEdit)
    assert dialog.problem.toPlainText().splitlines() == [
        "Furnace short-cycles",
        "thermostat replaced last spring",
    ]
    assert dialog.problem.height() > 2 * dialog.problem.fontMetrics().lineSpacing()
    combo = dialog.technician
    assert combo.width() >= combo.sizeHint().width()
    labels = {item.text(): item for item in dialog.findChildren(QLabel)}
    technician_label = labels["&Technician"]
    assert technician_label.buddy() is combo
    words = technician_label.fontMetrics().horizontalAdvance("Technician")
    assert technician_label.width() > words
    assert technician_label.geometry().right() < combo.geometry().left() - 6


def test_booking_a_new_visit_names_the_customer_without_a_visit_to_move(
    qtbot: QtBot, context: DeskContext
) -> None:
    with context.read() as session:
        customer_id = session.scalar(select(ServiceVisit.customer_id).limit(1))
    dialog = VisitDialog(context, customer_id, "Ana & Co")
    qtbot.addWidget(dialog)
    assert "Ana &amp; Co" in dialog.heading.text()
    assert "Moving" not in dialog.heading.text()


@pytest.mark.parametrize(
    ("zone_key", "said"),
    [
        ("Etc/UTC", "UTC"),
        ("America/New_York", "New York time"),
        ("America/Argentina/Buenos_Aires", "Buenos Aires time"),
    ],
)
def test_attempt_dialog_names_the_office_clock_in_words(
    qtbot: QtBot, context: DeskContext, monkeypatch, zone_key: str, said: str
) -> None:  # type: ignore[no-untyped-def]
    """By its place, which stays true across a change to or from summer time."""
    monkeypatch.setenv("CONSOLE_TIME_ZONE", zone_key)
    with context.read() as session:
        referral_id = session.scalar(
            select(Referral.id).where(Referral.status == ReferralStatus.ASSIGNED).limit(1)
        )
        assert referral_id is not None
        detail = referral_detail(session, referral_id)
    dialog = AttemptDialog(context, detail)
    qtbot.addWidget(dialog)
    zone = dialog.findChild(type(dialog.so_far), "attemptZone")
    assert zone is not None
    assert zone.text() == f"Times are on the office's clock ({said})."


def hit(name: str, company: str | None) -> CustomerHit:
    return CustomerHit(
        id=1,
        account_number="A-1",
        name=name,
        company=company,
        phone=None,
        city=None,
        street=None,
    )


def test_search_names_a_company_only_when_it_differs_from_the_customer() -> None:
    model = SearchResultsModel()
    model.set_hits(
        [
            hit("Ramirez Florist", "Ramirez Florist"),
            hit("Ramirez Florist", "ramirez  florist "),
            hit("Ramirez Florist", "Ramirez Florist Group"),
            hit("Ana Ramos", "Ramos Heating"),
            hit("Ana Ramos", ""),
            hit("Al", "Alpha Heating Co"),
            hit("Joanne Smithers", "Smith"),
        ]
    )
    name_column = [column.title for column in SEARCH_COLUMNS].index("Name")
    shown = [model.index(row, name_column).data() for row in range(model.rowCount())]
    assert shown == [
        "Ramirez Florist",
        "Ramirez Florist",
        "Ramirez Florist Group",
        "Ana Ramos — Ramos Heating",
        "Ana Ramos",
        "Al — Alpha Heating Co",  # whole words: a name that only begins a word is no prefix
        "Joanne Smithers — Smith",
    ]
