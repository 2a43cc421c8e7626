"""One desk of the soak test, run as its own process: mixed work, and a record of what it did.

    python -m tests.soak_desk URL DESK SEED OPERATIONS GO_FILE RECORD_FILE

Waits for GO_FILE so both desks start together, then searches, opens customers, adds notes and
moves the shared referrals, each in its own transaction as a desk would. Referral moves read in
one transaction and save in the next, so the other desk can get in between.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import select

from console.database import make_engine, session_factory
from console.models import Customer, Referral, ReferralEvent, ReferralStatus
from console.services.customers.customer_360 import customer_overview
from console.services.customers.notes import add_note
from console.services.customers.search import search_customers
from console.services.errors import Conflict
from console.services.referrals.lifecycle import StepDetails, StepRefused, move_referral

RS = ReferralStatus
# A loop of steps that never closes a referral, so moves keep coming for the whole run.
NEXT_STEP = {
    RS.NEW: RS.ASSIGNED,
    RS.ASSIGNED: RS.CONTACTED,
    RS.CONTACTED: RS.NOT_NOW,
    RS.NOT_NOW: RS.ASSIGNED,
}
SHARED_REFERRALS_TAG = "soak shared referral"


@dataclass
class Record:
    desk: str
    searches: int = 0
    opens: int = 0
    notes: list[int] = field(default_factory=list)
    moves: list[int] = field(default_factory=list)  # the ids of the events the moves wrote
    conflicts: int = 0
    stale_refusals: int = 0
    seconds: float = 0.0


def step_details(target: ReferralStatus, salesperson: int, today: dt.date) -> StepDetails:
    if target is RS.ASSIGNED:
        return StepDetails(salesperson=salesperson)
    if target is RS.NOT_NOW:
        return StepDetails(follow_up_on=today + dt.timedelta(days=30))
    return StepDetails()


def run(url: str, desk: str, seed: int, operations: int, go: Path) -> Record:
    engine = make_engine(url)
    sessions = session_factory(engine)
    rng = random.Random(seed)
    with sessions() as session:
        customer_ids = list(session.scalars(select(Customer.id)))
        names = list(session.scalars(select(Customer.name)))
        shared = list(
            session.scalars(select(Referral.id).where(Referral.pain_point == SHARED_REFERRALS_TAG))
        )
        salesperson = session.scalars(
            select(Referral.salesperson_id).where(Referral.salesperson_id.is_not(None))
        ).first()
    record = Record(desk)
    today = dt.date.today()
    while not go.exists():
        time.sleep(0.005)
    started = time.perf_counter()
    for number in range(operations):
        roll = rng.random()
        if roll < 0.3:
            word = rng.choice(names).split()[0][:4]
            with sessions() as session:
                search_customers(session, word)
            record.searches += 1
        elif roll < 0.55:
            with sessions() as session:
                customer_overview(session, rng.choice(customer_ids))
            record.opens += 1
        elif roll < 0.75:
            with sessions.begin() as session:
                note = add_note(session, rng.choice(customer_ids), f"{desk} #{number}", desk)
                record.notes.append(note.id)
        else:
            referral_id = rng.choice(shared)
            with sessions() as session:
                referral = session.get(Referral, referral_id)
                assert referral is not None
                status, version = referral.status, referral.version
            target = NEXT_STEP[status]
            try:
                with sessions.begin() as session:
                    move_referral(
                        session,
                        referral_id,
                        target,
                        desk,
                        step_details(target, salesperson, today),
                        expected_version=version,
                    )
                    event_id = session.scalar(
                        select(ReferralEvent.id)
                        .where(ReferralEvent.referral_id == referral_id)
                        .order_by(ReferralEvent.id.desc())
                        .limit(1)
                    )
                record.moves.append(int(event_id))
            except Conflict:
                record.conflicts += 1
            except StepRefused:
                record.stale_refusals += 1
    record.seconds = time.perf_counter() - started
    engine.dispose()
    return record


def main(argv: list[str]) -> int:
    url, desk, seed, operations, go, out = argv
    record = run(url, desk, int(seed), int(operations), Path(go))
    Path(out).write_text(json.dumps(asdict(record)), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
