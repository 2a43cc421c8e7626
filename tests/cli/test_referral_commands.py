"""The referral and note commands, including every refusal, on both backends."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import Engine, func, select

from console.cli import main
from console.database import session_factory
from console.models import Referral, ReferralEvent, StaffRole, UpsellNote
from tests import factories


@pytest.fixture
def office(engine: Engine, database_url: str) -> str:
    with session_factory(engine).begin() as session:
        factories.customer(session, account_number="100001", name="Miller Bakery", city="Salem")
        factories.customer(session, account_number="100002", name="Park", city="Salem")
        factories.customer(session, account_number="100003", name="Park", city="Dover")
        factories.staff(session, "Ana Tech", phone="555-0199", external_id="T-1")
        factories.staff(session, "Sal Es", role=StaffRole.SALESPERSON)
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


def test_whole_loop_from_the_command_line(capsys, office: str, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(
        capsys,
        office,
        "referral",
        "add",
        "100001",
        "--technician",
        "T-1",
        "--pain-point",
        "Boiler leaking",
        "--estimated-value",
        "9000",
        "--urgency",
        "high",
    )
    assert code == 0
    referral_id = out.strip()
    assert referral_id.isdigit()
    steps = [
        ("assigned", "--salesperson", "Sal Es"),
        ("contacted",),
        ("appointment_set", "--at", "2030-05-02T10:30"),
        ("quoted", "--value", "9500"),
        ("won", "--value", "9800", "--note", "Signed on the spot"),
    ]
    for status, *extra in steps:
        code, out, err = run(capsys, office, "referral", "move", referral_id, status, *extra)
        assert (code, out.strip(), err) == (0, f"referral {referral_id}: {status}", "")
    code, out, _ = run(capsys, office, "referral", "list", "--tell-tech", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][:6] == ["id", "status", "customer", "technician", "salesperson", "created_at"]
    assert rows[1][:5] == [referral_id, "won", "Miller Bakery", "Ana Tech", "Sal Es"]
    code, out, _ = run(capsys, office, "referral", "tell-tech", referral_id, "--thanked")
    assert (code, out.strip()) == (0, f"referral {referral_id}: Ana Tech told and thanked")
    code, out, _ = run(capsys, office, "referral", "list", "--tell-tech", "--format", "csv")
    assert len(list(csv.reader(io.StringIO(out)))) == 1
    assert counts(engine) == (1, 7)


def test_list_filters_and_table(capsys, office: str) -> None:  # type: ignore[no-untyped-def]
    for pain in ("One", "Two"):
        run(
            capsys,
            office,
            "referral",
            "add",
            "Miller Bakery",
            "--technician",
            "Ana Tech",
            "--pain-point",
            pain,
        )
    code, out, err = run(capsys, office, "referral", "list", "--status", "new")
    assert code == 0 and "2 referrals" in err
    assert out.splitlines()[0].split()[:3] == ["id", "status", "customer"]
    code, out, _ = run(
        capsys, office, "referral", "list", "--technician", "Ana Tech", "--format", "csv"
    )
    assert len(out.strip().splitlines()) == 3
    code, out, _ = run(capsys, office, "referral", "list", "--overdue", "--format", "csv")
    assert len(out.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ("referral", "add", "100001", "--technician", "T-1", "--pain-point", "  "),
            "pain point: must not be empty",
        ),
        (
            ("referral", "add", "Nobody Inc", "--technician", "T-1", "--pain-point", "x"),
            "no customer matches",
        ),
        (
            ("referral", "add", "Park", "--technician", "T-1", "--pain-point", "x"),
            "matches several customers",
        ),
        (
            ("referral", "add", "100001", "--technician", "Zed", "--pain-point", "x"),
            "no technician called 'Zed'",
        ),
        (
            (
                "referral",
                "add",
                "100001",
                "--technician",
                "T-1",
                "--pain-point",
                "x",
                "--estimated-value",
                "-4",
            ),
            "estimated value: must not be negative",
        ),
        (
            (
                "referral",
                "add",
                "100001",
                "--technician",
                "T-1",
                "--pain-point",
                "x",
                "--estimated-value",
                "ten",
            ),
            "estimated value: 'ten' is not a number",
        ),
        (
            (
                "referral",
                "add",
                "100001",
                "--technician",
                "T-1",
                "--pain-point",
                "x",
                "--category",
                "Roofing",
            ),
            "category: 'Roofing' is not a category; choose one of Equipment replacement,",
        ),
    ],
)
def test_add_refusals(
    capsys, office: str, engine: Engine, argv: tuple[str, ...], message: str
) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run(capsys, office, *argv)
    assert code == 1 and out == ""
    assert message in err
    assert counts(engine) == (0, 0)


def test_ambiguous_name_lists_the_candidates(capsys, office: str) -> None:  # type: ignore[no-untyped-def]
    _, _, err = run(
        capsys, office, "referral", "add", "Park", "--technician", "T-1", "--pain-point", "x"
    )
    assert "100002" in err and "100003" in err


@pytest.fixture
def contacted(capsys, office: str) -> str:  # type: ignore[no-untyped-def]
    _, out, _ = run(
        capsys, office, "referral", "add", "100001", "--technician", "T-1", "--pain-point", "x"
    )
    referral_id = out.strip()
    run(capsys, office, "referral", "move", referral_id, "assigned", "--salesperson", "Sal Es")
    run(capsys, office, "referral", "move", referral_id, "contacted")
    return referral_id


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("quoted", "--value", "-1"), "value: must not be negative"),
        (("won",), "value: is required"),
        (("won", "--value", "abc"), "value: 'abc' is not a number"),
        (("lost",), "reason: must not be empty"),
        (("not_now", "--follow-up", "2001-01-01"), "follow-up date: must be in the future"),
        (
            ("assigned",),
            "cannot go from contacted to assigned; allowed from contacted: appointment_set",
        ),
        (("bogus",), "'bogus' is not a status"),
    ],
)
def test_move_refusals(
    capsys, office: str, engine: Engine, contacted: str, argv: tuple[str, ...], message: str
) -> None:  # type: ignore[no-untyped-def]
    before = counts(engine)
    code, _, err = run(capsys, office, "referral", "move", contacted, *argv)
    assert code == 1 and message in err
    assert counts(engine) == before


def test_closed_referral_takes_only_tell_tech(capsys, office: str, contacted: str) -> None:  # type: ignore[no-untyped-def]
    assert run(capsys, office, "referral", "move", contacted, "lost", "--reason", "Price")[0] == 0
    code, _, err = run(capsys, office, "referral", "move", contacted, "won", "--value", "5")
    assert code == 1 and "allowed from lost: none (it is closed)" in err
    assert run(capsys, office, "referral", "tell-tech", contacted)[0] == 0
    code, _, err = run(capsys, office, "referral", "tell-tech", contacted)
    assert code == 1 and "already told" in err


def test_tell_tech_before_outcome_is_refused(capsys, office: str, contacted: str) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run(capsys, office, "referral", "tell-tech", contacted)
    assert code == 1 and "once the referral is won or lost" in err


def test_unknown_referral_id(capsys, office: str) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run(capsys, office, "referral", "move", "987654", "contacted")
    assert code == 1 and "no referral with id 987654" in err


def test_note_add(capsys, office: str, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(
        capsys,
        office,
        "note",
        "add",
        "Miller Bakery",
        "Boiler is 19 years old",
        "--category",
        "old equipment",
        "--pin",
        "--author",
        "Ana Tech",
    )
    assert code == 0
    with session_factory(engine)() as session:
        note = session.get(UpsellNote, int(out))
        assert note is not None
        assert (note.text, note.category, note.pinned, note.author) == (
            "Boiler is 19 years old",
            "Old equipment",
            True,
            "Ana Tech",
        )
    code, _, err = run(capsys, office, "note", "add", "Miller Bakery", "   ")
    assert code == 1 and "text: must not be empty" in err


def _add_referral(capsys, office: str, pain: str) -> str:  # type: ignore[no-untyped-def]
    code, out, _ = run(
        capsys, office, "referral", "add", "100001", "--technician", "T-1", "--pain-point", pain
    )
    assert code == 0
    return out.strip()


def test_list_shows_any_desk_worklist_with_what_is_due(capsys, office: str) -> None:  # type: ignore[no-untyped-def]
    waiting = _add_referral(capsys, office, "Boiler leaking")
    reached = _add_referral(capsys, office, "Old furnace")
    for status, *extra in (("assigned", "--salesperson", "Sal Es"), ("contacted",)):
        run(capsys, office, "referral", "move", reached, status, *extra)
    code, out, _ = run(
        capsys, office, "referral", "list", "--list", "needs_appointment", "--format", "csv"
    )
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0 and [row[0] for row in rows[1:]] == [reached]
    assert rows[0][:6] == ["id", "status", "customer", "technician", "salesperson", "created_at"]
    assert rows[0][-5:] == ["due", "due_at", "due_in_words", "category", "assignment"]
    code, out, _ = run(capsys, office, "referral", "list", "--list", "new", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert [row[0] for row in rows[1:]] == [waiting]
    named = dict(zip(rows[0], rows[1], strict=True))
    assert named["due"] == "First contact" and named["due_in_words"].startswith("due ")
    code, out, err = run(capsys, office, "referral", "list", "--list", "open")
    assert code == 0 and "2 referrals" in err
    assert out.splitlines()[0].split()[-1] == "due_in_words"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--list", "new", "--overdue"), "--list: choose one worklist, not several (new, overdue)"),
        (("--overdue", "--tell-tech"), "choose one worklist, not several (overdue, tell_tech)"),
        (("--list", "someday"), "argument --list: invalid choice: 'someday'"),
    ],
)
def test_list_refuses_two_lists_or_an_unknown_one(
    capsys, office: str, engine: Engine, argv: tuple[str, ...], message: str
) -> None:  # type: ignore[no-untyped-def]
    _add_referral(capsys, office, "Boiler leaking")
    before = counts(engine)
    code, out, err = run(capsys, office, "referral", "list", *argv)
    assert code == 1 and out == ""
    assert message in err and err.startswith("dispatch-console:")
    assert counts(engine) == before
