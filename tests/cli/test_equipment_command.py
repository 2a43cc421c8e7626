"""`equipment candidates` and `referral add --prompted-by`, on both backends."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import Engine, func, select

from console.cli import main
from console.database import session_factory
from console.models import Equipment, Referral, ReferralEvent
from console.services.numbers.metrics import PROMPTED, prompt_comparison
from console.services.office.clock import local_today
from console.services.office.settings import load_office_settings
from tests import factories


def years_ago(years: int) -> dt.date:
    today = local_today()
    return today.replace(year=today.year - years, day=min(today.day, 28))


@pytest.fixture
def office(engine: Engine, database_url: str) -> str:
    with session_factory(engine).begin() as session:
        factories.staff(session, "Ana Tech", external_id="T-1")
        miller = factories.customer(session, account_number="100001", name="Miller Bakery")
        park = factories.customer(session, account_number="100002", name="=Park")
        factories.equipment(
            session,
            miller,
            "Boiler",
            make="Weil-McLain",
            model="CGa",
            installed_on=years_ago(19),
            external_id="EQ-1",
        )
        factories.equipment(session, miller, "Copier", installed_on=years_ago(6))
        factories.equipment(session, park, "Furnace", installed_on=years_ago(22))
        factories.equipment(
            session, park, "Heat pump", installed_on=years_ago(3), external_id="EQ-9"
        )
    return database_url


def run(capsys: pytest.CaptureFixture[str], url: str, *argv: str) -> tuple[int, str, str]:
    code = main([*argv, "--database", url])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def counts(engine: Engine) -> tuple[int, int]:
    with engine.connect() as connection:
        return (
            connection.execute(select(func.count()).select_from(Referral)).scalar_one(),
            connection.execute(select(func.count()).select_from(ReferralEvent)).scalar_one(),
        )


def test_candidates_as_csv_begin_with_the_promised_columns(
    capsys: pytest.CaptureFixture[str], office: str
) -> None:
    code, out, err = run(capsys, office, "equipment", "candidates", "--format", "csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][:6] == [
        "customer",
        "equipment",
        "kind",
        "installed_on",
        "age_years",
        "life_years",
    ]
    assert rows[0] == [
        "customer",
        "equipment",
        "kind",
        "installed_on",
        "age_years",
        "life_years",
        "last_visit_on",
        "candidates_at_customer",
        "account_number",
        "equipment_external_id",
    ]
    assert rows[1:] == [
        # A name a spreadsheet would run as a formula comes out as text.
        [
            "'=Park",
            "Furnace",
            "Furnace",
            years_ago(22).isoformat(),
            "22",
            "18",
            "",
            "1",
            "100002",
            "",
        ],
        [
            "Miller Bakery",
            "Boiler Weil-McLain CGa",
            "Boiler",
            years_ago(19).isoformat(),
            "19",
            "15",
            "",
            "2",
            "100001",
            "EQ-1",
        ],
        [
            "Miller Bakery",
            "Copier",
            "Copier",
            years_ago(6).isoformat(),
            "6",
            "5",
            "",
            "2",
            "100001",
            "",
        ],
    ]
    assert err.strip() == "3 candidates at 2 customers"


def test_candidates_as_a_table(capsys: pytest.CaptureFixture[str], office: str) -> None:
    code, out, _ = run(capsys, office, "equipment", "candidates")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == [
        "customer",
        "equipment",
        "installed",
        "age",
        "life",
        "last",
        "visit",
        "at",
        "customer",
    ]
    assert lines[1].split()[:3] == ["=Park", "Furnace", years_ago(22).isoformat()]
    assert len(lines) == 4


def test_a_referral_after_a_headsup_says_so_and_counts_as_prompted(
    capsys: pytest.CaptureFixture[str], office: str, engine: Engine
) -> None:
    code, out, err = run(
        capsys,
        office,
        "referral",
        "add",
        "100001",
        "--technician",
        "T-1",
        "--pain-point",
        "Boiler is 19 years old",
        "--prompted-by",
        "EQ-1",
    )
    assert (code, err) == (0, "")
    with session_factory(engine)() as session:
        referral = session.get(Referral, int(out))
        assert referral is not None
        assert referral.prompted_by_equipment_id == referral.equipment_id
        assert referral.equipment is not None and referral.equipment.external_id == "EQ-1"
    with engine.connect() as connection:
        assert prompt_comparison(connection).loc[PROMPTED, "referrals"] == 1
    # The boiler has an open referral now: sales has it, the techs need no more heads-up.
    code, out, _ = run(capsys, office, "equipment", "candidates", "--format", "csv")
    assert "EQ-1" not in out


@pytest.mark.parametrize(
    ("prompted_by", "message"),
    [
        ("EQ-404", "dispatch-console: prompted by: no equipment with external id 'EQ-404'\n"),
        ("EQ-9", "dispatch-console: prompted by: no equipment {id} at this customer\n"),
    ],
)
def test_a_prompt_the_console_cannot_place_is_refused_and_nothing_is_written(
    capsys: pytest.CaptureFixture[str], office: str, engine: Engine, prompted_by: str, message: str
) -> None:
    with engine.connect() as connection:
        heat_pump = connection.execute(
            select(Equipment.id).where(Equipment.external_id == "EQ-9")
        ).scalar_one()
    before = counts(engine)
    code, out, err = run(
        capsys,
        office,
        "referral",
        "add",
        "100001",
        "--technician",
        "T-1",
        "--pain-point",
        "Old",
        "--prompted-by",
        prompted_by,
    )
    assert (code, out) == (1, "")
    assert err == message.format(id=heat_pump)
    assert counts(engine) == before


def stored_lives(engine: Engine) -> tuple[tuple[str, int], ...]:
    with session_factory(engine)() as session:
        return load_office_settings(session).service_life


def test_the_office_sets_and_removes_service_lives(
    capsys: pytest.CaptureFixture[str], office: str, engine: Engine
) -> None:
    code, out, _ = run(capsys, office, "equipment", "life")
    assert code == 0
    assert out.splitlines()[:2] == ["Furnace          18 years", "Boiler           15 years"]
    code, out, _ = run(capsys, office, "equipment", "life", " BOILER ", "25")
    assert code == 0
    assert "Boiler           25 years" in out.splitlines()
    code, out, _ = run(capsys, office, "equipment", "life", "Geothermal loop", "40")
    assert out.splitlines()[-1] == "Geothermal loop  40 years"
    code, out, _ = run(capsys, office, "equipment", "life", "copier", "--remove")
    assert code == 0 and "Copier" not in out
    lives = dict(stored_lives(engine))
    assert (lives["Boiler"], lives["Geothermal loop"]) == (25, 40)
    assert "Copier" not in lives
    # The boiler (19) is young now and copiers are never listed; Park's furnace (22) stays.
    code, out, _ = run(capsys, office, "equipment", "candidates", "--format", "csv")
    assert [row[0] for row in csv.reader(io.StringIO(out))][1:] == ["'=Park"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ("Boiler", "ten"),
            "Service life: Boiler: must be a whole number of years from 1 to 60, not 'ten'",
        ),
        (("Boiler", "61"), "Service life: Boiler: must be a whole number of years from 1 to 60"),
        (("Boiler", "0"), "Service life: Boiler: must be a whole number of years from 1 to 60"),
        (("Kiln", "--remove"), "Service life: Kiln: no service life is set for this kind"),
        (("  ", "12"), "Service life: a kind of equipment must have a name"),
        (("Boiler",), "give YEARS for the kind, or --remove to take its life away"),
        (("Boiler", "3", "--remove"), "give YEARS or --remove, not both"),
        (("--remove",), "--remove needs the KIND to take away"),
    ],
)
def test_a_life_the_office_cannot_use_is_refused_and_the_lives_stay(
    capsys: pytest.CaptureFixture[str],
    office: str,
    engine: Engine,
    argv: tuple[str, ...],
    message: str,
) -> None:
    before = stored_lives(engine)
    code, out, err = run(capsys, office, "equipment", "life", *argv)
    assert (code, out) == (1, "")
    assert err.startswith(f"dispatch-console: {message}")
    assert stored_lives(engine) == before
