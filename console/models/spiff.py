"""The office's spiff rules and the ledger of what they paid technicians.

A rule says which referrals earn a spiff (a category, or any), at which stage, and how much.
The ledger is append-only: an accrual is never edited; a clawback is a negative entry that
points at the accrual it reverses, and a payment is an entry of its own. Each entry keeps a
copy of its rule's terms, so editing or removing a rule later leaves history as it was.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, Numeric, String, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from console.models.base import Base, enum_column, utcnow

if TYPE_CHECKING:
    from console.models.referral import Referral
    from console.models.staff import Staff


class SpiffStage(enum.StrEnum):
    """The step of a referral that earns a rule's spiff."""

    APPOINTMENT_SET = "appointment_set"
    WON = "won"
    WORK_COMPLETED = "work_completed"  # the desk marked the sold work done

    @property
    def label(self) -> str:
        return {
            SpiffStage.APPOINTMENT_SET: "Appointment set",
            SpiffStage.WON: "Won",
            SpiffStage.WORK_COMPLETED: "Work completed",
        }[self]


class SpiffBasis(enum.StrEnum):
    FLAT = "flat"  # the amount in dollars
    PERCENT = "percent"  # the amount is a percent of the referral's value


class SpiffEntryKind(enum.StrEnum):
    ACCRUED = "accrued"
    CLAWED_BACK = "clawed_back"
    PAID = "paid"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class SpiffRule(Base):
    """One way the office pays a referring technician; removed rules stay for the ledger."""

    __tablename__ = "spiff_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    # One of the office's referral categories; None: any category.
    category: Mapped[str | None] = mapped_column(String(80))
    stage: Mapped[SpiffStage] = mapped_column(enum_column(SpiffStage))
    basis: Mapped[SpiffBasis] = mapped_column(enum_column(SpiffBasis))
    # Dollars to the cent, or a percent rate kept as typed (2.125).
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 4, asdecimal=True))
    cap: Mapped[Decimal | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[dt.datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        # One rule in force per category (or any) and stage, even when two desks add it at once.
        Index(
            "uq_spiff_rules_live_category_stage",
            func.coalesce(category, ""),
            stage,
            unique=True,
            sqlite_where=text("removed_at IS NULL"),
            postgresql_where=text("removed_at IS NULL"),
        ),
    )


class SpiffEntry(Base):
    """One line of the spiff ledger; rows are only ever appended."""

    __tablename__ = "spiff_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    technician_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("spiff_rules.id"))
    # The rule's terms when the entry was made, as the ledger prints them.
    terms: Mapped[str] = mapped_column(String(200))
    stage: Mapped[SpiffStage | None] = mapped_column(enum_column(SpiffStage))
    kind: Mapped[SpiffEntryKind] = mapped_column(enum_column(SpiffEntryKind))
    amount: Mapped[Decimal]
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # First office day of the pay period the entry falls in.
    period_start: Mapped[dt.date]
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("spiff_entries.id"))
    actor: Mapped[str] = mapped_column(String(120))

    referral: Mapped[Referral] = relationship()
    technician: Mapped[Staff] = relationship()

    __table_args__ = (
        Index("ix_spiff_entries_technician_kind", "technician_id", "kind"),
        Index("ix_spiff_entries_at", "at"),
    )


class WorkCompletion(Base):
    """The desk's mark that a won referral's sold work is done: the work-completed stage."""

    __tablename__ = "work_completions"

    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(120))
