"""Upsell notes: lighter than referrals, anything anyone noticed about a customer."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from console.models.base import Base, utcnow

if TYPE_CHECKING:
    from console.models.referral import Referral

NOTE_CATEGORIES = (
    "Old equipment",
    "No maintenance plan",
    "Customer asked",
    "Efficiency",
    "Safety",
    "Other",
)


class UpsellNote(Base):
    __tablename__ = "upsell_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    equipment_id: Mapped[int | None] = mapped_column(ForeignKey("equipment.id"))
    author: Mapped[str] = mapped_column(String(120))
    category: Mapped[str] = mapped_column(String(60), default="Other")
    text: Mapped[str] = mapped_column(Text)
    pinned: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[dt.datetime | None]
    removed_by: Mapped[str | None] = mapped_column(String(120))
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id"))
    version: Mapped[int] = mapped_column(default=1)

    referral: Mapped[Referral | None] = relationship()

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (Index("ix_upsell_notes_customer", "customer_id", "pinned", "created_at"),)
