"""Due or overdue in words: amounts are elapsed time rounded down, days are the office's,
clock times are what the office's clocks show, across daylight saving changes too."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.services.office.clock import ZONE_ENV, configure_office_zone, local
from console.services.referrals.due_words import ago_in_words, due_in_words

UTC = dt.UTC
# Zones with a spring-forward and a fall-back, one south of the equator, one that moves by
# half an hour, and one with no change at all.
ZONES = (
    "America/New_York",
    "Europe/Berlin",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "UTC",
)
UNITS = {"min": dt.timedelta(minutes=1), "h": dt.timedelta(hours=1), "d": dt.timedelta(days=1)}


@pytest.fixture
def in_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    configure_office_zone(None)
    yield lambda name: monkeypatch.setenv(ZONE_ENV, name)
    configure_office_zone(None)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "now", "due", "words"),
    [
        ("America/New_York", utc(2026, 3, 16, 13), utc(2026, 3, 16, 16, 20), "due in 3 h"),
        ("America/New_York", utc(2026, 3, 16, 18), utc(2026, 3, 16, 13), "5 h overdue"),
        ("America/New_York", utc(2026, 3, 16, 20), utc(2026, 3, 17, 13), "due tomorrow 9:00"),
        ("America/New_York", utc(2026, 3, 16, 13), utc(2026, 3, 16, 13, 40), "due in 40 min"),
        ("America/New_York", utc(2026, 3, 16, 13), utc(2026, 3, 16, 12, 30), "30 min overdue"),
        ("America/New_York", utc(2026, 3, 16, 13), utc(2026, 3, 16, 13, 0), "due now"),
        ("America/New_York", utc(2026, 3, 16, 13), utc(2026, 3, 13, 13), "3 d overdue"),
        ("America/New_York", utc(2026, 3, 16, 13), utc(2026, 3, 20, 19), "due Fri 15:00"),
        ("America/New_York", utc(2026, 3, 16, 13), utc(2026, 4, 20, 19), "due 20 Apr"),
        ("America/New_York", utc(2026, 12, 16, 13), utc(2027, 1, 20, 19), "due 20 Jan 2027"),
        # The night the clocks spring forward: 00:30 EST to 09:00 EDT is 7.5 elapsed hours,
        # though the wall clock moves 8.5.
        ("America/New_York", utc(2026, 3, 8, 5, 30), utc(2026, 3, 8, 13), "due in 7 h"),
        # The evening before it, 09:00 tomorrow is said on tomorrow's clock (EDT).
        ("America/New_York", utc(2026, 3, 8, 3), utc(2026, 3, 8, 13), "due tomorrow 9:00"),
        # Falling back: 00:30 EDT to 09:00 EST is 9.5 elapsed hours.
        ("America/New_York", utc(2026, 11, 1, 4, 30), utc(2026, 11, 1, 14), "due in 9 h"),
        # 23:30 UTC is 00:30 on the 17th in Berlin: 08:00 there is later the same office day.
        ("Europe/Berlin", utc(2026, 3, 16, 23, 30), utc(2026, 3, 17, 7), "due in 7 h"),
        ("Europe/Berlin", utc(2026, 3, 16, 20), utc(2026, 3, 17, 8), "due tomorrow 9:00"),
    ],
)
def test_examples(
    in_zone: Callable[[str], None], zone: str, now: dt.datetime, due: dt.datetime, words: str
) -> None:
    in_zone(zone)
    assert due_in_words(due, now) == words


AMOUNT = re.compile(r"^(?:due in (\d+) (min|h)|(\d+) (min|h|d) overdue)$")
TOMORROW = re.compile(r"^due tomorrow (\d{1,2}):(\d{2})$")
WEEKDAY = re.compile(r"^due (Mon|Tue|Wed|Thu|Fri|Sat|Sun) (\d{1,2}):(\d{2})$")
DATE = re.compile(r"^due (\d{1,2}) ([A-Z][a-z]{2})(?: (\d{4}))?$")

instants = st.datetimes(
    min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2028, 12, 31), timezones=st.just(UTC)
)
# Mostly within a few days, where the words are finest, and out to two months.
offsets = st.one_of(
    st.integers(min_value=-3 * 86_400, max_value=3 * 86_400),
    st.integers(min_value=-60 * 86_400, max_value=60 * 86_400),
).map(lambda seconds: dt.timedelta(seconds=seconds))


@settings(max_examples=600, deadline=None)
@given(zone=st.sampled_from(ZONES), now=instants, offset=offsets)
def test_words_say_what_the_clock_and_the_calendar_say(
    zone: str, now: dt.datetime, offset: dt.timedelta
) -> None:
    configure_office_zone(zone)
    try:
        due = now + offset
        words = due_in_words(due, now)
        today, due_day = local(now).date(), local(due).date()
        if abs(offset) < dt.timedelta(minutes=1):
            assert words == "due now"
            return
        assert words.endswith("overdue") == (offset < dt.timedelta(0))
        amount = AMOUNT.match(words)
        if amount is not None:
            number = int(amount.group(1) or amount.group(3))
            unit = UNITS[amount.group(2) or amount.group(4)]
            # Rounded down, in elapsed time: never more time, nor more lateness, than there is.
            assert number * unit <= abs(offset) < (number + 1) * unit
            if words.startswith("due in") and unit == UNITS["h"]:
                assert due_day == today  # "in N h" is later the same office day
            return
        assert offset >= dt.timedelta(hours=1)
        shown = local(due)
        tomorrow = TOMORROW.match(words)
        weekday = WEEKDAY.match(words)
        date = DATE.match(words)
        if tomorrow is not None:
            assert due_day == today + dt.timedelta(days=1)
            assert (int(tomorrow.group(1)), int(tomorrow.group(2))) == (shown.hour, shown.minute)
        elif weekday is not None:
            assert 2 <= (due_day - today).days <= 6
            assert weekday.group(1) == shown.strftime("%a")
            assert (int(weekday.group(2)), int(weekday.group(3))) == (shown.hour, shown.minute)
        else:
            assert date is not None, words
            assert (due_day - today).days > 6
            assert (int(date.group(1)), date.group(2)) == (shown.day, shown.strftime("%b"))
            assert (date.group(3) is not None) == (shown.year != local(now).year)
    finally:
        configure_office_zone(None)


@pytest.mark.parametrize(
    ("ago", "words"),
    [
        (dt.timedelta(seconds=20), "just now"),
        (dt.timedelta(minutes=59, seconds=59), "59 min ago"),
        (dt.timedelta(hours=47, minutes=59), "47 h ago"),
        (dt.timedelta(days=9, hours=23), "9 d ago"),
        (-dt.timedelta(hours=2), "just now"),  # a clock a little ahead on another desk
    ],
)
def test_how_long_ago(ago: dt.timedelta, words: str) -> None:
    now = utc(2026, 3, 8, 12)
    assert ago_in_words(now - ago, now) == words


@given(now=instants, seconds=st.integers(min_value=60, max_value=400 * 86_400))
def test_ago_is_elapsed_time_rounded_down(now: dt.datetime, seconds: int) -> None:
    past = dt.timedelta(seconds=seconds)
    words = ago_in_words(now - past, now)
    number, unit = re.fullmatch(r"(\d+) (min|h|d) ago", words).groups()  # type: ignore[union-attr]
    assert int(number) * UNITS[unit] <= past < (int(number) + 1) * UNITS[unit]
