"""A referral that continues an earlier one: only the same customer's, and counted once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from console.cli import main
from console.database import session_factory
from console.models import Customer, Referral, ReferralEvent, ReferralStatus, StaffRole
from console.services.errors import InputError, NotFound
from console.services.numbers.metrics import prompt_comparison, referral_metrics
from console.services.referrals.lifecycle import create_referral
from tests import factories

RS = ReferralStatus
JAN = dt.datetime(2026, 1, 12, 15, 0, tzinfo=dt.UTC)
FEB = dt.datetime(2026, 2, 9, 15, 0, tzinfo=dt.UTC)


@pytest.fixture
def desk(sessions: sessionmaker[Session]) -> Session:
    with sessions.begin() as session:
        factories.customer(session, name="Miller Household")
        factories.customer(session, name="Okafor Bakery")
        factories.staff(session, "Ana Tech")
    session = sessions()
    yield session
    session.close()


def refer(session: Session, customer: str, continues: int | None = None) -> Referral:
    owner = session.scalars(select(Customer).where(Customer.name == customer)).one()
    return create_referral(
        session,
        customer_id=owner.id,
        technician="Ana Tech",
        pain_point="boiler leaking",
        continues_referral_id=continues,
        actor="desk",
        now=JAN,
    )


def counts(session: Session) -> tuple[int, int]:
    return (
        session.scalar(select(func.count()).select_from(Referral)) or 0,
        session.scalar(select(func.count()).select_from(ReferralEvent)) or 0,
    )


def test_a_referral_continues_an_earlier_one_of_the_same_customer(desk: Session) -> None:
    first = refer(desk, "Miller Household")
    second = refer(desk, "Miller Household", continues=first.id)
    desk.commit()
    assert second.continues_referral_id == first.id


def test_continuing_another_customer_s_referral_is_refused_naming_it(desk: Session) -> None:
    theirs = refer(desk, "Okafor Bakery")
    desk.commit()
    before = counts(desk)
    with pytest.raises(InputError) as refused:
        refer(desk, "Miller Household", continues=theirs.id)
    assert refused.value.field == "continues"
    assert refused.value.message == (
        f"referral {theirs.id} is for Okafor Bakery, another customer; "
        "only a referral of the same customer can be continued"
    )
    desk.rollback()
    assert counts(desk) == before


def test_continuing_a_referral_that_does_not_exist_is_refused(desk: Session) -> None:
    before = counts(desk)
    with pytest.raises(NotFound, match="continues: no referral with id 999"):
        refer(desk, "Miller Household", continues=999)
    desk.rollback()
    assert counts(desk) == before


def test_a_referral_already_continued_is_refused_naming_the_link_to_continue(
    desk: Session,
) -> None:
    first = refer(desk, "Miller Household")
    second = refer(desk, "Miller Household", continues=first.id)
    desk.commit()
    before = counts(desk)
    with pytest.raises(InputError) as refused:
        refer(desk, "Miller Household", continues=first.id)
    assert refused.value.message == (
        f"referral {first.id} is already continued by referral {second.id}; continue that one"
    )
    desk.rollback()
    assert counts(desk) == before
    third = refer(desk, "Miller Household", continues=second.id)
    assert third.continues_referral_id == second.id


@pytest.fixture
def chains(engine: Engine) -> Engine:
    """Ana: lost in January, continued in February by a win of 5,000 (one chain).
    Bo: lost outright; and a chain lost, lost again, now open again.
    """
    with session_factory(engine).begin() as session:
        owner = factories.customer(session)
        ana = factories.staff(session, "Ana Tech")
        bo = factories.staff(session, "Bo Tech")
        sal = factories.staff(session, "Sal Es", role=StaffRole.SALESPERSON)
        lou = factories.staff(session, "Lou Sells", role=StaffRole.SALESPERSON)

        def referral(tech, seller, status, created, continues=None, **extra):  # type: ignore[no-untyped-def]
            row = Referral(
                customer_id=owner.id,
                technician_id=tech.id,
                salesperson_id=seller.id,
                status=status,
                pain_point="boiler",
                created_at=created,
                continues_referral_id=continues.id if continues else None,
                **extra,
            )
            session.add(row)
            session.flush()
            return row

        lost = referral(ana, sal, RS.LOST, JAN, lost_reason="Price")
        referral(ana, lou, RS.WON, FEB, continues=lost, won_value=Decimal(5000))
        referral(bo, sal, RS.LOST, JAN, lost_reason="Price")
        first = referral(bo, sal, RS.LOST, JAN, lost_reason="Price")
        again = referral(bo, sal, RS.LOST, FEB, continues=first, lost_reason="Price")
        referral(bo, sal, RS.ASSIGNED, FEB, continues=again)
    return engine


def test_a_chain_counts_once_with_the_outcome_of_its_latest_link(chains: Engine) -> None:
    with chains.connect() as connection:
        metrics = referral_metrics(connection)
    ana = metrics.by_technician.loc["Ana Tech"]
    assert (ana.referrals, ana.won, ana.lost, ana.value_won) == (1, 1, 0, 5000)
    assert ana.conversion == pytest.approx(1.0)
    bo = metrics.by_technician.loc["Bo Tech"]
    # Two needs; one lost, the other still open after two lost appointments.
    assert (bo.referrals, bo.won, bo.lost) == (2, 0, 1)
    assert metrics.totals["referrals"] == 3
    assert (metrics.totals["won"], metrics.totals["lost"]) == (1, 1)
    assert metrics.totals["conversion"] == pytest.approx(0.5)
    # The chain begun by Sal was won by Lou: Sal keeps the referral, Lou the win.
    sal = metrics.by_salesperson.loc["Sal Es"]
    lou = metrics.by_salesperson.loc["Lou Sells"]
    assert (sal.referrals, sal.won, sal.lost) == (3, 0, 1)
    assert (lou.referrals, lou.won, lou.lost) == (0, 1, 0)
    assert list(metrics.monthly["referrals"]) == [3, 0]
    assert list(metrics.monthly["won"]) == [0, 1]


def test_heads_up_figures_count_each_need_once(chains: Engine) -> None:
    with chains.connect() as connection:
        figures = prompt_comparison(connection)
    assert figures.loc["unprompted", "referrals"] == 3
    assert (figures.loc["unprompted", "won"], figures.loc["unprompted", "lost"]) == (1, 1)


def test_the_report_counts_each_need_once(
    chains: Engine, database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.csv"
    assert main(["report", "referrals", "-o", str(out), "--database", database_url]) == 0
    assert "3 referrals" in capsys.readouterr().out
    rows = {
        line.split(",")[0]: line.split(",")[1:4] for line in out.read_text("utf-8-sig").splitlines()
    }
    assert rows["Ana Tech"] == ["1", "1", "0"]
    assert rows["Bo Tech"] == ["2", "0", "1"]


def test_a_continued_referral_keeps_the_first_one_s_category_unless_given_its_own(
    desk: Session,
) -> None:
    owner = desk.scalars(select(Customer).where(Customer.name == "Miller Household")).one()

    def refer_in(category: str | None, continues: int | None = None) -> Referral:
        return create_referral(
            desk,
            customer_id=owner.id,
            technician="Ana Tech",
            pain_point="no maintenance plan",
            category=category,
            continues_referral_id=continues,
            actor="desk",
            now=JAN,
        )

    first = refer_in("Maintenance plan")
    second = refer_in(None, continues=first.id)
    third = refer_in("Equipment replacement", continues=second.id)
    assert (second.category, third.category) == ("Maintenance plan", "Equipment replacement")
