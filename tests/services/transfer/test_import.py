"""Importing: the corpus of bad files with their exact messages, and nothing written on failure."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from console.database import session_factory
from console.models import Customer, ServiceVisit, Staff
from console.services.transfer.importer import import_file
from console.services.transfer.table_file import FileProblem, open_table
from tests import factories

CUSTOMERS_HEADER = "external_id,name,company,phone,email,street,city,postal_code,country,notes\n"


@pytest.fixture
def office(sqlite_engine: Engine) -> Engine:
    with session_factory(sqlite_engine).begin() as session:
        owner = factories.customer(session, external_id="C-1", name="Existing Customer")
        factories.staff(session, "Ana Tech", external_id="T-1")
        factories.equipment(session, owner, external_id="E-1")
    return sqlite_engine


def fingerprint(engine: Engine) -> tuple[str, str]:
    """The database file's bytes and its logical content, after a checkpoint."""
    path = Path(engine.url.database or "")
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with sqlite3.connect(path) as raw:
        dump = "\n".join(raw.iterdump())
    return digest, dump


def write(tmp_path: Path, name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_bytes(content.encode(encoding))
    else:
        path.write_bytes(content)
    return path


BAD_FILES = [
    (
        "customers",
        "external_id,company\nC-9,Acme\n",
        ["row 1, column name: required column is missing"],
    ),
    (
        "visits",
        "external_id,customer_external_id,scheduled_for\nV-1,C-1,31/31/2025\n",
        ["row 2, column scheduled_for: '31/31/2025' is not a date"],
    ),
    (
        "visits",
        "external_id,customer_external_id,scheduled_for\nV-1,C-404,2025-01-02\n",
        ["row 2, column customer_external_id: no customer with external id 'C-404'"],
    ),
    (
        "customers",
        CUSTOMERS_HEADER + "C-7,One,,,,,,,,\nC-8,Two,,,,,,,,\nC-7,Three,,,,,,,,\n",
        ["row 4, column external_id: 'C-7' is already on row 2"],
    ),
    (
        "referrals",
        "external_id,customer_external_id,technician,pain_point,estimated_value\n"
        "R-1,C-1,T-1,Old boiler,lots\n",
        ["row 2, column estimated_value: 'lots' is not a number"],
    ),
    (
        "referrals",
        "external_id,customer_external_id,technician,pain_point\nR-1,C-1,Nobody,Old boiler\n",
        ["row 2, column technician: no technician called 'Nobody'"],
    ),
    (
        "visits",
        "external_id,customer_external_id,equipment_external_id,scheduled_for\nV-1,C-2,E-1,2025-01-02\n",
        ["row 2, column customer_external_id: no customer with external id 'C-2'"],
    ),
    (
        "customers",
        CUSTOMERS_HEADER + ",Nameless,,,,,,,,\n",
        ["row 2, column external_id: is required"],
    ),
    (
        "customers",
        CUSTOMERS_HEADER,
        ["row 2: the file has a header but no rows"],
    ),
]


@pytest.mark.parametrize(("kind", "content", "expected"), BAD_FILES)
def test_bad_file_is_refused_with_its_message_and_nothing_changes(
    office: Engine, tmp_path: Path, kind: str, content: str, expected: list[str]
) -> None:
    before = fingerprint(office)
    summary = import_file(office, kind, write(tmp_path, "bad.csv", content))
    assert [str(problem) for problem in summary.problems] == expected
    assert not summary.written
    assert fingerprint(office) == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "the file is empty"),
        ("blank.csv", b"\n\n  \n", "the file is empty"),
        (
            "photo.csv",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
            "photo.csv is not a CSV or XLSX table: it holds binary data",
        ),
        ("broken.xlsx", b"this is not a workbook", "the file is not a readable Excel workbook"),
    ],
)
def test_files_that_are_not_tables(
    office: Engine, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    before = fingerprint(office)
    with pytest.raises(FileProblem, match=message):
        import_file(office, "customers", write(tmp_path, name, content))
    assert fingerprint(office) == before


def test_windows_1252_file_with_accents_imports(office: Engine, tmp_path: Path) -> None:
    content = "external_id;Name;City\r\nC-20;José Müller;Zürich\r\nC-21;Renée Dubois;Besançon\r\n"
    path = write(tmp_path, "legacy.csv", content, encoding="cp1252")
    summary = import_file(office, "customers", path)
    assert summary.problems == [] and summary.created == 2
    with session_factory(office)() as session:
        names = session.scalars(
            select(Customer.name).where(Customer.external_id.in_(["C-20", "C-21"]))
        ).all()
    assert sorted(names) == ["José Müller", "Renée Dubois"]


def test_utf8_with_bom_tabs_and_mapped_headers(office: Engine, tmp_path: Path) -> None:
    content = "\ufeffCust No\tFull Name\tTelephone\nC-30\tŁukasz Wójcik\t+48 12 345 67 89\n"
    path = write(tmp_path, "crm.tsv.csv", content)
    summary = import_file(
        office,
        "customers",
        path,
        mapping={"cust_no": "external_id", "full_name": "name", "telephone": "phone"},
    )
    assert summary.problems == [] and summary.created == 1
    with session_factory(office)() as session:
        customer = session.scalars(select(Customer).where(Customer.external_id == "C-30")).one()
    assert (customer.name, customer.phone) == ("Łukasz Wójcik", "+48 12 345 67 89")


def test_formula_looking_cell_is_stored_as_text(office: Engine, tmp_path: Path) -> None:
    formula = '=HYPERLINK("http://example.com","click")'
    content = f'external_id,name,notes\nC-40,Formula Co,"{formula.replace(chr(34), chr(34) * 2)}"\n'
    summary = import_file(office, "customers", write(tmp_path, "f.csv", content))
    assert summary.problems == []
    with session_factory(office)() as session:
        assert (
            session.scalars(select(Customer.notes).where(Customer.external_id == "C-40")).one()
            == formula
        )


def test_reimport_updates_and_never_duplicates(office: Engine, tmp_path: Path) -> None:
    first = write(
        tmp_path, "a.csv", "external_id,name,phone\nT-1,Ana Tech,555-0001\nT-2,Bo Tech,\n"
    )
    assert import_file(office, "technicians", first).created == 1
    again = import_file(office, "technicians", first)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    changed = write(
        tmp_path, "b.csv", "external_id,name,phone\nT-1,Ana Tech,555-9999\nT-2,Bo Tech,\n"
    )
    summary = import_file(office, "technicians", changed)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 1)
    with session_factory(office)() as session:
        assert (
            session.scalars(select(Staff.phone).where(Staff.external_id == "T-1")).one()
            == "555-9999"
        )
        assert len(session.scalars(select(Staff)).all()) == 2


def test_dry_run_counts_but_writes_nothing(office: Engine, tmp_path: Path) -> None:
    before = fingerprint(office)
    path = write(
        tmp_path,
        "v.csv",
        "external_id,customer_external_id,technician,scheduled_for\n"
        "V-1,C-1,Ana Tech,2025-03-04 09:30\n",
    )
    summary = import_file(office, "visits", path, dry_run=True)
    assert (summary.problems, summary.created, summary.written) == ([], 1, False)
    assert fingerprint(office) == before


def test_dates_as_the_file_has_them(office: Engine, tmp_path: Path) -> None:
    content = (
        "external_id,customer_external_id,scheduled_for\n"
        "V-1,C-1,25/03/2025\n"
        "V-2,C-1,2025-03-26\n"
        "V-3,C-1,04/05/2025\n"
    )
    path = write(tmp_path, "d.csv", content)
    assert import_file(office, "visits", path).problems == []
    with session_factory(office)() as session:
        days = {
            v.external_id: v.scheduled_for.astimezone().date().isoformat()
            for v in session.scalars(select(ServiceVisit))
        }
    assert days == {"V-1": "2025-03-25", "V-2": "2025-03-26", "V-3": "2025-05-04"}


def test_unknown_columns_are_reported(office: Engine, tmp_path: Path) -> None:
    path = write(tmp_path, "x.csv", "external_id,name,favourite_colour\nC-50,Extra Co,blue\n")
    summary = import_file(office, "customers", path)
    assert summary.ignored_columns == ["favourite_colour"] and summary.created == 1


def test_the_summary_says_how_the_file_was_read(office: Engine, tmp_path: Path) -> None:
    path = write(tmp_path, "s.csv", "external_id;name\nC-60;Semi Co\n")
    summary = import_file(office, "customers", path)
    assert summary.created == 1
    assert summary.source == open_table(path).describe() != ""


def index_definitions(engine: Engine) -> list[tuple[str, str]]:
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
        )
        return [(str(name), str(sql)) for name, sql in rows]


VISITS_FILE = "external_id,customer_external_id,technician,scheduled_for,problem\n" + "".join(
    f"V-{n},C-1,Ana Tech,2025-01-{n % 28 + 1:02d} 09:00,Leak {n}\n" for n in range(40)
)


def test_large_import_rebuilds_the_indexes_it_dropped(
    office: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from console.services.transfer import importer

    monkeypatch.setattr(importer, "REBUILD_MIN_ROWS", 10)
    before = index_definitions(office)
    summary = import_file(office, "visits", write(tmp_path, "visits.csv", VISITS_FILE))
    assert (summary.created, summary.problems) == (40, [])
    assert index_definitions(office) == before
    with office.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        plan = connection.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT * FROM service_visits WHERE customer_id = 1"
        ).all()
    assert "ix_service_visits_customer_scheduled" in str(plan)


def test_large_import_refused_keeps_indexes_and_rows_as_they_were(
    office: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from console.services.transfer import importer

    monkeypatch.setattr(importer, "REBUILD_MIN_ROWS", 10)
    before = fingerprint(office)
    bad = VISITS_FILE + "V-bad,C-1,Ana Tech,someday,Leak\n"
    summary = import_file(office, "visits", write(tmp_path, "visits.csv", bad))
    assert [str(problem) for problem in summary.problems] == [
        "row 42, column scheduled_for: 'someday' is not a date"
    ]
    assert fingerprint(office) == before


def test_bulk_insert_converts_values_and_fills_python_defaults(engine: Engine) -> None:
    import datetime as dt

    from console.models import Base, UpsellNote
    from console.services.transfer.importer import bulk_insert

    with session_factory(engine).begin() as session:
        customer_id = factories.customer(session, name="Bulk Customer").id
    notes = Base.metadata.tables["upsell_notes"]
    written = dt.datetime(2026, 5, 1, 12, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    with engine.begin() as connection:
        bulk_insert(
            connection,
            notes,
            [{"customer_id": customer_id, "author": "a", "text": "first", "created_at": written}],
        )
        bulk_insert(connection, notes, [{"customer_id": customer_id, "author": "b", "text": "2"}])
    with session_factory(engine)() as session:
        stored = session.scalars(select(UpsellNote).order_by(UpsellNote.id)).all()
    assert [(n.text, n.category, n.pinned, n.version) for n in stored] == [
        ("first", "Other", False, 1),
        ("2", "Other", False, 1),
    ]
    assert stored[0].created_at == written
    assert stored[1].created_at > written  # the column's own default: now
