"""Old equipment for the techs: service lives, candidates, heads-ups and prompted referrals."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session, sessionmaker

from console.models import Customer, Equipment, Referral, ReferralStatus, Site, VisitStatus
from console.services.errors import NotFound
from console.services.numbers.metrics import (
    PROMPTED,
    UNPROMPTED,
    prompt_comparison,
    referral_metrics,
)
from console.services.numbers.report import prompt_line, write_report
from console.services.office import clock as office_time
from console.services.office.settings import (
    DEFAULT_SERVICE_LIFE,
    OfficeSettings,
    SettingsProblem,
    load_office_settings,
    save_office_settings,
)
from console.services.referrals.lifecycle import create_referral
from console.services.schedule.equipment_life import (
    headsup_equipment,
    headsups_for_visits,
    replacement_candidates,
    whole_years,
)
from tests import factories

TODAY = dt.date(2026, 12, 3)
RS = ReferralStatus


def years_ago(years: int, days: int = 0) -> dt.date:
    return TODAY.replace(year=TODAY.year - years) + dt.timedelta(days=days)


def kinds(found: list[Any]) -> list[str]:
    return [candidate.kind for candidate in found]


@pytest.mark.parametrize(
    ("installed", "today", "years"),
    [
        (dt.date(2008, 3, 4), dt.date(2026, 3, 4), 18),  # the birthday itself counts
        (dt.date(2008, 3, 4), dt.date(2026, 3, 3), 17),
        (dt.date(2008, 2, 29), dt.date(2026, 2, 28), 17),  # a leap-day unit turns on 1 March
        (dt.date(2008, 2, 29), dt.date(2026, 3, 1), 18),
        (dt.date(2008, 2, 29), dt.date(2028, 2, 29), 20),
    ],
)
def test_age_is_whole_years_to_the_day(installed: dt.date, today: dt.date, years: int) -> None:
    assert whole_years(installed, today) == years


def test_default_lives_cover_the_usual_kinds_and_the_demo_kinds() -> None:
    settings = OfficeSettings()
    assert settings.service_life_of("Furnace") == 18
    assert settings.service_life_of("boiler") == 15
    assert settings.service_life_of(" Central Air ") == 12
    assert settings.service_life_of("Heat pump") == 12
    assert settings.service_life_of("Water heater") == 10
    assert settings.service_life_of("COPIER") == 5
    for kind in ("Air conditioner", "Water softener", "Sump pump"):
        assert settings.service_life_of(kind) is not None
    assert settings.service_life_of("Dehumidifier") is None


def test_at_its_life_is_a_candidate_and_a_day_younger_is_not(sessions: sessionmaker) -> None:
    with sessions.begin() as session:
        miller = factories.customer(session, name="Miller")
        factories.equipment(session, miller, "Boiler", installed_on=years_ago(15))
        factories.equipment(session, miller, "Furnace", installed_on=years_ago(18, days=1))
        found = replacement_candidates(session, today=TODAY)
    assert kinds(found) == ["Boiler"]
    assert found[0].age_years == 15
    assert found[0].life_years == 15
    assert found[0].customer == "Miller"


def test_a_birthday_tomorrow_in_the_office_zone_does_not_count(
    sessions: sessionmaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """03:00 UTC on 4 March is still the evening of 3 March in Chicago."""
    monkeypatch.setattr(
        office_time, "utc_now", lambda: dt.datetime(2026, 3, 4, 3, 0, tzinfo=dt.UTC)
    )
    with sessions.begin() as session:
        save_office_settings(session, replace(OfficeSettings(), time_zone="America/Chicago"))
        owner = factories.customer(session)
        factories.equipment(session, owner, "Boiler", installed_on=dt.date(2011, 3, 4))
        factories.equipment(session, owner, "Furnace", installed_on=dt.date(2008, 3, 3))
        found = replacement_candidates(session)
    assert kinds(found) == ["Furnace"]
    assert found[0].age_years == 18


def test_an_open_referral_about_it_leaves_it_out_and_a_closed_one_does_not(
    sessions: sessionmaker,
) -> None:
    with sessions.begin() as session:
        tech = factories.staff(session, "Ana Tech")
        owner = factories.customer(session)
        referred = factories.equipment(session, owner, "Boiler", installed_on=years_ago(20))
        prompted = factories.equipment(session, owner, "Furnace", installed_on=years_ago(20))
        declined = factories.equipment(session, owner, "Copier", installed_on=years_ago(9))
        for equipment_id, prompted_by, status in (
            (referred.id, None, RS.QUOTED),
            (None, prompted.id, RS.NEW),
            (declined.id, None, RS.LOST),
        ):
            session.add(
                Referral(
                    customer_id=owner.id,
                    technician_id=tech.id,
                    equipment_id=equipment_id,
                    prompted_by_equipment_id=prompted_by,
                    status=status,
                    pain_point="old",
                )
            )
        session.flush()
        found = replacement_candidates(session, today=TODAY)
    assert kinds(found) == ["Copier"]


def test_kinds_match_trimmed_in_any_case_and_a_kind_without_a_life_never_counts(
    sessions: sessionmaker,
) -> None:
    lives = (*DEFAULT_SERVICE_LIFE, ("Chaudière", 20))
    with sessions.begin() as session:
        save_office_settings(session, replace(OfficeSettings(), service_life=lives))
        owner = factories.customer(session)
        factories.equipment(session, owner, "  BOILER ", installed_on=years_ago(16))
        factories.equipment(session, owner, "CHAUDIÈRE", installed_on=years_ago(21))
        factories.equipment(session, owner, "chaudière", installed_on=years_ago(19))
        factories.equipment(session, owner, "Dehumidifier", installed_on=years_ago(40))
        factories.equipment(session, owner, "Furnace", installed_on=None)
        found = replacement_candidates(session, today=TODAY)
    assert kinds(found) == ["CHAUDIÈRE", "  BOILER "]
    assert [c.life_years for c in found] == [20, 15]


def test_oldest_first_then_the_customer_seen_last_first_with_a_count_per_customer(
    sessions: sessionmaker,
) -> None:
    with sessions.begin() as session:
        tech = factories.staff(session, "Ana Tech")
        seen_long_ago = factories.customer(session, name="Long Ago")
        seen_lately = factories.customer(session, name="Lately")
        never_seen = factories.customer(session, name="Never")
        factories.equipment(session, seen_long_ago, "Boiler", installed_on=years_ago(19))
        factories.equipment(session, seen_lately, "Boiler", installed_on=years_ago(19))
        factories.equipment(session, seen_lately, "Copier", installed_on=years_ago(25))
        factories.equipment(session, never_seen, "Boiler", installed_on=years_ago(19))
        for owner, days in ((seen_long_ago, 400), (seen_lately, 3)):
            when = dt.datetime(2026, 12, 3, 15, tzinfo=dt.UTC) - dt.timedelta(days=days)
            factories.visit(session, owner, tech, when, completed_at=when)
        # A visit still to come is no visit yet.
        factories.visit(
            session,
            never_seen,
            tech,
            dt.datetime(2026, 12, 1, 15, tzinfo=dt.UTC),
            status=VisitStatus.SCHEDULED,
        )
        found = replacement_candidates(session, today=TODAY)
    assert [(c.customer, c.kind, c.age_years) for c in found] == [
        ("Lately", "Copier", 25),
        ("Lately", "Boiler", 19),
        ("Long Ago", "Boiler", 19),
        ("Never", "Boiler", 19),
    ]
    assert [c.customer_candidates for c in found] == [2, 2, 1, 1]
    assert found[1].last_visit_on == dt.date(2026, 11, 30)
    assert found[3].last_visit_on is None


def count_statements(engine: Engine) -> list[str]:
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    return statements


def test_headsups_name_the_old_equipment_at_the_place_visited_in_few_queries(
    engine: Engine, sessions: sessionmaker
) -> None:
    with sessions.begin() as session:
        tech = factories.staff(session, "Ana Tech")
        miller = factories.customer(session, name="Miller")
        cabin = Site(customer_id=miller.id, name="Lake cabin")
        session.add(cabin)
        session.flush()
        home = session.scalar(select(func.min(Site.id)).where(Site.customer_id == miller.id))
        boiler = factories.equipment(session, miller, "Boiler", installed_on=years_ago(19))
        boiler.site_id = home
        factories.equipment(
            session, miller, "Water heater", installed_on=years_ago(12), site_id=cabin.id
        )
        young = factories.customer(session, name="Young")
        factories.equipment(session, young, "Boiler", installed_on=years_ago(2))
        when = dt.datetime(2026, 12, 3, 15, tzinfo=dt.UTC)
        visits = {
            "home": factories.visit(session, miller, tech, when, site_id=home),
            "cabin": factories.visit(session, miller, tech, when, site_id=cabin.id),
            "cancelled": factories.visit(session, miller, tech, when, status=VisitStatus.CANCELLED),
            "young": factories.visit(session, young, tech, when),
        }
        more = [factories.visit(session, miller, tech, when).id for _ in range(20)]
    ids = {name: visit.id for name, visit in visits.items()}
    with sessions() as session:
        load_office_settings(session)
        statements = count_statements(engine)
        headsups = headsups_for_visits(session, [*ids.values(), *more], today=TODAY)
    assert headsups[ids["home"]] == ["the boiler here is 19 years old: worth a look"]
    assert headsups[ids["cabin"]] == ["the water heater here is 12 years old: worth a look"]
    assert ids["cancelled"] not in headsups
    assert ids["young"] not in headsups
    assert len(statements) <= 3
    assert headsups_for_visits(session, [], today=TODAY) == {}


@pytest.mark.parametrize(
    ("lives", "message"),
    [
        ((("Boiler", 0),), "Service life: Boiler: must be a whole number of years from 1 to 60"),
        ((("Boiler", 61),), "Service life: Boiler: must be a whole number of years from 1 to 60"),
        ((("Boiler", True),), "Service life: Boiler: must be a whole number of years"),
        ((("Boiler", 12.5),), "Service life: Boiler: must be a whole number of years"),
        ((("  ", 12),), "Service life: a kind of equipment must have a name"),
        ((("Boiler", 15), (" boiler", 20)), "Service life: boiler: the kind is listed twice"),
    ],
)
def test_a_life_the_office_cannot_use_is_refused_naming_the_kind(
    sessions: sessionmaker, lives: Any, message: str
) -> None:
    custom = (("Boiler", 20), ("Geothermal loop", 40))
    with sessions.begin() as session:
        save_office_settings(session, replace(OfficeSettings(), service_life=custom))
    with sessions() as session:
        with pytest.raises(SettingsProblem) as refused:
            save_office_settings(session, replace(OfficeSettings(), service_life=lives))
        session.rollback()
    assert str(refused.value).startswith(message)
    assert refused.value.setting == "service_life"
    with sessions() as session:
        assert load_office_settings(session).service_life == custom


def test_lives_the_office_sets_are_kept_and_used(sessions: sessionmaker) -> None:
    with sessions.begin() as session:
        save_office_settings(
            session, replace(OfficeSettings(), service_life=(("Boiler", 25), ("Tank", 8)))
        )
        owner = factories.customer(session)
        factories.equipment(session, owner, "Boiler", installed_on=years_ago(20))
        factories.equipment(session, owner, "Tank", installed_on=years_ago(8))
        factories.equipment(session, owner, "Furnace", installed_on=years_ago(30))
    with sessions() as session:
        settings = load_office_settings(session)
        assert settings.service_life == (("Boiler", 25), ("Tank", 8))
        assert kinds(replacement_candidates(session, today=TODAY)) == ["Tank"]


def test_a_referral_records_the_headsup_that_prompted_it(sessions: sessionmaker) -> None:
    with sessions.begin() as session:
        tech = factories.staff(session, "Ana Tech")
        owner = factories.customer(session)
        boiler = factories.equipment(
            session, owner, "Boiler", make="Weil-McLain", installed_on=years_ago(19)
        )
        referral = create_referral(
            session,
            customer_id=owner.id,
            technician=tech.id,
            pain_point="Boiler is 19 years old",
            actor="desk",
            prompted_by_equipment_id=boiler.id,
        )
        assert referral.prompted_by_equipment_id == boiler.id
        assert referral.equipment_id == boiler.id  # the referral is about it when none is named
        assert referral.events[0].note == "after the heads-up about the Boiler Weil-McLain"
        # No prompt given: none is guessed, even at a customer with a candidate.
        unprompted = create_referral(
            session,
            customer_id=owner.id,
            technician=tech.id,
            pain_point="Water softener salt",
            actor="desk",
        )
        assert unprompted.prompted_by_equipment_id is None


def test_a_prompt_from_another_customers_equipment_is_refused(sessions: sessionmaker) -> None:
    with sessions.begin() as session:
        tech = factories.staff(session, "Ana Tech")
        owner = factories.customer(session)
        other = factories.customer(session)
        theirs = factories.equipment(session, other, "Boiler", installed_on=years_ago(19))
        ids = (tech.id, owner.id, theirs.id)
    tech_id, owner_id, theirs_id = ids
    with sessions() as session:
        with pytest.raises(NotFound) as refused:
            create_referral(
                session,
                customer_id=owner_id,
                technician=tech_id,
                pain_point="Boiler",
                actor="desk",
                prompted_by_equipment_id=theirs_id,
            )
        session.rollback()
    assert str(refused.value) == f"prompted by: no equipment {theirs_id} at this customer"
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Referral)) == 0


def test_headsup_equipment_is_found_by_external_id_then_number(sessions: sessionmaker) -> None:
    with sessions.begin() as session:
        owner = factories.customer(session)
        boiler = factories.equipment(session, owner, "Boiler", external_id="EQ-7")
        plain = factories.equipment(session, owner, "Furnace")
        assert headsup_equipment(session, " EQ-7 ") == boiler.id
        assert headsup_equipment(session, str(plain.id)) == plain.id
        with pytest.raises(NotFound) as refused:
            headsup_equipment(session, "EQ-404")
    assert str(refused.value) == "prompted by: no equipment with external id 'EQ-404'"


def prompted_office(session: Session) -> None:
    """Prompted: won 8,000, lost, new. Unprompted: won 2,000, lost, lost, cancelled."""
    tech = factories.staff(session, "Ana Tech")
    owner: Customer = factories.customer(session)
    boiler: Equipment = factories.equipment(session, owner, "Boiler")
    made = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
    for prompted, status, value in (
        (True, RS.WON, Decimal(8000)),
        (True, RS.LOST, None),
        (True, RS.NEW, None),
        (False, RS.WON, Decimal(2000)),
        (False, RS.LOST, None),
        (False, RS.LOST, None),
        (False, RS.CANCELLED, None),
    ):
        session.add(
            Referral(
                customer_id=owner.id,
                technician_id=tech.id,
                prompted_by_equipment_id=boiler.id if prompted else None,
                status=status,
                won_value=value,
                pain_point="x",
                created_at=made,
            )
        )


def test_prompted_and_unprompted_referrals_compare_their_conversion(
    engine: Engine, sessions: sessionmaker
) -> None:
    with sessions.begin() as session:
        prompted_office(session)
    with engine.connect() as connection:
        figures = prompt_comparison(connection)
        metrics = referral_metrics(connection)
        outside = prompt_comparison(connection, since=dt.date(2026, 7, 1))
    assert list(figures.index) == [PROMPTED, UNPROMPTED]
    assert figures.loc[PROMPTED, "referrals"] == 3
    assert figures.loc[PROMPTED, "won"] == 1
    assert figures.loc[PROMPTED, "conversion"] == pytest.approx(1 / 2)
    assert figures.loc[PROMPTED, "value_won"] == pytest.approx(8000)
    assert figures.loc[UNPROMPTED, "referrals"] == 4
    assert figures.loc[UNPROMPTED, "lost"] == 2
    assert figures.loc[UNPROMPTED, "conversion"] == pytest.approx(1 / 3)
    assert metrics.by_prompt.equals(figures)
    assert metrics.totals["referrals"] == 7  # the existing figures are as before
    assert list(outside["referrals"]) == [0, 0]
    assert outside["conversion"].isna().all()
    ana = metrics.by_technician.loc["Ana Tech"]
    assert (ana.prompted, ana.prompted_won) == (3, 1)


def test_the_report_compares_prompted_and_unprompted_referrals(
    engine: Engine, sessions: sessionmaker, tmp_path: Path
) -> None:
    with sessions.begin() as session:
        prompted_office(session)
    with engine.connect() as connection:
        metrics = referral_metrics(connection)
    line = prompt_line(metrics.by_prompt)
    assert line == (
        "3 referrals after a heads-up, conversion 50% · 4 referrals unprompted, conversion 33%"
    )
    write_report(metrics, tmp_path / "report.csv")
    lines = (tmp_path / "report.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("technician,referrals,won,lost,conversion,")
    assert lines[0].endswith(",told_share,prompted,prompted_won")
    assert lines[1].startswith("Ana Tech,7,2,3,") and lines[1].endswith(",3,1")
    write_report(metrics, tmp_path / "report.pdf")
    text = " ".join(
        " ".join(
            page.extract_text() for page in PdfReader(str(tmp_path / "report.pdf")).pages
        ).split()
    )
    assert "After a heads-up about old equipment" in text
    assert line in text
