"""a log of each sync run, per file and per kind; a running run is the sync's lock

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from console.models.base import UTCDateTime

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RUN_OUTCOMES = ("running", "done", "partial", "refused", "cancelled", "failed", "abandoned")
FILE_OUTCOMES = ("imported", "checked", "refused", "waiting")


def upgrade() -> None:
    op.create_table(
        "sync_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("folder", sa.String(length=1000), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("heartbeat_at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("skip_invalid", sa.Boolean(), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(*RUN_OUTCOMES, name="syncoutcome", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("message", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_runs")),
    )
    op.create_index(op.f("ix_sync_runs_started_at"), "sync_runs", ["started_at"])
    op.create_index(op.f("ix_sync_runs_outcome"), "sync_runs", ["outcome"])
    op.create_table(
        "sync_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("modified_at", UTCDateTime(), nullable=False),
        sa.Column("preset", sa.String(length=80), nullable=True),
        sa.Column(
            "outcome",
            sa.Enum(*FILE_OUTCOMES, name="syncfileoutcome", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("problems", sa.Text(), nullable=True),
        sa.Column("problem_count", sa.Integer(), nullable=False),
        sa.Column("rejects_path", sa.String(length=1000), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["sync_runs.id"],
            name=op.f("fk_sync_files_run_id_sync_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_files")),
    )
    op.create_index(op.f("ix_sync_files_run_id"), "sync_files", ["run_id"])
    op.create_table(
        "sync_file_kinds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["sync_files.id"],
            name=op.f("fk_sync_file_kinds_file_id_sync_files"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_file_kinds")),
    )
    op.create_index(op.f("ix_sync_file_kinds_file_id"), "sync_file_kinds", ["file_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_sync_file_kinds_file_id"), table_name="sync_file_kinds")
    op.drop_table("sync_file_kinds")
    op.drop_index(op.f("ix_sync_files_run_id"), table_name="sync_files")
    op.drop_table("sync_files")
    op.drop_index(op.f("ix_sync_runs_outcome"), table_name="sync_runs")
    op.drop_index(op.f("ix_sync_runs_started_at"), table_name="sync_runs")
    op.drop_table("sync_runs")
