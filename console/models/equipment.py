"""Equipment at a customer's site; its age drives most referrals."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from console.models.base import Base

if TYPE_CHECKING:
    from console.models.customer import Customer
    from console.models.site import Site


class Equipment(Base):
    __tablename__ = "equipment"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"), index=True)
    kind: Mapped[str] = mapped_column(String(80))
    make: Mapped[str | None] = mapped_column(String(80))
    model: Mapped[str | None] = mapped_column(String(80))
    serial: Mapped[str | None] = mapped_column(String(80))
    installed_on: Mapped[dt.date | None]
    location: Mapped[str | None] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(default=1)

    customer: Mapped[Customer] = relationship(back_populates="equipment")
    site: Mapped[Site | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    def age_years(self, today: dt.date) -> float | None:
        if self.installed_on is None:
            return None
        return (today - self.installed_on).days / 365.25

    @property
    def label(self) -> str:
        return equipment_label(self.kind, self.make, self.model)


def equipment_label(kind: str | None, make: str | None, model: str | None) -> str:
    return " ".join(part for part in (kind, make, model) if part)
