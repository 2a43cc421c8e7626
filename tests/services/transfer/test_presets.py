"""Presets: each vendor sample imports with no mapping into the right records, and stays put."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from console.models import Customer, Equipment, ServiceVisit, Staff
from console.services.transfer.file_problem import FileProblem
from console.services.transfer.importer import ImportSummary
from console.services.transfer.kinds import KINDS
from console.services.transfer.presets import (
    all_presets,
    find_preset,
    import_with_preset,
    recognise,
    rejects_target,
    source_rejects,
)
from console.services.transfer.presets.definition import load_definition
from console.services.transfer.presets.rules import BrokenGuard, guarded_value, vendor_date

SAMPLES = Path(__file__).parents[2] / "data" / "presets"
HAS_SITES = "sites" in KINDS
needs_sites = pytest.mark.skipif(not HAS_SITES, reason="the sites kind is not in this build")


def run(engine: Engine, name: str, **options: object) -> list[ImportSummary]:
    path = SAMPLES / name
    preset = recognise(path)
    assert preset is not None, name
    return import_with_preset(engine, path, preset, **options)  # type: ignore[arg-type]


def counts(summaries: list[ImportSummary]) -> dict[str, tuple[int, int, int]]:
    return {s.kind: (s.created, s.updated, s.unchanged) for s in summaries}


def customers(engine: Engine) -> dict[str, Customer]:
    with Session(engine) as session:
        return {c.external_id or "": c for c in session.scalars(select(Customer))}


def table_count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize(
    ("sample", "name"),
    [
        ("jobber-clients.csv", "jobber-clients"),
        ("housecall-pro-customers.csv", "housecall-pro-customers"),
        ("housecall-pro-jobs.csv", "housecall-pro-jobs"),
        ("servicetitan-customers.xlsx", "servicetitan-customers"),
        pytest.param("servicetitan-locations.csv", "servicetitan-locations", marks=needs_sites),
        ("servicetitan-jobs.csv", "servicetitan-jobs"),
        ("servicetitan-equipment.xlsx", "servicetitan-equipment"),
        ("quickbooks-customers.csv", "quickbooks-customers"),
    ],
)
def test_each_sample_is_recognised(sample: str, name: str) -> None:
    preset = recognise(SAMPLES / sample)
    assert preset is not None and preset.name == name


def test_every_preset_names_its_source_and_kinds() -> None:
    presets = all_presets()
    assert [p.name for p in presets[: len(KINDS)]] == [f"console-{k}" for k in KINDS]
    for preset in presets:
        assert preset.kinds and preset.source and preset.title
    assert find_preset("JOBBER-clients").kinds[0] == "customers"


def test_an_unknown_preset_is_refused_naming_the_choices() -> None:
    with pytest.raises(
        FileProblem, match=r"no preset called 'jober'; the presets: .*jobber-clients"
    ):
        find_preset("jober")


def test_jobber_clients_become_customers_and_their_properties(engine: Engine) -> None:
    summaries = run(engine, "jobber-clients.csv")
    assert counts(summaries)["customers"] == (4, 0, 0)
    stored = customers(engine)
    miller = stored["48211903"]
    assert (miller.name, miller.phone, miller.email) == (
        "Margaret Miller",
        "(201) 555-0143",
        "mmiller@example.com",
    )
    assert (miller.street, miller.city, miller.postal_code) == (
        "14 Elm Street",
        "Hackensack",
        "07601",
    )
    harbor = stored["48211957"]
    assert harbor.company == "Harbor Point Property Management"
    assert harbor.email == "dokafor@harborpoint.example"  # the first of the client's emails
    assert harbor.street == "200 Market Street, Suite 400"
    # No billing address: the property's address stands in.
    nunez = stored["48212088"]
    assert (nunez.name, nunez.phone, nunez.street, nunez.postal_code) == (
        "José Núñez",
        "(551) 555-0177",
        "9 Sycamore Lane",
        "07666",
    )
    if HAS_SITES:
        from console.models import Site

        assert counts(summaries)["sites"] == (6, 0, 0)
        with Session(engine) as session:
            sites = session.scalars(
                select(Site).where(Site.customer_id == harbor.id).order_by(Site.street)
            ).all()
            assert [(s.name, s.street, s.city, s.postal_code) for s in sites] == [
                ("Maple Court", "12 Maple Avenue, Building B", "Montclair", "07042"),
                ("410 Bloomfield Avenue", "410 Bloomfield Avenue", "Montclair", "07042"),
                ("Riverside Lofts", "85 River Road", "Edgewater", "07020"),
            ]


def test_importing_a_sample_twice_changes_nothing(engine: Engine) -> None:
    first = run(engine, "jobber-clients.csv")
    before = {key: (c.name, c.version) for key, c in customers(engine).items()}
    again = run(engine, "jobber-clients.csv")
    assert all(s.created == 0 and s.updated == 0 for s in again)
    assert [s.unchanged for s in again] == [s.created for s in first]
    assert {key: (c.name, c.version) for key, c in customers(engine).items()} == before


VENDORS = {
    "jobber": ["jobber-clients.csv"],
    "housecall-pro": ["housecall-pro-customers.csv", "housecall-pro-jobs.csv"],
    "servicetitan": [
        "servicetitan-customers.xlsx",
        *(["servicetitan-locations.csv"] if HAS_SITES else []),
        "servicetitan-jobs.csv",
        "servicetitan-equipment.xlsx",
    ],
    "quickbooks": ["quickbooks-customers.csv"],
}


@pytest.mark.parametrize("vendor", list(VENDORS))
def test_every_sample_imports_then_imports_again_unchanged(engine: Engine, vendor: str) -> None:
    for name in VENDORS[vendor]:
        summaries = run(engine, name)
        assert all(s.written and s.created for s in summaries), (name, counts(summaries))
    for name in VENDORS[vendor]:
        again = run(engine, name)
        assert all(s.created == 0 and s.updated == 0 and s.unchanged for s in again), (
            name,
            counts(again),
        )


def test_namesake_customers_are_told_apart_by_the_job_address(sqlite_engine: Engine) -> None:
    run(sqlite_engine, "housecall-pro-customers.csv")
    with Session(sqlite_engine) as session, session.begin():
        session.add(
            Customer(
                external_id="OTHER-1",
                account_number="OTHER-1",
                name="Margaret Miller",
                street="3 Birch Road",
            )
        )
    summaries = run(sqlite_engine, "housecall-pro-jobs.csv")
    assert counts(summaries)["visits"] == (4, 0, 0)
    with Session(sqlite_engine) as session:
        visit = session.scalars(
            select(ServiceVisit).where(ServiceVisit.external_id == "hcp-job:1042")
        ).one()
        assert visit.customer.external_id == "cus_8f2a61c0"


def test_housecall_pro_customers_unwrap_ids_and_zip_codes(sqlite_engine: Engine) -> None:
    summaries = run(sqlite_engine, "housecall-pro-customers.csv")
    assert counts(summaries)["customers"] == (4, 0, 0)
    stored = customers(sqlite_engine)
    miller = stored["cus_8f2a61c0"]
    assert (miller.phone, miller.postal_code, miller.notes) == (
        "2015550143",
        "07601",
        "Gate code 4411",
    )
    # No display name: first and last name.
    assert stored["cus_8f2a6d11"].name == "José Núñez"
    assert stored["cus_8f2a61c7"].phone == "9735550110"  # the work number when no mobile
    assert stored["cus_8f2a6e02"].street == "310 Main Street, Suite 2"
    if HAS_SITES:
        assert counts(summaries)["sites"] == (6, 0, 0)


def test_housecall_pro_jobs_find_their_customers_and_employees(sqlite_engine: Engine) -> None:
    run(sqlite_engine, "housecall-pro-customers.csv")
    summaries = run(sqlite_engine, "housecall-pro-jobs.csv")
    assert counts(summaries) == {"technicians": (2, 0, 0), "visits": (4, 0, 0)}
    with Session(sqlite_engine) as session:
        techs = {s.external_id: s.name for s in session.scalars(select(Staff))}
        assert techs == {"hcp-employee:Tom Reyes": "Tom Reyes", "hcp-employee:Ana Cruz": "Ana Cruz"}
        visits = {v.external_id: v for v in session.scalars(select(ServiceVisit))}
        tune_up = visits["hcp-job:1043"]
        assert tune_up.customer.external_id == "cus_8f2a61c7"
        assert tune_up.technician is not None and tune_up.technician.name == "Ana Cruz"
        local = dt.datetime(2026, 1, 5, 15, 0).astimezone()
        assert tune_up.scheduled_for.replace(tzinfo=dt.UTC) == local.astimezone(dt.UTC)
        assert tune_up.status.value == "scheduled"
        assert visits["hcp-job:1042"].status.value == "completed"
        assert visits["hcp-job:1044"].status.value == "cancelled"
        assert visits["hcp-job:1044"].technician is None
        # No scheduled date: the day it was created.
        assert visits["hcp-job:1045"].scheduled_for.astimezone().date() != dt.date(1900, 1, 1)
        assert (visits["hcp-job:1042"].problem or "").startswith("Boiler leaking")
        if HAS_SITES:
            # The job's address picks the property manager's building.
            assert tune_up.site is not None
            assert tune_up.site.street == "12 Maple Avenue, Building B"


def test_an_employee_already_on_file_is_used_not_duplicated(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session, session.begin():
        session.add(Staff(external_id="T-7", name="Tom Reyes", role="technician"))
    run(sqlite_engine, "housecall-pro-customers.csv")
    summaries = run(sqlite_engine, "housecall-pro-jobs.csv")
    assert counts(summaries)["technicians"] == (1, 0, 1)
    with Session(sqlite_engine) as session:
        visit = session.scalars(
            select(ServiceVisit).where(ServiceVisit.external_id == "hcp-job:1042")
        ).one()
        assert visit.technician is not None and visit.technician.external_id == "T-7"


def test_servicetitan_report_with_title_rows(sqlite_engine: Engine) -> None:
    summaries = run(sqlite_engine, "servicetitan-customers.xlsx")
    assert counts(summaries)["customers"] == (3, 0, 0)
    harbor = customers(sqlite_engine)["1099417"]
    assert (harbor.street, harbor.city, harbor.postal_code, harbor.country) == (
        "200 Market Street, Suite 400",
        "Newark",
        "07102",
        "USA",
    )
    if HAS_SITES:
        run(sqlite_engine, "servicetitan-locations.csv")
    jobs = run(sqlite_engine, "servicetitan-jobs.csv")
    assert counts(jobs) == {"technicians": (2, 0, 0), "visits": (3, 0, 0)}
    equipment = run(sqlite_engine, "servicetitan-equipment.xlsx")
    assert counts(equipment)["equipment"] == (3, 0, 0)
    with Session(sqlite_engine) as session:
        visit = session.scalars(
            select(ServiceVisit).where(ServiceVisit.external_id == "st-job:51877301")
        ).one()
        assert visit.status.value == "completed" and visit.completed_at is not None
        if HAS_SITES:
            assert visit.site is not None and visit.site.external_id == "st-location:2201187"
        assert visit.problem == "Boiler Repair: Relief valve leaking; 19-year-old boiler"
        boiler = session.scalars(
            select(Equipment).where(Equipment.external_id == "st-equipment:880101")
        ).one()
        assert (boiler.kind, boiler.make, boiler.installed_on) == (
            "Boiler",
            "Weil-McLain",
            dt.date(2006, 10, 14),
        )
        if HAS_SITES:
            assert boiler.site is not None and boiler.site.external_id == "st-location:2201187"
        furnace = session.scalars(
            select(Equipment).where(Equipment.external_id == "st-equipment:880102")
        ).one()
        assert furnace.installed_on == dt.date(2019, 4, 22)
        rooftop = session.scalars(
            select(Equipment).where(Equipment.external_id == "st-equipment:880103")
        ).one()
        assert rooftop.kind == "Rooftop unit"


def test_a_refused_kind_writes_nothing_of_the_file(sqlite_engine: Engine) -> None:
    """Jobs of customers not on file: the technicians before them are not written either."""
    summaries = run(sqlite_engine, "servicetitan-jobs.csv")
    visits = summaries[-1]
    # Rows are the file's own lines: title on 1, header on 2.
    assert str(visits.problems[0]) == (
        "row 3, column customer_external_id: no customer with external id '1099402'"
    )
    assert not visits.written
    assert table_count(sqlite_engine, Staff) == 0
    assert table_count(sqlite_engine, ServiceVisit) == 0


def test_skip_invalid_writes_the_good_rows_and_keeps_the_rest(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    run(sqlite_engine, "servicetitan-customers.xlsx")
    text = (SAMPLES / "servicetitan-jobs.csv").read_text(encoding="utf-8")
    path = tmp_path / "jobs.csv"
    path.write_text(text.replace("51877360,1099417", "51877360,9999999"), encoding="utf-8")
    if HAS_SITES:
        run(sqlite_engine, "servicetitan-locations.csv")
    summaries = import_with_preset(
        sqlite_engine, path, find_preset("servicetitan-jobs"), skip_invalid=True
    )
    visits = summaries[-1]
    assert visits.created == 2 and visits.rejected == 1
    assert visits.rejects[0].line == 5
    assert "customer_external_id" in visits.rejects[0].reasons[0]
    assert table_count(sqlite_engine, ServiceVisit) == 2
    assert rejects_target(path, "visits", None, True) == tmp_path / "jobs-visits-rejects.csv"


def test_quickbooks_customer_list(sqlite_engine: Engine) -> None:
    summaries = run(sqlite_engine, "quickbooks-customers.csv")
    # The Customer:Job row folds into its customer.
    assert counts(summaries)["customers"] == (3, 0, 0)
    stored = customers(sqlite_engine)
    miller = stored["qb:Miller, Margaret"]
    assert (miller.street, miller.city, miller.postal_code, miller.account_number) == (
        "14 Elm Street",
        "Hackensack",
        "07601",
        "10021",
    )
    harbor = stored["qb:Harbor Point Property Management"]
    assert (harbor.street, harbor.city, harbor.postal_code) == (
        "200 Market Street",
        "Newark",
        "07102",
    )
    nunez = stored["qb:Núñez, José"]
    assert (nunez.street, nunez.city, nunez.phone) == ("9 Sycamore Lane", "Teaneck", "551-555-0177")


def test_a_forced_preset_that_does_not_fit_is_refused(sqlite_engine: Engine) -> None:
    with pytest.raises(FileProblem) as refusal:
        import_with_preset(
            sqlite_engine, SAMPLES / "jobber-clients.csv", find_preset("housecall-pro-customers")
        )
    assert str(refusal.value) == (
        "the file is not a Housecall Pro customers export (housecall-pro-customers): its header "
        "lacks ID, Mobile Number, Address_{n} Street Line 1"
    )
    assert table_count(sqlite_engine, Customer) == 0


def test_loose_and_old_headings_are_recognised(tmp_path: Path, sqlite_engine: Engine) -> None:
    path = tmp_path / "clients.csv"
    path.write_text(
        "j_id;DISPLAY NAME;main phone;E-mail;service street 1;SERVICE_ZIP_CODE;Service City\n"
        '48211903;Margaret Miller;201 555 0143;mm@example.com;14 Elm Street;="07601";Hackensack\n',
        encoding="utf-8",
    )
    preset = recognise(path)
    assert preset is not None and preset.name == "jobber-clients"
    import_with_preset(sqlite_engine, path, preset)
    miller = customers(sqlite_engine)["48211903"]
    assert (miller.phone, miller.email, miller.postal_code) == (
        "201 555 0143",
        "mm@example.com",
        "07601",
    )
    jobs = tmp_path / "jobs.csv"
    jobs.write_text(
        "Job Number,Description,Status,Customer,Scheduled start,Employees\n1,x,scheduled,A,,\n"
    )
    found = recognise(jobs)
    assert found is not None and found.name == "housecall-pro-jobs"


def test_our_own_exports_are_recognised_as_the_console_presets(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(",".join(KINDS["customers"].columns) + "\n")
    found = recognise(path)
    assert found is not None and found.name == "console-customers"
    staff = tmp_path / "technicians.csv"
    staff.write_text(",".join(KINDS["technicians"].columns) + "\n")
    found = recognise(staff)
    assert found is not None and found.name == "console-technicians"
    # Technicians and salespeople share their columns: a neutral name settles nothing.
    neutral = tmp_path / "people.csv"
    neutral.write_text(",".join(KINDS["technicians"].columns) + "\n")
    assert recognise(neutral) is None


def test_a_file_of_nobody_is_not_recognised(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("Name,Phone\nA,1\n")
    assert recognise(path) is None


@pytest.mark.parametrize(
    ("text", "month_first", "expected"),
    [
        ("01/05/2026", True, "2026-01-05"),
        ("01/05/2026", False, "2026-05-01"),
        ("Jan 5, 2026 3:00 PM", True, "2026-01-05 15:00:00"),
        ("11/02/2025 11:45 AM", True, "2025-11-02 11:45:00"),
        ("2026-01-05T09:00", True, "2026-01-05T09:00"),
        ("soon", True, "soon"),
    ],
)
def test_vendor_dates(text: str, month_first: bool, expected: str) -> None:
    assert vendor_date(text, month_first) == expected


def test_the_text_guard_is_unwrapped_and_anything_else_starting_with_equals_refused() -> None:
    assert guarded_value('="07601"', 0) == "07601"
    assert guarded_value(' = "07666" ', 0) == "07666"
    assert guarded_value('="say ""hi"""', 0) == 'say "hi"'
    assert guarded_value(" 07601 ", 0) == "07601"
    for cell in ("=SUM(A1)", '="07020', "=07601"):
        with pytest.raises(BrokenGuard):
            guarded_value(cell, 3)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('name = "x"\n', "preset file bad.toml: title is missing"),
        (
            'name="x"\ntitle="X"\nsource="s"\nsignature=["A"]\ncolour="red"\nkinds=[]\n',
            "preset file bad.toml: unknown keys colour",
        ),
        (
            'name="x"\ntitle="X"\nsource="s"\nsignature=["A"]\n'
            '[[kinds]]\nkind="customers"\n[kinds.columns]\nname="A"\nexternal_id="B"\n',
            "preset file bad.toml, kinds #1: the first column is external_id",
        ),
        (
            'name="x"\ntitle="X"\nsource="s"\nsignature=["A"]\n'
            '[[kinds]]\nkind="customers"\n[kinds.columns]\nexternal_id={ copy="A", glue="-" }\n',
            "preset file bad.toml, kinds #1, column external_id: a rule has one of copy, first, "
            "join, value, id; unknown keys: glue",
        ),
        (
            'name="x"\ntitle="X"\nsource="s"\nsignature=["A"]\n'
            '[[kinds]]\nkind="customers"\n[kinds.columns]\nexternal_id={ copy="A", date="day" }\n',
            'preset file bad.toml, kinds #1, column external_id: date is "date" or "datetime"',
        ),
    ],
)
def test_a_broken_preset_file_is_refused_naming_it(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FileProblem) as refusal:
        load_definition(path)
    assert str(refusal.value) == message


def broken_guard_copy(tmp_path: Path, old: str, new: str) -> Path:
    text = (SAMPLES / "housecall-pro-customers.csv").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "customers.csv"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            '="07020"',
            "=07020",
            "row 3, column Address_1 Postal Code: '=07020' is a spreadsheet formula, not a value;"
            ' write 07020 or ="07020"',
        ),
        (
            '="cus_8f2a61c7"',
            '="cus_8f2a61c7',
            "row 3, column ID: '=\"cus_8f2a61c7' is a spreadsheet formula, not a value;"
            ' write cus_8f2a61c7 or ="cus_8f2a61c7"',
        ),
    ],
)
def test_a_broken_text_guard_is_refused_naming_the_cell_and_nothing_is_written(
    sqlite_engine: Engine, tmp_path: Path, old: str, new: str, message: str
) -> None:
    path = broken_guard_copy(tmp_path, old, new)
    summaries = import_with_preset(sqlite_engine, path, find_preset("housecall-pro-customers"))
    assert [str(problem) for problem in summaries[0].problems] == [message]
    assert not summaries[0].written
    assert table_count(sqlite_engine, Customer) == 0


def test_with_skip_invalid_a_broken_guard_row_goes_to_the_rejects_as_written(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    path = broken_guard_copy(tmp_path, '="07020"', "=07020")
    summaries = import_with_preset(
        sqlite_engine, path, find_preset("housecall-pro-customers"), skip_invalid=True
    )
    assert summaries[0].created == 3 and summaries[0].rejected == 1
    assert "cus_8f2a61c7" not in customers(sqlite_engine)
    rejects, columns = source_rejects(path, find_preset("housecall-pro-customers"), summaries)
    assert [reject.line for reject in rejects] == [3]
    assert rejects[0].values["Address_1 Postal Code"] == "=07020"  # the file's own text
    assert columns[0] == "ID"
    assert "Address_1 Postal Code: '=07020' is a spreadsheet formula" in rejects[0].reasons[0]


def test_job_no_and_other_number_abbreviations_match_job_number(tmp_path: Path) -> None:
    jobs = tmp_path / "jobs.csv"
    jobs.write_text(
        "Job No.,Job description,Job status,Customer name,Job scheduled start date\n"
        "1,x,scheduled,A,\n",
        encoding="utf-8",
    )
    found = recognise(jobs)
    assert found is not None and found.name == "housecall-pro-jobs"


def test_a_job_whose_customer_cannot_be_found_says_why_and_nothing_is_written(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    run(sqlite_engine, "housecall-pro-customers.csv")
    with Session(sqlite_engine) as session, session.begin():
        session.add(
            Customer(external_id="OTHER-1", account_number="OTHER-1", name="Margaret Miller")
        )
    text = (SAMPLES / "housecall-pro-jobs.csv").read_text(encoding="utf-8")
    moved = text.replace("14 Elm Street, Hackensack", "500 Nowhere Road, Paramus", 1)
    moved = moved.replace("Harbor Point Property Management", "Harbour Point", 1)
    assert moved.count("Nowhere") == 1 and "Harbour Point" in moved
    path = tmp_path / "jobs.csv"
    path.write_text(moved, encoding="utf-8")
    summaries = import_with_preset(sqlite_engine, path, find_preset("housecall-pro-jobs"))
    assert [str(problem) for problem in summaries[-1].problems] == [
        "row 2: 2 customers are named 'Margaret Miller' and not exactly one of them is served"
        " at '500 Nowhere Road, Paramus, NJ 07601'",
        "row 3: no customer is named 'Harbour Point': import the customers export first",
    ]
    assert table_count(sqlite_engine, ServiceVisit) == 0


def test_a_control_code_in_a_preset_row_refuses_the_row_before_the_preset_reads_it(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    """A split address or a mapped status would otherwise lose it and store something else."""
    text = (SAMPLES / "housecall-pro-customers.csv").read_text(encoding="utf-8")
    assert '="07020"' in text
    path = tmp_path / "customers.csv"
    path.write_text(text.replace('="07020"', '="070\x0720"', 1), encoding="utf-8")
    preset = find_preset("housecall-pro-customers")
    refused = import_with_preset(sqlite_engine, path, preset)
    assert [str(problem) for problem in refused[0].problems] == [
        "row 3, column Address_1 Postal Code: holds the control character 0x07,"
        " which no text table has"
    ]
    assert table_count(sqlite_engine, Customer) == 0
    skipped = import_with_preset(sqlite_engine, path, preset, skip_invalid=True)
    assert skipped[0].created == 3 and skipped[0].rejected == 1
    rejects, _columns = source_rejects(path, preset, skipped)
    assert [(reject.line, reject.values["Address_1 Postal Code"]) for reject in rejects] == [
        (3, '="070\x0720"')
    ]


def test_a_row_a_preset_cannot_read_is_rejected_with_a_reason_that_names_no_empty_column(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    run(sqlite_engine, "housecall-pro-customers.csv")
    text = (SAMPLES / "housecall-pro-jobs.csv").read_text(encoding="utf-8")
    path = tmp_path / "jobs.csv"
    path.write_text(text.replace("Harbor Point Property Management", "Harbour Point", 1))
    summaries = import_with_preset(
        sqlite_engine, path, find_preset("housecall-pro-jobs"), skip_invalid=True
    )
    reasons = [reason for reject in summaries[-1].rejects for reason in reject.reasons]
    assert reasons == ["no customer is named 'Harbour Point': import the customers export first"]
