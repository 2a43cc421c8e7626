"""Service sites: every customer has one, equipment and visits sit at their customer's own,
the 360 and search know them, and the day board's nearby uses the visit's site."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from console.models import (
    Customer,
    Equipment,
    Referral,
    ReferralStatus,
    SalesAppointment,
    ServiceVisit,
    Site,
    SiteOfAnotherCustomer,
    StaffRole,
    VisitStatus,
)
from console.models.site import settle_sites
from console.services.briefing.content import briefing_content
from console.services.customers.customer_360 import (
    SiteNotFound,
    customer_overview,
    site_detail,
    visit_history,
)
from console.services.customers.search import search_customers
from console.services.errors import NotFound
from console.services.office.clock import as_utc
from console.services.schedule.dayboard import day_board, schedule_visit
from tests import factories
from tests.dump import dump

DAY = dt.date(2026, 4, 14)


def at(hour: int, day: dt.date = DAY) -> dt.datetime:
    return as_utc(dt.datetime.combine(day, dt.time(hour, 0)))


@pytest.fixture
def manager(sessions: sessionmaker[Session]) -> dict[str, int]:
    """A property manager billed at its office, with two buildings elsewhere."""
    with sessions.begin() as session:
        owner = factories.customer(
            session,
            name="Harbour Lets",
            street="1 Ledger Row",
            city="Springfield",
            postal_code="62701",
            country="USA",
        )
        north = Site(
            customer_id=owner.id,
            name="North Tower",
            street="40 Quayside",
            city="Dover",
            postal_code="62736",
        )
        south = Site(
            customer_id=owner.id,
            name="South Court",
            street="8 Beacon Walk",
            city="Salem",
            postal_code="62726",
        )
        session.add_all([north, south])
        session.flush()
        boiler = factories.equipment(session, owner, "Boiler", site_id=north.id)
        factories.equipment(session, owner, "Furnace")
        tech = factories.staff(session, "Ana Tech", phone="555-0101")
        factories.visit(session, owner, tech, at(9, DAY - dt.timedelta(days=30)), site_id=north.id)
        factories.visit(session, owner, tech, at(9, DAY - dt.timedelta(days=3)), site_id=north.id)
        factories.visit(session, owner, tech, at(11, DAY - dt.timedelta(days=2)))
        return {
            "customer": owner.id,
            "first": owner.sites[0].id,
            "north": north.id,
            "south": south.id,
            "boiler": boiler.id,
            "tech": tech.id,
        }


def test_a_new_customer_gets_a_first_site_from_its_address(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        customer = factories.customer(
            session, external_id="C-9", street="5 Elm St", city="Riverton", postal_code="62702"
        )
        (site,) = customer.sites
        assert (site.name, site.external_id, site.street, site.city, site.postal_code) == (
            "Main site",
            "C-9",
            "5 Elm St",
            "Riverton",
            "62702",
        )


def test_equipment_and_visits_without_a_site_go_to_the_first_site(
    sessions: sessionmaker[Session], manager: dict[str, int]
) -> None:
    with sessions() as session:
        furnace = session.scalars(select(Equipment).where(Equipment.kind == "Furnace")).one()
        assert furnace.site_id == manager["first"]
        sites = session.scalars(
            select(ServiceVisit.site_id).order_by(ServiceVisit.scheduled_for)
        ).all()
        assert sites == [manager["north"], manager["north"], manager["first"]]


def test_a_site_of_another_customer_is_refused_and_nothing_is_written(
    sessions: sessionmaker[Session], manager: dict[str, int]
) -> None:
    with sessions.begin() as session:
        other = factories.customer(session, name="Somebody Else")
        other_id = other.id
    before = dump(sessions.kw["bind"])
    with sessions() as session, pytest.raises(SiteOfAnotherCustomer) as refused:
        session.add(Equipment(customer_id=other_id, kind="Boiler", site_id=manager["north"]))
        session.flush()
    assert str(refused.value) == (
        f"equipment: site {manager['north']} belongs to another customer, not customer {other_id}"
    )
    with sessions() as session, pytest.raises(NotFound) as not_there:
        schedule_visit(
            session,
            customer_id=other_id,
            technician=manager["tech"],
            starts_at=at(16),
            site_id=manager["south"],
        )
    assert not_there.value.field == "site"
    assert dump(sessions.kw["bind"]) == before


def test_a_booked_visit_goes_to_the_chosen_site_or_the_equipments(
    sessions: sessionmaker[Session], manager: dict[str, int]
) -> None:
    with sessions.begin() as session:
        chosen = schedule_visit(
            session,
            customer_id=manager["customer"],
            technician=manager["tech"],
            starts_at=at(8, DAY + dt.timedelta(days=1)),
            site_id=manager["south"],
        )
        by_equipment = schedule_visit(
            session,
            customer_id=manager["customer"],
            technician=manager["tech"],
            starts_at=at(12, DAY + dt.timedelta(days=1)),
            equipment_id=manager["boiler"],
        )
        assert (chosen.site_id, by_equipment.site_id) == (manager["south"], manager["north"])


def test_the_360_lists_sites_with_counts_and_rows_carry_their_site(
    sessions: sessionmaker[Session], manager: dict[str, int]
) -> None:
    with sessions() as session:
        overview = customer_overview(session, manager["customer"])
        history = visit_history(session, manager["customer"])
    assert [(s.name, s.equipment_count, s.visit_count) for s in overview.sites] == [
        ("Main site", 1, 1),
        ("North Tower", 1, 2),
        ("South Court", 0, 0),
    ]
    assert overview.sites[1].last_visit == at(9, DAY - dt.timedelta(days=3))
    assert overview.sites[1].address == "40 Quayside, 62736 Dover"
    assert {(e.label, e.site) for e in overview.equipment} == {
        ("Boiler", "North Tower"),
        ("Furnace", "Main site"),
    }
    assert [v.site for v in history] == ["Main site", "North Tower", "North Tower"]


def test_one_sites_equipment_and_visits(
    sessions: sessionmaker[Session], manager: dict[str, int]
) -> None:
    with sessions() as session:
        north = site_detail(session, manager["north"], today=DAY)
        south = site_detail(session, manager["south"], today=DAY)
        with pytest.raises(SiteNotFound):
            site_detail(session, 999_999)
    assert north.site.name == "North Tower"
    assert [e.label for e in north.equipment] == ["Boiler"]
    assert [v.scheduled_for for v in north.visits] == [
        at(9, DAY - dt.timedelta(days=3)),
        at(9, DAY - dt.timedelta(days=30)),
    ]
    assert (south.equipment, south.visits) == ([], [])


@pytest.mark.parametrize(
    ("query", "site"),
    [("quayside", "North Tower"), ("beacon walk", "South Court"), ("62736", "North Tower")],
)
def test_search_finds_a_customer_by_a_sites_address_and_says_so(
    sessions: sessionmaker[Session], manager: dict[str, int], query: str, site: str
) -> None:
    with sessions() as session:
        (hit,) = search_customers(session, query)
    assert (hit.id, hit.matched_on_site, hit.site_name) == (manager["customer"], True, site)
    assert hit.site_address and query.split()[0] in hit.site_address.lower()


def test_a_match_on_the_customer_itself_names_no_site(
    sessions: sessionmaker[Session], manager: dict[str, int]
) -> None:
    with sessions() as session:
        (by_name,) = search_customers(session, "harbour")
        (by_address,) = search_customers(session, "ledger row")
    assert not by_name.matched_on_site and not by_address.matched_on_site
    assert by_name.site_name is None


def test_site_search_follows_edits_and_needs_every_word_on_one_site(
    sessions: sessionmaker[Session], manager: dict[str, int]
) -> None:
    with sessions.begin() as session:
        session.get(Site, manager["south"]).street = "12 Lantern Yard"  # type: ignore[union-attr]
    with sessions() as session:
        assert search_customers(session, "beacon") == []
        assert [h.site_name for h in search_customers(session, "lantern")] == ["South Court"]
        assert search_customers(session, "lantern quayside") == []


def test_tech_nearby_compares_the_visits_sites(
    sessions: sessionmaker[Session], manager: dict[str, int]
) -> None:
    """The appointment is at the South Court building in Salem: the tech working at a site in
    Salem is nearby even though that customer is billed in Springfield."""
    with sessions.begin() as session:
        billed_away = factories.customer(session, name="Elsewhere Inc", city="Springfield")
        bakery_site = Site(
            customer_id=billed_away.id, name="Bakery", city="Salem", postal_code="62726"
        )
        session.add(bakery_site)
        session.flush()
        bo = factories.staff(session, "Bo Tech", phone="555-0102")
        factories.visit(
            session, billed_away, bo, at(13), status=VisitStatus.SCHEDULED, site_id=bakery_site.id
        )
        sal = factories.staff(session, "Sal Es", role=StaffRole.SALESPERSON)
        visit_there = factories.visit(
            session,
            session.get(Customer, manager["customer"]),
            bo,
            at(9, DAY - dt.timedelta(days=60)),
            site_id=manager["south"],
        )
        referral = Referral(
            customer_id=manager["customer"],
            technician_id=bo.id,
            salesperson_id=sal.id,
            visit_id=visit_there.id,
            status=ReferralStatus.APPOINTMENT_SET,
            pain_point="Old boiler",
            created_at=at(8, DAY - dt.timedelta(days=9)),
        )
        session.add(referral)
        session.flush()
        session.add(
            SalesAppointment(referral_id=referral.id, salesperson_id=sal.id, starts_at=at(15))
        )
    with sessions() as session:
        board = day_board(session, DAY)
        (appointment,) = board.appointments
        nearby = board.nearby[appointment.id]
        content = briefing_content(session, manager["customer"], referral_id=referral.id)
    assert [(n.name, n.customer, n.place) for n in nearby] == [
        ("Bo Tech", "Elsewhere Inc", "Salem")
    ]
    assert content.site is not None and content.site.name == "South Court"
    assert content.visit_address == "8 Beacon Walk, 62726 Salem"


def test_settle_sites_gives_bulk_written_rows_their_sites(engine) -> None:  # type: ignore[no-untyped-def]
    customers = Customer.__table__
    equipment = Equipment.__table__
    with engine.begin() as connection:
        connection.execute(
            customers.insert(),
            [
                {
                    "id": 50,
                    "account_number": "A50",
                    "external_id": "X-50",
                    "name": "Bulk One",
                    "street": "3 Mill Rd",
                    "created_at": at(8),
                    "updated_at": at(8),
                    "version": 1,
                },
            ],
        )
        connection.execute(
            equipment.insert(), [{"customer_id": 50, "kind": "Boiler", "version": 1}]
        )
        settle_sites(connection)
        settle_sites(connection)  # a second pass finds nothing left to do
    with Session(engine) as session:
        (site,) = session.scalars(select(Site).where(Site.customer_id == 50)).all()
        assert (site.external_id, site.street, site.name) == ("X-50", "3 Mill Rd", "Main site")
        assert (
            session.scalar(select(Equipment.site_id).where(Equipment.customer_id == 50)) == site.id
        )


def test_site_search_uses_its_trigram_index_on_postgresql(demo_engine) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    from console.services.customers.search import query_words, search_statement

    if demo_engine.dialect.name != "postgresql":
        pytest.skip("query plans are checked on PostgreSQL; SQLite reads the FTS5 tables")
    statement, params = search_statement("postgresql", query_words("elm st"), 50)
    buildings = [
        {"customer_id": 1 + n % 40, "name": f"Unit {n}", "street": f"{n} Harbour Road"}
        for n in range(5_000)
    ]  # an office's worth of sites, so the planner weighs the index as it would there
    with demo_engine.begin() as connection:
        connection.execute(Site.__table__.insert(), buildings)
    # As autovacuum would: the new rows leave the GIN index's pending list.
    with demo_engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    with demo_engine.begin() as connection:
        connection.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(row[0] for row in connection.execute(text(f"EXPLAIN {statement}"), params))
    assert "ix_sites_search_trgm" in plan and "ix_customers_search_trgm" in plan
