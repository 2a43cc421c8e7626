"""Re-importing: a file changes only what it says, and never undoes work done at the desk."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from console.database import session_factory
from console.models import (
    Customer,
    EventKind,
    Referral,
    ReferralEvent,
    ReferralStatus,
    ServiceVisit,
    StaffRole,
    UpsellNote,
)
from console.services.referrals.lifecycle import StepDetails, move_referral
from console.services.transfer.importer import import_file
from tests import factories
from tests.dump import dump, write_csv


def domain_rows(engine: Engine) -> dict[str, list[tuple]]:
    """Every table but the import fingerprints, which a successful import refreshes."""
    return {name: rows for name, rows in dump(engine).items() if name != "import_fingerprints"}


RS = ReferralStatus
REFERRAL_HEADER = (
    "external_id,customer_external_id,technician,salesperson,status,created_at,pain_point\n"
)
CREATED = "2025-02-03T09:15:00+00:00"


@pytest.fixture
def office(engine: Engine) -> Engine:
    with session_factory(engine).begin() as session:
        factories.customer(
            session,
            external_id="C-1",
            account_number="A-100",
            name="Ada Park",
            phone="555-0101",
            email="ada@example.com",
            street="1 Elm Street",
            city="Springfield",
        )
        factories.staff(session, "Ana Tech", external_id="T-1")
        factories.staff(session, "Sal Es", role=StaffRole.SALESPERSON, external_id="S-1")
        factories.staff(session, "Sue Sells", role=StaffRole.SALESPERSON, external_id="S-2")
    return engine


def customer(engine: Engine, external_id: str = "C-1") -> Customer:
    with session_factory(engine)() as session:
        return session.scalars(select(Customer).where(Customer.external_id == external_id)).one()


def counts(summary: object) -> tuple[int, int, int]:
    return (summary.created, summary.updated, summary.unchanged)  # type: ignore[attr-defined]


def test_a_file_with_some_columns_leaves_the_others_as_they_are(
    office: Engine, tmp_path: Path
) -> None:
    summary = import_file(
        office, "customers", write_csv(tmp_path, "external_id,name\nC-1,Ada Moss\n")
    )
    assert (summary.problems, counts(summary)) == ([], (0, 1, 0))
    stored = customer(office)
    assert (stored.name, stored.phone, stored.email, stored.street, stored.account_number) == (
        "Ada Moss",
        "555-0101",
        "ada@example.com",
        "1 Elm Street",
        "A-100",
    )


def test_an_empty_cell_in_a_present_column_clears_the_value(office: Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path, "external_id,name,phone\nC-1,Ada Park,\n")
    assert counts(import_file(office, "customers", path)) == (0, 1, 0)
    stored = customer(office)
    assert (stored.phone, stored.email, stored.account_number) == (
        None,
        "ada@example.com",
        "A-100",
    )


def test_a_new_customer_gets_the_defaults_of_absent_columns(office: Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path, "external_id,name\nC-2,Bo Lind\n")
    assert counts(import_file(office, "customers", path)) == (1, 0, 0)
    stored = customer(office, "C-2")
    assert (stored.account_number, stored.phone) == ("C-2", None)


def test_partial_visits_and_notes_keep_what_the_file_lacks(office: Engine, tmp_path: Path) -> None:
    full = write_csv(
        tmp_path,
        "external_id,customer_external_id,technician,scheduled_for,status,tech_notes\n"
        "V-1,C-1,T-1,2025-03-04 09:30,completed,Flue cracked\n",
    )
    assert import_file(office, "visits", full).created == 1
    partial = write_csv(
        tmp_path,
        "external_id,customer_external_id,scheduled_for\nV-1,C-1,2025-03-05 10:00\n",
        "p.csv",
    )
    assert counts(import_file(office, "visits", partial)) == (0, 1, 0)
    with session_factory(office)() as session:
        visit = session.scalars(select(ServiceVisit)).one()
        assert (visit.technician is not None, visit.status.value, visit.tech_notes) == (
            True,
            "completed",
            "Flue cracked",
        )
    notes = write_csv(
        tmp_path,
        "external_id,customer_external_id,author,category,text,pinned\n"
        "N-1,C-1,Ana,Safety,Gas smell,yes\n",
        "n.csv",
    )
    assert import_file(office, "notes", notes).created == 1
    fewer = write_csv(
        tmp_path,
        "external_id,customer_external_id,author,text\nN-1,C-1,Ana,Gas smell near boiler\n",
        "m.csv",
    )
    assert counts(import_file(office, "notes", fewer)) == (0, 1, 0)
    with session_factory(office)() as session:
        note = session.scalars(select(UpsellNote)).one()
        assert (note.text, note.category, note.pinned) == ("Gas smell near boiler", "Safety", True)


def imported_referral(engine: Engine, tmp_path: Path, status: str = "new", sales: str = "") -> None:
    path = write_csv(
        tmp_path,
        REFERRAL_HEADER + f"R-1,C-1,T-1,{sales},{status},{CREATED},Old boiler\n",
        "first.csv",
    )
    summary = import_file(engine, "referrals", path)
    assert (summary.problems, summary.created) == ([], 1)


def desk_steps(engine: Engine, *steps: tuple[RS, StepDetails]) -> None:
    with session_factory(engine).begin() as session:
        referral = session.scalars(select(Referral).where(Referral.external_id == "R-1")).one()
        for status, details in steps:
            move_referral(session, referral, status, "desk user", details)


def referral_state(engine: Engine) -> tuple:
    with session_factory(engine)() as session:
        referral = session.scalars(select(Referral).where(Referral.external_id == "R-1")).one()
        return (
            referral.status,
            referral.salesperson.name if referral.salesperson else None,
            referral.first_contact_at,
            referral.created_at,
        )


def events(engine: Engine) -> list[tuple]:
    with session_factory(engine)() as session:
        rows = session.scalars(select(ReferralEvent).order_by(ReferralEvent.id))
        return [(e.actor, e.kind, e.from_status, e.to_status, e.note) for e in rows]


def test_reimport_never_moves_desk_work_backwards(office: Engine, tmp_path: Path) -> None:
    imported_referral(office, tmp_path)
    desk_steps(office, (RS.ASSIGNED, StepDetails(salesperson="S-1")), (RS.CONTACTED, StepDetails()))
    before = referral_state(office)
    history = events(office)
    again = write_csv(tmp_path, REFERRAL_HEADER + f"R-1,C-1,T-1,,new,{CREATED},Old boiler\n")
    summary = import_file(office, "referrals", again)
    assert (summary.problems, counts(summary)) == ([], (0, 0, 1))
    assert referral_state(office) == before
    assert before[:2] == (RS.CONTACTED, "Sal Es") and before[2] is not None
    assert events(office) == history


def test_reimport_without_created_at_keeps_the_overdue_clock(
    office: Engine, tmp_path: Path
) -> None:
    imported_referral(office, tmp_path)
    path = write_csv(
        tmp_path,
        "external_id,customer_external_id,technician,pain_point\nR-1,C-1,T-1,Old boiler leaking\n",
    )
    assert counts(import_file(office, "referrals", path)) == (0, 1, 0)
    assert referral_state(office)[3] == dt.datetime.fromisoformat(CREATED)


def test_a_file_moves_a_referral_forward_through_the_lifecycle(
    office: Engine, tmp_path: Path
) -> None:
    imported_referral(office, tmp_path)
    path = write_csv(
        tmp_path, REFERRAL_HEADER + f"R-1,C-1,T-1,S-2,contacted,{CREATED},Old boiler\n", "crm.csv"
    )
    summary = import_file(office, "referrals", path, actor="office import")
    assert (summary.problems, counts(summary)) == ([], (0, 1, 0))
    status, salesperson, first_contact, _created = referral_state(office)
    assert (status, salesperson, first_contact is not None) == (RS.CONTACTED, "Sue Sells", True)
    assert events(office)[1:] == [
        ("office import", EventKind.STATUS, RS.NEW, RS.ASSIGNED, "from import crm.csv"),
        ("office import", EventKind.STATUS, RS.ASSIGNED, RS.CONTACTED, "from import crm.csv"),
    ]


def test_a_salesperson_is_added_where_none_is_and_never_replaced(
    office: Engine, tmp_path: Path
) -> None:
    imported_referral(office, tmp_path)
    adds = write_csv(
        tmp_path, REFERRAL_HEADER + f"R-1,C-1,T-1,S-1,new,{CREATED},Old boiler\n", "a.csv"
    )
    assert counts(import_file(office, "referrals", adds)) == (0, 1, 0)
    assert referral_state(office)[:2] == (RS.NEW, "Sal Es")
    assert events(office)[-1] == (
        "import",
        EventKind.NOTE,
        None,
        None,
        "Salesperson set from import a.csv",
    )
    for sales in ("S-2", ""):
        other = write_csv(
            tmp_path, REFERRAL_HEADER + f"R-1,C-1,T-1,{sales},new,{CREATED},Old boiler\n", "b.csv"
        )
        assert counts(import_file(office, "referrals", other)) == (0, 0, 1)
        assert referral_state(office)[:2] == (RS.NEW, "Sal Es")


@pytest.mark.parametrize(
    ("desk", "file_status", "sales", "message"),
    [
        (
            [(RS.ASSIGNED, StepDetails(salesperson="S-1")), (RS.CONTACTED, StepDetails())],
            "won",
            "",
            "row 2, column status: moving the referral from contacted to won needs the value "
            "won, which a file does not carry; take that step at the desk",
        ),
        (
            [],
            "appointment_set",
            "S-1",
            "row 2, column status: moving the referral from new to appointment_set needs an "
            "appointment time, which a file does not carry; take that step at the desk",
        ),
        (
            [(RS.CANCELLED, StepDetails())],
            "won",
            "",
            "row 2, column status: the referral is cancelled at the desk and cannot become won",
        ),
        (
            [],
            "assigned",
            "",
            "row 2, column status: moving the referral from new to assigned needs a "
            "salesperson; name one in the salesperson column",
        ),
    ],
)
def test_a_step_the_file_cannot_take_is_refused_and_nothing_changes(
    office: Engine,
    tmp_path: Path,
    desk: list[tuple[RS, StepDetails]],
    file_status: str,
    sales: str,
    message: str,
) -> None:
    imported_referral(office, tmp_path)
    desk_steps(office, *desk)
    before = dump(office)
    path = write_csv(
        tmp_path, REFERRAL_HEADER + f"R-1,C-1,T-1,{sales},{file_status},{CREATED},Old boiler\n"
    )
    summary = import_file(office, "referrals", path)
    assert [str(problem) for problem in summary.problems] == [message]
    assert dump(office) == before


def test_a_status_behind_the_desk_is_ignored_even_when_closed(
    office: Engine, tmp_path: Path
) -> None:
    imported_referral(office, tmp_path)
    desk_steps(office, (RS.CANCELLED, StepDetails()))
    before = domain_rows(office)
    path = write_csv(tmp_path, REFERRAL_HEADER + f"R-1,C-1,T-1,,assigned,{CREATED},Old boiler\n")
    summary = import_file(office, "referrals", path)
    assert (summary.problems, counts(summary)) == ([], (0, 0, 1))
    assert domain_rows(office) == before


def test_a_file_without_a_status_column_keeps_a_cancelled_visit_cancelled(
    office: Engine, tmp_path: Path
) -> None:
    first = write_csv(
        tmp_path,
        "external_id,customer_external_id,scheduled_for,status\n"
        "V-1,C-1,2025-03-04 09:30,cancelled\n",
    )
    assert import_file(office, "visits", first).created == 1
    again = write_csv(
        tmp_path,
        "external_id,customer_external_id,scheduled_for,completed_on\nV-1,C-1,2025-03-04 09:30,\n",
        "again.csv",
    )
    summary = import_file(office, "visits", again)
    assert (summary.problems, counts(summary)) == ([], (0, 0, 1))
    with session_factory(office)() as session:
        assert session.scalars(select(ServiceVisit.status)).one().value == "cancelled"


def test_a_step_the_lifecycle_refuses_leaves_the_whole_file_unwritten(
    office: Engine, tmp_path: Path
) -> None:
    with session_factory(office).begin() as session:
        factories.staff(
            session, "Old Sales", role=StaffRole.SALESPERSON, external_id="S-3", active=False
        )
    imported_referral(office, tmp_path)
    before = dump(office)
    path = write_csv(
        tmp_path,
        REFERRAL_HEADER
        + f"R-1,C-1,T-1,S-3,assigned,{CREATED},Old boiler renamed\n"
        + f"R-2,C-1,T-1,,new,{CREATED},Heat pump\n",
    )
    summary = import_file(office, "referrals", path)
    assert [str(problem) for problem in summary.problems] == [
        "row 2, column salesperson: Old Sales is no longer active"
    ]
    assert dump(office) == before


def assignments(engine: Engine) -> dict[str, str | None]:
    with session_factory(engine)() as session:
        return {
            str(referral.external_id): referral.assignment and referral.assignment.value
            for referral in session.scalars(select(Referral))
        }


def test_a_salesperson_named_by_the_file_is_recorded_as_assigned_by_import(
    office: Engine, tmp_path: Path
) -> None:
    new = write_csv(
        tmp_path,
        REFERRAL_HEADER
        + f"R-1,C-1,T-1,S-1,new,{CREATED},Old boiler\n"
        + f"R-2,C-1,T-1,,new,{CREATED},No plan\n"
        + f"R-3,C-1,T-1,,new,{CREATED},Leaking tank\n",
        "new.csv",
    )
    assert counts(import_file(office, "referrals", new)) == (3, 0, 0)
    assert assignments(office) == {"R-1": "import", "R-2": None, "R-3": None}
    later = write_csv(
        tmp_path,
        REFERRAL_HEADER
        + f"R-1,C-1,T-1,S-1,new,{CREATED},Old boiler\n"
        + f"R-2,C-1,T-1,S-2,new,{CREATED},No plan\n"
        + f"R-3,C-1,T-1,S-2,contacted,{CREATED},Leaking tank\n",
        "later.csv",
    )
    assert counts(import_file(office, "referrals", later)) == (0, 2, 1)
    assert assignments(office) == {"R-1": "import", "R-2": "import", "R-3": "import"}
