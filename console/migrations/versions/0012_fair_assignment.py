"""fair assignment of referrals and continued referrals

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04

How each referral got its salesperson (`referrals.assignment`; None for referrals made before),
the earlier referral a referral continues, who is away and until when, and which referral
categories each salesperson takes. Whether the office assigns round-robin at all is an office
setting, not schema.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from console.models.base import UTCDateTime

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONTINUES = "continues_referral_id"
CONTINUES_KEY = "fk_referrals_continues_referral_id_referrals"
CONTINUES_INDEX = "ix_referrals_continues_referral_id"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # Plain ADD COLUMNs: SQLite's batch copy would rebuild the referrals table.
        op.execute("ALTER TABLE referrals ADD COLUMN assignment VARCHAR(20)")
        op.execute(
            f"ALTER TABLE referrals ADD COLUMN {CONTINUES} INTEGER REFERENCES referrals (id)"
        )
    else:
        op.add_column("referrals", sa.Column("assignment", sa.String(length=20), nullable=True))
        op.add_column("referrals", sa.Column(CONTINUES, sa.Integer(), nullable=True))
        op.create_foreign_key(CONTINUES_KEY, "referrals", "referrals", [CONTINUES], ["id"])
    op.create_index(CONTINUES_INDEX, "referrals", [CONTINUES], unique=False)
    op.add_column("staff", sa.Column("away_since", UTCDateTime(), nullable=True))
    op.add_column("staff", sa.Column("away_until", sa.Date(), nullable=True))
    op.create_table(
        "salesperson_categories",
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_salesperson_categories_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("staff_id", "category", name=op.f("pk_salesperson_categories")),
    )


def downgrade() -> None:
    op.drop_table("salesperson_categories")
    op.drop_index(CONTINUES_INDEX, table_name="referrals")
    if op.get_bind().dialect.name == "sqlite":
        for table, column in (
            ("staff", "away_until"),
            ("staff", "away_since"),
            ("referrals", CONTINUES),
            ("referrals", "assignment"),
        ):
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    else:
        op.drop_column("staff", "away_until")
        op.drop_column("staff", "away_since")
        op.drop_constraint(CONTINUES_KEY, "referrals", type_="foreignkey")
        op.drop_column("referrals", CONTINUES)
        op.drop_column("referrals", "assignment")
