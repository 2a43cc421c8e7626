"""The office's clock: which zone it uses, its days and months, and the hours that clocks skip
or repeat when daylight saving starts or ends."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Iterator

import pytest

from console.services.office.clock import (
    ZONE_ENV,
    UnknownTimeZone,
    as_utc,
    at_wall_clock,
    configure_office_zone,
    day_bounds,
    known_zones,
    local_date,
    local_today,
    machine_zone,
    month_bounds,
    month_label,
    months_spanning,
    office_zone,
    period_bounds,
    repeated,
    skipped,
)

UTC = dt.UTC


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _machine_clock() -> Iterator[None]:
    """Each test starts on the machine's own zone and leaves `TZ` and the setting as found."""
    before = os.environ.get("TZ")
    configure_office_zone(None)
    yield
    configure_office_zone(None)
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.fixture
def in_zone(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    monkeypatch.delenv(ZONE_ENV, raising=False)
    return lambda name: monkeypatch.setenv(ZONE_ENV, name)


def set_machine_zone(name: str) -> None:
    os.environ["TZ"] = name
    time.tzset()


def test_the_machine_zone_follows_tz_even_after_it_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(ZONE_ENV, raising=False)
    set_machine_zone("America/New_York")
    assert str(machine_zone()) == "America/New_York"
    assert str(office_zone()) == "America/New_York"
    set_machine_zone(":Europe/Berlin")
    assert str(office_zone()) == "Europe/Berlin"
    set_machine_zone("/usr/share/zoneinfo/Australia/Sydney")
    assert str(office_zone()) == "Australia/Sydney"


def test_the_variable_beats_the_machine_and_the_setting_beats_both(
    in_zone: Callable[[str], None],
) -> None:
    set_machine_zone("America/New_York")
    in_zone("Europe/Berlin")
    assert str(office_zone()) == "Europe/Berlin"
    assert str(configure_office_zone("Australia/Sydney")) == "Australia/Sydney"
    assert str(office_zone()) == "Australia/Sydney"
    assert str(configure_office_zone(None)) == "Europe/Berlin"


@pytest.mark.parametrize("name", ["Mars/Olympus_Mons", " ", "../etc/passwd", "/etc/localtime"])
def test_an_unknown_zone_is_refused_and_the_zone_in_use_is_kept(name: str) -> None:
    configure_office_zone("America/New_York")
    with pytest.raises(UnknownTimeZone, match="is not a time zone; use a name like"):
        configure_office_zone(name)
    assert str(office_zone()) == "America/New_York"


def test_known_zones_offer_the_names_people_pick() -> None:
    zones = known_zones()
    assert {"America/New_York", "Europe/Berlin", "Australia/Sydney"} <= set(zones)
    assert zones == sorted(zones)


def test_at_eight_in_the_evening_new_york_is_still_on_its_own_day(
    in_zone: Callable[[str], None],
) -> None:
    in_zone("America/New_York")
    evening = utc(2026, 3, 8, 1, 0)  # 20:00 on 7 March in New York
    assert local_today(evening) == dt.date(2026, 3, 7)
    assert local_date(evening) == dt.date(2026, 3, 7)
    in_zone("Australia/Sydney")
    assert local_today(evening) == dt.date(2026, 3, 8)


@pytest.mark.parametrize(
    ("zone", "day", "start", "end", "hours"),
    [
        ("America/New_York", dt.date(2026, 3, 8), utc(2026, 3, 8, 5), utc(2026, 3, 9, 4), 23),
        ("America/New_York", dt.date(2026, 11, 1), utc(2026, 11, 1, 4), utc(2026, 11, 2, 5), 25),
        ("Europe/Berlin", dt.date(2026, 3, 29), utc(2026, 3, 28, 23), utc(2026, 3, 29, 22), 23),
        ("Europe/Berlin", dt.date(2026, 10, 25), utc(2026, 10, 24, 22), utc(2026, 10, 25, 23), 25),
        ("Australia/Sydney", dt.date(2026, 4, 5), utc(2026, 4, 4, 13), utc(2026, 4, 5, 14), 25),
        ("Australia/Sydney", dt.date(2026, 10, 4), utc(2026, 10, 3, 14), utc(2026, 10, 4, 13), 23),
        ("America/New_York", dt.date(2026, 3, 9), utc(2026, 3, 9, 4), utc(2026, 3, 10, 4), 24),
    ],
)
def test_a_day_runs_from_local_midnight_to_local_midnight(
    in_zone: Callable[[str], None],
    zone: str,
    day: dt.date,
    start: dt.datetime,
    end: dt.datetime,
    hours: int,
) -> None:
    in_zone(zone)
    assert day_bounds(day) == (start, end)
    assert end - start == dt.timedelta(hours=hours)


def test_months_and_periods_are_cut_at_local_midnight(in_zone: Callable[[str], None]) -> None:
    in_zone("America/New_York")
    assert month_bounds(2026, 3) == (utc(2026, 3, 1, 5), utc(2026, 4, 1, 4))
    assert month_bounds(2026, 12) == (utc(2026, 12, 1, 5), utc(2027, 1, 1, 5))
    assert period_bounds(dt.date(2026, 3, 1), dt.date(2026, 3, 31)) == month_bounds(2026, 3)
    assert period_bounds(None, None) == (None, None)
    late_on_the_last_evening = utc(2026, 4, 1, 3, 30)  # 23:30 on 31 March in New York
    assert month_label(late_on_the_last_evening) == "2026-03"
    assert months_spanning(utc(2026, 1, 31, 12), late_on_the_last_evening) == [
        ("2026-01", utc(2026, 1, 1, 5)),
        ("2026-02", utc(2026, 2, 1, 5)),
        ("2026-03", utc(2026, 3, 1, 5)),
    ]


# A time on the desk's clock, and the UTC moments it means: its first and second occurrence.
WALL_CLOCK_CASES = [
    # New York springs forward at 02:00 on 8 March: 02:30 never happens, it is read as 03:30.
    ("America/New_York", dt.datetime(2026, 3, 8, 2, 30), "skipped", utc(2026, 3, 8, 7, 30), None),
    # ... and falls back at 02:00 on 1 November: 01:30 happens first in EDT, then in EST.
    (
        "America/New_York",
        dt.datetime(2026, 11, 1, 1, 30),
        "repeated",
        utc(2026, 11, 1, 5, 30),
        utc(2026, 11, 1, 6, 30),
    ),
    ("Europe/Berlin", dt.datetime(2026, 3, 29, 2, 30), "skipped", utc(2026, 3, 29, 1, 30), None),
    (
        "Europe/Berlin",
        dt.datetime(2026, 10, 25, 2, 30),
        "repeated",
        utc(2026, 10, 25, 0, 30),
        utc(2026, 10, 25, 1, 30),
    ),
    (
        "Australia/Sydney",
        dt.datetime(2026, 4, 5, 2, 30),
        "repeated",
        utc(2026, 4, 4, 15, 30),
        utc(2026, 4, 4, 16, 30),
    ),
    (
        "Australia/Sydney",
        dt.datetime(2026, 10, 4, 2, 30),
        "skipped",
        utc(2026, 10, 3, 16, 30),
        None,
    ),
    ("Europe/Berlin", dt.datetime(2026, 10, 26, 2, 30), "ordinary", utc(2026, 10, 26, 1, 30), None),
]


@pytest.mark.parametrize(("zone", "typed", "kind", "first", "second"), WALL_CLOCK_CASES)
def test_skipped_times_move_forward_and_repeated_times_take_their_fold(
    in_zone: Callable[[str], None],
    zone: str,
    typed: dt.datetime,
    kind: str,
    first: dt.datetime,
    second: dt.datetime | None,
) -> None:
    in_zone(zone)
    assert (skipped(typed), repeated(typed)) == (kind == "skipped", kind == "repeated")
    assert as_utc(typed) == first
    assert at_wall_clock(typed.date(), typed.time()) == first
    # fold=1 asks for the second occurrence; a skipped or ordinary time has only one.
    assert as_utc(typed.replace(fold=1)) == (second or first)


def test_an_aware_moment_keeps_its_own_zone(in_zone: Callable[[str], None]) -> None:
    in_zone("Australia/Sydney")
    typed_in_new_york = dt.datetime(2026, 3, 7, 20, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    assert as_utc(typed_in_new_york) == utc(2026, 3, 8, 1)
