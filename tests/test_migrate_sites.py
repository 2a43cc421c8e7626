"""The sites migration: every customer gets one site from its address, and nothing is lost."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select, text

from console.database import make_engine, session_factory
from console.migrate import current_revision, head_revision, upgrade_database
from console.models import Base, Customer, Equipment, ServiceVisit, Site
from console.services.customers.search import search_customers
from tests.conftest import DEMO_TODAY
from tests.demo_at_revision import seed_demo_at
from tests.test_migrate import all_rows


def _old_columns(engine: Engine) -> dict[str, list[str]]:
    with engine.connect() as connection:
        return {
            table: list(connection.execute(text(f"SELECT * FROM {table} WHERE 1 = 0")).keys())
            for table in Base.metadata.tables
            if connection.dialect.has_table(connection, table)
        }


def test_a_database_at_0002_with_demo_data_gets_one_site_per_customer(
    database_url: str, tmp_path: Path
) -> None:
    engine = make_engine(database_url)
    try:
        seed_demo_at(engine, "0002", tmp_path / "scratch.sqlite", 30, 4, DEMO_TODAY)
        columns_of = _old_columns(engine)
        assert "sites" not in columns_of and "site_id" not in columns_of["equipment"]
        before = all_rows(engine, columns_of)
        assert len(before["customers"]) == 30 and len(before["service_visits"]) > 100

        assert upgrade_database(engine) is True
        assert current_revision(engine) == head_revision()
        assert all_rows(engine, columns_of) == before

        with session_factory(engine)() as session:
            customers = session.scalars(select(Customer).order_by(Customer.id)).all()
            for customer in customers:
                assert [
                    (s.name, s.external_id, s.street, s.city, s.postal_code, s.country)
                    for s in customer.sites
                ] == [
                    (
                        "Main site",
                        customer.external_id,
                        customer.street,
                        customer.city,
                        customer.postal_code,
                        customer.country,
                    )
                ]
            site_of = {c.id: c.sites[0].id for c in customers}
            for model in (Equipment, ServiceVisit):
                pairs = session.execute(select(model.customer_id, model.site_id)).all()
                assert pairs and all(site_id == site_of[owner] for owner, site_id in pairs)

            # The sequence and the search index carry on from the migrated rows.
            fresh = Customer(account_number="NEW-1", name="Nova Tenant", street="9 Quay Lane")
            session.add(fresh)
            session.flush()
            assert fresh.sites[0].id > max(site_of.values())
            session.add(Site(customer_id=customers[0].id, name="Depot", street="77 Zinnia Row"))
            session.commit()
            assert [hit.id for hit in search_customers(session, "zinnia row")] == [customers[0].id]
            assert session.scalar(select(Site).where(Site.street == "9 Quay Lane")) is not None
    finally:
        engine.dispose()


def test_downgrade_to_0002_removes_the_sites_and_keeps_the_rest(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'office.sqlite'}")
    try:
        seed_demo_at(engine, "0002", tmp_path / "scratch.sqlite", 8, 2, DEMO_TODAY)
        columns_of = _old_columns(engine)
        before = all_rows(engine, columns_of)
        upgrade_database(engine, target="0003")
        from alembic import command

        from console.migrate import alembic_config

        config = alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0002")
        assert all_rows(engine, columns_of) == before
        assert "sites" not in _old_columns(engine)
    finally:
        engine.dispose()
