"""Import values: numbers, money and dates read the way the file's column writes them.

Each refusal names its row and column and leaves every table as it was, on both backends.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from console.database import session_factory
from console.models import Customer, Equipment, Referral, ServiceVisit, Staff, StaffRole
from console.services.transfer.importer import import_file
from tests import factories
from tests.dump import dump, write_csv

REFERRALS = "external_id,customer_external_id,technician,pain_point,estimated_value\n"
VISITS = "external_id,customer_external_id,scheduled_for\n"


@pytest.fixture
def office(engine: Engine) -> Engine:
    with session_factory(engine).begin() as session:
        owner = factories.customer(session, external_id="C-1", name="Existing Customer")
        factories.staff(session, "Ana Tech", external_id="T-1")
        factories.staff(session, "Sal Es", role=StaffRole.SALESPERSON, external_id="S-1")
        factories.equipment(session, owner, external_id="E-1")
    return engine


def referral_values(values: list[str]) -> str:
    return REFERRALS + "".join(
        f'R-{n},C-1,T-1,Old boiler,"{value}"\n' for n, value in enumerate(values, start=1)
    )


def stored_values(engine: Engine) -> list[Decimal | None]:
    with session_factory(engine)() as session:
        query = select(Referral.estimated_value).order_by(Referral.id)
        return list(session.scalars(query))


def refused(engine: Engine, kind: str, path: Path, **options: object) -> list[str]:
    """The problems of an import that must be refused, checking that nothing changed."""
    before = dump(engine)
    summary = import_file(engine, kind, path, **options)  # type: ignore[arg-type]
    assert not summary.written
    assert dump(engine) == before
    return [str(problem) for problem in summary.problems]


@pytest.mark.parametrize(
    ("values", "decimal", "expected"),
    [
        (["1.234,56"], None, ["1234.56"]),
        (["2,5"], None, ["2.50"]),
        (["12,50"], None, ["12.50"]),
        (["1,234,567"], None, ["1234567.00"]),
        (["1,234", "1,234,567"], None, ["1234.00", "1234567.00"]),
        (["1.234", "12,50"], None, ["1234.00", "12.50"]),
        (
            ["€ 1.234,56", "1 234,50", "1\u00a0234,5", "12 €"],
            None,
            ["1234.56", "1234.50", "1234.50", "12.00"],
        ),
        (["CHF 1'234.50", "$1,234.56", "USD 7"], None, ["1234.50", "1234.56", "7.00"]),
        (["1,234"], ".", ["1234.00"]),
        (["1.234"], ",", ["1234.00"]),
        (["1,5"], ",", ["1.50"]),
        (["", "0", "100"], None, [None, "0.00", "100.00"]),
    ],
)
def test_money_columns_keep_their_value_in_any_locale(
    office: Engine, tmp_path: Path, values: list[str], decimal: str | None, expected: list
) -> None:
    path = write_csv(tmp_path, referral_values(values))
    summary = import_file(office, "referrals", path, decimal=decimal)
    assert summary.problems == [] and summary.created == len(values)
    assert stored_values(office) == [None if v is None else Decimal(v) for v in expected]


@pytest.mark.parametrize(
    ("values", "decimal", "message"),
    [
        (
            ["100", "250", "75", "1,234"],
            None,
            "row 5, column estimated_value: '1,234' could be 1234 or 1.234; "
            "say --decimal , or --decimal .",
        ),
        (
            ["1.234"],
            None,
            "row 2, column estimated_value: '1.234' could be 1234 or 1.234; "
            "say --decimal , or --decimal .",
        ),
        (
            ["1.234,56", "99", "1,234.56"],
            None,
            "row 4, column estimated_value: '1,234.56' has . as the decimal mark, but row 2 "
            "('1.234,56') has ,; say --decimal , or --decimal .",
        ),
        (
            ["12,50", "2.5"],
            None,
            "row 3, column estimated_value: '2.5' has . as the decimal mark, but row 2 "
            "('12,50') has ,; say --decimal , or --decimal .",
        ),
        (
            ["12.50"],
            ",",
            "row 2, column estimated_value: '12.50' is not a number with , as the decimal mark",
        ),
        (["-5"], None, "row 2, column estimated_value: must not be negative"),
        (["(12.50)"], None, "row 2, column estimated_value: must not be negative"),
        (
            ["1,2,3"],
            None,
            "row 2, column estimated_value: '1,2,3' is not a number with . as the decimal mark",
        ),
        (["0,125"], None, "row 2, column estimated_value: '0,125' has more than 2 decimals"),
        (["99999999999"], None, "row 2, column estimated_value: is too large"),
    ],
)
def test_money_that_cannot_be_read_for_sure_is_refused(
    office: Engine, tmp_path: Path, values: list[str], decimal: str | None, message: str
) -> None:
    path = write_csv(tmp_path, referral_values(values))
    assert refused(office, "referrals", path, decimal=decimal) == [message]


def scheduled_days(engine: Engine) -> list[str]:
    with session_factory(engine)() as session:
        visits = session.scalars(select(ServiceVisit).order_by(ServiceVisit.id))
        return [visit.scheduled_for.astimezone().date().isoformat() for visit in visits]


def visit_file(values: list[str], extra: str = "") -> str:
    return VISITS.replace("\n", extra + "\n") + "".join(
        f"V-{n},C-1,{value}\n" for n, value in enumerate(values, start=1)
    )


@pytest.mark.parametrize(
    ("values", "day_first", "expected"),
    [
        (["25/03/2025", "04/05/2025"], None, ["2025-03-25", "2025-05-04"]),
        (["03/25/2025", "04/05/2025"], None, ["2025-03-25", "2025-04-05"]),
        (["04/05/2025"], True, ["2025-05-04"]),
        (["04/05/2025"], False, ["2025-04-05"]),
        (["03/25/2025", "04/05/2025"], True, ["2025-03-25", "2025-04-05"]),
        (
            ["2025-05-04", "05/05/2025", "13.01.2025"],
            None,
            ["2025-05-04", "2025-05-05", "2025-01-13"],
        ),
        (["2025-05-04T10:00:00+00:00", "2025/05/06"], None, ["2025-05-04", "2025-05-06"]),
    ],
)
def test_day_and_month_are_decided_for_the_whole_column(
    office: Engine, tmp_path: Path, values: list[str], day_first: bool | None, expected: list
) -> None:
    path = write_csv(tmp_path, visit_file(values))
    summary = import_file(office, "visits", path, day_first=day_first)
    assert summary.problems == []
    assert scheduled_days(office) == expected


def test_each_date_column_is_decided_on_its_own(office: Engine, tmp_path: Path) -> None:
    content = (
        "external_id,customer_external_id,scheduled_for,completed_on\n"
        "V-1,C-1,25/03/2025 09:00,03/26/2025 10:00\n"
        "V-2,C-1,04/05/2025 09:00,04/05/2025 10:00\n"
    )
    assert import_file(office, "visits", write_csv(tmp_path, content)).problems == []
    with session_factory(office)() as session:
        visits = session.scalars(select(ServiceVisit).order_by(ServiceVisit.id)).all()
    assert [v.scheduled_for.astimezone().date().isoformat() for v in visits] == [
        "2025-03-25",
        "2025-05-04",
    ]
    assert [v.completed_at and v.completed_at.astimezone().date().isoformat() for v in visits] == [
        "2025-03-26",
        "2025-04-05",
    ]


@pytest.mark.parametrize(
    ("values", "day_first", "message"),
    [
        (
            ["2025-01-01", "05/02/2024", "06/03/2024"],
            None,
            "row 3, column scheduled_for: 05/02/2024 could be 5 February or 2 May; "
            "say --day-first or --month-first",
        ),
        (
            ["25/03/2025", "01/01/2025", "03/25/2025"],
            None,
            "row 4, column scheduled_for: 03/25/2025 has the month first, but row 2 "
            "(25/03/2025) has the day first; every date in a column must be written the same way",
        ),
        (
            ["03/25/2025", "25/03/2025"],
            True,
            "row 3, column scheduled_for: 25/03/2025 has the day first, but row 2 "
            "(03/25/2025) has the month first; every date in a column must be written the same way",
        ),
        (
            ["0001-01-01T00:00"],
            None,
            "row 2, column scheduled_for: '0001-01-01T00:00' is out of range",
        ),
        (
            ["9999-12-31T23:59:59-01:00"],
            None,
            "row 2, column scheduled_for: '9999-12-31T23:59:59-01:00' is out of range",
        ),
        (["31/12/1899"], None, "row 2, column scheduled_for: '31/12/1899' is out of range"),
        (["2101-01-01"], None, "row 2, column scheduled_for: '2101-01-01' is out of range"),
        (["31/31/2025"], None, "row 2, column scheduled_for: '31/31/2025' is not a date"),
    ],
)
def test_dates_that_cannot_be_read_for_sure_are_refused(
    office: Engine, tmp_path: Path, values: list[str], day_first: bool | None, message: str
) -> None:
    path = write_csv(tmp_path, visit_file(values))
    assert refused(office, "visits", path, day_first=day_first) == [message]


def test_installation_dates_out_of_range_are_refused(office: Engine, tmp_path: Path) -> None:
    content = "external_id,customer_external_id,kind,installed_on\nE-2,C-1,Boiler,1850-06-01\n"
    assert refused(office, "equipment", write_csv(tmp_path, content)) == [
        "row 2, column installed_on: '1850-06-01' is out of range"
    ]


LONG = "x" * 201


@pytest.mark.parametrize(
    ("kind", "content", "message"),
    [
        (
            "customers",
            f"external_id,name\nC-2,{LONG}\n",
            "row 2, column name: is longer than 200 characters",
        ),
        (
            "customers",
            f"external_id,name,phone\nC-2,Bo,{'5' * 41}\n",
            "row 2, column phone: is longer than 40 characters",
        ),
        (
            "notes",
            f"external_id,customer_external_id,author,text\nN-1,C-1,{'a' * 121},Hi\n",
            "row 2, column author: is longer than 120 characters",
        ),
        (
            "notes",
            f"external_id,customer_external_id,author,category,text\nN-1,C-1,Al,{'c' * 61},Hi\n",
            "row 2, column category: is longer than 60 characters",
        ),
        (
            "technicians",
            f"external_id,name\n{'T' * 65},Bo\n",
            "row 2, column external_id: is longer than 64 characters",
        ),
        (
            "customers",
            f"external_id,name,account_number\nC-2,Bo,{'9' * 33}\n",
            "row 2, column account_number: is longer than 32 characters",
        ),
        (
            "customers",
            f"external_id,name\n{'C' * 40},Bo\n",
            "row 2, column account_number: is longer than 32 characters (a new customer's "
            f"account number is its external id {'C' * 40!r} unless the file gives one)",
        ),
    ],
)
def test_values_longer_than_their_column_are_refused_on_every_backend(
    office: Engine, tmp_path: Path, kind: str, content: str, message: str
) -> None:
    assert refused(office, kind, write_csv(tmp_path, content)) == [message]


def test_long_external_id_is_fine_with_an_account_number(office: Engine, tmp_path: Path) -> None:
    content = f"external_id,name,account_number\n{'C' * 40},Bo,A-77\n"
    assert import_file(office, "customers", write_csv(tmp_path, content)).created == 1


@pytest.mark.parametrize(
    ("email", "reason"),
    [
        (
            "not-an-email",
            "'not-an-email' is not an email address: An email address must have an @-sign.",
        ),
        ("ana@", "'ana@' is not an email address: There must be something after the @-sign."),
        (
            "a b@example.com",
            "'a b@example.com' is not an email address: The email address contains invalid "
            "characters before the @-sign: SPACE.",
        ),
    ],
)
def test_an_email_that_is_not_one_is_refused(
    office: Engine, tmp_path: Path, email: str, reason: str
) -> None:
    path = write_csv(tmp_path, f"external_id,name,email\nC-2,Bo,{email}\n")
    assert refused(office, "customers", path) == [f"row 2, column email: {reason}"]
    staff = write_csv(tmp_path, f"external_id,name,email\nT-9,Bo,{email}\n", "staff.csv")
    assert refused(office, "technicians", staff) == [f"row 2, column email: {reason}"]


def test_emails_and_phones_are_stored_as_written(office: Engine, tmp_path: Path) -> None:
    content = (
        "external_id,name,email,phone\n"
        "C-2,Ana Park,Ana.Park@Example.COM,+44 (0)20 7946 0018\n"
        "C-3,Bo Lind,bo@exämple.se,0049-30-1234 ext. 5\n"
    )
    assert import_file(office, "customers", write_csv(tmp_path, content)).problems == []
    with session_factory(office)() as session:
        rows = session.execute(
            select(Customer.email, Customer.phone)
            .where(Customer.external_id != "C-1")
            .order_by(Customer.external_id)
        ).all()
    assert [tuple(row) for row in rows] == [
        ("Ana.Park@Example.COM", "+44 (0)20 7946 0018"),
        ("bo@exämple.se", "0049-30-1234 ext. 5"),
    ]


def test_one_external_id_cannot_name_a_technician_and_a_salesperson(
    office: Engine, tmp_path: Path
) -> None:
    salespeople = write_csv(tmp_path, "external_id,name\nS-2,New Sales\nT-1,Ana Again\n")
    assert refused(office, "salespeople", salespeople) == [
        "row 3, column external_id: 'T-1' is already the external id of a technician"
    ]
    technicians = write_csv(tmp_path, "external_id,name\nS-1,Sal Tech\n", "t.csv")
    assert refused(office, "technicians", technicians) == [
        "row 2, column external_id: 'S-1' is already the external id of a salesperson"
    ]
    with session_factory(office)() as session:
        assert session.scalars(select(Staff.name).order_by(Staff.id)).all() == [
            "Ana Tech",
            "Sal Es",
        ]


def test_installed_on_reads_the_columns_order(office: Engine, tmp_path: Path) -> None:
    content = (
        "external_id,customer_external_id,kind,installed_on\n"
        "E-2,C-1,Boiler,13/02/2011\nE-3,C-1,Heat pump,02/03/2019\n"
    )
    assert import_file(office, "equipment", write_csv(tmp_path, content)).problems == []
    with session_factory(office)() as session:
        days = session.scalars(
            select(Equipment.installed_on)
            .where(Equipment.external_id != "E-1")
            .order_by(Equipment.external_id)
        ).all()
    assert days == [dt.date(2011, 2, 13), dt.date(2019, 3, 2)]
