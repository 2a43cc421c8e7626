"""imported rows remember a fingerprint, so an unchanged row is skipped on re-import

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The primary key is the lookup: on SQLite a WITHOUT ROWID table keeps the rows in it.
    op.create_table(
        "import_fingerprints",
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("digest", sa.LargeBinary(length=16), nullable=False),
        sa.PrimaryKeyConstraint("kind", "external_id", name=op.f("pk_import_fingerprints")),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("import_fingerprints")
