"""Any sequence of lifecycle steps keeps the referral's invariants (hypothesis state machine)."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule
from sqlalchemy import select

from console.database import make_engine, session_factory
from console.migrate import upgrade_database
from console.models import (
    CLOSED_STATUSES,
    Customer,
    EventKind,
    Referral,
    ReferralEvent,
    ReferralStatus,
    Staff,
    StaffRole,
)
from console.services.errors import InputError
from console.services.office.settings import OfficeSettings
from console.services.referrals.lifecycle import (
    ALLOWED_STEPS,
    StepDetails,
    create_referral,
    move_referral,
    tell_tech,
)
from console.services.referrals.promptness import is_overdue
from console.services.referrals.worklists import Worklist, worklist

RS = ReferralStatus
START = dt.datetime(2026, 3, 16, 8, 0, tzinfo=dt.UTC)
SETTINGS = OfficeSettings()
_template: Path | None = None


def template_database() -> Path:
    """One migrated database with a customer and staff, copied for each run of the machine."""
    global _template
    if _template is None:
        path = Path(tempfile.mkdtemp()) / "template.sqlite"
        engine = make_engine(f"sqlite:///{path}")
        upgrade_database(engine)
        with session_factory(engine).begin() as session:
            session.add(Customer(account_number="1", name="Ada Park"))
            session.add(Staff(name="Ana Tech", role=StaffRole.TECHNICIAN))
            session.add(Staff(name="Sal Es", role=StaffRole.SALESPERSON))
        engine.dispose()
        _template = path
    return _template


def details_for(target: RS, now: dt.datetime, valid: bool) -> StepDetails:
    """The data a step needs; with `valid` off, a deliberately bad version of it."""
    if target is RS.ASSIGNED:
        return StepDetails(salesperson="Sal Es" if valid else "Nobody")
    if target is RS.APPOINTMENT_SET:
        return StepDetails(appointment_at=now + dt.timedelta(days=2) if valid else None)
    if target is RS.WON:
        return StepDetails(value="1500" if valid else "-3")
    if target is RS.LOST:
        return StepDetails(reason="Price" if valid else "")
    if target is RS.NOT_NOW:
        return StepDetails(follow_up_on=now.date() + dt.timedelta(days=30 if valid else -1))
    return StepDetails()


class ReferralLifecycle(RuleBasedStateMachine):
    referrals = Bundle("referrals")

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp())
        path = self.folder / "console.sqlite"
        shutil.copy(template_database(), path)
        self.engine = make_engine(f"sqlite:///{path}")
        self.sessions = session_factory(self.engine)
        self.now = START
        self.history: dict[int, list[RS]] = {}
        self.told: set[int] = set()
        self.contacted: set[int] = set()

    def teardown(self) -> None:
        self.engine.dispose()
        shutil.rmtree(self.folder, ignore_errors=True)

    @rule(target=referrals)
    def create(self) -> int:
        with self.sessions.begin() as session:
            referral = create_referral(
                session,
                customer_id=1,
                technician="Ana Tech",
                pain_point="Old boiler",
                actor="desk",
                now=self.now,
            )
            referral_id = referral.id
        self.history[referral_id] = [RS.NEW]
        return referral_id

    @rule(hours=st.integers(min_value=1, max_value=30))
    def time_passes(self, hours: int) -> None:
        self.now += dt.timedelta(hours=hours)

    @rule(referral_id=referrals, target_status=st.sampled_from(list(RS)), valid=st.booleans())
    def step(self, referral_id: int, target_status: RS, valid: bool) -> None:
        current = self.history[referral_id][-1]
        allowed = target_status in ALLOWED_STEPS[current]
        try:
            with self.sessions.begin() as session:
                move_referral(
                    session,
                    referral_id,
                    target_status,
                    "desk",
                    details_for(target_status, self.now, valid),
                    settings=SETTINGS,
                    now=self.now,
                )
        except InputError:
            needs_data = target_status in (
                RS.ASSIGNED,
                RS.APPOINTMENT_SET,
                RS.WON,
                RS.LOST,
                RS.NOT_NOW,
            )
            assert not allowed or (not valid and needs_data), (
                f"{current} -> {target_status} refused"
            )
            return
        assert allowed, f"{current} -> {target_status} was accepted"
        assert current not in CLOSED_STATUSES
        self.history[referral_id].append(target_status)
        if target_status is RS.CONTACTED:
            self.contacted.add(referral_id)

    @rule(referral_id=referrals)
    def tell_the_tech(self, referral_id: int) -> None:
        status = self.history[referral_id][-1]
        try:
            with self.sessions.begin() as session:
                tell_tech(session, referral_id, "desk", now=self.now)
        except InputError:
            assert status not in (RS.WON, RS.LOST) or referral_id in self.told
            return
        assert status in (RS.WON, RS.LOST) and referral_id not in self.told
        self.told.add(referral_id)

    @invariant()
    def events_match_status_history(self) -> None:
        with self.sessions() as session:
            for referral_id, history in self.history.items():
                events = session.scalars(
                    select(ReferralEvent)
                    .where(ReferralEvent.referral_id == referral_id)
                    .order_by(ReferralEvent.id)
                ).all()
                statuses = [event.to_status for event in events if event.to_status is not None]
                assert statuses == history
                told = [event for event in events if event.kind is EventKind.TECH_TOLD]
                assert len(told) == (1 if referral_id in self.told else 0)

    @invariant()
    def stored_referrals_agree(self) -> None:
        with self.sessions() as session:
            overdue_ids = {
                item.id
                for item in worklist(session, Worklist.OVERDUE, now=self.now, settings=SETTINGS)
            }
            for referral in session.scalars(select(Referral)):
                assert referral.status is self.history[referral.id][-1]
                assert (referral.spiff_amount is not None) == (referral.status is RS.WON)
                if referral.status is RS.WON:
                    assert referral.spiff_amount == Decimal("50.00")
                expected_overdue = (
                    referral.id not in self.contacted
                    and referral.status in (RS.NEW, RS.ASSIGNED)
                    and self.now - referral.created_at
                    >= dt.timedelta(hours=SETTINGS.first_contact_hours)
                )
                assert (
                    is_overdue(
                        referral.status,
                        referral.created_at,
                        referral.first_contact_at,
                        self.now,
                        SETTINGS,
                    )
                    == expected_overdue
                )
                assert (referral.id in overdue_ids) == expected_overdue


TestReferralLifecycle = ReferralLifecycle.TestCase
TestReferralLifecycle.settings = settings(
    max_examples=40,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
