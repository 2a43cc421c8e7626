"""Customers: who the office serves."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Index, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from console.models.base import Base, utcnow

if TYPE_CHECKING:
    from console.models.equipment import Equipment
    from console.models.site import Site


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_number: Mapped[str] = mapped_column(String(32), unique=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    company: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    phone_alt: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    street: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(60))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(default=1)

    equipment: Mapped[list[Equipment]] = relationship(back_populates="customer")
    sites: Mapped[list[Site]] = relationship(back_populates="customer", order_by="Site.id")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_customers_name_lower", func.lower(name)),
        Index("ix_customers_city", "city"),
    )

    @property
    def address(self) -> str:
        """One line, the way it goes on an envelope."""
        return one_line_address(self.street, self.postal_code, self.city, self.country)


def one_line_address(
    street: str | None, postal_code: str | None, city: str | None, country: str | None
) -> str:
    town = " ".join(part for part in (postal_code, city) if part)
    return ", ".join(part for part in (street, town, country) if part)
