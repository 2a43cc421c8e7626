"""Two desks on one database move the same referral and edit the same note and customer at once.

Each desk has its own engine and sessions. Both read, then both write in a random order:
exactly one wins each time, the other is told of the conflict, and no event is lost.
"""

from __future__ import annotations

import random
from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select

from console.database import make_engine, session_factory
from console.models import (
    EventKind,
    Referral,
    ReferralEvent,
    ReferralStatus,
    StaffRole,
    UpsellNote,
)
from console.services.customers.contacts import ContactConflict, read_contact, update_contact
from console.services.customers.notes import add_note, edit_note
from console.services.errors import Conflict
from console.services.office.settings import (
    OfficeSettingsChanged,
    load_office_settings,
    save_office_settings,
)
from console.services.referrals.lifecycle import StepDetails, create_referral, move_referral
from console.services.spiffs import mark_spiffs_paid
from tests import factories

ROUNDS = 200


@pytest.fixture
def desks(engine: Engine) -> tuple[Engine, Engine]:
    other = make_engine(engine.url.render_as_string(hide_password=False))
    with session_factory(engine).begin() as session:
        factories.customer(session, name="Shared Customer")
        factories.staff(session, "Ana Tech")
        factories.staff(session, "Sal Es", role=StaffRole.SALESPERSON)
    yield engine, other
    other.dispose()


def test_same_referral_moved_at_once_200_times(desks: tuple[Engine, Engine]) -> None:
    rng = random.Random(5)
    factories_ = [session_factory(desk) for desk in desks]
    conflicts = wins = 0
    expected_events = 0
    for _ in range(ROUNDS):
        with factories_[0].begin() as session:
            referral = create_referral(
                session, customer_id=1, technician="Ana Tech", pain_point="x", actor="a"
            )
            referral_id, version = referral.id, referral.version
        expected_events += 1
        order = [0, 1]
        rng.shuffle(order)
        targets = {0: ReferralStatus.ASSIGNED, 1: ReferralStatus.CANCELLED}
        for desk in order:
            details = (
                StepDetails(salesperson="Sal Es")
                if targets[desk] is ReferralStatus.ASSIGNED
                else StepDetails()
            )
            try:
                with factories_[desk].begin() as session:
                    move_referral(
                        session,
                        referral_id,
                        targets[desk],
                        f"desk{desk}",
                        details,
                        expected_version=version,
                    )
                wins += 1
                expected_events += 1
            except Conflict:
                conflicts += 1
    assert (wins, conflicts) == (ROUNDS, ROUNDS)
    with factories_[1]() as session:
        assert session.scalar(select(func.count()).select_from(ReferralEvent)) == expected_events


def test_same_note_edited_at_once_keeps_exactly_one_version(desks: tuple[Engine, Engine]) -> None:
    first, second = (session_factory(desk) for desk in desks)
    with first.begin() as session:
        note_id = add_note(session, 1, "original", author="a").id
    rng = random.Random(9)
    conflicts = 0
    for round_number in range(ROUNDS):
        with first() as session:
            version = session.get(UpsellNote, note_id).version
        writers = [(first, f"desk one {round_number}"), (second, f"desk two {round_number}")]
        rng.shuffle(writers)
        saved = []
        for sessions, text in writers:
            try:
                with sessions.begin() as session:
                    edit_note(session, note_id, text=text, expected_version=version)
                saved.append(text)
            except Conflict:
                conflicts += 1
        assert len(saved) == 1
        with second() as session:
            assert session.get(UpsellNote, note_id).text == saved[0]
    assert conflicts == ROUNDS


def test_same_customer_edited_at_once_200_times(desks: tuple[Engine, Engine]) -> None:
    first, second = (session_factory(desk) for desk in desks)
    rng = random.Random(13)
    conflicts = 0
    for round_number in range(ROUNDS):
        with first() as session:
            read = read_contact(session, 1)
        writers = [(first, "desk one"), (second, "desk two")]
        rng.shuffle(writers)
        saved = []
        for sessions, desk in writers:
            phone = f"{desk} {round_number}"
            try:
                with sessions.begin() as session:
                    update_contact(
                        session,
                        1,
                        replace(read.details, phone=phone),
                        expected_version=read.version,
                        actor=desk,
                    )
                saved.append(desk)
            except ContactConflict as conflict:
                conflicts += 1
                assert conflict.theirs.updated_by == saved[0]
        assert len(saved) == 1
        with second() as session:
            stored = read_contact(session, 1)
        assert stored.details.phone == f"{saved[0]} {round_number}"
        assert stored.version == read.version + 1
    assert conflicts == ROUNDS


def test_office_rules_changed_on_two_desks_merge_or_clash(desks: tuple[Engine, Engine]) -> None:
    first, second = (session_factory(desk) for desk in desks)
    with first() as session:
        loaded = load_office_settings(session)
    with first.begin() as session:
        save_office_settings(session, replace(loaded, first_contact_hours=8), expected=loaded)
    with second.begin() as session:
        save_office_settings(session, replace(loaded, spiff_pay_period="weekly"), expected=loaded)
    with pytest.raises(OfficeSettingsChanged) as clash, second.begin() as session:
        save_office_settings(session, replace(loaded, first_contact_hours=12), expected=loaded)
    assert clash.value.names == ["first_contact_hours"]
    assert clash.value.theirs.first_contact_hours == 8
    with second() as session:
        stored = load_office_settings(session)
    assert (stored.first_contact_hours, stored.spiff_pay_period) == (8, "weekly")


def test_spiff_paid_on_two_desks_at_once_is_paid_once(desks: tuple[Engine, Engine]) -> None:
    first, second = (session_factory(desk) for desk in desks)
    with first.begin() as session:
        referral = create_referral(
            session, customer_id=1, technician="Ana Tech", pain_point="x", actor="a"
        )
        referral.status = ReferralStatus.WON
        referral.spiff_amount = Decimal("50.00")
        referral_id = referral.id
    with second() as late, late.begin():
        on_screen = late.get(Referral, referral_id)  # desk two read it as unpaid
        with first.begin() as session:
            mark_spiffs_paid(session, [referral_id], "desk one")
        assert on_screen.spiff_paid_at is None
        with pytest.raises(Conflict):
            mark_spiffs_paid(late, [referral_id], "desk two")
    with second() as session:
        paid = session.scalars(
            select(ReferralEvent).where(ReferralEvent.kind == EventKind.SPIFF_PAID)
        ).all()
    assert [event.actor for event in paid] == ["desk one"]
