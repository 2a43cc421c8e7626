"""`referral list --list tell_tech --format csv`: the technician's phone, the number to call on
that list, comes after the fixed columns; other lists keep their columns as they were."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import Engine

from console.cli import main
from console.commands.referrals import LIST_COLUMNS
from console.database import session_factory
from console.models import Referral, ReferralStatus, StaffRole
from tests import factories


@pytest.fixture
def office(engine: Engine, database_url: str) -> str:
    """One won referral by a technician with a phone, one by a technician without."""
    with session_factory(engine).begin() as session:
        seller = factories.staff(session, "Sal Es", role=StaffRole.SALESPERSON)
        for number, (tech_name, phone) in enumerate(
            [("Ana Tech", "(555) 010-0199"), ("Bo Nophone", None)]
        ):
            tech = factories.staff(session, tech_name, phone=phone)
            owner = factories.customer(
                session, account_number=f"10000{number}", name=f"Owner {number}"
            )
            session.add(
                Referral(
                    customer_id=owner.id,
                    technician_id=tech.id,
                    salesperson_id=seller.id,
                    status=ReferralStatus.WON,
                    pain_point="Boiler leaking",
                )
            )
    return database_url


def listed(capsys: pytest.CaptureFixture[str], url: str, *argv: str) -> list[list[str]]:
    assert main(["referral", "list", *argv, "--format", "csv", "--database", url]) == 0
    return list(csv.reader(io.StringIO(capsys.readouterr().out)))


def test_the_tell_tech_csv_ends_with_the_technicians_phone(
    capsys: pytest.CaptureFixture[str], office: str
) -> None:
    rows = listed(capsys, office, "--list", "tell_tech")
    assert rows[0] == [*LIST_COLUMNS, "technician_phone"]
    phones = {row[3]: row[-1] for row in rows[1:]}
    assert phones == {"Ana Tech": "(555) 010-0199", "Bo Nophone": ""}
    assert all(len(row) == len(rows[0]) for row in rows)


def test_other_lists_keep_their_columns(capsys: pytest.CaptureFixture[str], office: str) -> None:
    rows = listed(capsys, office, "--list", "all")
    assert rows[0] == list(LIST_COLUMNS)
