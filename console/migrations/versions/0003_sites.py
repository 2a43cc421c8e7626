"""customers are served at one or more sites; equipment and visits belong to a site

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from console.models.base import UTCDateTime
from console.models.search_index import postgres_site_ddl, site_search_drop, sqlite_site_ddl
from console.models.site import FIRST_SITE_NAME

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SITED = ("equipment", "service_visits")


def upgrade() -> None:
    op.create_table(
        "sites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("street", sa.String(length=200), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("postal_code", sa.String(length=20), nullable=True),
        sa.Column("country", sa.String(length=60), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_sites_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sites")),
        sa.UniqueConstraint("external_id", name=op.f("uq_sites_external_id")),
    )
    op.create_index(op.f("ix_sites_customer_id"), "sites", ["customer_id"])
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in SITED:
        # A plain ADD COLUMN on both backends: SQLite's batch copy would rebuild the table.
        if sqlite:
            op.execute(f"ALTER TABLE {table} ADD COLUMN site_id INTEGER REFERENCES sites (id)")
        else:
            op.add_column(table, sa.Column("site_id", sa.Integer(), nullable=True))
            op.create_foreign_key(
                op.f(f"fk_{table}_site_id_sites"), table, "sites", ["site_id"], ["id"]
            )
    # Every customer's first site is its address, with the customer's own id and external id,
    # so its equipment and visits point at it by the customer id they already carry.
    op.execute(
        sa.text(
            "INSERT INTO sites (id, external_id, customer_id, name, street, city, postal_code,"
            " country, notes, created_at, updated_at, version)"
            " SELECT id, external_id, id, :name, street, city, postal_code, country, NULL,"
            " created_at, created_at, 1 FROM customers ORDER BY id"
        ).bindparams(name=FIRST_SITE_NAME)
    )
    for table in SITED:
        op.execute(f"UPDATE {table} SET site_id = customer_id")
        op.create_index(op.f(f"ix_{table}_site_id"), table, ["site_id"])
    if sqlite:
        statements = sqlite_site_ddl()
    else:
        statements = [
            "SELECT setval(pg_get_serial_sequence('sites', 'id'),"
            " coalesce((SELECT max(id) FROM sites), 0) + 1, false)",
            *postgres_site_ddl(),
        ]
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in site_search_drop(dialect):
        op.execute(statement)
    for table in SITED:
        op.drop_index(op.f(f"ix_{table}_site_id"), table_name=table)
        if dialect == "sqlite":
            op.execute(f"ALTER TABLE {table} DROP COLUMN site_id")
        else:
            op.drop_constraint(op.f(f"fk_{table}_site_id_sites"), table, type_="foreignkey")
            op.drop_column(table, "site_id")
    op.drop_index(op.f("ix_sites_customer_id"), table_name="sites")
    op.drop_table("sites")
