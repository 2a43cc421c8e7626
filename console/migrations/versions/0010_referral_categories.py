"""a referral has a category from the office's list

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04

The list itself is an office setting (a row in office_settings, with defaults in the code), so
only the referral's new column is schema. Existing referrals have no category.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("referrals", sa.Column("category", sa.String(length=80), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE referrals DROP COLUMN category")
    else:
        op.drop_column("referrals", "category")
