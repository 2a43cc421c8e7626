"""Dates, times, numbers and money in the window, as the desk's locale writes them.

The window formats with `QLocale()` (the desktop's locale, or `CONSOLE_LOCALE` when set) and
the office's currency (put into effect when the desk loads the office settings). The plain C
locale, when nothing is chosen, writes ISO dates, 24-hour times and English numbers. Services
that write PDFs and messages are told the window's locale name, so paper matches the screen.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

from PySide6.QtCore import QDate, QLocale, QTime
from PySide6.QtWidgets import QDateTimeEdit

from console.services.office import formatting
from console.services.office.clock import local as office_local
from console.services.referrals.lifecycle import parse_money

Amount = Decimal | float | int

NEUTRAL_DATE = "yyyy-MM-dd"
NEUTRAL_TIME = "HH:mm"


class PlainValue(str):
    """A cell's text for a file other programs read (`2026-03-17`, `1234.50`), carrying the
    value itself so a spreadsheet can hold it as a date or a number."""

    value: object

    def __new__(cls, text: str, value: object) -> PlainValue:
        plain = super().__new__(cls, text)
        plain.value = value
        return plain


_plain = threading.local()


@contextmanager
def plain_values() -> Iterator[None]:
    """On this thread, write ISO dates and plain decimals instead of the desk's way, for an
    export; the window, on its own thread, goes on as it was."""
    before = getattr(_plain, "on", False)
    _plain.on = True
    try:
        yield
    finally:
        _plain.on = before


def _writing_plain() -> bool:
    return bool(getattr(_plain, "on", False))


def _plain_decimal(value: Amount, places: int) -> PlainValue:
    amount = Decimal(str(value)).quantize(Decimal(1).scaleb(-places))
    return PlainValue(f"{amount:f}", amount)


def desk_locale() -> QLocale:
    """The locale the window writes in: `CONSOLE_LOCALE` when set, else the default `QLocale`."""
    override = os.environ.get(formatting.LOCALE_VARIABLE, "").strip()
    if override:
        return QLocale(formatting.locale_name(override))
    return QLocale()


def _is_neutral(locale: QLocale) -> bool:
    return locale.language() == QLocale.Language.C


def _numbers(locale: QLocale) -> QLocale:
    """The C locale does not group thousands; the neutral way writes numbers as English does."""
    return (
        QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
        if _is_neutral(locale)
        else locale
    )


def locale_name() -> str:
    """The window's locale as services name it (`de_DE`; `C` for the neutral one)."""
    locale = desk_locale()
    return formatting.NEUTRAL if _is_neutral(locale) else locale.name()


def money(value: Amount | None, *, cents: bool = True, currency: str | None = None) -> str:
    """An amount in the office's currency (or `currency`), in the desk's locale; "" for None."""
    if value is None:
        return ""
    if _writing_plain():
        return _plain_decimal(value, 2)
    locale = desk_locale()
    code = currency or formatting.office_currency()
    symbol = formatting.currency_symbol(code, locale_name())
    return _numbers(locale).toCurrencyString(float(value), symbol, 2 if cents else 0)


def currency_sign() -> str:
    """The sign the desk writes for the office's currency ($, €, US$), for field labels."""
    return formatting.currency_symbol(None, locale_name())


def typed_money(text: str, field: str) -> Decimal | None:
    """An amount typed in a field, read the desk's way (`1.234,50` in German); None when empty.

    Raises InputError naming `field` for text that is not an amount as the desk writes one.
    """
    return parse_money(text, field, locale=locale_name())


def number(value: Amount | None, decimals: int = 0) -> str:
    if value is None:
        return ""
    if _writing_plain():
        return _plain_decimal(value, decimals)
    return _numbers(desk_locale()).toString(float(value), "f", decimals)


def percent(value: Amount | None) -> str:
    """A share (0.42) as the locale writes a percentage."""
    if value is None:
        return ""
    if _writing_plain():
        share = Decimal(str(value))
        return PlainValue(f"{share:f}", share)
    return formatting.percent(value, locale_name())


def _date_pattern(locale: QLocale) -> str:
    if _is_neutral(locale):
        return NEUTRAL_DATE
    pattern = locale.dateFormat(QLocale.FormatType.ShortFormat)
    # A two-digit year is ambiguous in a list that spans decades: write it in full.
    return pattern if "yyyy" in pattern else pattern.replace("yy", "yyyy")


def date_pattern() -> str:
    """The desk's short date as a Qt pattern with the year in full, for date fields."""
    return _date_pattern(desk_locale())


def _time_pattern(locale: QLocale) -> str:
    if _is_neutral(locale):
        return NEUTRAL_TIME
    return locale.timeFormat(QLocale.FormatType.ShortFormat)


def time_pattern() -> str:
    """The desk's short time as a Qt pattern for time fields (12- or 24-hour).

    Locales put a narrow no-break space before AM/PM; a field wants the space people type.
    """
    pattern = _time_pattern(desk_locale())
    for space in ("\u202f", "\u00a0"):
        pattern = pattern.replace(space, " ")
    return pattern


def datetime_pattern() -> str:
    """The desk's short date and time as one Qt pattern, year in full, for date-time fields."""
    return f"{date_pattern()} {time_pattern()}"


def show_desk_dates(edit: QDateTimeEdit, *, clock: bool = False, weekday: str = "") -> None:
    """Make a date (or date-time, `clock`) field read and take dates the desk's way.

    `weekday` ("ddd" short, "dddd" full) puts the day's name first, where the day of the week
    matters to the person choosing.
    """
    edit.setLocale(desk_locale())
    pattern = datetime_pattern() if clock else date_pattern()
    edit.setDisplayFormat(f"{weekday} {pattern}" if weekday else pattern)


def date(value: dt.date | dt.datetime | None) -> str:
    """A day (a stored moment: its office day) as the locale's short date, year in full."""
    if value is None:
        return ""
    day = office_local(value).date() if isinstance(value, dt.datetime) else value
    if _writing_plain():
        return PlainValue(day.isoformat(), day)
    locale = desk_locale()
    return locale.toString(QDate(day.year, day.month, day.day), _date_pattern(locale))


def time(value: dt.time | dt.datetime | None) -> str:
    """A time of day (a stored moment: its office wall-clock time), 12- or 24-hour."""
    if value is None:
        return ""
    clock = office_local(value).time() if isinstance(value, dt.datetime) else value
    if _writing_plain():
        return PlainValue(f"{clock:%H:%M}", clock)
    locale = desk_locale()
    return locale.toString(QTime(clock.hour, clock.minute, clock.second), _time_pattern(locale))


def datetime(value: dt.datetime | None) -> str:
    """A stored moment as the office's date and time."""
    if value is None:
        return ""
    if _writing_plain():
        wall_clock = office_local(value).replace(tzinfo=None, second=0, microsecond=0)
        return PlainValue(f"{wall_clock:%Y-%m-%d %H:%M}", wall_clock)
    return f"{date(value)} {time(value)}"


# PDFs and messages made while the window is open are written in the window's locale.
formatting.follow_window_locale(locale_name)
