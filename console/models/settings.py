"""Office-wide settings, shared by every desk on the same database."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from console.models.base import Base


class OfficeSetting(Base):
    __tablename__ = "office_settings"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
