"""Technician referrals, their append-only event history and the sales appointments they lead to."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from console.models.base import Base, enum_column, utcnow

if TYPE_CHECKING:
    from console.models.customer import Customer
    from console.models.equipment import Equipment
    from console.models.staff import Staff


class ReferralStatus(enum.StrEnum):
    NEW = "new"
    ASSIGNED = "assigned"
    CONTACTED = "contacted"
    APPOINTMENT_SET = "appointment_set"
    QUOTED = "quoted"
    WON = "won"
    LOST = "lost"
    NOT_NOW = "not_now"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


OPEN_STATUSES = frozenset(
    {
        ReferralStatus.NEW,
        ReferralStatus.ASSIGNED,
        ReferralStatus.CONTACTED,
        ReferralStatus.APPOINTMENT_SET,
        ReferralStatus.QUOTED,
        ReferralStatus.NOT_NOW,
    }
)
OUTCOME_STATUSES = frozenset({ReferralStatus.WON, ReferralStatus.LOST})
CLOSED_STATUSES = frozenset({ReferralStatus.WON, ReferralStatus.LOST, ReferralStatus.CANCELLED})


class Urgency(enum.StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"


class Assignment(enum.StrEnum):
    """How a referral came to its salesperson, as the worklist shows it."""

    MANUAL = "manual"
    ROUND_ROBIN = "round_robin"
    IMPORT = "import"

    @property
    def label(self) -> str:
        return {"manual": "Manual", "round_robin": "Round-robin", "import": "Import"}[self.value]


class EventKind(enum.StrEnum):
    CREATED = "created"
    STATUS = "status"
    NOTE = "note"
    TECH_TOLD = "tech_told"
    SPIFF_PAID = "spiff_paid"
    APPOINTMENT = "appointment"
    ATTEMPT = "attempt"  # a try to reach the customer; its details are a ContactAttempt
    BRIEFING_PRINTED = "briefing_printed"  # the salesperson's sheet was printed or saved


class Referral(Base):
    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    equipment_id: Mapped[int | None] = mapped_column(ForeignKey("equipment.id"))
    # The old equipment whose heads-up on a day sheet led the tech to refer; None: unprompted.
    prompted_by_equipment_id: Mapped[int | None] = mapped_column(ForeignKey("equipment.id"))
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("service_visits.id"))
    technician_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    salesperson_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    status: Mapped[ReferralStatus] = mapped_column(enum_column(ReferralStatus))
    pain_point: Mapped[str] = mapped_column(Text)
    recommendation: Mapped[str | None] = mapped_column(Text)
    urgency: Mapped[Urgency] = mapped_column(enum_column(Urgency), default=Urgency.NORMAL)
    # One of the office's referral categories (spiff rules and assignment go by it); None: none.
    category: Mapped[str | None] = mapped_column(String(80))
    # How the salesperson was chosen; None for referrals made before the office recorded it.
    assignment: Mapped[Assignment | None] = mapped_column(enum_column(Assignment))
    # The earlier referral of the same customer whose need this one carries on (a second
    # appointment on the same need); metrics count the chain once.
    continues_referral_id: Mapped[int | None] = mapped_column(
        ForeignKey("referrals.id"), index=True
    )
    estimated_value: Mapped[Decimal | None]
    won_value: Mapped[Decimal | None]
    lost_reason: Mapped[str | None] = mapped_column(Text)
    follow_up_on: Mapped[dt.date | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    first_contact_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]
    tech_informed_at: Mapped[dt.datetime | None]
    tech_thanked: Mapped[bool] = mapped_column(default=False)
    spiff_amount: Mapped[Decimal | None]
    spiff_paid_at: Mapped[dt.datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    customer: Mapped[Customer] = relationship()
    equipment: Mapped[Equipment | None] = relationship(foreign_keys=[equipment_id])
    technician: Mapped[Staff] = relationship(foreign_keys=[technician_id])
    salesperson: Mapped[Staff | None] = relationship(foreign_keys=[salesperson_id])
    events: Mapped[list[ReferralEvent]] = relationship(
        back_populates="referral", order_by="ReferralEvent.id"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_referrals_status_created", "status", "created_at"),
        Index("ix_referrals_technician", "technician_id"),
        Index("ix_referrals_salesperson", "salesperson_id"),
    )


class ReferralEvent(Base):
    """One line of a referral's history; rows are only ever appended."""

    __tablename__ = "referral_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(120))
    kind: Mapped[EventKind] = mapped_column(enum_column(EventKind))
    from_status: Mapped[ReferralStatus | None] = mapped_column(enum_column(ReferralStatus))
    to_status: Mapped[ReferralStatus | None] = mapped_column(enum_column(ReferralStatus))
    note: Mapped[str | None] = mapped_column(Text)

    referral: Mapped[Referral] = relationship(back_populates="events")


class SalesAppointment(Base):
    __tablename__ = "sales_appointments"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    salesperson_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    starts_at: Mapped[dt.datetime] = mapped_column(index=True)
    duration_minutes: Mapped[int] = mapped_column(default=60)
    tech_consulted_at: Mapped[dt.datetime | None]
    briefing_printed_at: Mapped[dt.datetime | None]
    cancelled_at: Mapped[dt.datetime | None]
    notes: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)

    referral: Mapped[Referral] = relationship()
    salesperson: Mapped[Staff] = relationship()

    __mapper_args__ = {"version_id_col": version}
