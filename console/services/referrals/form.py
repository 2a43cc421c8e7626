"""What the new-referral form offers besides the staff lists: the office's categories and
whether it assigns round-robin, the visit it is for, and the customer's earlier referrals a new
one may continue (a second appointment on the same need)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from console.models import Referral, ReferralStatus, ServiceVisit
from console.services.office.clock import local_date
from console.services.office.settings import load_office_settings

RS = ReferralStatus
WHAT_LENGTH = 40  # of the pain point, when nothing shorter says what a referral was about


@dataclass(frozen=True)
class EarlierReferral:
    """One of the customer's referrals a new one may continue."""

    id: int
    label: str  # "Continues referral #12 (lost 2026-10-02, boiler)"


@dataclass(frozen=True)
class ReferralFormLists:
    categories: tuple[str, ...]
    round_robin: bool
    visit: str  # "visit of 2026-03-14 by Ana Tech: no heat"; empty when not from a visit
    earlier: list[EarlierReferral]


def _about(referral: Referral) -> str:
    """A few words for what the referral was about: its equipment, category or pain point."""
    if referral.equipment is not None and referral.equipment.kind:
        return referral.equipment.kind.lower()
    if referral.category:
        return referral.category.lower()
    pain = " ".join(referral.pain_point.split())
    return pain if len(pain) <= WHAT_LENGTH else pain[: WHAT_LENGTH - 1].rstrip() + "…"


def earlier_label(referral: Referral) -> str:
    """'Continues referral #12 (lost 2026-10-02, boiler)': its state on the day it got there."""
    when = referral.closed_at or referral.created_at
    state = referral.status.label.lower()
    day = local_date(when).isoformat()
    return f"Continues referral #{referral.id} ({state} {day}, {_about(referral)})"


def earlier_referrals(session: Session, customer_id: int) -> list[EarlierReferral]:
    """The customer's referrals, newest first, that a new referral may continue: the latest
    link of each chain (one already continued is not offered again)."""
    continued = select(Referral.continues_referral_id).where(
        Referral.continues_referral_id.is_not(None)
    )
    rows = session.scalars(
        select(Referral)
        .options(joinedload(Referral.equipment))
        .where(
            Referral.customer_id == customer_id,
            Referral.status != RS.CANCELLED,
            Referral.id.not_in(continued),
        )
        .order_by(Referral.created_at.desc(), Referral.id.desc())
    )
    return [EarlierReferral(row.id, earlier_label(row)) for row in rows]


def visit_words(session: Session, visit_id: int | None) -> str:
    """'visit of 2026-03-14 by Ana Tech: no heat', for the form's header."""
    if visit_id is None:
        return ""
    visit = session.get(ServiceVisit, visit_id, options=[joinedload(ServiceVisit.technician)])
    if visit is None:
        return ""
    when = visit.completed_at or visit.scheduled_for
    words = f"visit of {local_date(when).isoformat()}"
    if visit.technician is not None:
        words += f" by {visit.technician.name}"
    problem = " ".join((visit.problem or "").split())
    return f"{words}: {problem}" if problem else words


def referral_form_lists(
    session: Session, customer_id: int, visit_id: int | None = None
) -> ReferralFormLists:
    office = load_office_settings(session)
    return ReferralFormLists(
        categories=office.referral_categories,
        round_robin=office.assign_round_robin,
        visit=visit_words(session, visit_id),
        earlier=earlier_referrals(session, customer_id),
    )
