"""Turning a cell's text into a typed value, or a reason it cannot be one."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from console.services.errors import InputError
from console.services.referrals import parse_money
from console.services.transfer.formulas import unprotect
from console.services.transfer.kinds import Field, FieldType

TRUE = {"1", "true", "yes", "y", "x", "t", "ja", "oui", "sí", "si"}
FALSE = {"0", "false", "no", "n", "f", "", "nein", "non"}
NUMERIC_DATE = re.compile(
    r"^(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$"
)


class CellProblem(ValueError):
    pass


def _numeric_date(text: str, day_first: bool) -> dt.datetime:
    match = NUMERIC_DATE.match(text)
    if not match:
        raise CellProblem(f"{text!r} is not a date")
    a, b, c, hour, minute, second = match.groups()
    if len(a) == 4:
        year, month, day = int(a), int(b), int(c)
    else:
        first, second_part = int(a), int(b)
        if first > 12 and second_part <= 12:
            day, month = first, second_part
        elif second_part > 12 and first <= 12:
            month, day = first, second_part
        elif day_first:
            day, month = first, second_part
        else:
            month, day = first, second_part
        year = int(c) + (2000 if len(c) == 2 and int(c) < 70 else 1900 if len(c) == 2 else 0)
    try:
        return dt.datetime(year, month, day, int(hour or 0), int(minute or 0), int(second or 0))
    except ValueError:
        raise CellProblem(f"{text!r} is not a date") from None


def parse_datetime(text: str, day_first: bool) -> dt.datetime:
    """ISO 8601, or day/month/year figures read as the file has them; naive means local time."""
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        value = _numeric_date(text, day_first)
    if value.tzinfo is None:
        value = value.astimezone()
    return value.astimezone(dt.UTC)


def parse_date(text: str, day_first: bool) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(text).date()
    except ValueError:
        return _numeric_date(text, day_first).date()


def convert(field: Field, raw: str, day_first: bool) -> object:
    """The typed value of one cell; empty cells are None (a required one is a problem)."""
    text = unprotect(raw.strip())
    if not text:
        if field.required:
            raise CellProblem("is required")
        return False if field.type is FieldType.BOOL else None
    if field.type is FieldType.TEXT:
        if field.max_length and len(text) > field.max_length:
            raise CellProblem(f"is longer than {field.max_length} characters")
        return text
    if field.type is FieldType.DATE:
        return parse_date(text, day_first)
    if field.type is FieldType.DATETIME:
        return parse_datetime(text, day_first)
    if field.type is FieldType.BOOL:
        lowered = text.lower()
        if lowered in TRUE:
            return True
        if lowered in FALSE:
            return False
        raise CellProblem(f"{text!r} is not yes or no")
    try:
        amount: Decimal | None = parse_money(text, field.name)
    except InputError as error:
        raise CellProblem(error.message) from None
    return amount
