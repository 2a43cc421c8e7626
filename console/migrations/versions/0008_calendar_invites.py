"""a sales appointment remembers the calendar invite sent for it

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from console.models.base import UTCDateTime

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calendar_invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("appointment_id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=255), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum("sent", "cancelled", name="invitestate", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column("attendee", sa.String(length=200), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("issued_at", UTCDateTime(), nullable=False),
        sa.Column("issued_by", sa.String(length=120), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_calendar_invites_referral_id_referrals"),
        ),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["sales_appointments.id"],
            name=op.f("fk_calendar_invites_appointment_id_sales_appointments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_invites")),
        sa.UniqueConstraint("uid", name=op.f("uq_calendar_invites_uid")),
    )
    op.create_index(
        op.f("ix_calendar_invites_referral_id"), "calendar_invites", ["referral_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_calendar_invites_referral_id"), table_name="calendar_invites")
    op.drop_table("calendar_invites")
