"""Service visits: what a technician did and saw at one of a customer's sites."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from console.models.base import Base, enum_column

if TYPE_CHECKING:
    from console.models.customer import Customer
    from console.models.equipment import Equipment
    from console.models.site import Site
    from console.models.staff import Staff


class VisitStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class ServiceVisit(Base):
    __tablename__ = "service_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"), index=True)
    equipment_id: Mapped[int | None] = mapped_column(ForeignKey("equipment.id"), index=True)
    technician_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    scheduled_for: Mapped[dt.datetime]
    completed_at: Mapped[dt.datetime | None]
    status: Mapped[VisitStatus] = mapped_column(enum_column(VisitStatus))
    problem: Mapped[str | None] = mapped_column(Text)
    work_done: Mapped[str | None] = mapped_column(Text)
    tech_notes: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)

    technician: Mapped[Staff | None] = relationship()
    equipment: Mapped[Equipment | None] = relationship()
    customer: Mapped[Customer] = relationship()
    site: Mapped[Site | None] = relationship()

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_service_visits_customer_scheduled", "customer_id", "scheduled_for"),
        Index("ix_service_visits_technician_scheduled", "technician_id", "scheduled_for"),
        Index("ix_service_visits_scheduled", "scheduled_for"),
    )
