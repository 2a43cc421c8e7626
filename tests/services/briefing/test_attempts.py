"""The briefing's line about the tries to reach each referral's customer."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session, sessionmaker

from console.models import StaffRole
from console.services.briefing.attempts import attempt_lines
from console.services.office.settings import OfficeSettings, save_office_settings
from console.services.referrals.contact_attempts import record_attempt
from console.services.referrals.lifecycle import create_referral
from tests import factories

RECORDED = dt.datetime(2026, 3, 16, 13, 0, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 3, 17, 18, 0, tzinfo=dt.UTC)


def test_each_referral_with_attempts_gets_one_line_in_office_time(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        save_office_settings(session, OfficeSettings(time_zone="America/New_York"))
        customer = factories.customer(session, name="Ada Park")
        factories.staff(session, "Ana Tech")
        factories.staff(session, "Sal Es", role=StaffRole.SALESPERSON)
        tried, reached, untouched = (
            create_referral(
                session,
                customer_id=customer.id,
                technician="Ana Tech",
                pain_point=pain,
                actor="sam",
                salesperson="Sal Es",
                now=RECORDED,
            ).id
            for pain in ("Boiler leaking", "Old water heater", "No maintenance plan")
        )
        for referral_id, at, channel, got_through, note in (
            (tried, dt.datetime(2026, 3, 16, 14, 0, tzinfo=dt.UTC), "phone", False, None),
            (tried, dt.datetime(2026, 3, 17, 14, 5, tzinfo=dt.UTC), "text", False, "no reply"),
            (reached, dt.datetime(2026, 3, 17, 13, 30, tzinfo=dt.UTC), "in_person", True, None),
        ):
            record_attempt(
                session,
                referral_id,
                channel=channel,
                reached=got_through,
                note=note,
                next_try=None,
                at=at,
                actor="sam",
                expected_version=None,
                now=NOW,
            )
    with sessions() as session:
        lines = attempt_lines(session, [tried, reached, untouched])
    assert lines == {
        tried: "Contact attempts: 2, 2 not reached · last Tue 17 Mar 10:05, text, not reached — "
        "no reply",
        reached: "Contact attempts: 1 · last Tue 17 Mar 09:30, in person, reached",
    }
