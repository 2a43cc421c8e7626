"""Technicians and salespeople; inactive staff stay so that history keeps its names."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from console.models.base import Base, enum_column


class StaffRole(enum.StrEnum):
    TECHNICIAN = "technician"
    SALESPERSON = "salesperson"


class Staff(Base):
    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    role: Mapped[StaffRole] = mapped_column(enum_column(StaffRole))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    # A salesperson marked away gets no round-robin referrals; with `away_until` only through
    # that office day. None: not away.
    away_since: Mapped[dt.datetime | None]
    away_until: Mapped[dt.date | None]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class SalespersonCategory(Base):
    """One referral category a salesperson takes in the office's round-robin."""

    __tablename__ = "salesperson_categories"

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), primary_key=True)
    category: Mapped[str] = mapped_column(String(80), primary_key=True)
