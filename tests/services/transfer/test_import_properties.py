"""Properties of export and import over generated offices and damaged files.

(a) Whatever valid records an office holds, exporting every kind and importing the files back
into the same database changes nothing. (b) A file damaged at random (cells edited, columns
dropped, rows cut off, another separator or encoding) is either imported exactly as it reads,
or refused with the database as it was.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete

from console.database import session_factory
from console.models import (
    Base,
    Customer,
    Equipment,
    Referral,
    ReferralStatus,
    ServiceVisit,
    Staff,
    StaffRole,
    UpsellNote,
    Urgency,
    VisitStatus,
)
from console.services.transfer.exporter import export_frame, export_kind
from console.services.transfer.formulas import unprotect
from console.services.transfer.importer import import_file
from console.services.transfer.table_file import FileProblem
from tests.dump import dump


def domain_rows(engine: Engine) -> dict[str, list[tuple]]:
    """Every table but the import fingerprints, which a successful import refreshes."""
    return {name: rows for name, rows in dump(engine).items() if name != "import_fingerprints"}


ORDER = ("customers", "technicians", "salespeople", "equipment", "visits", "referrals", "notes")
PROPERTY = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Cell text as offices type it: any script, punctuation, symbols, spaces inside. A leading
# apostrophe before a formula character is the export's own escape, so it is left out.
text = (
    st.text(st.characters(categories=["L", "N", "P", "S", "Zs"]), min_size=1, max_size=12)
    .map(str.strip)
    .filter(lambda value: value and not value.startswith("'"))
)
optional_text = st.none() | text
emails = st.builds(
    "{}.{}@{}.example".format,
    st.from_regex(r"[a-z]{1,6}", fullmatch=True),
    st.from_regex(r"[A-Za-z0-9]{1,4}", fullmatch=True),
    st.from_regex(r"[a-z]{1,6}", fullmatch=True),
)
moments = st.datetimes(
    min_value=dt.datetime(1950, 1, 1), max_value=dt.datetime(2090, 1, 1), timezones=st.just(dt.UTC)
)
days = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2090, 1, 1))
money = st.none() | st.decimals(
    min_value=Decimal(0), max_value=Decimal("99999999.99"), places=2, allow_nan=False
)


@st.composite
def offices(draw: st.DrawFn) -> dict[str, list[dict[str, Any]]]:
    """A small office: customers, staff, equipment, visits, referrals and notes."""
    size = draw(st.integers(1, 3))
    customers = [
        {
            "external_id": f"C-{n}",
            "account_number": f"A-{n}",
            "name": draw(text),
            "company": draw(optional_text),
            "phone": draw(
                st.none() | st.from_regex(r"\+?[0-9][0-9 ()\-]{2,18}[0-9]", fullmatch=True)
            ),
            "email": draw(st.none() | emails),
            "city": draw(optional_text),
            "notes": draw(optional_text),
        }
        for n in range(size)
    ]
    staff = [
        {
            "external_id": f"{role.value[:4].upper()}-{n}",
            "name": draw(text),
            "role": role,
            "phone": draw(optional_text),
            "active": draw(st.booleans()),
        }
        for n, role in enumerate(draw(st.lists(st.sampled_from(StaffRole), min_size=1, max_size=3)))
    ]
    if not any(person["role"] is StaffRole.TECHNICIAN for person in staff):
        staff.append({"external_id": "TECH-X", "name": "Tech X", "role": StaffRole.TECHNICIAN})
    return {"customers": customers, "staff": staff}


@st.composite
def records(draw: st.DrawFn) -> dict[str, list[dict[str, Any]]]:
    """Everything that hangs off the customers and staff: by index, resolved when filled."""
    count = st.integers(0, 3)
    return {
        "equipment": [
            {
                "kind": draw(text),
                "make": draw(optional_text),
                "installed_on": draw(st.none() | days),
            }
            for _ in range(draw(count))
        ],
        "visits": [
            {
                "scheduled_for": draw(moments),
                "completed_at": draw(st.none() | moments),
                "status": draw(st.sampled_from(VisitStatus)),
                "tech_notes": draw(optional_text),
            }
            for _ in range(draw(count))
        ],
        "referrals": [
            {
                "status": draw(st.sampled_from(ReferralStatus)),
                "urgency": draw(st.sampled_from(Urgency)),
                "created_at": draw(moments),
                "pain_point": draw(text),
                "estimated_value": draw(money),
                "with_salesperson": draw(st.booleans()),
            }
            for _ in range(draw(count))
        ],
        "notes": [
            {
                "author": draw(text),
                "category": draw(text),
                "text": draw(text),
                "pinned": draw(st.booleans()),
                "created_at": draw(moments),
            }
            for _ in range(draw(count))
        ],
    }


def empty(engine: Engine) -> None:
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(delete(table))


def build(engine: Engine, office: dict[str, Any], extra: dict[str, Any]) -> None:
    empty(engine)
    with session_factory(engine).begin() as session:
        customers = [Customer(**values) for values in office["customers"]]
        people = [Staff(**values) for values in office["staff"]]
        session.add_all([*customers, *people])
        session.flush()
        techs = [p for p in people if p.role is StaffRole.TECHNICIAN]
        sales = [p for p in people if p.role is StaffRole.SALESPERSON]
        owner = customers[0]
        for values in extra["equipment"]:
            session.add(Equipment(customer_id=owner.id, **values))
        for values in extra["visits"]:
            session.add(ServiceVisit(customer_id=owner.id, technician_id=techs[0].id, **values))
        for values in extra["referrals"]:
            values = dict(values)
            salesperson = sales[0].id if values.pop("with_salesperson") and sales else None
            session.add(
                Referral(
                    customer_id=owner.id,
                    technician_id=techs[0].id,
                    salesperson_id=salesperson,
                    **values,
                )
            )
        for values in extra["notes"]:
            session.add(UpsellNote(customer_id=owner.id, **values))


@PROPERTY
@given(office=offices(), extra=records())
def test_any_office_exports_and_imports_back_unchanged(
    engine: Engine, tmp_path_factory: Any, office: dict[str, Any], extra: dict[str, Any]
) -> None:
    build(engine, office, extra)
    folder = tmp_path_factory.mktemp("export")
    files = {}
    for kind in ORDER:
        files[kind] = folder / f"{kind}.csv"
        if not export_kind(engine, kind, files[kind]):
            del files[kind]  # a file with a header and no rows is refused; nothing to test
    before = domain_rows(engine)
    for kind in files:
        summary = import_file(engine, kind, files[kind])
        assert summary.problems == [], (kind, summary.problems)
        assert (summary.created, summary.updated) == (0, 0), kind
    assert domain_rows(engine) == before


# -- damaged files ----------------------------------------------------------------------------


@st.composite
def damage(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "edits": draw(
            st.lists(
                st.tuples(st.integers(0, 50), st.integers(0, 20), st.none() | text | st.just("")),
                max_size=4,
            )
        ),
        "drop": draw(st.lists(st.integers(0, 20), max_size=2)),
        "keep_rows": draw(st.none() | st.integers(0, 4)),
        "cut_bytes": draw(st.none() | st.integers(1, 400)),
        "separator": draw(st.sampled_from([",", ";", "\t"])),
        "encoding": draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"])),
    }


def damaged(rows: list[list[str]], how: dict[str, Any]) -> tuple[bytes, str]:
    """The rows with the damage applied, as file bytes, and the encoding used."""
    header, body = rows[0], [list(row) for row in rows[1:]]
    for row_at, column_at, value in how["edits"]:
        if body:
            row = body[row_at % len(body)]
            row[column_at % len(row)] = value or ""
    for column_at in how["drop"]:
        if len(header) > 2:
            position = column_at % len(header)
            if header[position] not in ("external_id", "name"):
                del header[position]
                for row in body:
                    del row[position]
    if how["keep_rows"] is not None:
        body = body[: how["keep_rows"]]
    out = io.StringIO()
    csv.writer(out, delimiter=how["separator"], lineterminator="\n").writerows([header, *body])
    text = out.getvalue()
    encoding = how["encoding"]
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        encoding, data = "utf-8", text.encode("utf-8")
    if how["cut_bytes"] is not None:
        data = data[: max(len(data) - how["cut_bytes"], len(header[0]) + 1)]
    return data, encoding


def as_read(data: bytes, encoding: str, separator: str) -> list[dict[str, str]]:
    """The file's rows as a reader with the right encoding and separator sees them.

    Cut inside its only non-ASCII character, a UTF-8 file is no longer UTF-8 anywhere: it is
    then a Windows-1252 (else Latin-1) file, as the import documents and reads it.
    """
    codec = "utf-8-sig" if encoding.startswith("utf-8") else encoding
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    rows = list(csv.reader(io.StringIO(text), delimiter=separator))
    header = rows[0]
    return [
        dict(zip(header, row + [""] * (len(header) - len(row)), strict=False))
        for row in rows[1:]
        if row
    ]


def customers_now(engine: Engine) -> dict[str, dict[str, str]]:
    with engine.connect() as connection:
        frame = export_frame(connection, "customers")
    return {
        str(row["external_id"]): {str(key): str(value) for key, value in row.items()}
        for row in frame.to_dict("records")
    }


@PROPERTY
@given(office=offices(), how=damage())
def test_a_damaged_file_is_imported_as_it_reads_or_refused_whole(
    engine: Engine, tmp_path_factory: Any, office: dict[str, Any], how: dict[str, Any]
) -> None:
    build(engine, office, {"equipment": [], "visits": [], "referrals": [], "notes": []})
    with engine.connect() as connection:
        frame = export_frame(connection, "customers")
    rows = [list(frame.columns)] + [[str(cell) for cell in row] for row in frame.values.tolist()]
    data, encoding = damaged(rows, how)
    path = tmp_path_factory.mktemp("damaged") / "customers.csv"
    path.write_bytes(data)
    before, stored = dump(engine), customers_now(engine)
    try:
        summary = import_file(engine, "customers", path)
    except FileProblem:
        event("the file is refused as a whole")
        assert dump(engine) == before
        return
    if summary.problems:
        event("rows are refused")
        assert dump(engine) == before
        return
    event("imported")
    after = customers_now(engine)
    for row in as_read(data, encoding, how["separator"]):
        external_id = unprotect(row["external_id"].strip())
        for column, cell in row.items():
            expected = unprotect(cell.strip())
            if column == "account_number" and not expected:
                expected = stored.get(external_id, {}).get(column) or external_id
            assert unprotect(after[external_id][column]) == expected, (column, row)
        for column in set(stored.get(external_id, {})) - set(row):
            assert after[external_id][column] == stored[external_id][column], column
