"""The log of the nightly sync: each run over the export folder, each file it met, per kind.

A run row is also the sync's lock: while one is `running` (and its desk is alive) no other
desk or scheduled job starts a second import of the same folder.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from console.models.base import Base, enum_column, utcnow


class SyncOutcome(enum.StrEnum):
    """How a run ended, as the log shows it."""

    RUNNING = "running"
    DONE = "done"  # every file went in (or there was nothing to do)
    PARTIAL = "partial"  # some files went in, some were refused
    REFUSED = "refused"  # every file was refused
    CANCELLED = "cancelled"
    FAILED = "failed"  # an error nobody foresaw; the log file has the details
    ABANDONED = "abandoned"  # its process went away before it finished


class SyncFileOutcome(enum.StrEnum):
    """What happened to one file of a run."""

    IMPORTED = "imported"
    CHECKED = "checked"  # a dry run found nothing wrong
    REFUSED = "refused"
    WAITING = "waiting"  # still being written; the next run takes it


class SyncRun(Base):
    __tablename__ = "sync_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    folder: Mapped[str] = mapped_column(String(1000))
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    finished_at: Mapped[dt.datetime | None]
    heartbeat_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(80))
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    dry_run: Mapped[bool] = mapped_column(default=False)
    skip_invalid: Mapped[bool] = mapped_column(default=False)
    outcome: Mapped[SyncOutcome] = mapped_column(
        enum_column(SyncOutcome), default=SyncOutcome.RUNNING, index=True
    )
    message: Mapped[str | None] = mapped_column(Text)

    files: Mapped[list[SyncFile]] = relationship(
        back_populates="run",
        cascade="all, delete-orphan",
        order_by="SyncFile.position",
        lazy="selectin",
    )


class SyncFile(Base):
    __tablename__ = "sync_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("sync_runs.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    modified_at: Mapped[dt.datetime]
    preset: Mapped[str | None] = mapped_column(String(80))
    outcome: Mapped[SyncFileOutcome] = mapped_column(enum_column(SyncFileOutcome))
    reason: Mapped[str | None] = mapped_column(Text)
    """Why the file was refused or left waiting, in one line."""
    problems: Mapped[str | None] = mapped_column(Text)
    """The first problems found, one per line (bounded: the rest are counted, not kept)."""
    problem_count: Mapped[int] = mapped_column(Integer, default=0)
    rejects_path: Mapped[str | None] = mapped_column(String(1000))

    run: Mapped[SyncRun] = relationship(back_populates="files")
    kinds: Mapped[list[SyncFileKind]] = relationship(
        back_populates="file",
        cascade="all, delete-orphan",
        order_by="SyncFileKind.position",
        lazy="selectin",
    )

    def total(self, count: str) -> int:
        """The file's `created`, `updated`, `unchanged` or `rejected` rows over all kinds."""
        return sum(int(getattr(kind, count)) for kind in self.kinds)


class SyncFileKind(Base):
    """The rows one file wrote of one kind (a client export writes customers and sites)."""

    __tablename__ = "sync_file_kinds"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(
        ForeignKey("sync_files.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40))
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)

    file: Mapped[SyncFile] = relationship(back_populates="kinds")
