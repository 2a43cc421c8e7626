"""Each try to reach a referral's customer: when, how, whether it got through, and what next.

Attempts are only ever appended, like a referral's events. The first one that reaches the
customer is the referral's first contact; the ones that do not leave the overdue clock running.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from console.models.base import Base, enum_column, utcnow

if TYPE_CHECKING:
    from console.models.referral import Referral, ReferralEvent


class ContactChannel(enum.StrEnum):
    PHONE = "phone"
    TEXT = "text"
    EMAIL = "email"
    IN_PERSON = "in_person"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class ContactAttempt(Base):
    __tablename__ = "contact_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"))
    # The attempt's line on the referral's timeline, so it sits in order with the other events.
    event_id: Mapped[int] = mapped_column(ForeignKey("referral_events.id"), unique=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    channel: Mapped[ContactChannel] = mapped_column(enum_column(ContactChannel))
    reached: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str | None] = mapped_column(Text)
    next_try_at: Mapped[dt.datetime | None]
    actor: Mapped[str] = mapped_column(String(120))

    referral: Mapped[Referral] = relationship()
    event: Mapped[ReferralEvent] = relationship()

    __table_args__ = (Index("ix_contact_attempts_referral_at", "referral_id", "at"),)
