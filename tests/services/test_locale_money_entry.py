"""Typed amounts are read the way the desk writes them; the command line keeps plain numbers;
an amount that is ambiguous or not a number is refused naming the field, nothing saved."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from console.cli import main
from console.database import session_factory
from console.models import Referral, ReferralEvent
from console.services.errors import InputError
from console.services.office import formatting
from console.services.referrals.lifecycle import create_referral, parse_money
from console.services.spiffs.rules import RuleProblem, parse_amount
from tests import factories

LOCALES = ("de_DE", "en_US", "fr_FR", "en_GB", "C")


@pytest.fixture(autouse=True)
def _office_in_dollars() -> Iterator[None]:
    formatting.use_currency(formatting.DEFAULT_CURRENCY)
    yield
    formatting.use_currency(formatting.DEFAULT_CURRENCY)


@pytest.mark.parametrize(
    ("locale", "typed", "amount"),
    [
        ("de_DE", "1.234,50", "1234.50"),
        ("de_DE", "1234,5", "1234.50"),
        ("de_DE", "1.234,50 €", "1234.50"),
        ("de_DE", "75", "75.00"),
        ("en_US", "1,234.50", "1234.50"),
        ("en_US", "$1,234.50", "1234.50"),
        ("en_US", "1234.5", "1234.50"),
        ("fr_FR", "1 234,50", "1234.50"),
        ("C", "1,234.50", "1234.50"),
    ],
)
def test_an_amount_is_read_the_way_the_desk_writes_it(locale: str, typed: str, amount: str) -> None:
    assert parse_money(typed, "value", locale=locale) == Decimal(amount)


@pytest.mark.parametrize(
    ("locale", "typed", "message"),
    [
        (
            "de_DE",
            "1234.50",
            "value: '1234.50' is not a number as this desk writes amounts (like 1.234,50)",
        ),
        (
            "de_DE",
            "1,234.50",
            "value: '1,234.50' is not a number as this desk writes amounts (like 1.234,50)",
        ),
        # Three digits after the decimal sign: a thousand in English, cents gone astray here.
        (
            "de_DE",
            "1,234",
            "value: '1,234' has more than two decimals; write cents after ',' (like 1.234,50)",
        ),
        (
            "en_US",
            "1.234,50",
            "value: '1.234,50' is not a number as this desk writes amounts (like 1,234.50)",
        ),
        (
            "en_US",
            "1.234",
            "value: '1.234' has more than two decimals; write cents after '.' (like 1,234.50)",
        ),
        ("en_US", "lots", "value: 'lots' is not a number"),
        ("en_US", "1e5", "value: '1e5' is not a number (write amounts like 1,234.50)"),
        ("de_DE", "NaN", "value: 'NaN' is not a number"),
        ("de_DE", "-5", "value: must not be negative"),
    ],
)
def test_an_ambiguous_or_foreign_amount_is_refused_naming_the_field(
    locale: str, typed: str, message: str
) -> None:
    with pytest.raises(InputError) as refused:
        parse_money(typed, "value", locale=locale)
    assert str(refused.value) == message


@pytest.mark.parametrize(("typed", "amount"), [("1234.50", "1234.50"), ("1,234.50", "1234.50")])
def test_the_command_line_keeps_plain_numbers_whatever_its_locale(
    monkeypatch: pytest.MonkeyPatch, typed: str, amount: str
) -> None:
    monkeypatch.setenv(formatting.LOCALE_VARIABLE, "de_DE")
    assert parse_money(typed, "estimated value") == Decimal(amount)


@given(
    amount=st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2),
    locale=st.sampled_from(LOCALES),
    currency=st.sampled_from(("USD", "EUR", "GBP", "CHF")),
)
def test_what_the_desk_writes_reads_back_as_the_same_amount(
    amount: Decimal, locale: str, currency: str
) -> None:
    formatting.use_currency(currency)
    shown = formatting.money(amount, locale=locale)
    assert parse_money(shown, "value", locale=locale) == amount
    typed = formatting.number(amount, locale, decimals=2)
    assert parse_money(typed, "value", locale=locale) == amount
    assert parse_amount(typed, 0, "amount", locale=locale) == amount


@pytest.mark.parametrize(
    ("locale", "typed", "amount"),
    [("de_DE", "7,5 %", "7.5"), ("de_DE", "1.250 €", "1250"), ("en_US", "$1,250", "1250")],
)
def test_a_spiff_rule_amount_is_read_the_desks_way(locale: str, typed: str, amount: str) -> None:
    assert parse_amount(typed, 2, "amount", locale=locale) == Decimal(amount)


def test_a_spiff_rule_amount_from_another_locale_is_refused_naming_the_cell() -> None:
    with pytest.raises(RuleProblem) as refused:
        parse_amount("1.250,00", 1, "cap", locale="en_US")
    assert (refused.value.row, refused.value.column) == (1, "cap")
    assert str(refused.value) == (
        "Rule 2, cap: '1.250,00' is not a number as this desk writes amounts (like 1,234.50)"
    )


def test_a_service_given_a_foreign_amount_refuses_it_and_saves_nothing(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        customer = factories.customer(session, name="Ada Park")
        factories.staff(session, "Ana Tech")
    refused = "estimated value: '1.234,50' is not a number"
    with pytest.raises(InputError, match=re.escape(refused)), sessions.begin() as session:
        create_referral(
            session,
            customer_id=customer.id,
            technician="Ana Tech",
            pain_point="Boiler leaking",
            estimated_value="1.234,50",
            actor="desk",
        )
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Referral)) == 0


def test_the_command_line_takes_grouped_english_amounts_on_a_german_desk(
    capsys: pytest.CaptureFixture[str],
    engine: Engine,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    with session_factory(engine).begin() as session:
        factories.customer(session, account_number="100001", name="Miller Bakery")
        factories.staff(session, "Ana Tech", external_id="T-1")
    argv = ["referral", "add", "100001", "--technician", "T-1", "--pain-point", "Boiler"]
    assert main([*argv, "--estimated-value", "1,234.50", "--database", database_url]) == 0
    capsys.readouterr()
    assert main([*argv, "--estimated-value", "1.234,50", "--database", database_url]) == 1
    assert "estimated value: '1.234,50' is not a number" in capsys.readouterr().err
    with session_factory(engine)() as session:
        assert list(session.scalars(select(Referral.estimated_value))) == [Decimal("1234.50")]
        assert session.scalar(select(func.count()).select_from(ReferralEvent)) == 1
