"""Sites in files: the `sites` kind, and `site_external_id` on equipment and visits."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from console.database import make_engine, session_factory
from console.migrate import upgrade_database
from console.models import Equipment, ServiceVisit, Site
from console.services.transfer.exporter import export_kind
from console.services.transfer.importer import import_file
from console.services.transfer.kinds import KINDS
from tests import factories
from tests.dump import dump, write_csv

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
SITES_HEADER = "external_id,customer_external_id,name,street,city,postal_code,country\n"


@pytest.fixture
def office(engine: Engine) -> Engine:
    """Two customers; the first with a second site, a boiler there and one at its address."""
    with session_factory(engine).begin() as session:
        first = factories.customer(session, external_id="C-1", name="Harbour Lets", city="Dover")
        factories.customer(session, external_id="C-2", name="Somebody Else")
        session.add(Site(customer_id=first.id, external_id="S-N", name="North Tower", city="Salem"))
        session.flush()
        north = session.scalars(select(Site).where(Site.external_id == "S-N")).one()
        factories.equipment(session, first, "Boiler", external_id="E-1", site_id=north.id)
        factories.equipment(session, first, "Furnace", external_id="E-2")
        factories.staff(session, "Ana Tech", external_id="T-1")
    return engine


def problems(engine: Engine, kind: str, path: Path) -> list[str]:
    return [
        f"row {p.row}, column {p.column}: {p.reason}"
        for p in import_file(engine, kind, path).problems
    ]


def records(engine: Engine) -> dict[str, list[tuple]]:
    """Every table but the import's own memory of the rows it has seen."""
    return {table: rows for table, rows in dump(engine).items() if table != "import_fingerprints"}


def site_of(engine: Engine, model: type, external_id: str) -> str | None:
    with session_factory(engine)() as session:
        return session.scalar(
            select(Site.external_id)
            .join(model, model.site_id == Site.id)  # type: ignore[attr-defined]
            .where(model.external_id == external_id)  # type: ignore[attr-defined]
        )


def test_the_sites_kind_has_the_documented_columns() -> None:
    assert KINDS["sites"].columns == [
        "external_id",
        "customer_external_id",
        "name",
        "street",
        "city",
        "postal_code",
        "country",
        "notes",
    ]
    assert KINDS["equipment"].columns[-1] == KINDS["visits"].columns[-1] == "site_external_id"


def test_export_writes_sites_and_where_equipment_stands(office: Engine, tmp_path: Path) -> None:
    export_kind(office, "sites", tmp_path / "sites.csv")
    export_kind(office, "equipment", tmp_path / "equipment.csv")
    with (tmp_path / "sites.csv").open(encoding="utf-8-sig") as handle:
        sites = [
            (r["external_id"], r["customer_external_id"], r["name"]) for r in csv.DictReader(handle)
        ]
    assert sites == [
        ("C-1", "C-1", "Main site"),  # a first site takes its customer's external id
        ("S-N", "C-1", "North Tower"),  # each customer's sites together
        ("C-2", "C-2", "Main site"),
    ]
    with (tmp_path / "equipment.csv").open(encoding="utf-8-sig") as handle:
        placed = {r["external_id"]: r["site_external_id"] for r in csv.DictReader(handle)}
    assert placed == {"E-1": "S-N", "E-2": "C-1"}


def test_importing_sites_adds_and_updates_them(office: Engine, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        SITES_HEADER + "S-N,C-1,North Tower,40 Quayside,Salem,62726,USA\n"
        "S-S,C-1,South Court,8 Beacon Walk,Dover,62736,USA\n",
    )
    summary = import_file(office, "sites", path)
    assert (summary.problems, summary.created, summary.updated) == ([], 1, 1)
    with session_factory(office)() as session:
        south = session.scalars(select(Site).where(Site.external_id == "S-S")).one()
        assert (south.customer.external_id, south.street, south.version) == (
            "C-1",
            "8 Beacon Walk",
            1,
        )


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        (
            "sites",
            SITES_HEADER + "S-X,C-404,Depot,,,,\n",
            "row 2, column customer_external_id: no customer with external id 'C-404'",
        ),
        (
            "sites",
            SITES_HEADER + "S-N,C-2,North Tower,,,,\n",
            "row 2, column customer_external_id: site 'S-N' belongs to another customer; a site "
            "does not move between customers",
        ),
        (
            "equipment",
            "external_id,customer_external_id,kind,site_external_id\nE-9,C-1,Boiler,S-404\n",
            "row 2, column site_external_id: no site with external id 'S-404'",
        ),
        (
            "equipment",
            "external_id,customer_external_id,kind,site_external_id\nE-9,C-2,Boiler,S-N\n",
            "row 2, column site_external_id: site 'S-N' belongs to another customer, not 'C-2'",
        ),
        (
            "visits",
            "external_id,customer_external_id,scheduled_for,site_external_id\n"
            "V-9,C-2,2026-03-02T09:00:00+00:00,S-N\n",
            "row 2, column site_external_id: site 'S-N' belongs to another customer, not 'C-2'",
        ),
    ],
)
def test_a_wrong_site_is_refused_naming_the_row_and_nothing_is_written(
    office: Engine, tmp_path: Path, kind: str, text: str, expected: str
) -> None:
    before = dump(office)
    assert problems(office, kind, write_csv(tmp_path, text)) == [expected]
    assert dump(office) == before


def test_new_rows_without_a_site_go_to_the_first_site_and_re_imports_keep_the_desks(
    office: Engine, tmp_path: Path
) -> None:
    header = "external_id,customer_external_id,kind\n"
    path = write_csv(tmp_path, header + "E-1,C-1,Boiler\nE-3,C-1,Heat pump\n")
    summary = import_file(office, "equipment", path)
    assert (summary.problems, summary.created) == ([], 1)
    assert site_of(office, Equipment, "E-3") == "C-1"  # the first site
    assert site_of(office, Equipment, "E-1") == "S-N"  # the file says nothing of its site
    visits = write_csv(
        tmp_path,
        "external_id,customer_external_id,scheduled_for,site_external_id\n"
        "V-1,C-1,2026-03-02T09:00:00+00:00,S-N\nV-2,C-1,2026-03-03T09:00:00+00:00,\n",
        "visits.csv",
    )
    assert import_file(office, "visits", visits).problems == []
    assert (site_of(office, ServiceVisit, "V-1"), site_of(office, ServiceVisit, "V-2")) == (
        "S-N",
        "C-1",
    )


def test_equipment_moved_to_another_customer_goes_to_its_first_site(
    office: Engine, tmp_path: Path
) -> None:
    path = write_csv(tmp_path, "external_id,customer_external_id,kind\nE-1,C-2,Boiler\n")
    assert import_file(office, "equipment", path).problems == []
    assert site_of(office, Equipment, "E-1") == "C-2"


def test_export_then_import_changes_nothing(demo_engine: Engine, tmp_path: Path) -> None:
    with session_factory(demo_engine)() as session:
        customers = session.scalars(select(Site.customer_id)).all()
    assert len(customers) > len(set(customers))  # some demo customers have several sites
    for kind in ORDER:
        export_kind(demo_engine, kind, tmp_path / f"{kind}.csv")
    before = records(demo_engine)
    for kind in ORDER:
        summary = import_file(demo_engine, kind, tmp_path / f"{kind}.csv")
        assert summary.problems == [], (kind, summary.problems[:3])
        assert (summary.created, summary.updated) == (0, 0), kind
    assert records(demo_engine) == before


def test_sites_go_with_their_equipment_and_visits_to_another_database(
    demo_engine: Engine, tmp_path: Path
) -> None:
    target = make_engine(f"sqlite:///{tmp_path / 'other.sqlite'}")
    upgrade_database(target)
    try:
        for kind in ORDER:
            path = tmp_path / f"{kind}.csv"
            export_kind(demo_engine, kind, path)
            assert import_file(target, kind, path).problems == [], kind
        for kind in ("sites", "equipment", "visits"):
            again = tmp_path / f"again-{kind}.csv"
            export_kind(target, kind, again)
            assert again.read_bytes() == (tmp_path / f"{kind}.csv").read_bytes(), kind
    finally:
        target.dispose()
