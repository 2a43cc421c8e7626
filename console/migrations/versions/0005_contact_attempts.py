"""each attempt to reach a referral's customer is recorded

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from console.models.base import UTCDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "contact_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "phone",
                "text",
                "email",
                "in_person",
                name="contactchannel",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("reached", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("next_try_at", UTCDateTime(), nullable=True),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_contact_attempts_referral_id_referrals"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["referral_events.id"],
            name=op.f("fk_contact_attempts_event_id_referral_events"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_attempts")),
        sa.UniqueConstraint("event_id", name=op.f("uq_contact_attempts_event_id")),
    )
    op.create_index(
        "ix_contact_attempts_referral_at", "contact_attempts", ["referral_id", "at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_contact_attempts_referral_at", table_name="contact_attempts")
    op.drop_table("contact_attempts")
