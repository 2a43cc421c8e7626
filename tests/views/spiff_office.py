"""A small office whose spiffs were earned through the lifecycle, for the spiff view tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from sqlalchemy import Engine

from console.database import session_factory
from console.models import SpiffBasis, SpiffStage, StaffRole
from console.services.referrals.lifecycle import (
    StepDetails,
    cancel_sale,
    create_referral,
    move_referral,
)
from console.services.spiffs import RuleDraft, SpiffPlan, load_spiff_plan, save_spiff_plan
from tests import factories

NOW = dt.datetime(2026, 3, 16, 15, 0, tzinfo=dt.UTC)
CUSTOMERS = ("Ada Park", "Miller Bakery", "Jonas Weber", "Łucja Nowak", "Priya Raman")


def fill_spiff_office(engine: Engine) -> dict[str, list[int]]:
    """Ana earns $125 on each of four heater sales (one cancelled and clawed back); Ben earns
    2% of a maintenance plan and the appointment spiff of another. Returns referral ids by
    technician."""
    made: dict[str, list[int]] = {"Ana Tech": [], "Ben Ortiz": []}
    with session_factory(engine).begin() as session:
        factories.staff(session, "Ana Tech", phone="555-0199")
        factories.staff(session, "Ben Ortiz", phone="555-0142")
        factories.staff(session, "Sal Es", role=StaffRole.SALESPERSON)
        loaded = load_spiff_plan(session)
        rules = (
            RuleDraft("Equipment replacement", SpiffStage.WON, SpiffBasis.FLAT, Decimal("125")),
            RuleDraft("Maintenance plan", SpiffStage.WON, SpiffBasis.PERCENT, Decimal("2")),
            RuleDraft(
                "Indoor air quality", SpiffStage.APPOINTMENT_SET, SpiffBasis.FLAT, Decimal("40")
            ),
        )
        settings = replace(loaded.settings, spiff_clawback_days=3650)
        save_spiff_plan(session, SpiffPlan(rules, settings), loaded)
        customers = [factories.customer(session, name=name).id for name in CUSTOMERS]
    plan = [
        ("Ana Tech", "Equipment replacement", "9800", False),
        ("Ana Tech", "Equipment replacement", "11200", False),
        ("Ana Tech", "Equipment replacement", "7400", False),
        ("Ana Tech", "Equipment replacement", "8600", True),
        ("Ben Ortiz", "Maintenance plan", "1450", False),
        ("Ben Ortiz", "Indoor air quality", None, False),
    ]
    for number, (tech, category, value, cancelled) in enumerate(plan):
        at = NOW + dt.timedelta(days=number)
        with session_factory(engine).begin() as session:
            referral = create_referral(
                session,
                customer_id=customers[number % len(customers)],
                technician=tech,
                pain_point="Old unit, asked about a replacement",
                actor="sam",
                category=category,
                salesperson="Sal Es",
                now=at,
            )
            move_referral(session, referral, "contacted", "sam", now=at)
            appointment = StepDetails(appointment_at=at + dt.timedelta(days=1))
            move_referral(session, referral, "appointment_set", "sam", appointment, now=at)
            if value is not None:
                move_referral(session, referral, "won", "sam", StepDetails(value=value), now=at)
            if cancelled:
                cancel_sale(session, referral.id, "sam", "Customer backed out", now=at)
            made[tech].append(referral.id)
    return made
