"""Table columns declared as data, so a new column is one entry and not a new branch."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

from PySide6.QtCore import Qt

from console.views.common import locale_format

Row = TypeVar("Row")


@dataclass(frozen=True)
class Column(Generic[Row]):
    title: str
    value: Callable[[Row], Any]
    tooltip: Callable[[Row], str | None] | None = None
    sort_key: str | None = None
    align_right: bool = False
    width: int | None = None
    priority: int = 0
    """Where space is short, columns with the highest priority number are hidden first; 0 stays."""


def local_time(value: dt.datetime | None, with_time: bool = True) -> str:
    """A UTC timestamp as the desk's local time, the way people read it."""
    return locale_format.datetime(value) if with_time else locale_format.date(value)


def money(value: Decimal | None) -> str:
    """Whole units of the office's currency: a table is read at a glance."""
    return locale_format.money(value, cents=False)


def display_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return local_time(value)
    if isinstance(value, dt.date):
        return locale_format.date(value)
    if isinstance(value, Decimal):
        return money(value)
    if hasattr(value, "label"):
        return str(value.label)
    return str(value)


ALIGN_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
