"""`salespeople` and round-robin `referral add` from the command line, refusals included."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import Engine, select

from console.cli import main
from console.database import session_factory
from console.models import Referral, Staff, StaffRole
from console.models.referral import Assignment
from console.models.staff import SalespersonCategory
from tests import factories

PLAN = "Maintenance plan"


@pytest.fixture
def office(engine: Engine, database_url: str) -> str:
    with session_factory(engine).begin() as session:
        factories.customer(session, account_number="100001", name="Miller Bakery")
        factories.customer(session, account_number="100002", name="Okafor Dental")
        factories.staff(session, "Ana Tech")
        factories.staff(session, "Amy Reed", role=StaffRole.SALESPERSON)
        factories.staff(session, "Bob Stone", role=StaffRole.SALESPERSON)
    return database_url


def run(capsys: pytest.CaptureFixture[str], url: str, *argv: str) -> tuple[int, str, str]:
    code = main([*argv, "--database", url])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def refer(capsys: pytest.CaptureFixture[str], url: str, *extra: str) -> tuple[int, str, str]:
    return run(
        capsys,
        url,
        "referral",
        "add",
        "100001",
        "--technician",
        "Ana Tech",
        "--pain-point",
        "no maintenance plan",
        "--category",
        PLAN,
        *extra,
    )


def people(engine: Engine) -> dict[str, tuple]:
    with session_factory(engine)() as session:
        taken = session.execute(select(SalespersonCategory.staff_id, SalespersonCategory.category))
        categories: dict[int, list[str]] = {}
        for staff_id, category in taken:
            categories.setdefault(staff_id, []).append(category)
        return {
            person.name: (
                person.away_until,
                person.away_since is not None,
                categories.get(person.id, []),
            )
            for person in session.scalars(select(Staff).where(Staff.role == StaffRole.SALESPERSON))
        }


def test_setting_up_the_round_robin_and_referring(
    capsys: pytest.CaptureFixture[str], office: str, engine: Engine
) -> None:
    assert run(capsys, office, "salespeople", "--round-robin", "on")[2].startswith(
        "round-robin assignment is on"
    )
    for name in ("Amy Reed", "Bob Stone"):
        code, out, err = run(capsys, office, "salespeople", "--takes", name, "maintenance PLAN")
        assert (code, err) == (0, f"{name} takes Maintenance plan\n")
    code, out, _ = run(capsys, office, "salespeople")
    assert code == 0
    assert "Amy Reed   Maintenance plan" in out
    assert "round-robin assignment: on" in out
    assert "next for Maintenance plan: Amy Reed" in out

    first = refer(capsys, office)
    second = refer(capsys, office)
    assert (first[0], first[2]) == (0, "assigned to Amy Reed (round-robin)\n")
    assert (second[0], second[2]) == (0, "assigned to Bob Stone (round-robin)\n")
    manual = refer(capsys, office, "--salesperson", "Bob Stone")
    assert manual[2] == "assigned to Bob Stone\n"
    with session_factory(engine)() as session:
        rows = session.execute(select(Referral.id, Referral.assignment).order_by(Referral.id)).all()
    assert [str(row.id) for row in rows] == [first[1].strip(), second[1].strip(), manual[1].strip()]
    assert [row.assignment for row in rows] == [
        Assignment.ROUND_ROBIN,
        Assignment.ROUND_ROBIN,
        Assignment.MANUAL,
    ]


def test_away_and_back(capsys: pytest.CaptureFixture[str], office: str, engine: Engine) -> None:
    run(capsys, office, "salespeople", "--round-robin", "on")
    run(capsys, office, "salespeople", "--takes", "Amy Reed", PLAN)
    code, out, err = run(
        capsys, office, "salespeople", "--away", "Amy Reed", "--until", "2099-01-31"
    )
    assert (code, err) == (0, "Amy Reed is away until 2099-01-31\n")
    assert "away until 2099-01-31" in out
    code, _, err = refer(capsys, office)
    assert (code, err) == (
        0,
        "not assigned: no active salesperson takes Maintenance plan; everyone who does is away\n",
    )
    code, _, err = run(capsys, office, "salespeople", "--back", "Amy Reed")
    assert (code, err) == (0, "Amy Reed is back\n")
    assert refer(capsys, office)[2] == "assigned to Amy Reed (round-robin)\n"


def test_list_as_csv(capsys: pytest.CaptureFixture[str], office: str) -> None:
    run(capsys, office, "salespeople", "--takes", "Bob Stone", PLAN, "Other")
    code, out, _ = run(capsys, office, "salespeople", "--format", "csv")
    assert code == 0
    assert list(csv.reader(io.StringIO(out))) == [
        ["name", "takes", "away"],
        ["Amy Reed", "", ""],
        ["Bob Stone", "Maintenance plan, Other", ""],
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ("--takes", "Amy Reed", "Pools"),
            "dispatch-console: category: 'Pools' is not a category; choose from Equipment "
            "replacement, Maintenance plan, Indoor air quality, Repair upgrade, Other\n",
        ),
        (
            ("--away", "Amy Reed", "--until", "2020-01-01"),
            "dispatch-console: away until: 2020-01-01 is already past",
        ),
        (("--away", "Nobody"), "dispatch-console: salesperson: no salesperson called 'Nobody'\n"),
        (
            ("--back", "Ana Tech"),
            "dispatch-console: salesperson: no salesperson called 'Ana Tech'\n",
        ),
        (
            ("--away", "Amy Reed", "--back", "Bob Stone"),
            "dispatch-console: give one of --away, --back, --takes or --round-robin at a time\n",
        ),
        (("--until", "2099-01-01"), "dispatch-console: --until goes with --away NAME\n"),
    ],
)
def test_refusals_say_why_and_change_nothing(
    capsys: pytest.CaptureFixture[str],
    office: str,
    engine: Engine,
    argv: tuple[str, ...],
    message: str,
) -> None:
    run(capsys, office, "salespeople", "--takes", "Amy Reed", PLAN)
    before = people(engine)
    code, _, err = run(capsys, office, "salespeople", *argv)
    assert code == 1
    assert err.startswith(message)
    assert people(engine) == before


def test_continues_only_a_referral_of_the_same_customer(
    capsys: pytest.CaptureFixture[str], office: str, engine: Engine
) -> None:
    code, out, _ = run(
        capsys, office, "referral", "add", "100002", "--technician", "Ana Tech",
        "--pain-point", "old chair",
    )  # fmt: skip
    theirs = out.strip()
    first = refer(capsys, office)[1].strip()
    code, out, err = refer(capsys, office, "--continues", first)
    assert (code, err) == (0, "")  # assigned by hand, and nobody chosen: nothing to say
    with session_factory(engine)() as session:
        assert session.get(Referral, int(out)).continues_referral_id == int(first)
        count = len(session.scalars(select(Referral.id)).all())
    code, out, err = refer(capsys, office, "--continues", theirs)
    assert (code, out) == (1, "")
    assert err == (
        f"dispatch-console: continues: referral {theirs} is for Okafor Dental, another "
        "customer; only a referral of the same customer can be continued\n"
    )
    with session_factory(engine)() as session:
        assert len(session.scalars(select(Referral.id)).all()) == count
