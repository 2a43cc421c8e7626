"""baseline schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from console.models.base import UTCDateTime
from console.models.search_index import (
    POSTGRES_SEARCH_INDEX,
    SQLITE_SEARCH_TABLE,
    postgres_ddl,
    sqlite_ddl,
)

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "office_settings",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_office_settings")),
    )
    op.create_table(
        "customers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_number", sa.String(length=32), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("company", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("phone_alt", sa.String(length=40), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("street", sa.String(length=200), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("postal_code", sa.String(length=20), nullable=True),
        sa.Column("country", sa.String(length=60), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
        sa.UniqueConstraint("account_number", name=op.f("uq_customers_account_number")),
        sa.UniqueConstraint("external_id", name=op.f("uq_customers_external_id")),
    )
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.create_index("ix_customers_city", ["city"], unique=False)

    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "role",
            sa.Enum("technician", "salesperson", name="staffrole", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff")),
        sa.UniqueConstraint("external_id", name=op.f("uq_staff_external_id")),
    )
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_name"), ["name"], unique=False)

    op.create_table(
        "equipment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=80), nullable=False),
        sa.Column("make", sa.String(length=80), nullable=True),
        sa.Column("model", sa.String(length=80), nullable=True),
        sa.Column("serial", sa.String(length=80), nullable=True),
        sa.Column("installed_on", sa.Date(), nullable=True),
        sa.Column("location", sa.String(length=200), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_equipment_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_equipment")),
        sa.UniqueConstraint("external_id", name=op.f("uq_equipment_external_id")),
    )
    with op.batch_alter_table("equipment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_equipment_customer_id"), ["customer_id"], unique=False)

    op.create_table(
        "service_visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("equipment_id", sa.Integer(), nullable=True),
        sa.Column("technician_id", sa.Integer(), nullable=True),
        sa.Column("scheduled_for", UTCDateTime(), nullable=False),
        sa.Column("completed_at", UTCDateTime(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "scheduled",
                "in_progress",
                "completed",
                "cancelled",
                name="visitstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("problem", sa.Text(), nullable=True),
        sa.Column("work_done", sa.Text(), nullable=True),
        sa.Column("tech_notes", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_service_visits_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["equipment_id"],
            ["equipment.id"],
            name=op.f("fk_service_visits_equipment_id_equipment"),
        ),
        sa.ForeignKeyConstraint(
            ["technician_id"], ["staff.id"], name=op.f("fk_service_visits_technician_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_visits")),
        sa.UniqueConstraint("external_id", name=op.f("uq_service_visits_external_id")),
    )
    with op.batch_alter_table("service_visits", schema=None) as batch_op:
        batch_op.create_index(
            "ix_service_visits_customer_scheduled", ["customer_id", "scheduled_for"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_service_visits_equipment_id"), ["equipment_id"], unique=False
        )
        batch_op.create_index("ix_service_visits_scheduled", ["scheduled_for"], unique=False)
        batch_op.create_index(
            "ix_service_visits_technician_scheduled",
            ["technician_id", "scheduled_for"],
            unique=False,
        )

    op.create_table(
        "referrals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("equipment_id", sa.Integer(), nullable=True),
        sa.Column("visit_id", sa.Integer(), nullable=True),
        sa.Column("technician_id", sa.Integer(), nullable=False),
        sa.Column("salesperson_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "new",
                "assigned",
                "contacted",
                "appointment_set",
                "quoted",
                "won",
                "lost",
                "not_now",
                "cancelled",
                name="referralstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("pain_point", sa.Text(), nullable=False),
        sa.Column("recommendation", sa.Text(), nullable=True),
        sa.Column(
            "urgency",
            sa.Enum("low", "normal", "high", name="urgency", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("estimated_value", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("won_value", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("lost_reason", sa.Text(), nullable=True),
        sa.Column("follow_up_on", sa.Date(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("first_contact_at", UTCDateTime(), nullable=True),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("tech_informed_at", UTCDateTime(), nullable=True),
        sa.Column("tech_thanked", sa.Boolean(), nullable=False),
        sa.Column("spiff_amount", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("spiff_paid_at", UTCDateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_referrals_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["equipment_id"], ["equipment.id"], name=op.f("fk_referrals_equipment_id_equipment")
        ),
        sa.ForeignKeyConstraint(
            ["salesperson_id"], ["staff.id"], name=op.f("fk_referrals_salesperson_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["technician_id"], ["staff.id"], name=op.f("fk_referrals_technician_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"], ["service_visits.id"], name=op.f("fk_referrals_visit_id_service_visits")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrals")),
        sa.UniqueConstraint("external_id", name=op.f("uq_referrals_external_id")),
    )
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referrals_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index("ix_referrals_salesperson", ["salesperson_id"], unique=False)
        batch_op.create_index("ix_referrals_status_created", ["status", "created_at"], unique=False)
        batch_op.create_index("ix_referrals_technician", ["technician_id"], unique=False)

    op.create_table(
        "referral_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "created",
                "status",
                "note",
                "tech_told",
                "spiff_paid",
                "appointment",
                name="eventkind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "from_status",
            sa.Enum(
                "new",
                "assigned",
                "contacted",
                "appointment_set",
                "quoted",
                "won",
                "lost",
                "not_now",
                "cancelled",
                name="referralstatus",
                native_enum=False,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column(
            "to_status",
            sa.Enum(
                "new",
                "assigned",
                "contacted",
                "appointment_set",
                "quoted",
                "won",
                "lost",
                "not_now",
                "cancelled",
                name="referralstatus",
                native_enum=False,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referrals.id"], name=op.f("fk_referral_events_referral_id_referrals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_events")),
    )
    with op.batch_alter_table("referral_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_referral_events_referral_id"), ["referral_id"], unique=False
        )

    op.create_table(
        "sales_appointments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("salesperson_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("tech_consulted_at", UTCDateTime(), nullable=True),
        sa.Column("briefing_printed_at", UTCDateTime(), nullable=True),
        sa.Column("cancelled_at", UTCDateTime(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_sales_appointments_referral_id_referrals"),
        ),
        sa.ForeignKeyConstraint(
            ["salesperson_id"],
            ["staff.id"],
            name=op.f("fk_sales_appointments_salesperson_id_staff"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_appointments")),
    )
    with op.batch_alter_table("sales_appointments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sales_appointments_referral_id"), ["referral_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sales_appointments_starts_at"), ["starts_at"], unique=False
        )

    op.create_table(
        "upsell_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("equipment_id", sa.Integer(), nullable=True),
        sa.Column("author", sa.String(length=120), nullable=False),
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("removed_at", UTCDateTime(), nullable=True),
        sa.Column("removed_by", sa.String(length=120), nullable=True),
        sa.Column("referral_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_upsell_notes_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["equipment_id"], ["equipment.id"], name=op.f("fk_upsell_notes_equipment_id_equipment")
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referrals.id"], name=op.f("fk_upsell_notes_referral_id_referrals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_upsell_notes")),
        sa.UniqueConstraint("external_id", name=op.f("uq_upsell_notes_external_id")),
    )
    with op.batch_alter_table("upsell_notes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_upsell_notes_customer", ["customer_id", "pinned", "created_at"], unique=False
        )
    op.create_index("ix_customers_name_lower", "customers", [sa.text("lower(name)")])
    _create_search_index()


def _create_search_index() -> None:
    dialect = op.get_bind().dialect.name
    statements = sqlite_ddl() if dialect == "sqlite" else postgres_ddl()
    for statement in statements:
        op.execute(statement)


def _drop_search_index() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS customers_search_{trigger}")
        op.execute(f"DROP TABLE IF EXISTS {SQLITE_SEARCH_TABLE}")
    else:
        op.execute(f"DROP INDEX IF EXISTS {POSTGRES_SEARCH_INDEX}")


def downgrade() -> None:
    op.drop_table("office_settings")
    _drop_search_index()
    op.drop_index("ix_customers_name_lower", table_name="customers")
    with op.batch_alter_table("upsell_notes", schema=None) as batch_op:
        batch_op.drop_index("ix_upsell_notes_customer")

    op.drop_table("upsell_notes")
    with op.batch_alter_table("sales_appointments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sales_appointments_starts_at"))
        batch_op.drop_index(batch_op.f("ix_sales_appointments_referral_id"))

    op.drop_table("sales_appointments")
    with op.batch_alter_table("referral_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_events_referral_id"))

    op.drop_table("referral_events")
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_index("ix_referrals_technician")
        batch_op.drop_index("ix_referrals_status_created")
        batch_op.drop_index("ix_referrals_salesperson")
        batch_op.drop_index(batch_op.f("ix_referrals_customer_id"))

    op.drop_table("referrals")
    with op.batch_alter_table("service_visits", schema=None) as batch_op:
        batch_op.drop_index("ix_service_visits_technician_scheduled")
        batch_op.drop_index("ix_service_visits_scheduled")
        batch_op.drop_index(batch_op.f("ix_service_visits_equipment_id"))
        batch_op.drop_index("ix_service_visits_customer_scheduled")

    op.drop_table("service_visits")
    with op.batch_alter_table("equipment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_equipment_customer_id"))

    op.drop_table("equipment")
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_name"))

    op.drop_table("staff")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_index("ix_customers_city")

    op.drop_table("customers")
