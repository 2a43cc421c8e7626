"""What the command palette finds besides actions: customers by name, a referral by number.

"#123" asks only for referral 123; a bare "123" may be a referral number or part of an
account number or phone, so it asks for both. Customers come from the same search the
search panel uses, one line per customer even when several of its sites matched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.models import Customer, Referral, ReferralStatus
from console.services.customers.search import CustomerHit, search_customers

MAX_ID = 2**31 - 1  # ids are INTEGER columns on PostgreSQL
CUSTOMER_LIMIT = 8
_NUMBER = re.compile(r"#?\s*(\d{1,10})")


@dataclass(frozen=True, slots=True)
class ReferralHit:
    id: int
    customer_id: int
    customer: str
    status: ReferralStatus
    pain_point: str


@dataclass(frozen=True)
class QuickFinds:
    text: str
    customers: list[CustomerHit] = field(default_factory=list)
    referral: ReferralHit | None = None

    @property
    def empty(self) -> bool:
        return not self.customers and self.referral is None


def referral_number(text: str) -> int | None:
    """The referral id that `text` names ("#123", "# 123" or "123"), else None."""
    match = _NUMBER.fullmatch(text.strip())
    if match is None:
        return None
    number = int(match.group(1))
    return number if 0 < number <= MAX_ID else None


def find_referral(session: Session, referral_id: int) -> ReferralHit | None:
    row = session.execute(
        select(
            Referral.id,
            Referral.customer_id,
            Customer.name,
            Referral.status,
            Referral.pain_point,
        )
        .join(Customer, Customer.id == Referral.customer_id)
        .where(Referral.id == referral_id)
    ).first()
    if row is None:
        return None
    return ReferralHit(row[0], row[1], row[2], ReferralStatus(row[3]), row[4])


def quick_find(session: Session, text: str, limit: int = CUSTOMER_LIMIT) -> QuickFinds:
    """Customers whose details match every word of `text`, and the referral it numbers."""
    wanted = text.strip()
    number = referral_number(wanted)
    referral = find_referral(session, number) if number is not None else None
    customers: list[CustomerHit] = []
    if wanted and not wanted.startswith("#"):
        seen: set[int] = set()
        for hit in search_customers(session, wanted, limit=limit * 3):
            if hit.id not in seen:
                seen.add(hit.id)
                customers.append(hit)
            if len(customers) == limit:
                break
    return QuickFinds(text, customers, referral)
