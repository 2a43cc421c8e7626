"""Date fields read and take dates the desk's way (a German desk types 15.06.2027, an American
one 6/15/2027), and amount fields read amounts the desk's way, refusing a foreign one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import replace
from decimal import Decimal

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication, QDateTimeEdit, QDialog, QLabel, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from console.models import Referral, ReferralStatus
from console.services.briefing.page import PageSize
from console.services.office import formatting
from console.services.office.settings import load_office_settings, save_office_settings
from console.services.referrals.detail import ReferralDetail, referral_detail
from console.views.briefing.batch_dialog import BatchBriefingDialog
from console.views.common.qt_dates import from_qdate, from_qdatetime
from console.views.context import DeskContext
from console.views.dayboard.day_board_view import DayBoardView
from console.views.dayboard.visit_dialog import VisitDialog
from console.views.referrals.appointment_dialog import AppointmentDialog
from console.views.referrals.attempt_dialog import AttemptDialog
from console.views.referrals.salespeople_dialog import SalespeopleDialog
from console.views.referrals.step_dialog import StepDialog
from console.views.spiffs.spiff_rules_dialog import SpiffRulesDialog

RS = ReferralStatus

# The desk's locale, its date field pattern, the keys a user types into a fresh date field
# (each part moves on to the next once full), and the date field's text afterwards.
DESKS = [
    ("de_DE", "dd.MM.yyyy", "15062027", "15.06.2027"),
    ("en_US", "M/d/yyyy", "6152027", "6/15/2027"),
]
# A date and time typed part by part (clicking into each), and the field's text afterwards.
MOMENTS = [
    ("de_DE", ["15", "06", "2027", "14", "30"], "15.06.2027 14:30"),
    ("en_US", ["6", "15", "2027", "2", "30", "PM"], "6/15/2027 2:30 PM"),
]
TYPED_DAY = dt.date(2027, 6, 15)
TYPED_MOMENT = dt.datetime(2027, 6, 15, 14, 30)


@pytest.fixture
def desk_in(qapp: QApplication) -> Iterator[Callable[[str], None]]:
    """Sets the desktop's locale for one test, as `QLocale.setDefault` does at start."""
    before = QLocale()

    def use(name: str) -> None:
        QLocale.setDefault(QLocale(name))

    yield use
    QLocale.setDefault(before)
    formatting.use_currency(formatting.DEFAULT_CURRENCY)


def office_uses(context: DeskContext, currency: str) -> None:
    with context.sessions.begin() as session:
        office = load_office_settings(session)
        save_office_settings(session, replace(office, currency=currency), office)


def referral_in(context: DeskContext, status: RS) -> ReferralDetail:
    with context.read() as session:
        referral_id = session.scalars(
            select(Referral.id).where(Referral.status == status).order_by(Referral.id).limit(1)
        ).one()
        return referral_detail(session, referral_id)


def stored(context: DeskContext, referral_id: int) -> Referral:
    with context.read() as session:
        referral = session.get(Referral, referral_id)
        assert referral is not None
        session.expunge(referral)
        return referral


def shown(qtbot: QtBot, widget: QWidget) -> QWidget:
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def type_into(qtbot: QtBot, edit: QDateTimeEdit, keys: str) -> None:
    """Click into the field's first part and type, as a user does."""
    edit.setFocus()
    edit.setSelectedSection(edit.sectionAt(0))
    qtbot.keyClicks(edit, keys)


def type_parts(qtbot: QtBot, edit: QDateTimeEdit, parts: list[str]) -> None:
    """Click into each part of the field in turn and type it."""
    edit.setFocus()
    for index, part in enumerate(parts):
        edit.setSelectedSection(edit.sectionAt(index))
        qtbot.keyClicks(edit, part)


@pytest.mark.parametrize(("locale", "pattern", "keys", "day"), DESKS)
def test_a_follow_up_date_is_typed_the_desks_way_and_saved(
    qtbot: QtBot,
    context: DeskContext,
    desk_in: Callable[[str], None],
    locale: str,
    pattern: str,
    keys: str,
    day: str,
) -> None:
    desk_in(locale)
    detail = referral_in(context, RS.CONTACTED)
    dialog = shown(qtbot, StepDialog(context, detail, RS.NOT_NOW))
    assert isinstance(dialog, StepDialog) and dialog.follow_up is not None
    assert dialog.follow_up.displayFormat() == pattern
    type_into(qtbot, dialog.follow_up, keys)
    assert dialog.follow_up.text() == day
    assert from_qdate(dialog.follow_up.date()) == TYPED_DAY
    dialog.buttons_ok()
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted)
    assert stored(context, detail.id).follow_up_on == TYPED_DAY


@pytest.mark.parametrize(("locale", "parts", "moment"), MOMENTS)
def test_an_appointment_time_is_typed_the_desks_way(
    qtbot: QtBot,
    context: DeskContext,
    desk_in: Callable[[str], None],
    locale: str,
    parts: list[str],
    moment: str,
) -> None:
    desk_in(locale)
    detail = referral_in(context, RS.CONTACTED)
    dialog = shown(qtbot, StepDialog(context, detail, RS.APPOINTMENT_SET))
    assert isinstance(dialog, StepDialog) and dialog.when is not None
    type_parts(qtbot, dialog.when, parts)
    assert dialog.when.text() == moment
    assert from_qdatetime(dialog.when.dateTime()) == TYPED_MOMENT


def every_date_field(
    context: DeskContext,
) -> list[tuple[str, QWidget, Callable[[], QDateTimeEdit]]]:
    """Each window with a date field the desk reads: (name, window, its field)."""
    contacted = referral_in(context, RS.CONTACTED)
    step = StepDialog(context, contacted, RS.NOT_NOW)
    appointment = AppointmentDialog(context, contacted)
    attempt = AttemptDialog(context, contacted)
    rules = SpiffRulesDialog(context)
    people = SalespeopleDialog(context)
    board = DayBoardView(context)
    visit = VisitDialog(context, contacted.customer_id, contacted.customer)
    batch = BatchBriefingDialog(context, PageSize.LETTER)
    return [
        ("follow-up", step, lambda: step.follow_up),  # type: ignore[return-value]
        ("appointment", appointment, lambda: appointment.when),
        ("next try", attempt, lambda: attempt.next_try),
        ("pay anchor", rules, lambda: rules.anchor),
        ("away until", people, lambda: people.until),
        ("day board", board, lambda: board.date),
        ("visit", visit, lambda: visit.when),
        ("batch day", batch, lambda: batch.day),
    ]


@pytest.mark.parametrize(
    ("locale", "formats"),
    [
        (
            "de_DE",
            {
                "follow-up": "dd.MM.yyyy",
                "appointment": "dd.MM.yyyy HH:mm",
                "next try": "ddd dd.MM.yyyy HH:mm",
                "pay anchor": "dd.MM.yyyy",
                "away until": "dd.MM.yyyy",
                "day board": "dddd dd.MM.yyyy",
                "visit": "dd.MM.yyyy HH:mm",
                "batch day": "dd.MM.yyyy",
            },
        ),
        (
            "en_US",
            {
                "follow-up": "M/d/yyyy",
                "appointment": "M/d/yyyy h:mm Ap",
                "next try": "ddd M/d/yyyy h:mm Ap",
                "pay anchor": "M/d/yyyy",
                "away until": "M/d/yyyy",
                "day board": "dddd M/d/yyyy",
                "visit": "M/d/yyyy h:mm Ap",
                "batch day": "M/d/yyyy",
            },
        ),
    ],
)
def test_every_date_field_follows_the_desks_locale_with_the_year_in_full(
    qtbot: QtBot,
    context: DeskContext,
    desk_in: Callable[[str], None],
    locale: str,
    formats: dict[str, str],
) -> None:
    desk_in(locale)
    fields = every_date_field(context)
    for _name, widget, _field in fields:
        qtbot.addWidget(widget)
    assert {name: field().displayFormat() for name, _widget, field in fields} == formats
    assert {name: field().locale().name() for name, _widget, field in fields} == {
        name: locale for name in formats
    }
    board = next(widget for name, widget, _field in fields if name == "day board")
    assert isinstance(board, DayBoardView)
    qtbot.waitUntil(lambda: not board.busy)


@pytest.mark.parametrize(
    ("locale", "currency", "label", "typed", "saved"),
    [
        ("de_DE", "EUR", "&Value (€)", "12.500,50", Decimal("12500.50")),
        ("en_US", "USD", "&Value ($)", "12,500.50", Decimal("12500.50")),
    ],
)
def test_a_won_value_is_typed_the_desks_way(
    qtbot: QtBot,
    context: DeskContext,
    desk_in: Callable[[str], None],
    locale: str,
    currency: str,
    label: str,
    typed: str,
    saved: Decimal,
) -> None:
    desk_in(locale)
    office_uses(context, currency)
    detail = referral_in(context, RS.CONTACTED)
    dialog = shown(qtbot, StepDialog(context, detail, RS.WON))
    assert isinstance(dialog, StepDialog) and dialog.value is not None
    form_labels = [child.text() for child in dialog.findChildren(QLabel)]
    assert label in form_labels
    dialog.value.clear()
    qtbot.keyClicks(dialog.value, typed)
    dialog.buttons_ok()
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted)
    referral = stored(context, detail.id)
    assert (referral.status, referral.won_value) == (RS.WON, saved)


@pytest.mark.parametrize(
    ("locale", "typed", "message"),
    [
        (
            "de_DE",
            "12500.50",
            "value: '12500.50' is not a number as this desk writes amounts (like 1.234,50)",
        ),
        (
            "en_US",
            "12.500,50",
            "value: '12.500,50' is not a number as this desk writes amounts (like 1,234.50)",
        ),
        ("de_DE", "1,234", "value: '1,234' has more than two decimals; write cents after ','"),
    ],
)
def test_a_won_value_written_another_way_is_refused_and_nothing_saved(
    qtbot: QtBot,
    context: DeskContext,
    desk_in: Callable[[str], None],
    locale: str,
    typed: str,
    message: str,
) -> None:
    desk_in(locale)
    detail = referral_in(context, RS.CONTACTED)
    before = stored(context, detail.id)
    dialog = shown(qtbot, StepDialog(context, detail, RS.WON))
    assert isinstance(dialog, StepDialog) and dialog.value is not None
    dialog.value.clear()
    qtbot.keyClicks(dialog.value, typed)
    dialog.buttons_ok()
    assert dialog.isVisible() and dialog.error.isVisible()
    assert dialog.error.text().startswith(message)
    after = stored(context, detail.id)
    assert (after.status, after.version, after.won_value) == (
        before.status,
        before.version,
        before.won_value,
    )


def test_the_estimate_is_offered_the_desks_way(
    qtbot: QtBot, context: DeskContext, desk_in: Callable[[str], None]
) -> None:
    desk_in("de_DE")
    detail = referral_in(context, RS.CONTACTED)
    with_estimate = replace(detail, estimated_value=Decimal("9500.5"))
    dialog = shown(qtbot, StepDialog(context, with_estimate, RS.QUOTED))
    assert isinstance(dialog, StepDialog) and dialog.value is not None
    assert dialog.value.text() == "9.500,50"
