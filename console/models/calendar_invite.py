"""The calendar invite a salesperson was given for a referral's sales appointment.

A calendar keeps an event by its UID and takes a message with a higher SEQUENCE as a change to
it. The desk moves an appointment by closing the old row and opening a new one, so an invite
belongs to the referral and remembers what it last told the salesperson: a move is the same
UID with the next SEQUENCE, a cancel closes it, and a later appointment starts a new UID.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from console.models.base import Base, enum_column, utcnow

if TYPE_CHECKING:
    from console.models.referral import Referral, SalesAppointment


class InviteState(enum.StrEnum):
    """What the salesperson's calendar was last told: the visit is on, or it is off."""

    SENT = "sent"
    CANCELLED = "cancelled"


class CalendarInvite(Base):
    __tablename__ = "calendar_invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("sales_appointments.id"))
    uid: Mapped[str] = mapped_column(String(255), unique=True)
    sequence: Mapped[int] = mapped_column(default=0)
    state: Mapped[InviteState] = mapped_column(enum_column(InviteState))
    # What the last message said, so the next one knows whether anything changed.
    starts_at: Mapped[dt.datetime]
    duration_minutes: Mapped[int]
    location: Mapped[str | None] = mapped_column(Text)
    attendee: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    issued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    issued_by: Mapped[str] = mapped_column(String(120))
    version: Mapped[int] = mapped_column(default=1)

    referral: Mapped[Referral] = relationship()
    appointment: Mapped[SalesAppointment] = relationship()

    __mapper_args__ = {"version_id_col": version}
