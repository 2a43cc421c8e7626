"""What the command palette finds besides actions: customers by name, a referral by number."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from console.models import Customer, Referral
from console.services.customers.quick_find import quick_find, referral_number


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("#123", 123),
        ("123", 123),
        (" # 7 ", 7),
        ("#0", None),
        ("#", None),
        ("12a", None),
        ("#99999999999", None),
        ("Miller", None),
        ("", None),
    ],
)
def test_a_referral_number_is_read_with_or_without_its_hash(text: str, number: int | None) -> None:
    assert referral_number(text) == number


def test_a_referral_is_found_by_number_with_its_customer(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        referral = session.scalars(select(Referral).where(Referral.id == 5)).one()
        found = quick_find(session, "#5")
        assert found.referral is not None
        assert (found.referral.id, found.referral.customer) == (5, referral.customer.name)
        assert found.referral.status is referral.status
        assert found.customers == []  # "#5" asks for the referral only
        assert quick_find(session, "#999999").empty


def test_customers_are_found_once_each_by_name(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        name = session.scalars(select(Customer.name).where(Customer.id == 3)).one()
        found = quick_find(session, name)
        ids = [hit.id for hit in found.customers]
        assert 3 in ids and len(ids) == len(set(ids))
        assert found.referral is None
        assert quick_find(session, "qqzzxxyy").empty
