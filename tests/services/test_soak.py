"""Two processes share one database for 2,000 mixed operations each; afterwards every note and
every referral event either desk recorded is there, and nothing else is.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import Engine, select

from console.database import session_factory
from console.models import EventKind, Referral, ReferralEvent, StaffRole, UpsellNote
from console.services.demo import seed_demo
from console.services.office.staff import staff_list
from console.services.referrals.lifecycle import create_referral
from tests.conftest import DEMO_TODAY
from tests.soak_desk import SHARED_REFERRALS_TAG

OPERATIONS = 2_000
SHARED_REFERRALS = 8
DESKS = ("desk-a", "desk-b")
ROOT = Path(__file__).resolve().parents[2]


def shared_referrals(engine: Engine) -> list[int]:
    with session_factory(engine).begin() as session:
        technician = staff_list(session, StaffRole.TECHNICIAN)[0]
        salesperson = staff_list(session, StaffRole.SALESPERSON)[0]
        return [
            create_referral(
                session,
                customer_id=number + 1,
                technician=technician.id,
                salesperson=salesperson.id,
                pain_point=SHARED_REFERRALS_TAG,
                actor="setup",
            ).id
            for number in range(SHARED_REFERRALS)
        ]


def run_desks(url: str, tmp_path: Path) -> list[dict]:
    go = tmp_path / "go"
    desks = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.soak_desk",
                url,
                desk,
                str(seed),
                str(OPERATIONS),
                str(go),
                str(tmp_path / f"{desk}.json"),
            ],
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        for seed, desk in enumerate(DESKS, start=1)
    ]
    time.sleep(0.5)  # both are importing; the go file starts them together
    go.touch()
    for desk in desks:
        _out, errors = desk.communicate(timeout=600)
        assert desk.returncode == 0, errors
    return [json.loads((tmp_path / f"{desk}.json").read_text()) for desk in DESKS]


def test_two_processes_2000_mixed_operations_each_lose_nothing(
    engine: Engine, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    seed_demo(engine, customers=40, seed=3, today=DEMO_TODAY)
    referral_ids = shared_referrals(engine)
    url = engine.url.render_as_string(hide_password=False)

    records = run_desks(url, tmp_path)

    sessions = session_factory(engine)
    with sessions() as session:
        for record in records:
            done = (
                record["searches"]
                + record["opens"]
                + len(record["notes"])
                + len(record["moves"])
                + record["conflicts"]
                + record["stale_refusals"]
            )
            assert done == OPERATIONS
            stored_notes = session.scalars(
                select(UpsellNote.id).where(UpsellNote.author == record["desk"])
            )
            assert sorted(stored_notes) == sorted(record["notes"])
            stored_moves = session.scalars(
                select(ReferralEvent.id).where(
                    ReferralEvent.actor == record["desk"], ReferralEvent.kind == EventKind.STATUS
                )
            )
            assert sorted(stored_moves) == sorted(record["moves"])
            assert record["stale_refusals"] == 0, "a stale status is caught as a conflict first"
        for referral_id in referral_ids:
            events = session.scalars(
                select(ReferralEvent)
                .where(ReferralEvent.referral_id == referral_id)
                .order_by(ReferralEvent.id)
            ).all()
            # The history is one unbroken chain: each step starts where the last one ended.
            for before, after in itertools.pairwise(events):
                assert after.from_status == before.to_status
            assert events[-1].to_status == session.get(Referral, referral_id).status

    moves = sum(len(record["moves"]) for record in records)
    conflicts = sum(record["conflicts"] for record in records)
    with capsys.disabled():
        print(
            f"\nsoak on {engine.dialect.name}: {len(records) * OPERATIONS} operations,"
            f" {moves} moves, {conflicts} conflicts, 0 events lost,"
            f" {max(record['seconds'] for record in records):.1f} s"
        )
