"""Turning a cell's text into a typed value, or a reason it cannot be one.

How a column writes its numbers and dates (which mark is the decimal one, whether the day
comes first) is decided for the whole column beforehand (`column_formats`); each cell is
then read strictly in that format, never guessed on its own.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from email_validator import EmailNotValidError, validate_email

from console.services.office.clock import as_utc
from console.services.transfer.formulas import unprotect
from console.services.transfer.kinds import Field, FieldType

TRUE = {"1", "true", "yes", "y", "x", "t", "ja", "oui", "sí", "si"}
FALSE = {"0", "false", "no", "n", "f", "nein", "non"}
NUMERIC_DATE = re.compile(
    r"^(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$"
)
FIRST_YEAR, LAST_YEAR = 1900, 2100
# Currency signs and codes around an amount; spaces, non-breaking spaces and apostrophes
# only ever group thousands.
CURRENCY = re.compile(r"^[A-Za-z]{3}\s*|\s*[A-Za-z]{3}$|[$€£¥₹₽₩₪₺₫฿¤]")
GROUPING = re.compile(r"[\s\u00a0\u202f'’]")
AMOUNT = re.compile(r"^\d[\d.,]*$|^[.,]\d+$")
MARKS = (",", ".")


class CellProblem(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class ColumnFormat:
    """How one column writes its values: the decimal mark, and whether the day comes first.

    `day_first` None means no cell of the column needs it (no ambiguous date).
    """

    decimal: str = "."
    day_first: bool | None = None


PLAIN = ColumnFormat()


# -- money ----------------------------------------------------------------------------


def amount_digits(text: str) -> tuple[bool, str]:
    """(negative, the figures with their marks) once signs, currency and grouping are gone."""
    body = CURRENCY.sub("", text).strip()
    negative = False
    if body.startswith("(") and body.endswith(")"):
        negative, body = True, body[1:-1].strip()
    if body.startswith("-"):
        negative, body = True, body[1:]
    elif body.endswith("-"):
        negative, body = True, body[:-1]
    elif body.startswith("+"):
        body = body[1:]
    body = CURRENCY.sub("", body.strip())
    return negative, GROUPING.sub("", body)


def decimal_evidence(text: str) -> str | None:
    """What one amount says about its column's decimal mark.

    "," or "." when the text settles it, "?" when it could be either (`1,234`), None when it
    says nothing (no mark) or is not an amount at all (the cell's own check reports that).
    """
    _negative, body = amount_digits(text)
    if not AMOUNT.match(body):
        return None
    marks = [mark for mark in MARKS if mark in body]
    if not marks:
        return None
    if len(marks) == 2:
        return body[max(body.rfind(","), body.rfind("."))]
    (mark,) = marks
    head, *groups = body.split(mark)
    if len(groups) > 1:
        # Repeated, it can only group thousands: the other mark is the decimal one.
        return "." if mark == "," else ","
    if len(groups[0]) != 3 or not head or len(head) > 3 or head.startswith("0"):
        return mark
    return "?"


def parse_amount(text: str, decimal: str, scale: int, precision: int) -> Decimal:
    """An amount written with `decimal` as its decimal mark and the other mark grouping."""
    negative, body = amount_digits(text)
    thousands = "." if decimal == "," else ","
    if not AMOUNT.match(body) or body.count(decimal) > 1:
        raise CellProblem(f"{text!r} is not a number")
    whole, _, fraction = body.partition(decimal)
    if thousands in fraction:
        raise CellProblem(f"{text!r} is not a number with {decimal} as the decimal mark")
    if thousands in whole:
        head, *groups = whole.split(thousands)
        if not head or len(head) > 3 or any(len(group) != 3 for group in groups):
            raise CellProblem(f"{text!r} is not a number with {decimal} as the decimal mark")
        whole = head + "".join(groups)
    if len(fraction) > scale:
        raise CellProblem(f"{text!r} has more than {scale} decimals")
    try:
        amount = Decimal(f"{whole or '0'}.{fraction or '0'}")
    except InvalidOperation:
        raise CellProblem(f"{text!r} is not a number") from None
    if negative and amount:
        raise CellProblem("must not be negative")
    if amount >= Decimal(10) ** (precision - scale):
        raise CellProblem("is too large")
    return amount.quantize(Decimal(1).scaleb(-scale))


# -- dates ----------------------------------------------------------------------------


def date_parts(text: str) -> tuple[int, int] | None:
    """The first two figures of a day/month (or month/day) date; None for ISO and the like."""
    match = NUMERIC_DATE.match(text)
    if not match or len(match.group(1)) > 2:
        return None
    return int(match.group(1)), int(match.group(2))


def _in_range(year: int, text: str) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise CellProblem(f"{text!r} is out of range")


def _numeric_date(text: str, day_first: bool | None) -> dt.datetime:
    match = NUMERIC_DATE.match(text)
    if not match:
        raise CellProblem(f"{text!r} is not a date")
    a, b, c, hour, minute, second = match.groups()
    if len(a) == 4:
        year, month, day = int(a), int(b), int(c)
    else:
        first, second_part = int(a), int(b)
        if day_first is None:
            # The column settled nothing, so no cell of it is ambiguous.
            day_first = first > 12 or first == second_part
        day, month = (first, second_part) if day_first else (second_part, first)
        year = int(c) + (2000 if len(c) == 2 and int(c) < 70 else 1900 if len(c) == 2 else 0)
    _in_range(year, text)
    try:
        return dt.datetime(year, month, day, int(hour or 0), int(minute or 0), int(second or 0))
    except ValueError:
        raise CellProblem(f"{text!r} is not a date") from None


def parse_datetime(text: str, day_first: bool | None) -> dt.datetime:
    """ISO 8601, or day/month/year figures in the column's order, as a UTC moment.

    A time without a zone is the office's wall-clock time, read as one typed at the desk
    (`as_utc`), so a file means the same on every desk whatever the computer's own zone: a
    time the clocks skip moves forward by the gap (02:30 on a spring-forward night is 03:30),
    a time the clocks show twice is its first occurrence (01:30 on a fall-back night is the
    one before the change).
    """
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        value = _numeric_date(text, day_first)
    _in_range(value.year, text)
    try:
        value = as_utc(value)
    except (OverflowError, ValueError):
        raise CellProblem(f"{text!r} is out of range") from None
    _in_range(value.year, text)
    return value


def parse_date(text: str, day_first: bool | None) -> dt.date:
    try:
        value = dt.date.fromisoformat(text)
    except ValueError:
        try:
            value = dt.datetime.fromisoformat(text).date()
        except ValueError:
            value = _numeric_date(text, day_first).date()
    _in_range(value.year, text)
    return value


# -- one cell -------------------------------------------------------------------------


def _text(field: Field, text: str) -> str:
    if field.max_length and len(text) > field.max_length:
        raise CellProblem(f"is longer than {field.max_length} characters")
    if "\x00" in text:
        raise CellProblem("contains a NUL character")
    return text


def _email(field: Field, text: str) -> str:
    _text(field, text)
    try:
        validate_email(text, check_deliverability=False)
    except EmailNotValidError as error:
        raise CellProblem(f"{text!r} is not an email address: {error}") from None
    return text  # stored as written, never normalised


def convert(field: Field, raw: str, form: ColumnFormat = PLAIN) -> object:
    """The typed value of one cell; empty cells are None (a required one is a problem)."""
    text = unprotect(raw.strip())
    if not text:
        if field.required:
            raise CellProblem("is required")
        return None
    if field.type is FieldType.TEXT:
        return _text(field, text)
    if field.type is FieldType.EMAIL:
        return _email(field, text)
    if field.type is FieldType.DATE:
        return parse_date(text, form.day_first)
    if field.type is FieldType.DATETIME:
        return parse_datetime(text, form.day_first)
    if field.type is FieldType.BOOL:
        lowered = text.lower()
        if lowered in TRUE:
            return True
        if lowered in FALSE:
            return False
        raise CellProblem(f"{text!r} is not yes or no")
    return parse_amount(text, form.decimal, field.scale or 2, field.precision or 12)
