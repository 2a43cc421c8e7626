"""equipment kinds have a usual service life, and a referral remembers the heads-up that prompted it

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03

The service life per kind is an office setting (a row in office_settings, with defaults in the
code), so only the referral's new column is schema.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMN = "prompted_by_equipment_id"
FOREIGN_KEY = "fk_referrals_prompted_by_equipment_id_equipment"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # A plain ADD COLUMN: SQLite's batch copy would rebuild the referrals table.
        op.execute(f"ALTER TABLE referrals ADD COLUMN {COLUMN} INTEGER REFERENCES equipment (id)")
    else:
        op.add_column("referrals", sa.Column(COLUMN, sa.Integer(), nullable=True))
        op.create_foreign_key(FOREIGN_KEY, "referrals", "equipment", [COLUMN], ["id"])


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE referrals DROP COLUMN {COLUMN}")
    else:
        op.drop_constraint(FOREIGN_KEY, "referrals", type_="foreignkey")
        op.drop_column("referrals", COLUMN)
