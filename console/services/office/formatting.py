"""Dates, times, numbers and money as the desk's locale writes them, for PDFs and messages.

Services cannot ask Qt, so they format with Babel (the CLDR data every desktop locale comes
from). The locale is the desk's: `CONSOLE_LOCALE` when set, else the window's (which hands its
`QLocale` over through `follow_window_locale`), else the process's `LC_ALL` or `LANG`, as the
command line has it. The plain C or POSIX locale (nothing chosen) writes ISO dates, 24-hour
times and English numbers. The currency is the office's, put into effect whenever the office
settings are loaded or saved, as the office's time zone is.

Files meant for other programs (CSV and XLSX exports) keep ISO dates and plain decimals and do
not come through here.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
import os
import re
import unicodedata
from collections.abc import Callable, Mapping
from decimal import Decimal
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_interval, format_skeleton
from babel.dates import format_time as babel_format_time
from babel.numbers import (
    NumberFormatError,
    format_decimal,
    format_percent,
    get_currency_name,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
    list_currencies,
    parse_decimal,
)

from console.services.office import clock as office_time

log = logging.getLogger(__name__)

NEUTRAL = "C"  # no locale chosen: ISO dates, 24-hour times, English numbers
DEFAULT_CURRENCY = "USD"
LOCALE_VARIABLE = "CONSOLE_LOCALE"
# Names and number symbols of the neutral locale, with its own ISO patterns for dates.
NEUTRAL_LANGUAGE = "en_US"
NEUTRAL_PATTERNS = {
    "date": "yyyy-MM-dd",
    "time": "HH:mm",
    "datetime": "yyyy-MM-dd HH:mm",
    "day": "EEE dd MMM",
}

Amount = Decimal | float | int


class UnknownCurrency(ValueError):
    """A code that is not an ISO 4217 currency Babel knows."""


def locale_name(text: str | None) -> str:
    """A locale as the environment spells it (`de_DE.UTF-8@euro`, `fr-FR`) in Babel's form.

    Empty, C and POSIX are the neutral locale; so is a name no locale data exists for (with a
    warning in the log), so a mistyped variable never stops a command.
    """
    name = (text or "").strip().split(".")[0].split("@")[0].replace("-", "_")
    if name in ("", "C", "POSIX"):
        return NEUTRAL
    try:
        return str(_babel_locale(name))
    except (UnknownLocaleError, ValueError):
        _warn_unknown(name)
        return NEUTRAL


@cache
def _warn_unknown(name: str) -> None:
    log.warning("no locale data for %r; dates and money are written the neutral way", name)


@cache
def _babel_locale(name: str) -> Locale:
    return Locale.parse(NEUTRAL_LANGUAGE if name == NEUTRAL else name)


def environment_locale(environ: Mapping[str, str] | None = None) -> str:
    """The locale a command-line process writes in: `CONSOLE_LOCALE`, else `LC_ALL`, else `LANG`."""
    environ = os.environ if environ is None else environ
    for variable in (LOCALE_VARIABLE, "LC_ALL", "LANG"):
        if environ.get(variable, "").strip():
            return locale_name(environ[variable])
    return NEUTRAL


_window_locale: Callable[[], str] | None = None


def follow_window_locale(source: Callable[[], str] | None) -> Callable[[], str] | None:
    """In the window: services ask `source` (the window's locale name) for the desk's locale.

    Returns the source followed until now.
    """
    global _window_locale
    before, _window_locale = _window_locale, source
    return before


def desk_locale() -> str:
    """The locale this desk writes in: the override, else the window's, else the process's."""
    override = os.environ.get(LOCALE_VARIABLE, "").strip()
    if override:
        return locale_name(override)
    if _window_locale is not None:
        return locale_name(_window_locale())
    return environment_locale()


def _resolve(locale: str | None) -> tuple[Locale, bool]:
    """Babel's locale for `locale` (None: the desk's) and whether it is the neutral one."""
    name = desk_locale() if locale is None else locale_name(locale)
    return _babel_locale(name), name == NEUTRAL


# The office's currency ---------------------------------------------------------------------


def is_currency(code: str) -> bool:
    return code in _currencies()


def currency_codes() -> list[str]:
    """Every ISO 4217 code an office may choose, in order."""
    return sorted(_currencies())


@cache
def _currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def currency_problem(code: str) -> str | None:
    """Why `code` cannot be the office's currency, or None when it can."""
    if not isinstance(code, str) or not code.strip():
        return "give a three-letter ISO 4217 code such as USD, EUR or GBP"
    if code != code.strip().upper() or not is_currency(code):
        return f"{code!r} is not an ISO 4217 currency code (such as USD, EUR or GBP)"
    return None


_office_currency = DEFAULT_CURRENCY


def use_currency(code: str) -> str:
    """Show money in `code` from now on in this process; an unknown code keeps USD (logged)."""
    global _office_currency
    if currency_problem(code) is None:
        _office_currency = code
    else:
        log.warning("office currency %r is unknown here; showing %s", code, DEFAULT_CURRENCY)
        _office_currency = DEFAULT_CURRENCY
    return _office_currency


def office_currency() -> str:
    return _office_currency


def currency_symbol(currency: str | None = None, locale: str | None = None) -> str:
    """The sign `locale` writes for `currency` (None: the office's): $, €, US$, CHF."""
    babel_locale, _neutral = _resolve(locale)
    return str(get_currency_symbol(currency or _office_currency, babel_locale))


def currency_label(code: str, locale: str | None = None) -> str:
    """`EUR · Euro`, for lists people choose a currency from."""
    babel_locale, _neutral = _resolve(locale)
    return f"{code} · {get_currency_name(code, locale=babel_locale)}"


# Numbers and money -------------------------------------------------------------------------


def money(
    value: Amount | None,
    currency: str | None = None,
    locale: str | None = None,
    *,
    cents: bool = True,
) -> str:
    """An amount in `currency` (None: the office's) as `locale` writes it; "" for None.

    `cents=False` rounds to whole units, for tables and sheets where cents are noise.
    """
    if value is None:
        return ""
    babel_locale, _neutral = _resolve(locale)
    code = currency or _office_currency
    pattern = babel_locale.currency_formats["standard"]
    if cents:
        return str(pattern.apply(Decimal(str(value)), babel_locale, currency=code))
    whole = copy.copy(pattern)
    whole.frac_prec = (0, 0)
    return str(whole.apply(Decimal(str(value)), babel_locale, currency=code, currency_digits=False))


def number(value: Amount | None, locale: str | None = None, decimals: int = 0) -> str:
    """A number with the locale's grouping and decimal sign, to `decimals` places."""
    if value is None:
        return ""
    babel_locale, _neutral = _resolve(locale)
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return str(format_decimal(Decimal(str(value)), format=pattern, locale=babel_locale))


def percent(value: Amount | None, locale: str | None = None) -> str:
    """A share (0.42) as the locale writes a percentage (42%, 42 %)."""
    if value is None:
        return ""
    babel_locale, _neutral = _resolve(locale)
    return str(format_percent(Decimal(str(value)), locale=babel_locale))


# Reading typed amounts --------------------------------------------------------------------

_SPACES = ("\u00a0", "\u202f", "\u2009", " ")


class AmountProblem(ValueError):
    """Typed text that is not an amount as the locale writes one; the message says why."""


def read_amount(text: str, locale: str | None = None, decimals: int = 2) -> Decimal:
    """An amount typed the way `locale` (None: the desk's) writes one: `1.234,50 €` in German,
    `$1,234.50` in English. The currency's sign is optional.

    Text that reads as another locale's number (`1234.50` on a German desk, `1.234,50` on an
    English one) or with more than two decimals (`1,234` on a German desk, where it may mean a
    thousand) is refused rather than guessed. `decimals` is how many an amount may have: cents
    for money, more for a rate such as a spiff's 2.125 %.
    """
    babel_locale, _neutral = _resolve(locale)
    decimal_sign = get_decimal_symbol(babel_locale)
    group_sign = get_group_symbol(babel_locale)
    example = number(Decimal("1234.50"), locale=str(babel_locale), decimals=2)
    written = _without_currency(text, babel_locale).strip()
    if group_sign in _SPACES:
        # Any space between digits is the group separator people mean.
        for space in _SPACES:
            written = written.replace(space, group_sign)
    allowed = set("0123456789-") | {decimal_sign, group_sign}
    if not written or not set(written) <= allowed or "-" in written[1:]:
        hint = f" (write amounts like {example})" if any(c.isdigit() for c in written) else ""
        raise AmountProblem(f"{text.strip()!r} is not a number{hint}")
    try:
        amount = Decimal(parse_decimal(written, babel_locale, strict=True))
    except NumberFormatError:
        raise AmountProblem(
            f"{text.strip()!r} is not a number as this desk writes amounts (like {example})"
        ) from None
    if amount != amount.quantize(Decimal(1).scaleb(-decimals)):
        if decimals != 2:
            raise AmountProblem(f"{text.strip()!r} has more than {decimals} decimals")
        raise AmountProblem(
            f"{text.strip()!r} has more than two decimals; write cents after "
            f"{decimal_sign!r} (like {example})"
        )
    return amount


def _without_currency(text: str, babel_locale: Locale) -> str:
    """`text` without the office currency's code or sign, nor any other currency sign."""
    code = _office_currency
    for sign in sorted(
        {str(get_currency_symbol(code, babel_locale)), code, code.lower()}, key=len, reverse=True
    ):
        text = text.replace(sign, "")
    return "".join(char for char in text if unicodedata.category(char) != "Sc")


# Dates and times ---------------------------------------------------------------------------

# A two-letter year is ambiguous on paper that outlives the decade: write the year in full.
_SHORT_YEAR = re.compile(r"(?<!y)yy(?!y)")


def _full_year(pattern: str) -> str:
    return _SHORT_YEAR.sub("y", pattern)


def _pattern(kind: str, babel_locale: Locale, neutral: bool) -> str:
    if neutral:
        return NEUTRAL_PATTERNS[kind]
    if kind == "date":
        return _full_year(str(babel_locale.date_formats["short"].pattern))
    if kind == "time":
        return str(babel_locale.time_formats["short"].pattern)
    glue = str(babel_locale.datetime_formats["short"])
    return glue.replace("{1}", _pattern("date", babel_locale, neutral)).replace(
        "{0}", _pattern("time", babel_locale, neutral)
    )


def _wall_clock(value: dt.datetime) -> dt.datetime:
    """A stored (aware, UTC) moment in the office's zone; a naive one is taken as it is."""
    return office_time.local(value) if value.tzinfo is not None else value


def date(value: dt.date | dt.datetime | None, locale: str | None = None) -> str:
    """A day (a moment: its office day) as the locale writes a short date, year in full."""
    if value is None:
        return ""
    babel_locale, neutral = _resolve(locale)
    day = _wall_clock(value).date() if isinstance(value, dt.datetime) else value
    return str(format_date(day, _pattern("date", babel_locale, neutral), locale=babel_locale))


def time(value: dt.time | dt.datetime | None, locale: str | None = None) -> str:
    """A time of day (a moment: its office wall-clock time), 12- or 24-hour as the locale has it."""
    if value is None:
        return ""
    babel_locale, neutral = _resolve(locale)
    clock = _wall_clock(value).time() if isinstance(value, dt.datetime) else value
    return str(
        babel_format_time(clock, _pattern("time", babel_locale, neutral), locale=babel_locale)
    )


def datetime(value: dt.datetime | None, locale: str | None = None) -> str:
    """A stored moment as the office's date and time, the locale's way."""
    if value is None:
        return ""
    babel_locale, neutral = _resolve(locale)
    shown = _wall_clock(value).replace(tzinfo=None)
    return str(
        format_datetime(shown, _pattern("datetime", babel_locale, neutral), locale=babel_locale)
    )


def day(
    value: dt.date | dt.datetime | None, locale: str | None = None, *, year: bool = False
) -> str:
    """A day with its weekday (Fri, Dec 4; Fr., 4. Dez.), for lists in a week; `year=True`
    adds the year, for a day that may fall in another year than the reader's."""
    if value is None:
        return ""
    babel_locale, neutral = _resolve(locale)
    shown = _wall_clock(value).date() if isinstance(value, dt.datetime) else value
    if neutral:
        pattern = NEUTRAL_PATTERNS["day"] + (" yyyy" if year else "")
        return str(format_date(shown, pattern, locale=babel_locale))
    return str(format_skeleton("yMMMEd" if year else "MMMEd", shown, locale=babel_locale))


def day_span(first: dt.date, last: dt.date, locale: str | None = None) -> str:
    """Two days as one span the locale's way (Mon, Nov 30 – Sun, Dec 6, 2026)."""
    babel_locale, neutral = _resolve(locale)
    if neutral:
        pattern = NEUTRAL_PATTERNS["day"]
        return (
            f"{format_date(first, pattern, locale=babel_locale)} – "
            f"{format_date(last, pattern + ' yyyy', locale=babel_locale)}"
        )
    return str(format_interval(first, last, "yMMMEd", locale=babel_locale))
