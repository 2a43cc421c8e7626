"""A saved briefing is named for the customer (family name first) and the visit's date, and the
name is valid on Windows."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.services.briefing.file_names import (
    WINDOWS_DEVICES,
    briefing_file_name,
    filing_name,
    windows_safe,
)

DAY = dt.date(2026, 12, 5)


@pytest.mark.parametrize(
    ("name", "company", "expected"),
    [
        ("Ada Miller", None, "Briefing - Miller, Ada - 2026-12-05.pdf"),
        ("Mary Ann  Lee", None, "Briefing - Lee, Mary Ann - 2026-12-05.pdf"),
        ("Miller, Ada", None, "Briefing - Miller, Ada - 2026-12-05.pdf"),
        ("Cher", None, "Briefing - Cher - 2026-12-05.pdf"),
        (
            "Kim Coffee House",
            "Kim Coffee House Inc.",
            "Briefing - Kim Coffee House - 2026-12-05.pdf",
        ),
        ("Łukasz Wójcik", None, "Briefing - Wójcik, Łukasz - 2026-12-05.pdf"),
        ('AC/DC "Repairs"', "AC/DC", "Briefing - AC-DC -Repairs- - 2026-12-05.pdf"),
        ("CON", None, "Briefing - _CON - 2026-12-05.pdf"),
        ("   ", None, "Briefing - customer - 2026-12-05.pdf"),
    ],
)
def test_default_names(name: str, company: str | None, expected: str) -> None:
    assert briefing_file_name(name, company, DAY) == expected


def test_filing_name_keeps_a_business_as_it_is() -> None:
    assert filing_name("O'Brien Print Shop", "O'Brien Print Shop") == "O'Brien Print Shop"


@given(st.text(max_size=200))
def test_any_name_is_safe_on_windows(name: str) -> None:
    safe = windows_safe(name)
    assert safe and len(safe) <= 81
    assert not any(ch in safe for ch in '<>:"/\\|?*') and all(ord(ch) >= 32 for ch in safe)
    assert not safe.endswith((" ", "."))
    assert safe.split(".")[0].upper() not in WINDOWS_DEVICES
