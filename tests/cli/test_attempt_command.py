"""`referral attempt` on both backends: what it records, and each refusal with nothing saved."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import Engine, func, select

from console.cli import main
from console.database import session_factory
from console.models import ContactAttempt, Referral, ReferralEvent, ReferralStatus, StaffRole
from console.services.referrals.lifecycle import StepDetails, create_referral, move_referral
from tests import factories

RS = ReferralStatus
RECORDED = dt.datetime(2026, 3, 16, 13, 0, tzinfo=dt.UTC)  # 09:00 in New York


@pytest.fixture
def office(engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("CONSOLE_TIME_ZONE", "America/New_York")
    with session_factory(engine).begin() as session:
        customer = factories.customer(session, account_number="100001", name="Miller Bakery")
        factories.staff(session, "Ana Tech", phone="555-0199", external_id="T-1")
        factories.staff(session, "Sal Es", role=StaffRole.SALESPERSON)
        for steps in ([RS.ASSIGNED], [RS.ASSIGNED, RS.CONTACTED, RS.WON]):
            referral = create_referral(
                session,
                customer_id=customer.id,
                technician="Ana Tech",
                pain_point="Boiler leaking",
                actor="sam",
                now=RECORDED,
            )
            for target in steps:
                details = StepDetails(salesperson="Sal Es", value="9000")
                move_referral(session, referral, target, "sam", details, now=RECORDED)
    return database_url


ASSIGNED_ID, WON_ID = 1, 2


def run(capsys: pytest.CaptureFixture[str], url: str, *argv: str) -> tuple[int, str, str]:
    code = main([*argv, "--database", url])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def state(engine: Engine) -> list[tuple[object, ...]]:
    """Every referral's status, version and first contact, and the attempt and event counts."""
    with engine.connect() as connection:
        referrals = connection.execute(
            select(
                Referral.id, Referral.status, Referral.version, Referral.first_contact_at
            ).order_by(Referral.id)
        ).all()
        attempts = connection.execute(select(func.count()).select_from(ContactAttempt)).scalar()
        events = connection.execute(select(func.count()).select_from(ReferralEvent)).scalar()
    return [*map(tuple, referrals), (attempts, events)]


def test_an_attempt_that_does_not_reach_is_recorded_and_listed(
    capsys: pytest.CaptureFixture[str], office: str, engine: Engine
) -> None:
    code, out, err = run(
        capsys,
        office,
        "referral",
        "attempt",
        str(ASSIGNED_ID),
        "--channel",
        "phone",
        "--note",
        "left voicemail",
        "--at",
        "2026-03-16T10:15",
        "--next",
        "2099-03-17T10:00",
    )
    assert (code, err) == (0, "")
    assert out == (
        f"referral {ASSIGNED_ID}: assigned; Phone, not reached — left voicemail; "
        "next try Tue 17 Mar 2099 10:00 (1 attempt so far)\n"
    )
    with session_factory(engine)() as session:
        attempt = session.scalars(select(ContactAttempt)).one()
        assert attempt.at == dt.datetime(2026, 3, 16, 14, 15, tzinfo=dt.UTC)  # office time
        assert attempt.next_try_at == dt.datetime(2099, 3, 17, 14, 0, tzinfo=dt.UTC)
        referral = session.get(Referral, ASSIGNED_ID)
        assert referral is not None
        assert (referral.status, referral.first_contact_at) == (RS.ASSIGNED, None)

    code, out, _ = run(capsys, office, "referral", "list", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    header = rows[0]
    assert header[:6] == ["id", "status", "customer", "technician", "salesperson", "created_at"]
    attempts_at = header.index("attempts")
    assert header[attempts_at : attempts_at + 3] == ["attempts", "last_attempt_at", "next_try_at"]
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert by_id[str(ASSIGNED_ID)]["attempts"] == "1"
    assert by_id[str(ASSIGNED_ID)]["last_attempt_at"] == "2026-03-16T14:15:00+00:00"
    assert by_id[str(ASSIGNED_ID)]["next_try_at"] == "2099-03-17T14:00:00+00:00"
    assert by_id[str(WON_ID)]["attempts"] == "0"

    code, out, _ = run(capsys, office, "referral", "list")
    header_line, *lines = (line.split() for line in out.splitlines())
    # The table shows the attempts column; its values are checked in the CSV above.
    assert "attempts" in header_line and {line[0] for line in lines} >= {str(ASSIGNED_ID)}


def test_the_first_reached_attempt_makes_the_referral_contacted(
    capsys: pytest.CaptureFixture[str], office: str, engine: Engine
) -> None:
    argv = ["referral", "attempt", str(ASSIGNED_ID), "--channel", "in_person", "--reached"]
    code, out, _ = run(capsys, office, *argv, "--at", "2026-03-16T11:00")
    assert code == 0
    assert out == f"referral {ASSIGNED_ID}: contacted; In person, reached (1 attempt so far)\n"
    with session_factory(engine)() as session:
        referral = session.get(Referral, ASSIGNED_ID)
        assert referral is not None
        assert referral.status is RS.CONTACTED
        assert referral.first_contact_at == dt.datetime(2026, 3, 16, 15, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["999", "--channel", "phone"],
            "dispatch-console: referral: no referral with id 999",
        ),
        (
            [str(WON_ID), "--channel", "phone", "--reached"],
            f"dispatch-console: status: referral {WON_ID} is won; "
            "attempts are recorded on open referrals only",
        ),
        (
            [str(ASSIGNED_ID), "--channel", "fax"],
            "dispatch-console: argument --channel: invalid choice: 'fax' "
            "(choose from 'phone', 'text', 'email', 'in_person') "
            "(see dispatch-console referral attempt --help)",
        ),
        (
            [str(ASSIGNED_ID), "--channel", "text", "--next", "2026-03-16T12:00"],
            "dispatch-console: next try: 2026-03-16 12:00 is not in the future; it is ",
        ),
        (
            [str(ASSIGNED_ID), "--channel", "text", "--at", "2099-01-01T09:00"],
            "dispatch-console: attempt time: 2099-01-01 09:00 is in the future; it is ",
        ),
        (
            [str(ASSIGNED_ID), "--channel", "text", "--at", "2026-03-16T08:00", "--reached"],
            "dispatch-console: attempt time: 2026-03-16 08:00 is before the referral was "
            "recorded (2026-03-16 09:00)",
        ),
        (
            [str(ASSIGNED_ID), "--channel", "text", "--next", "tomorrow"],
            "dispatch-console: argument --next: 'tomorrow' is not a date-time as "
            "YYYY-MM-DDTHH:MM (see dispatch-console referral attempt --help)",
        ),
        (
            [str(ASSIGNED_ID), "--channel", "text", "--next", "2999-01-01T10:00"],
            "dispatch-console: argument --next: '2999-01-01T10:00' is outside the years "
            "1900 to 2100 (see dispatch-console referral attempt --help)",
        ),
        (
            [str(ASSIGNED_ID)],
            "dispatch-console: the following arguments are required: --channel "
            "(see dispatch-console referral attempt --help)",
        ),
    ],
)
def test_refusals_say_why_and_change_nothing(
    capsys: pytest.CaptureFixture[str],
    office: str,
    engine: Engine,
    argv: list[str],
    message: str,
) -> None:
    before = state(engine)
    code, out, err = run(capsys, office, "referral", "attempt", *argv)
    assert (code, out) == (1, "")
    assert len(err.splitlines()) == 1
    assert err.startswith(message)
    assert state(engine) == before
