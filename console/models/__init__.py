"""The domain model: plain SQLAlchemy, no Qt."""

from console.models.base import Base, UTCDateTime, utcnow
from console.models.customer import Customer
from console.models.equipment import Equipment
from console.models.note import NOTE_CATEGORIES, UpsellNote
from console.models.referral import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    OUTCOME_STATUSES,
    EventKind,
    Referral,
    ReferralEvent,
    ReferralStatus,
    SalesAppointment,
    Urgency,
)
from console.models.settings import OfficeSetting
from console.models.staff import Staff, StaffRole
from console.models.visit import ServiceVisit, VisitStatus

__all__ = [
    "CLOSED_STATUSES",
    "NOTE_CATEGORIES",
    "OPEN_STATUSES",
    "OUTCOME_STATUSES",
    "Base",
    "Customer",
    "Equipment",
    "EventKind",
    "OfficeSetting",
    "Referral",
    "ReferralEvent",
    "ReferralStatus",
    "SalesAppointment",
    "ServiceVisit",
    "Staff",
    "StaffRole",
    "UTCDateTime",
    "UpsellNote",
    "Urgency",
    "VisitStatus",
    "utcnow",
]
