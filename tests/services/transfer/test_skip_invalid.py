"""Skipping invalid rows: the good rows are written, the bad ones come back as a rejects file."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, insert, select

from console.database import session_factory
from console.models import Base, Customer, ServiceVisit, StaffRole
from console.services.output_file import OutputProblem
from console.services.transfer import importer as importer_module
from console.services.transfer.importer import import_file
from console.services.transfer.rejects import Reject, write_rejects
from console.services.transfer.table_file import open_table
from tests import factories
from tests.dump import dump, write_csv

CUSTOMERS = (
    "External ID,Name,Account Number,City\n"
    "C-2,Bea Good,A-2,Springfield\n"
    "C-3,Cal Clash,A-1,Shelbyville\n"
    ",Nameless,A-4,Ogdenville\n"
    "C-5,Dee Good,A-5,North Haverbrook\n"
    "C-2,Bea Again,A-6,Springfield\n"
)
EXPECTED_REJECTS = [
    ["External ID", "Name", "Account Number", "City", "reason"],
    ["C-3", "Cal Clash", "A-1", "Shelbyville", "Account Number: 'A-1' belongs to another customer"],
    ["", "Nameless", "A-4", "Ogdenville", "External ID: is required"],
    ["C-2", "Bea Again", "A-6", "Springfield", "External ID: 'C-2' is already on row 2"],
]


@pytest.fixture
def office(engine: Engine) -> Engine:
    with session_factory(engine).begin() as session:
        factories.customer(session, external_id="C-1", account_number="A-1", name="Ada Park")
        factories.staff(session, "Ana Tech", external_id="T-1")
        factories.staff(session, "Sal Es", role=StaffRole.SALESPERSON, external_id="S-1")
    return engine


def customers(engine: Engine) -> dict[str, tuple[str, str]]:
    with session_factory(engine)() as session:
        rows = session.scalars(select(Customer)).all()
        return {row.external_id or "": (row.name, row.account_number) for row in rows}


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as source:
        return list(csv.reader(source))


def test_valid_rows_are_written_and_bad_ones_rejected_with_their_reasons(
    office: Engine, tmp_path: Path
) -> None:
    path = write_csv(tmp_path, CUSTOMERS, "customers.csv")
    summary = import_file(office, "customers", path, skip_invalid=True)
    assert summary.problems == []
    assert summary.written
    assert (summary.rows, summary.created, summary.rejected) == (5, 2, 3)
    assert [reject.line for reject in summary.rejects] == [3, 4, 6]
    assert customers(office) == {
        "C-1": ("Ada Park", "A-1"),
        "C-2": ("Bea Good", "A-2"),
        "C-5": ("Dee Good", "A-5"),
    }
    rejects = tmp_path / "customers-rejects.csv"
    write_rejects(summary, open_table(path).source_columns, rejects)
    assert rejects.read_bytes().startswith(b"\xef\xbb\xbf")
    assert read_rows(rejects) == EXPECTED_REJECTS


def test_the_fixed_rejects_file_completes_the_import(office: Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path, CUSTOMERS, "customers.csv")
    summary = import_file(office, "customers", path, skip_invalid=True)
    rejects = tmp_path / "customers-rejects.csv"
    write_rejects(summary.rejects, open_table(path).source_columns, rejects)
    rows = read_rows(rejects)
    rows[1][2] = "A-3"
    rows[2][0] = "C-4"
    rows[3][0] = "C-6"
    fixed = tmp_path / "fixed.csv"
    with fixed.open("w", encoding="utf-8-sig", newline="") as target:
        csv.writer(target).writerows(rows)

    again = import_file(office, "customers", fixed, skip_invalid=True)
    assert (again.problems, again.rejects, again.created) == ([], [], 3)
    assert again.ignored_columns == ["reason"]
    assert customers(office) == {
        "C-1": ("Ada Park", "A-1"),
        "C-2": ("Bea Good", "A-2"),
        "C-3": ("Cal Clash", "A-3"),
        "C-4": ("Nameless", "A-4"),
        "C-5": ("Dee Good", "A-5"),
        "C-6": ("Bea Again", "A-6"),
    }


def test_the_default_still_writes_nothing(office: Engine, tmp_path: Path) -> None:
    before = dump(office)
    summary = import_file(office, "customers", write_csv(tmp_path, CUSTOMERS))
    # The file's own problems are told first; the database is asked once they are fixed.
    assert [str(problem) for problem in summary.problems] == [
        "row 4, column external_id: is required",
        "row 6, column external_id: 'C-2' is already on row 2",
    ]
    assert (summary.written, summary.rejected, summary.rejects) == (False, 0, [])
    assert dump(office) == before


def test_a_visit_of_a_rejected_customer_is_rejected_by_the_reference_check(
    office: Engine, tmp_path: Path
) -> None:
    import_file(office, "customers", write_csv(tmp_path, CUSTOMERS, "c.csv"), skip_invalid=True)
    visits = write_csv(
        tmp_path,
        "external_id,customer_external_id,scheduled_for,technician\n"
        "V-1,C-2,2025-01-02,T-1\n"
        "V-2,C-3,2025-01-03,T-1\n"
        "V-3,C-5,2025-02-30,T-1\n"
        "V-4,C-5,2025-01-04,Nobody\n",
        "v.csv",
    )
    summary = import_file(office, "visits", visits, skip_invalid=True)
    assert (summary.created, summary.rejected, summary.written) == (1, 3, True)
    assert [(reject.line, reject.reasons) for reject in summary.rejects] == [
        (3, ["customer_external_id: no customer with external id 'C-3'"]),
        (4, ["scheduled_for: '2025-02-30' is not a date"]),
        (5, ["technician: no technician called 'Nobody'"]),
    ]
    with session_factory(office)() as session:
        assert session.scalars(select(ServiceVisit.external_id)).all() == ["V-1"]


def test_header_problems_still_refuse_the_whole_file(office: Engine, tmp_path: Path) -> None:
    before = dump(office)
    path = write_csv(tmp_path, "external_id,company\nC-9,Acme\n")
    summary = import_file(office, "customers", path, skip_invalid=True)
    assert [str(problem) for problem in summary.problems] == [
        "row 1, column name: required column is missing"
    ]
    assert (summary.written, summary.rejects) == (False, [])
    assert dump(office) == before


def test_a_dry_run_reports_rejects_and_writes_nothing(office: Engine, tmp_path: Path) -> None:
    before = dump(office)
    summary = import_file(
        office, "customers", write_csv(tmp_path, CUSTOMERS), skip_invalid=True, dry_run=True
    )
    assert (summary.created, summary.rejected, summary.written) == (2, 3, False)
    assert dump(office) == before


def test_a_refused_referral_step_rejects_only_its_row(
    office: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    header = "external_id,customer_external_id,technician,salesperson,status,pain_point\n"
    first = "R-1,C-1,T-1,,new,Old boiler\nR-2,C-1,T-1,,new,Drafty windows\n"
    import_file(office, "referrals", write_csv(tmp_path, header + first, "r1.csv"))
    index_sql = "SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name"
    sqlite = office.dialect.name == "sqlite"
    with office.connect() as connection:
        indexes = connection.exec_driver_sql(index_sql).all() if sqlite else []
    # R-1 cannot move to assigned without a salesperson; R-2 can. The step is refused after
    # R-3 is inserted (and, here, after the indexes were dropped for a rebuild).
    monkeypatch.setattr(importer_module, "REBUILD_MIN_ROWS", 1)
    second = (
        "R-1,C-1,T-1,,assigned,Old boiler\n"
        "R-2,C-1,T-1,S-1,assigned,Drafty windows\n"
        "R-3,C-1,T-1,,new,Loose gutter\n"
    )
    summary = import_file(
        office, "referrals", write_csv(tmp_path, header + second, "r2.csv"), skip_invalid=True
    )
    assert (summary.created, summary.updated, summary.rejected) == (1, 1, 1)
    assert summary.written
    assert summary.rejects[0].line == 2
    assert summary.rejects[0].reasons[0].startswith("status: moving the referral from new")
    referrals = Base.metadata.tables["referrals"]
    with office.connect() as connection:
        stored = dict(connection.execute(select(referrals.c.external_id, referrals.c.status)).all())
        if sqlite:
            assert connection.exec_driver_sql(index_sql).all() == indexes
    assert stored == {"R-1": "new", "R-2": "assigned", "R-3": "new"}


def test_within_a_transaction_a_refused_file_undoes_only_its_own_rows(
    office: Engine, tmp_path: Path
) -> None:
    good = write_csv(tmp_path, "external_id,name\nC-7,Gil Good\n", "good.csv")
    bad = write_csv(tmp_path, CUSTOMERS, "bad.csv")
    notes = Base.metadata.tables["upsell_notes"]
    with office.begin() as connection:
        customer_id = connection.execute(select(Customer.id)).scalar_one()
        connection.execute(
            insert(notes).values(
                customer_id=customer_id,
                author="desk",
                text="Ask about the boiler",
                category="Other",
                pinned=False,
                created_at=func.now(),
            )
        )
        kept = import_file(office, "customers", good, within=connection)
        refused = import_file(office, "customers", bad, within=connection)
        assert (kept.written, refused.written) == (True, False)
    assert set(customers(office)) == {"C-1", "C-7"}
    with office.connect() as connection:
        assert connection.execute(select(func.count()).select_from(notes)).scalar_one() == 1


def test_within_a_transaction_the_index_rebuild_is_undone_with_a_refusal(
    office: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer_module, "REBUILD_MIN_ROWS", 1)
    before = dump(office)
    bad = write_csv(tmp_path, "external_id,name\nC-8,Hal\n,Nameless\n", "bad.csv")
    index_sql = "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
    sqlite = office.dialect.name == "sqlite"
    with office.begin() as connection:
        indexes = connection.exec_driver_sql(index_sql).scalar_one() if sqlite else 0
        summary = import_file(office, "customers", bad, within=connection)
        assert summary.written is False
        if sqlite:
            assert connection.exec_driver_sql(index_sql).scalar_one() == indexes
    assert dump(office) == before


def test_rejects_file_refuses_a_folder(tmp_path: Path) -> None:
    with pytest.raises(OutputProblem, match="is a folder"):
        write_rejects([Reject(2, {"a": "1"}, ["a: bad"])], ["a"], tmp_path)
    assert list(tmp_path.iterdir()) == []


STRAY_CONTROL = (
    "External ID,Name,Phone,City\n"
    "C-2,Bea Good,555-0102,Springfield\n"
    "C-3,Cal \x07Bell,555-0103,Shelbyville\n"
    "C-4,Dee Good,555-\x0b0104,Ogdenville\n"
    "C-5,Eve Tone,555-01\x1905,Capital City\n"
)


def test_a_row_holding_a_stray_control_code_is_refused_naming_its_cell(
    office: Engine, tmp_path: Path
) -> None:
    """All or nothing: the import names each row and cell holding one, and writes nothing."""
    path = write_csv(tmp_path, STRAY_CONTROL, "customers.csv")
    before = dump(office)
    summary = import_file(office, "customers", path)
    assert [str(problem) for problem in summary.problems] == [
        "row 3, column name: holds the control character 0x07, which no text table has",
        "row 5, column phone: holds the control character 0x19, which no text table has",
    ]
    assert not summary.written
    assert dump(office) == before


def test_with_skip_invalid_a_stray_control_code_rejects_only_its_row(
    office: Engine, tmp_path: Path
) -> None:
    """The phone is not quietly stripped of it: the row goes to the rejects as written."""
    path = write_csv(tmp_path, STRAY_CONTROL, "customers.csv")
    summary = import_file(office, "customers", path, skip_invalid=True)
    assert summary.problems == []
    assert (summary.created, summary.rejected) == (2, 2)
    assert set(customers(office)) == {"C-1", "C-2", "C-4"}
    rejects = tmp_path / "customers-rejects.csv"
    write_rejects(summary.rejects, open_table(path).source_columns, rejects)
    assert read_rows(rejects)[1:] == [
        [
            "C-3",
            "Cal \x07Bell",
            "555-0103",
            "Shelbyville",
            "Name: holds the control character 0x07, which no text table has",
        ],
        [
            "C-5",
            "Eve Tone",
            "555-01\x1905",
            "Capital City",
            "Phone: holds the control character 0x19, which no text table has",
        ],
    ]
