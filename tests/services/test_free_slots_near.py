"""The free slots offered around the time the desk has in mind: never over a booked
appointment, outside business hours or in the past; the nearest ones, in time order."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from console.services.office.clock import at_wall_clock
from console.services.office.settings import OfficeSettings
from console.services.schedule.salesperson_day import BusyTime, clashes, free_starts, slots_near

DAY = dt.date(2026, 3, 18)  # a Wednesday
OFFERED = 6


def at(minutes_after_midnight: int) -> dt.datetime:
    return at_wall_clock(DAY, dt.time(0)) + dt.timedelta(minutes=minutes_after_midnight)


bookings = st.lists(
    st.tuples(st.integers(0, 24 * 4 - 1), st.sampled_from([30, 45, 60, 90, 120, 240])),
    max_size=8,
)


@settings(max_examples=300, deadline=None)
@given(
    booked=bookings,
    hours=st.tuples(st.integers(0, 12), st.integers(13, 24)),
    minutes=st.sampled_from([30, 60, 75, 90, 180]),
    now_minute=st.integers(-24 * 60, 24 * 60),
    around_minute=st.integers(0, 24 * 60 - 1),
)
def test_offered_slots_are_free_inside_hours_not_past_and_nearest(
    booked: list[tuple[int, int]],
    hours: tuple[int, int],
    minutes: int,
    now_minute: int,
    around_minute: int,
) -> None:
    busy = [
        BusyTime(n, n, f"Customer {n}", at(quarter * 15), length)
        for n, (quarter, length) in enumerate(booked)
    ]
    office = OfficeSettings(business_day_start=hours[0], business_day_end=hours[1])
    now, around = at(now_minute), at(around_minute)
    free = free_starts(DAY, busy, minutes, office, now)
    offered = slots_near(free, around, OFFERED)

    assert offered == sorted(set(offered))
    assert len(offered) == min(OFFERED, len(free))
    opens, closes = at(hours[0] * 60), at(hours[1] * 60)
    for slot in offered:
        assert not clashes(busy, slot, minutes)
        assert opens <= slot and slot + dt.timedelta(minutes=minutes) <= closes
        assert slot >= now
    # Nothing left out is nearer the chosen time than the farthest slot offered.
    if offered:
        farthest = max(abs(slot - around) for slot in offered)
        assert all(abs(slot - around) >= farthest for slot in free if slot not in offered)


def test_the_slots_around_an_afternoon_time_are_the_afternoons() -> None:
    busy = [BusyTime(1, 1, "Bea Ortiz", at(9 * 60), 90)]
    free = free_starts(DAY, busy, 60, OfficeSettings(), at(0))
    offered = slots_near(free, at(14 * 60 + 10), OFFERED)
    assert offered == [at(m) for m in range(13 * 60, 16 * 60, 30)]


def test_a_time_between_slots_offers_the_earlier_first() -> None:
    free = [at(8 * 60), at(12 * 60)]
    assert slots_near(free, at(10 * 60), 1) == [at(8 * 60)]
