"""The domain model: plain SQLAlchemy, no Qt."""

from console.models.base import Base, UTCDateTime, utcnow
from console.models.calendar_invite import CalendarInvite, InviteState
from console.models.contact_attempt import ContactAttempt, ContactChannel
from console.models.customer import Customer
from console.models.equipment import Equipment
from console.models.import_fingerprint import ImportFingerprint
from console.models.note import NOTE_CATEGORIES, UpsellNote
from console.models.outbox import OutboxAttachment, OutboxMessage, OutboxState
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
from console.models.site import Site, SiteOfAnotherCustomer
from console.models.spiff import (
    SpiffBasis,
    SpiffEntry,
    SpiffEntryKind,
    SpiffRule,
    SpiffStage,
    WorkCompletion,
)
from console.models.staff import Staff, StaffRole
from console.models.sync_run import SyncFile, SyncFileKind, SyncFileOutcome, SyncOutcome, SyncRun
from console.models.visit import ServiceVisit, VisitStatus

__all__ = [
    "CLOSED_STATUSES",
    "NOTE_CATEGORIES",
    "OPEN_STATUSES",
    "OUTCOME_STATUSES",
    "Base",
    "CalendarInvite",
    "ContactAttempt",
    "ContactChannel",
    "Customer",
    "Equipment",
    "EventKind",
    "ImportFingerprint",
    "InviteState",
    "OfficeSetting",
    "OutboxAttachment",
    "OutboxMessage",
    "OutboxState",
    "Referral",
    "ReferralEvent",
    "ReferralStatus",
    "SalesAppointment",
    "ServiceVisit",
    "Site",
    "SiteOfAnotherCustomer",
    "SpiffBasis",
    "SpiffEntry",
    "SpiffEntryKind",
    "SpiffRule",
    "SpiffStage",
    "Staff",
    "StaffRole",
    "SyncFile",
    "SyncFileKind",
    "SyncFileOutcome",
    "SyncOutcome",
    "SyncRun",
    "UTCDateTime",
    "UpsellNote",
    "Urgency",
    "VisitStatus",
    "WorkCompletion",
    "utcnow",
]
