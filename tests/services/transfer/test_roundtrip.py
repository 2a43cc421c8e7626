"""Export, then import into the same database: every row of every kind comes back unchanged.

Records made at the desk (referrals, visits, upsell notes) have no external id of their own;
the first export gives each one for good, so a file can go out and come back any number of
times without duplicating a row.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from console.database import session_factory
from console.models import Customer, Staff, StaffRole, UpsellNote
from console.services.customers.notes import add_note
from console.services.referrals.lifecycle import create_referral
from console.services.schedule.dayboard import schedule_visit
from console.services.transfer.exporter import export_kind
from console.services.transfer.importer import import_file
from tests.dump import dump


def domain_rows(engine: Engine) -> dict[str, list[tuple]]:
    """Every table but the import fingerprints, which a successful import refreshes."""
    return {name: rows for name, rows in dump(engine).items() if name != "import_fingerprints"}


ORDER = (
    "customers",
    "sites",
    "technicians",
    "salespeople",
    "equipment",
    "visits",
    "referrals",
    "notes",
)


@pytest.fixture
def office_with_desk_work(demo_engine: Engine) -> Engine:
    """The demo office plus a referral, a visit and two notes recorded at the desk."""
    with session_factory(demo_engine).begin() as session:
        customer = session.scalars(select(Customer).order_by(Customer.id)).first()
        tech = session.scalars(
            select(Staff).where(Staff.role == StaffRole.TECHNICIAN).order_by(Staff.id)
        ).first()
        assert customer is not None and tech is not None
        create_referral(
            session,
            customer_id=customer.id,
            technician=tech.id,
            pain_point="Boiler 19 years old",
            actor="desk",
        )
        schedule_visit(
            session,
            customer_id=customer.id,
            technician=tech.id,
            starts_at=dt.datetime(2026, 3, 20, 9, 0, tzinfo=dt.UTC),
            problem="Annual service",
            accept_overlap=True,
        )
        for text in ("No maintenance plan", "Asked about a water softener"):
            add_note(session, customer.id, text, author="Dee Desk")
    return demo_engine


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_then_import_into_the_same_database_changes_nothing(
    office_with_desk_work: Engine, tmp_path: Path, suffix: str
) -> None:
    engine = office_with_desk_work
    files = {}
    for kind in ORDER:
        files[kind] = tmp_path / f"{kind}{suffix}"
        export_kind(engine, kind, files[kind])
    before = domain_rows(engine)
    for kind in ORDER:
        summary = import_file(engine, kind, files[kind])
        assert summary.problems == [], (kind, summary.problems[:3])
        assert (summary.created, summary.updated) == (0, 0), kind
        assert summary.unchanged == summary.rows > 0, kind
    assert domain_rows(engine) == before


def test_every_export_carries_the_same_ids(office_with_desk_work: Engine, tmp_path: Path) -> None:
    engine = office_with_desk_work
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    export_kind(engine, "notes", first)
    import_file(engine, "notes", first)
    export_kind(engine, "notes", second)
    assert first.read_bytes() == second.read_bytes()
    ids = [line.split(",")[0] for line in first.read_text(encoding="utf-8-sig").splitlines()[1:]]
    assert len(ids) == len(set(ids)) and all(ids)
    with session_factory(engine)() as session:
        desk_notes = session.scalars(
            select(UpsellNote.external_id).where(UpsellNote.author == "Dee Desk")
        ).all()
    assert len(desk_notes) == 2 and all(note in ids for note in desk_notes)


def test_ids_given_at_export_go_with_the_records_to_another_database(
    office_with_desk_work: Engine, tmp_path: Path
) -> None:
    from console.database import make_engine
    from console.migrate import upgrade_database

    target = make_engine(f"sqlite:///{tmp_path / 'other.sqlite'}")
    upgrade_database(target)
    try:
        for kind in ORDER:
            path = tmp_path / f"{kind}.csv"
            export_kind(office_with_desk_work, kind, path)
            assert import_file(target, kind, path).problems == [], kind
        for kind in ORDER:
            again = tmp_path / f"again-{kind}.csv"
            export_kind(target, kind, again)
            assert again.read_bytes() == (tmp_path / f"{kind}.csv").read_bytes(), kind
    finally:
        target.dispose()
