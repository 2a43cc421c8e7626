"""customers remember which desk user last changed their contact details

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN on both backends: SQLite's batch copy would drop the search triggers.
    op.add_column("customers", sa.Column("updated_by", sa.String(length=80), nullable=True))


def downgrade() -> None:
    op.drop_column("customers", "updated_by")
