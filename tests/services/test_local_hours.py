"""Business hours on the office's clock: first-contact due times stay exact when daylight
saving starts or ends, and opening hours the clocks skip or repeat are read deliberately."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest

from console.models import ReferralStatus
from console.services.office.clock import ZONE_ENV, configure_office_zone
from console.services.office.settings import OfficeSettings
from console.services.referrals.promptness import first_contact_due, is_overdue

UTC = dt.UTC
WORKING_DAYS = OfficeSettings(
    first_contact_hours=2, business_hours_only=True, business_day_start=8, business_day_end=17
)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def in_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    configure_office_zone(None)
    yield lambda name: monkeypatch.setenv(ZONE_ENV, name)
    configure_office_zone(None)


# Made at 16:00 on the Friday before the clocks change; one working hour is left that day, the
# other falls at 09:00 on Monday, after the change, in the new offset.
ACROSS_A_CHANGE = [
    ("America/New_York", utc(2026, 3, 6, 21), utc(2026, 3, 9, 13)),  # EST, then EDT
    ("America/New_York", utc(2026, 10, 30, 20), utc(2026, 11, 2, 14)),  # EDT, then EST
    ("Europe/Berlin", utc(2026, 3, 27, 15), utc(2026, 3, 30, 7)),  # CET, then CEST
    ("Europe/Berlin", utc(2026, 10, 23, 14), utc(2026, 10, 26, 8)),  # CEST, then CET
    ("Australia/Sydney", utc(2026, 4, 3, 5), utc(2026, 4, 5, 23)),  # AEDT, then AEST
    ("Australia/Sydney", utc(2026, 10, 2, 6), utc(2026, 10, 4, 22)),  # AEST, then AEDT
]


@pytest.mark.parametrize(("zone", "created", "due"), ACROSS_A_CHANGE)
def test_business_hours_due_time_is_exact_across_a_clock_change(
    in_zone: Callable[[str], None], zone: str, created: dt.datetime, due: dt.datetime
) -> None:
    in_zone(zone)
    assert first_contact_due(created, WORKING_DAYS) == due
    new = ReferralStatus.NEW
    assert not is_overdue(new, created, None, due - dt.timedelta(seconds=1), WORKING_DAYS)
    assert is_overdue(new, created, None, due, WORKING_DAYS)
    assert not is_overdue(new, created, due - dt.timedelta(minutes=5), due, WORKING_DAYS)


def test_a_long_limit_counts_whole_working_days_after_the_change(
    in_zone: Callable[[str], None],
) -> None:
    in_zone("America/New_York")
    settings = OfficeSettings(first_contact_hours=24, business_hours_only=True)
    # Friday 16:00 EST: 1 hour, Monday 9, Tuesday 9, then 5 on Wednesday: 13:00 EDT.
    assert first_contact_due(utc(2026, 3, 6, 21), settings) == utc(2026, 3, 11, 17)


def test_calendar_limit_counts_elapsed_hours_over_a_short_night(
    in_zone: Callable[[str], None],
) -> None:
    in_zone("America/New_York")
    settings = OfficeSettings(first_contact_hours=24)
    # Noon EST on Saturday; 24 hours later the clocks say 13:00 EDT on Sunday.
    assert first_contact_due(utc(2026, 3, 7, 17), settings) == utc(2026, 3, 8, 17)


def test_an_opening_hour_the_clocks_skip_opens_when_the_clocks_jump(
    in_zone: Callable[[str], None],
) -> None:
    # Jerusalem moves from 02:00 to 03:00 on Friday 27 March: an office opening at 02:00
    # opens that day at 03:00 IDT (00:00 UTC), never an hour before the clocks jump.
    in_zone("Asia/Jerusalem")
    settings = OfficeSettings(
        first_contact_hours=3, business_hours_only=True, business_day_start=2, business_day_end=10
    )
    thursday_nine = utc(2026, 3, 26, 7)  # 09:00 IST: one working hour left on Thursday
    assert first_contact_due(thursday_nine, settings) == utc(2026, 3, 27, 2)  # 05:00 IDT


def test_an_hour_the_clocks_show_twice_is_worked_from_its_first_occurrence(
    in_zone: Callable[[str], None],
) -> None:
    # Cairo turns 24:00 back to 23:00 on Thursday 29 October: an evening shift from 23:00 to
    # midnight starts at the first 23:00 (20:00 UTC) and lasts two hours that night.
    in_zone("Africa/Cairo")
    settings = OfficeSettings(
        first_contact_hours=2, business_hours_only=True, business_day_start=23, business_day_end=24
    )
    thursday_noon = utc(2026, 10, 29, 9)
    assert first_contact_due(thursday_noon, settings) == utc(2026, 10, 29, 22)


def test_an_office_day_without_working_hours_counts_calendar_time(
    in_zone: Callable[[str], None],
) -> None:
    in_zone("Europe/Berlin")
    closed = OfficeSettings(
        first_contact_hours=5, business_hours_only=True, business_day_start=9, business_day_end=9
    )
    assert first_contact_due(utc(2026, 3, 27, 15), closed) == utc(2026, 3, 27, 20)
