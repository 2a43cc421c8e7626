"""A won referral whose tech has an email address: what every outbox test starts from."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from console.models import Staff, StaffRole
from console.services.referrals.lifecycle import StepDetails, create_referral, move_referral
from tests import factories

NOW = dt.datetime(2026, 3, 16, 15, 0, tzinfo=dt.UTC)


def won_referral(
    sessions: sessionmaker[Session], email: str | None = "ana@example.com", value: str = "12000"
) -> int:
    """A referral won for `value` by Sal Es, referred by Ana Tech."""
    with sessions.begin() as session:
        customer = factories.customer(session, name="Ada Park")
        if session.scalar(select(Staff.id).where(Staff.name == "Ana Tech")) is None:
            factories.staff(session, "Ana Tech", email=email, phone="555-0199")
            factories.staff(session, "Sal Es", role=StaffRole.SALESPERSON)
        referral = create_referral(
            session,
            customer_id=customer.id,
            technician="Ana Tech",
            pain_point="Boiler leaking",
            actor="sam",
            salesperson="Sal Es",
            now=NOW,
        )
        for status, details in (
            ("contacted", StepDetails()),
            ("won", StepDetails(value=value)),
        ):
            move_referral(session, referral, status, "sam", details, now=NOW)
        return referral.id
