"""Dates, times, numbers and money in the desk's locale, and the office's currency setting."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from babel.numbers import parse_decimal
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from console.cli import main
from console.database import session_factory
from console.services.numbers.metrics import referral_metrics
from console.services.numbers.report import write_report
from console.services.office import clock as office_time
from console.services.office import formatting
from console.services.office.settings import (
    OfficeSettings,
    SettingsProblem,
    load_office_settings,
    save_office_settings,
)
from tests.conftest import DeskWatch

MOMENT = dt.datetime(2026, 12, 4, 20, 5, tzinfo=dt.UTC)  # a Friday evening in UTC


def plain(text: str) -> str:
    """Locales put no-break spaces inside amounts and times; a reader sees spaces."""
    return text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2009", " ")


@pytest.fixture(autouse=True)
def _office_in_dollars_and_utc() -> Iterator[None]:
    formatting.use_currency(formatting.DEFAULT_CURRENCY)
    office_time.configure_office_zone("UTC")
    yield
    formatting.use_currency(formatting.DEFAULT_CURRENCY)


@pytest.mark.parametrize(
    ("locale", "currency", "shown"),
    [
        ("en_US", "USD", "$1,234.50"),
        ("de_DE", "EUR", "1.234,50 €"),
        ("fr_FR", "EUR", "1 234,50 €"),
        ("en_GB", "GBP", "£1,234.50"),
        ("en_GB", "USD", "US$1,234.50"),
        ("C", "USD", "$1,234.50"),
    ],
)
def test_money_is_written_the_way_the_locale_writes_it(
    locale: str, currency: str, shown: str
) -> None:
    assert plain(formatting.money(Decimal("1234.5"), currency, locale)) == shown


def test_whole_units_for_tables_and_the_currencys_own_digits() -> None:
    assert plain(formatting.money(Decimal("1234.5"), "EUR", "de_DE", cents=False)) == "1.234 €"
    assert formatting.money(Decimal("9800"), "USD", "en_US", cents=False) == "$9,800"
    assert formatting.money(1234, "JPY", "ja_JP") == "￥1,234"  # the yen has no cents
    assert formatting.money(None, "USD", "en_US") == ""


def test_money_without_a_currency_is_in_the_offices() -> None:
    assert formatting.money(Decimal("50"), locale="en_US") == "$50.00"
    formatting.use_currency("EUR")
    assert plain(formatting.money(Decimal("50"), locale="de_DE")) == "50,00 €"


@pytest.mark.parametrize(
    ("locale", "date", "time", "moment"),
    [
        ("en_US", "12/4/2026", "8:05 PM", "12/4/2026, 8:05 PM"),
        ("en_GB", "04/12/2026", "20:05", "04/12/2026, 20:05"),
        ("de_DE", "04.12.2026", "20:05", "04.12.2026, 20:05"),
        ("fr_FR", "04/12/2026", "20:05", "04/12/2026 20:05"),
        ("C", "2026-12-04", "20:05", "2026-12-04 20:05"),
    ],
)
def test_dates_and_times_the_locales_way_with_the_year_in_full(
    locale: str, date: str, time: str, moment: str
) -> None:
    assert formatting.date(MOMENT.date(), locale) == date
    assert plain(formatting.time(MOMENT, locale)) == time
    assert plain(formatting.datetime(MOMENT, locale)) == moment


def test_a_stored_moment_is_shown_on_the_offices_clock() -> None:
    office_time.configure_office_zone("Europe/Berlin")
    # 20:05 UTC is 21:05 in Berlin; 23:30 UTC is already the next day there.
    assert formatting.datetime(MOMENT, "de_DE") == "04.12.2026, 21:05"
    late = dt.datetime(2026, 12, 4, 23, 30, tzinfo=dt.UTC)
    assert formatting.date(late, "de_DE") == "05.12.2026"


def test_days_in_a_week_and_the_weeks_span() -> None:
    assert formatting.day(MOMENT, "en_US") == "Fri, Dec 4"
    assert formatting.day(MOMENT, "de_DE") == "Fr., 4. Dez."
    assert formatting.day(MOMENT, "C") == "Fri 04 Dec"
    monday, sunday = dt.date(2026, 11, 30), dt.date(2026, 12, 6)
    assert plain(formatting.day_span(monday, sunday, "en_GB")) == "Mon, 30 Nov – Sun, 6 Dec 2026"
    assert plain(formatting.day_span(monday, sunday, "C")) == "Mon 30 Nov – Sun 06 Dec 2026"


def test_numbers_and_shares() -> None:
    assert formatting.number(12345.678, "de_DE", decimals=1) == "12.345,7"
    assert formatting.number(12345, "en_US") == "12,345"
    assert formatting.percent(0.42, "en_US") == "42%"
    assert plain(formatting.percent(0.42, "fr_FR")) == "42 %"


@pytest.mark.parametrize(
    ("environment", "locale"),
    [
        ({"LANG": "de_DE.UTF-8"}, "de_DE"),
        ({"LANG": "de_DE.UTF-8", "LC_ALL": "fr_FR.UTF-8"}, "fr_FR"),
        ({"LANG": "de_DE.UTF-8", "CONSOLE_LOCALE": "en_GB"}, "en_GB"),
        ({"LANG": "de_DE@euro"}, "de_DE"),
        ({"LANG": "C.UTF-8"}, "C"),
        ({"LC_ALL": "", "LANG": "POSIX"}, "C"),
        ({}, "C"),
    ],
)
def test_the_command_line_writes_in_the_processs_locale(
    environment: dict[str, str], locale: str
) -> None:
    assert formatting.environment_locale(environment) == locale


def test_console_locale_overrides_the_desks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSOLE_LOCALE", "de_DE.UTF-8")
    assert formatting.desk_locale() == "de_DE"
    assert plain(formatting.money(Decimal("1234.5"), "EUR")) == "1.234,50 €"


def test_a_locale_without_data_writes_the_neutral_way_and_says_so(
    desk_watch: DeskWatch, caplog: pytest.LogCaptureFixture
) -> None:
    desk_watch.expect_log("console.services.office.formatting", match="no locale data for 'xx_QQ'")
    with caplog.at_level(logging.WARNING, "console.services.office.formatting"):
        assert formatting.locale_name("xx_QQ.UTF-8") == "C"
    assert formatting.date(MOMENT.date(), "xx_QQ") == "2026-12-04"


LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "de_CH", "es_ES", "C")


@given(
    amount=st.decimals(min_value=0, max_value=10**9, places=2),
    locale=st.sampled_from(LOCALES),
    currency=st.sampled_from(("USD", "EUR", "GBP", "CHF")),
)
def test_every_amount_reads_back_as_itself(amount: Decimal, locale: str, currency: str) -> None:
    shown = formatting.money(amount, currency, locale)
    symbol = formatting.currency_symbol(currency, locale)
    digits = shown.replace(symbol, "").strip("\u00a0\u202f ")
    babel_locale = "en_US" if locale == "C" else locale
    assert parse_decimal(digits, babel_locale, strict=True) == amount


# The office's currency ---------------------------------------------------------------------


def test_the_currency_is_an_office_setting_put_into_effect_on_load(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as session:
        assert load_office_settings(session).currency == "USD"
    with sessions.begin() as session:
        save_office_settings(session, OfficeSettings(currency="EUR"))
    formatting.use_currency("USD")  # as another process starts
    with sessions() as session:
        assert load_office_settings(session).currency == "EUR"
    assert formatting.office_currency() == "EUR"
    assert plain(formatting.money(Decimal("1234.5"), locale="de_DE")) == "1.234,50 €"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("XYZ", "Currency: 'XYZ' is not an ISO 4217 currency code (such as USD, EUR or GBP)"),
        ("eur", "Currency: 'eur' is not an ISO 4217 currency code"),
        ("Euro", "Currency: 'Euro' is not an ISO 4217 currency code"),
        ("", "Currency: give a three-letter ISO 4217 code such as USD, EUR or GBP"),
    ],
)
def test_a_currency_that_is_not_one_is_refused_and_nothing_is_saved(
    sessions: sessionmaker[Session], code: str, message: str
) -> None:
    with sessions.begin() as session:
        save_office_settings(session, OfficeSettings(currency="GBP"))
    with sessions() as session:
        loaded = load_office_settings(session)
    with pytest.raises(SettingsProblem) as refused, sessions.begin() as session:
        save_office_settings(session, replace(loaded, currency=code, first_contact_hours=8), loaded)
    assert str(refused.value).startswith(message)
    assert refused.value.setting == "currency"
    with sessions() as session:
        kept = load_office_settings(session)
    assert (kept.currency, kept.first_contact_hours) == ("GBP", loaded.first_contact_hours)
    assert formatting.office_currency() == "GBP"


# On paper and on the command line ----------------------------------------------------------


@pytest.fixture
def no_window() -> Iterator[None]:
    """A command-line process: no window hands its locale to the services."""
    window = formatting.follow_window_locale(None)
    yield
    formatting.follow_window_locale(window)


def pdf_text(path: Path) -> str:
    return plain(" ".join(page.extract_text() for page in PdfReader(path).pages))


def test_the_report_pdf_is_in_the_desks_locale_and_the_offices_currency(
    demo_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_window: None
) -> None:
    with session_factory(demo_engine).begin() as session:
        save_office_settings(session, OfficeSettings(currency="EUR"))
    since, until = dt.date(2025, 10, 1), dt.date(2026, 3, 16)
    with demo_engine.connect() as connection:
        metrics = referral_metrics(connection, since, until)
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("CONSOLE_LOCALE", raising=False)
    write_report(metrics, tmp_path / "report.pdf")

    text = pdf_text(tmp_path / "report.pdf")
    value_won = Decimal(str(metrics.totals["value_won"])).quantize(Decimal(1))
    german = f"{value_won:,}".replace(",", ".") + " €"
    assert f"value won {german}" in text
    assert "Referrals recorded 01.10.2025 to 16.03.2026" in text
    assert "$" not in text


def test_the_command_line_writes_in_lang_and_console_locale_overrides(
    demo_engine: Engine,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    no_window: None,
) -> None:
    with session_factory(demo_engine).begin() as session:
        save_office_settings(session, OfficeSettings(currency="EUR"))
    formatting.use_currency("USD")  # the command loads the office's currency itself
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("CONSOLE_LOCALE", raising=False)
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    period = ["--since", "2025-10-01", "--until", "2026-03-16"]
    french = tmp_path / "fr.pdf"
    assert (
        main(["report", "referrals", *period, "-o", str(french), "--database", database_url]) == 0
    )
    assert "Referrals recorded 01/10/2025 to 16/03/2026" in pdf_text(french)
    assert re.search(r"value won \d{1,3}( \d{3})* € ·", pdf_text(french))
    assert "$" not in pdf_text(french)

    monkeypatch.setenv("CONSOLE_LOCALE", "en_GB")
    british = tmp_path / "gb.pdf"
    assert (
        main(["report", "referrals", *period, "-o", str(british), "--database", database_url]) == 0
    )
    assert "Referrals recorded 01/10/2025 to 16/03/2026" in pdf_text(british)
    assert re.search(r"value won €\d{1,3}(,\d{3})* ·", pdf_text(british))

    # Files for other programs stay plain: no symbol, no grouping, a point for decimals.
    table = tmp_path / "report.csv"
    assert main(["report", "referrals", *period, "-o", str(table), "--database", database_url]) == 0
    assert "€" not in table.read_text(encoding="utf-8-sig")
