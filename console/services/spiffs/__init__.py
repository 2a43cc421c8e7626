"""Technicians' spiffs: the office's rules, the ledger they write, and paying it out."""

from console.services.spiffs.ledger import (
    accrue_spiffs,
    carry_over_referral_spiffs,
    claw_back_spiffs,
    keep_referral_in_step,
    mark_spiffs_paid,
)
from console.services.spiffs.periods import PayPeriod, office_pay_period, pay_period_of
from console.services.spiffs.reports import (
    LedgerRow,
    PeriodSummary,
    ReferralSpiff,
    SpiffLine,
    ledger_rows,
    period_summary,
    spiff_ledger,
    technician_referrals,
)
from console.services.spiffs.rules import (
    RuleDraft,
    RuleProblem,
    SpiffPlan,
    check_rules,
    current_rules,
    load_spiff_plan,
    rule_terms,
    save_spiff_plan,
    spiff_amount,
)
from console.services.spiffs.work import mark_work_completed

__all__ = [
    "LedgerRow",
    "PayPeriod",
    "PeriodSummary",
    "ReferralSpiff",
    "RuleDraft",
    "RuleProblem",
    "SpiffLine",
    "SpiffPlan",
    "accrue_spiffs",
    "carry_over_referral_spiffs",
    "check_rules",
    "claw_back_spiffs",
    "current_rules",
    "keep_referral_in_step",
    "ledger_rows",
    "load_spiff_plan",
    "mark_spiffs_paid",
    "mark_work_completed",
    "office_pay_period",
    "pay_period_of",
    "period_summary",
    "rule_terms",
    "save_spiff_plan",
    "spiff_amount",
    "spiff_ledger",
    "technician_referrals",
]
