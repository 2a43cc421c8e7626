"""Round-robin assignment of new referrals: order, time away, manual choices, nobody eligible."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from console.models import (
    Customer,
    EventKind,
    Referral,
    ReferralEvent,
    ReferralStatus,
    Staff,
    StaffRole,
)
from console.models.referral import Assignment
from console.services.errors import Conflict, InputError
from console.services.office.settings import OfficeSettings, save_office_settings
from console.services.office.staff import (
    mark_away,
    mark_back,
    salespeople_setup,
    set_categories,
)
from console.services.referrals.assignment import assignment_message, rotation, why_unassigned
from console.services.referrals.lifecycle import StepDetails, create_referral, move_referral
from tests import factories

MONDAY = dt.datetime(2026, 3, 16, 15, 0, tzinfo=dt.UTC)
PLAN = "Maintenance plan"
SWAP = "Equipment replacement"


def office(session: Session, round_robin: bool = True) -> None:
    save_office_settings(session, OfficeSettings(assign_round_robin=round_robin, time_zone="UTC"))


@pytest.fixture
def desk(sessions: sessionmaker[Session]) -> Session:
    """A customer, a tech and three salespeople who all take both categories."""
    with sessions.begin() as session:
        office(session)
        factories.customer(session, name="Miller Household")
        factories.staff(session, "Ana Tech")
        for name in ("Cat Lane", "Amy Reed", "Bob Stone"):
            factories.staff(session, name, role=StaffRole.SALESPERSON)
            set_categories(session, name, [PLAN, SWAP])
    session = sessions()
    yield session
    session.close()


def refer(
    session: Session,
    category: str | None = PLAN,
    salesperson: str | None = None,
    now: dt.datetime = MONDAY,
) -> Referral:
    customer_id = session.scalars(select(func.min(Customer.id))).one()
    referral = create_referral(
        session,
        customer_id=customer_id,
        technician="Ana Tech",
        pain_point="no maintenance plan",
        category=category,
        salesperson=salesperson,
        actor="desk",
        now=now,
    )
    session.commit()
    return referral


def holders(referrals: list[Referral]) -> list[str | None]:
    return [r.salesperson.name if r.salesperson else None for r in referrals]


def test_new_referrals_go_round_in_name_order_and_say_so(desk: Session) -> None:
    made = [refer(desk) for _ in range(7)]
    assert holders(made) == [
        "Amy Reed",
        "Bob Stone",
        "Cat Lane",
        "Amy Reed",
        "Bob Stone",
        "Cat Lane",
        "Amy Reed",
    ]
    assert {r.assignment for r in made} == {Assignment.ROUND_ROBIN}
    assert {r.status for r in made} == {ReferralStatus.ASSIGNED}
    assert assignment_message(made[0]) == "assigned to Amy Reed (round-robin)"
    notes = desk.scalars(
        select(ReferralEvent.note).where(
            ReferralEvent.referral_id == made[0].id, ReferralEvent.kind == EventKind.STATUS
        )
    ).all()
    assert notes == ["Assigned round-robin"]


def test_each_category_keeps_its_own_turns(desk: Session) -> None:
    set_categories(desk, "Amy Reed", [SWAP])
    desk.commit()
    plans = [refer(desk, PLAN) for _ in range(2)]
    swaps = [refer(desk, SWAP) for _ in range(3)]
    assert holders(plans) == ["Bob Stone", "Cat Lane"]
    assert holders(swaps) == ["Amy Reed", "Bob Stone", "Cat Lane"]


def test_a_referral_without_a_category_goes_to_any_salesperson_present(desk: Session) -> None:
    assert holders([refer(desk, None) for _ in range(4)]) == [
        "Amy Reed",
        "Bob Stone",
        "Cat Lane",
        "Amy Reed",
    ]


def test_someone_away_is_skipped_and_first_in_line_when_back(desk: Session) -> None:
    refer(desk)  # Amy
    mark_away(desk, "Bob Stone", now=MONDAY)
    desk.commit()
    assert holders([refer(desk) for _ in range(3)]) == ["Cat Lane", "Amy Reed", "Cat Lane"]
    mark_back(desk, "Bob Stone")
    desk.commit()
    assert holders([refer(desk) for _ in range(3)]) == ["Bob Stone", "Amy Reed", "Cat Lane"]


def test_away_until_a_date_covers_that_day_and_ends_after_it(desk: Session) -> None:
    tuesday = MONDAY.date() + dt.timedelta(days=1)
    mark_away(desk, "Amy Reed", until=tuesday, now=MONDAY)
    desk.commit()
    assert holders([refer(desk, now=MONDAY + dt.timedelta(days=1))]) == ["Bob Stone"]
    assert holders([refer(desk, now=MONDAY + dt.timedelta(days=2))]) == ["Amy Reed"]
    setup = {row.name: row for row in salespeople_setup(desk, MONDAY.date())}
    assert setup["Amy Reed"].away_text == "away until 2026-03-17"
    assert setup["Bob Stone"].away_text == ""


def test_away_until_a_past_day_is_refused_and_changes_nothing(desk: Session) -> None:
    with pytest.raises(InputError, match="away until: 2026-03-15 is already past"):
        mark_away(desk, "Amy Reed", until=dt.date(2026, 3, 15), now=MONDAY)
    desk.rollback()
    amy = desk.scalars(select(Staff).where(Staff.name == "Amy Reed")).one()
    assert (amy.away_since, amy.away_until) == (None, None)


def test_a_manual_choice_wins_and_takes_nobody_s_turn(desk: Session) -> None:
    manual = refer(desk, salesperson="Cat Lane")
    assert (manual.salesperson.name, manual.assignment) == ("Cat Lane", Assignment.MANUAL)
    assert assignment_message(manual) == "assigned to Cat Lane"
    # Cat's manual referral is not a round-robin turn: the rotation starts as if it were not.
    assert holders([refer(desk) for _ in range(3)]) == ["Amy Reed", "Bob Stone", "Cat Lane"]


def test_a_manual_choice_wins_even_for_someone_away(desk: Session) -> None:
    mark_away(desk, "Amy Reed", now=MONDAY)
    desk.commit()
    assert holders([refer(desk, salesperson="Amy Reed")]) == ["Amy Reed"]


def test_with_round_robin_off_a_referral_stays_new(desk: Session) -> None:
    office(desk, round_robin=False)
    desk.commit()
    referral = refer(desk)
    assert (referral.status, referral.salesperson, referral.assignment) == (
        ReferralStatus.NEW,
        None,
        None,
    )


def test_everyone_away_leaves_it_new_and_says_why(desk: Session) -> None:
    for name in ("Amy Reed", "Bob Stone", "Cat Lane"):
        mark_away(desk, name, now=MONDAY)
    desk.commit()
    referral = refer(desk)
    reason = "no active salesperson takes Maintenance plan; everyone who does is away"
    assert (referral.status, referral.salesperson_id, referral.assignment) == (
        ReferralStatus.NEW,
        None,
        None,
    )
    assert why_unassigned(desk, PLAN, MONDAY.date()) == reason
    assert assignment_message(referral, reason) == f"not assigned: {reason}"
    history = desk.scalars(
        select(ReferralEvent.note).where(ReferralEvent.referral_id == referral.id)
    ).all()
    assert f"Not assigned: {reason}" in history


def test_nobody_taking_the_category_leaves_it_new_and_says_why(desk: Session) -> None:
    for name in ("Amy Reed", "Bob Stone", "Cat Lane"):
        set_categories(desk, name, [SWAP])
    desk.commit()
    referral = refer(desk, PLAN)
    assert referral.status is ReferralStatus.NEW
    assert why_unassigned(desk, PLAN, MONDAY.date()) == (
        "no active salesperson takes Maintenance plan"
    )


def test_an_inactive_salesperson_is_never_in_the_rotation(desk: Session) -> None:
    desk.scalars(select(Staff).where(Staff.name == "Amy Reed")).one().active = False
    desk.commit()
    assert [p.name for p in rotation(desk, PLAN, MONDAY.date())] == ["Bob Stone", "Cat Lane"]
    assert holders([refer(desk) for _ in range(3)]) == ["Bob Stone", "Cat Lane", "Bob Stone"]


def test_an_unknown_category_for_a_salesperson_is_refused_and_changes_nothing(
    desk: Session,
) -> None:
    with pytest.raises(InputError, match="category: 'Pools' is not a category; choose from"):
        set_categories(desk, "Amy Reed", [SWAP, "Pools"])
    desk.rollback()
    setup = {row.name: row for row in salespeople_setup(desk, MONDAY.date())}
    assert setup["Amy Reed"].categories == (SWAP, PLAN)


def test_categories_are_stored_as_the_office_spells_them(desk: Session) -> None:
    set_categories(desk, "Amy Reed", ["maintenance PLAN", "Maintenance plan"])
    desk.commit()
    setup = {row.name: row for row in salespeople_setup(desk, MONDAY.date())}
    assert setup["Amy Reed"].categories == (PLAN,)


def test_saving_from_a_stale_read_is_refused(desk: Session) -> None:
    amy = next(row for row in salespeople_setup(desk) if row.name == "Amy Reed")
    mark_away(desk, "Amy Reed", now=MONDAY)
    desk.commit()
    with pytest.raises(Conflict, match="Amy Reed was changed on another desk"):
        set_categories(desk, "Amy Reed", [SWAP], expected_version=amy.version)
    desk.rollback()
    setup = {row.name: row for row in salespeople_setup(desk, MONDAY.date())}
    assert setup["Amy Reed"].categories == (SWAP, PLAN)


def test_assigning_a_waiting_referral_by_hand_records_a_manual_choice(desk: Session) -> None:
    office(desk, round_robin=False)
    desk.commit()
    waiting = refer(desk)
    assert waiting.assignment is None
    move_referral(desk, waiting.id, ReferralStatus.ASSIGNED, "desk", StepDetails("Bob Stone"))
    desk.commit()
    assert (waiting.salesperson.name, waiting.assignment) == ("Bob Stone", Assignment.MANUAL)
    office(desk)
    desk.commit()
    # Bob's hand-assigned referral is not a turn: the rotation starts with Amy.
    assert holders([refer(desk) for _ in range(2)]) == ["Amy Reed", "Bob Stone"]


def test_a_category_with_an_accented_capital_goes_round_on_every_backend(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        save_office_settings(
            session,
            OfficeSettings(
                assign_round_robin=True, time_zone="UTC", referral_categories=("Équipement", "Plan")
            ),
        )
        factories.customer(session, name="Lefèvre")
        factories.staff(session, "Ana Tech")
        for name in ("Amy Reed", "Bob Stone"):
            factories.staff(session, name, role=StaffRole.SALESPERSON)
            set_categories(session, name, ["équipement", "Plan"])
    with sessions() as session:
        made = [refer(session, "ÉQUIPEMENT") for _ in range(3)]
        assert holders(made) == ["Amy Reed", "Bob Stone", "Amy Reed"]
        assert {r.category for r in made} == {"Équipement"}
