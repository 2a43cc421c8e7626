"""The digest PDF, the spiff ledger's words and the contact attempts' sentences are written in
the desk's locale and the office's currency; ledger words already written stay as they were."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from dataclasses import replace
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from console.models import (
    ContactChannel,
    EventKind,
    ReferralEvent,
    SpiffBasis,
    SpiffEntry,
    StaffRole,
)
from console.models import SpiffStage as Stage
from console.services.calendar.digest_pdf import render_digest
from console.services.office import formatting
from console.services.office.clock import configure_office_zone
from console.services.office.settings import load_office_settings, save_office_settings
from console.services.referrals.contact_attempts import describe_attempt, shown_time
from console.services.spiffs import mark_spiffs_paid, rule_terms
from tests import factories
from tests.services.test_digest import digest_for, office_time, refer, week_of_work, win

__all__ = ["week_of_work"]  # the digest's week of work, shared as a fixture

Desk = Callable[[str, str], None]


def plain(text: str) -> str:
    """Locales put no-break spaces inside amounts and times; a reader sees spaces."""
    return text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2009", " ")


@pytest.fixture
def desk(monkeypatch: pytest.MonkeyPatch) -> Iterator[Desk]:
    """Sets the desk's locale and the office's currency for one test."""

    def use(locale: str, currency: str) -> None:
        monkeypatch.setenv(formatting.LOCALE_VARIABLE, locale)
        formatting.use_currency(currency)

    yield use
    formatting.use_currency(formatting.DEFAULT_CURRENCY)


@pytest.mark.parametrize(
    ("locale", "currency", "expected", "not_expected"),
    [
        (
            "de_DE",
            "EUR",
            ["12.500,00 €", "75 €", "Mo., 30. Nov.", "Mi., 2. Dez.", "made 07.12.2026, 08:00"],
            ["$", "Mon 30 Nov", "2026-12-07"],
        ),
        (
            "en_US",
            "USD",
            ["$12,500.00", "$75", "Mon, Nov 30", "Wed, Dec 2", "made 12/7/2026, 8:00 AM"],
            ["€", "Mon 30 Nov", "2026-12-07"],
        ),
    ],
)
def test_the_digest_pdf_writes_money_and_days_the_desks_way(
    sessions: sessionmaker[Session],
    week_of_work: dict[str, int],
    desk: Desk,
    locale: str,
    currency: str,
    expected: list[str],
    not_expected: list[str],
) -> None:
    desk(locale, currency)
    digest = digest_for(sessions, week_of_work["tom"])
    pdf = render_digest(digest)
    text = plain(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))
    for shown in expected:
        assert shown in text, shown
    for unwanted in not_expected:
        assert unwanted not in text, unwanted


@pytest.mark.parametrize(
    ("locale", "currency", "flat", "percent"),
    [
        (
            "de_DE",
            "EUR",
            "Won, HVAC: 1.250,00 €",
            "Won, any category: 2,5% of the value, at most 1.500,00 €",
        ),
        (
            "en_US",
            "USD",
            "Won, HVAC: $1,250.00",
            "Won, any category: 2.5% of the value, at most $1,500.00",
        ),
    ],
)
def test_rule_terms_are_in_the_offices_currency_the_desks_way(
    desk: Desk, locale: str, currency: str, flat: str, percent: str
) -> None:
    desk(locale, currency)
    assert plain(rule_terms("HVAC", Stage.WON, SpiffBasis.FLAT, Decimal("1250"), None)) == flat
    terms = rule_terms(None, Stage.WON, SpiffBasis.PERCENT, Decimal("2.50"), Decimal("1500"))
    assert plain(terms) == percent


def test_ledger_words_are_written_once_and_kept_as_written(
    sessions: sessionmaker[Session], desk: Desk
) -> None:
    """An entry keeps the terms it was written with; a new one is in today's currency and way."""
    desk("en_US", "USD")
    with sessions.begin() as session:
        factories.only_spiff_rule(session, "flat", "75")
        factories.staff(session, "Tina Tech")
        factories.staff(session, "Sam Sales", StaffRole.SALESPERSON)
        miller = factories.customer(session, name="Miller")
        first = refer(session, miller.id, "Tina Tech", "Old furnace", office_time(2026, 3, 2, 9))
        second = refer(session, miller.id, "Tina Tech", "Noisy pump", office_time(2026, 3, 2, 10))
        win(session, first, "5000", office_time(2026, 3, 3, 9, 0))

    desk("de_DE", "EUR")
    with sessions.begin() as session:
        office = load_office_settings(session)
        save_office_settings(session, replace(office, currency="EUR"), office)
    with sessions.begin() as session:
        win(session, second, "4000", office_time(2026, 3, 4, 9, 0))
        mark_spiffs_paid(session, [second], "desk", now=office_time(2026, 3, 5, 9, 0))

    with sessions() as session:
        terms = {
            entry.referral_id: plain(entry.terms)
            for entry in session.scalars(select(SpiffEntry).where(SpiffEntry.rule_id.is_not(None)))
        }
        note = session.scalar(
            select(ReferralEvent.note).where(
                ReferralEvent.referral_id == second, ReferralEvent.kind == EventKind.SPIFF_PAID
            )
        )
    assert terms == {first: "Won, any category: $75.00", second: "Won, any category: 75,00 €"}
    assert plain(note or "") == "Spiff of 75,00 € paid"


@pytest.mark.parametrize(
    ("locale", "this_year", "next_year", "clock"),
    [
        ("de_DE", "Di., 17. März 10:00", "Mo., 4. Jan. 2027 09:30", "17.03.2026, 10:00"),
        ("en_US", "Tue, Mar 17 10:00 AM", "Mon, Jan 4, 2027 9:30 AM", "3/17/2026, 10:00 AM"),
        ("C", "Tue 17 Mar 10:00", "Mon 04 Jan 2027 09:30", "2026-03-17 10:00"),
    ],
)
def test_attempt_times_read_the_desks_way_in_the_offices_zone(
    desk: Desk, locale: str, this_year: str, next_year: str, clock: str
) -> None:
    desk(locale, "USD")
    configure_office_zone("America/New_York")
    attempt_at = dt.datetime(2026, 3, 16, 14, 0, tzinfo=dt.UTC)
    next_try = dt.datetime(2026, 3, 17, 14, 0, tzinfo=dt.UTC)  # 10:00 in New York
    after_new_year = dt.datetime(2027, 1, 4, 14, 30, tzinfo=dt.UTC)
    line = describe_attempt(ContactChannel.PHONE, False, "voicemail", next_try, attempt_at)
    assert plain(line) == f"Phone, not reached — voicemail; next try {this_year}"
    assert plain(shown_time(after_new_year, attempt_at)) == next_year
    assert plain(formatting.datetime(next_try)) == clock
