"""The work-completed stage: the desk marks a won referral's sold work done, once.

There is no link from a service visit to the sale it carried out, so the stage is an explicit
mark rather than a guess from the visits; it goes on the referral's timeline like every step.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from console.models import (
    EventKind,
    Referral,
    ReferralEvent,
    ReferralStatus,
    SpiffEntry,
    SpiffStage,
    WorkCompletion,
)
from console.services.errors import InputError, NotFound, stale_as_conflict
from console.services.office.clock import local_date, utc_now
from console.services.office.settings import OfficeSettings, load_office_settings
from console.services.spiffs.ledger import accrue_spiffs


def mark_work_completed(
    session: Session,
    referral_id: int,
    actor: str,
    *,
    settings: OfficeSettings | None = None,
    now: dt.datetime | None = None,
) -> list[SpiffEntry]:
    """Record that the sold work is done and accrue the work-completed spiffs it earns."""
    referral = session.get(Referral, referral_id)
    if referral is None:
        raise NotFound("referral", f"no referral with id {referral_id}")
    if referral.status is not ReferralStatus.WON:
        raise InputError(
            "status",
            f"work is completed on a won referral; referral {referral_id} is "
            f"{referral.status.value}",
        )
    done = session.get(WorkCompletion, referral_id)
    if done is not None:
        raise InputError(
            "work completed",
            f"referral {referral_id}'s work was marked completed on {local_date(done.at):%Y-%m-%d}",
        )
    at = now or utc_now()
    settings = settings or load_office_settings(session)
    session.add(WorkCompletion(referral_id=referral_id, at=at, actor=actor))
    session.add(
        ReferralEvent(
            referral_id=referral_id, actor=actor, kind=EventKind.NOTE, at=at, note="Work completed"
        )
    )
    made = accrue_spiffs(session, referral, SpiffStage.WORK_COMPLETED, actor, at, settings)
    with stale_as_conflict(f"referral {referral_id}"):
        session.flush()
    return made
