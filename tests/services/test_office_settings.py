"""Office settings: one validation used by every save, and the office's time zone."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from console.services.office import clock as office_time
from console.services.office.settings import (
    OfficeSettings,
    SettingsProblem,
    load_office_settings,
    save_office_settings,
    use_office_zone,
    validate,
)

STORED = OfficeSettings(first_contact_hours=12, spiff_clawback_days=30)


@pytest.fixture
def stored(sessions: sessionmaker[Session]) -> OfficeSettings:
    with sessions.begin() as session:
        save_office_settings(session, STORED)
    with sessions() as session:
        return load_office_settings(session)


REFUSALS: list[tuple[dict[str, Any], str]] = [
    (
        {"first_contact_hours": 0},
        "First contact within (hours): must be a whole number from 1 to 336, not 0",
    ),
    ({"first_contact_hours": 400}, "First contact within (hours): must be a whole number"),
    ({"business_day_start": 24}, "Business day starts: must be a whole number from 0 to 23"),
    ({"business_day_end": 25}, "Business day ends: must be a whole number from 1 to 24"),
    (
        {"business_day_start": 9, "business_day_end": 9},
        "Business day ends: must be after the start (9:00), not 9:00",
    ),
    (
        {"business_day_start": 17, "business_day_end": 8},
        "Business day ends: must be after the start (17:00), not 8:00",
    ),
    ({"lost_reasons": ()}, "Lost reasons: give at least one"),
    ({"lost_reasons": ("Price", "  ")}, "Lost reasons: a reason must not be empty"),
    ({"referral_categories": ()}, "Referral categories: give at least one"),
    ({"referral_categories": ("Plans", " ")}, "Referral categories: a category must not be empty"),
    ({"referral_categories": ("Plans", "plans ")}, "Referral categories: plans: listed twice"),
    (
        {"referral_categories": ("x" * 81,)},
        "Referral categories: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…: at most 80",
    ),
    ({"history_visits_on_briefing": 0}, "Visits on a briefing: must be a whole number"),
    ({"time_zone": "Mars/Olympus_Mons"}, "Office time zone: 'Mars/Olympus_Mons' is not a time"),
    ({"time_zone": "../../etc/passwd"}, "Office time zone: '../../etc/passwd' is not a time"),
]


@pytest.mark.parametrize(("change", "message"), REFUSALS)
def test_a_value_the_office_cannot_use_is_refused_and_nothing_is_saved(
    sessions: sessionmaker[Session], stored: OfficeSettings, change: dict[str, Any], message: str
) -> None:
    wanted = replace(stored, **change)
    with pytest.raises(SettingsProblem) as refused, sessions.begin() as session:
        save_office_settings(session, wanted, expected=stored)
    assert str(refused.value).startswith(message)
    assert refused.value.setting in change
    with pytest.raises(SettingsProblem), sessions.begin() as session:
        save_office_settings(session, wanted)
    with sessions() as session:
        assert load_office_settings(session) == STORED


def test_the_defaults_and_sensible_changes_are_valid(
    sessions: sessionmaker[Session], stored: OfficeSettings
) -> None:
    validate(OfficeSettings())
    changed = replace(
        stored,
        spiff_clawback_days=0,
        spiff_pay_period="weekly",
        business_day_start=0,
        business_day_end=24,
        time_zone="America/Chicago",
    )
    with sessions.begin() as session:
        save_office_settings(session, changed, expected=stored)
    with sessions() as session:
        assert load_office_settings(session) == changed


def test_the_office_zone_takes_effect_when_saved_and_when_loaded(
    sessions: sessionmaker[Session], stored: OfficeSettings
) -> None:
    assert stored.time_zone == ""
    with sessions.begin() as session:
        save_office_settings(
            session, replace(stored, time_zone="Pacific/Auckland"), expected=stored
        )
    assert office_time.office_zone().key == "Pacific/Auckland"
    # 11:30 UTC on 31 March is already 1 April in Auckland.
    assert office_time.local(dt.datetime(2026, 3, 31, 11, 30, tzinfo=dt.UTC)).date() == dt.date(
        2026, 4, 1
    )
    office_time.configure_office_zone("Europe/Lisbon")  # as another desk's process would be
    with sessions() as session:
        assert use_office_zone(session).key == "Pacific/Auckland"
    assert office_time.office_zone().key == "Pacific/Auckland"


def test_an_empty_zone_means_the_machines_own(
    sessions: sessionmaker[Session], stored: OfficeSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(office_time.ZONE_ENV, "Asia/Tokyo")
    with sessions() as session:
        assert use_office_zone(session).key == "Asia/Tokyo"
