"""spiff rules by category and stage, and the spiff ledger

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04

The office's one spiff setting (flat amount or percent per won referral) becomes one rule for
any category at the won stage, with the same terms; the three setting rows go. Every won
referral's spiff becomes an accrued ledger entry, and a paid one also a paid entry at the time
it was paid, so the ledger starts out owing and having paid exactly what the referrals said.
The referrals keep their spiff amount and paid time, which the ledger keeps up from now on.
An office that paid no spiff (an amount of zero) gets no rule, and no spiff of zero enters the
ledger. A percent is kept as typed (2.125 stays 2.125); money rounds half up to the cent.
"""

import datetime as dt
import json
import os
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from alembic import op

from console.models.base import UTCDateTime

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STAGES = ("appointment_set", "won", "work_completed")
BASES = ("flat", "percent")
KINDS = ("accrued", "clawed_back", "paid")
OLD_SETTINGS = ("spiff_mode", "spiff_flat_amount", "spiff_percent")
ACTOR = "schema upgrade"
# The pay period the office starts with (the Preferences default): monthly from the 1st.
ANCHOR = dt.date(2026, 1, 1)
# The environment variable the app reads for the office's zone when none is set.
ZONE_ENV = "CONSOLE_TIME_ZONE"
CARRIED_OVER = "Spiff recorded on the referral (carried over)"
LIVE_RULE_INDEX = "uq_spiff_rules_live_category_stage"


def _create_tables() -> None:
    op.create_table(
        "spiff_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=80), nullable=True),
        sa.Column(
            "stage",
            sa.Enum(*STAGES, name="spiffstage", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column(
            "basis",
            sa.Enum(*BASES, name="spiffbasis", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("amount", sa.Numeric(precision=12, scale=4), nullable=False),
        sa.Column("cap", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("removed_at", UTCDateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spiff_rules")),
    )
    live = sa.text("removed_at IS NULL")
    op.create_index(
        LIVE_RULE_INDEX,
        "spiff_rules",
        [sa.text("coalesce(category, '')"), "stage"],
        unique=True,
        sqlite_where=live,
        postgresql_where=live,
    )
    op.create_table(
        "spiff_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("technician_id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=True),
        sa.Column("terms", sa.String(length=200), nullable=False),
        sa.Column(
            "stage",
            sa.Enum(*STAGES, name="spiffstage", native_enum=False, length=20),
            nullable=True,
        ),
        sa.Column(
            "kind",
            sa.Enum(*KINDS, name="spiffentrykind", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("reverses_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referrals.id"], name=op.f("fk_spiff_entries_referral_id_referrals")
        ),
        sa.ForeignKeyConstraint(
            ["technician_id"], ["staff.id"], name=op.f("fk_spiff_entries_technician_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"], ["spiff_rules.id"], name=op.f("fk_spiff_entries_rule_id_spiff_rules")
        ),
        sa.ForeignKeyConstraint(
            ["reverses_id"],
            ["spiff_entries.id"],
            name=op.f("fk_spiff_entries_reverses_id_spiff_entries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spiff_entries")),
    )
    op.create_index(
        op.f("ix_spiff_entries_referral_id"), "spiff_entries", ["referral_id"], unique=False
    )
    op.create_index("ix_spiff_entries_technician_kind", "spiff_entries", ["technician_id", "kind"])
    op.create_index("ix_spiff_entries_at", "spiff_entries", ["at"])
    op.create_table(
        "work_completions",
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_work_completions_referral_id_referrals"),
        ),
        sa.PrimaryKeyConstraint("referral_id", name=op.f("pk_work_completions")),
    )


def _office_zone(stored: dict[str, str]) -> dt.tzinfo:
    """The zone the app cuts the office's days in: the office setting, else `CONSOLE_TIME_ZONE`,
    else the machine's, so carried-over pay periods are the ones the app computes."""
    setting = json.loads(stored["time_zone"]) if "time_zone" in stored else ""
    for name in (setting, os.environ.get(ZONE_ENV, "")):
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    zone = dt.datetime.now().astimezone().tzinfo
    return zone if zone is not None else dt.UTC


def _month_start(day: dt.date) -> dt.date:
    # Monthly from the 1st: the period a day falls in starts on the 1st of its month.
    return day.replace(day=ANCHOR.day)


def _terms(basis: str, amount: Decimal) -> str:
    pay = f"${amount:,.2f}" if basis == "flat" else f"{amount.normalize():f}% of the value"
    return f"Won, any category: {pay}"


def _setting_amount(basis: str, typed: str) -> Decimal:
    """Money to the cent (halves up); a percent as typed, to the four places its column holds."""
    places = Decimal("0.01") if basis == "flat" else Decimal("0.0001")
    return Decimal(typed).quantize(places, rounding=ROUND_HALF_UP)


def _carry_over(bind: sa.Connection) -> None:
    settings = sa.table("office_settings", sa.column("key"), sa.column("value"))
    stored = {
        key: value for key, value in bind.execute(sa.select(settings.c.key, settings.c.value))
    }
    mode = json.loads(stored["spiff_mode"]) if "spiff_mode" in stored else "flat"
    basis = "percent" if mode == "percent" else "flat"
    setting = "spiff_percent" if basis == "percent" else "spiff_flat_amount"
    default = "2.0" if basis == "percent" else "50.00"
    amount = _setting_amount(basis, json.loads(stored.get(setting, json.dumps(default))))
    now = dt.datetime.now(dt.UTC)
    rules = sa.table(
        "spiff_rules",
        sa.column("id", sa.Integer),
        sa.column("category", sa.String),
        sa.column("stage", sa.String),
        sa.column("basis", sa.String),
        sa.column("amount", sa.Numeric(12, 4)),
        sa.column("cap", sa.Numeric(12, 2)),
        sa.column("created_at", UTCDateTime()),
        sa.column("version", sa.Integer),
    )
    # An office that paid no spiff gets no rule: a rule paying nothing is one it cannot save.
    rule_id = None
    terms = CARRIED_OVER
    if amount > 0:
        rule_id = bind.execute(
            sa.insert(rules)
            .values(
                category=None, stage="won", basis=basis, amount=amount, created_at=now, version=1
            )
            .returning(rules.c.id)
        ).scalar_one()
        terms = f"{_terms(basis, amount)} (carried over)"
    zone = _office_zone(stored)
    referrals = sa.table(
        "referrals",
        sa.column("id", sa.Integer),
        sa.column("technician_id", sa.Integer),
        sa.column("status", sa.String),
        sa.column("spiff_amount", sa.Numeric(12, 2)),
        sa.column("spiff_paid_at", UTCDateTime()),
        sa.column("closed_at", UTCDateTime()),
        sa.column("created_at", UTCDateTime()),
    )
    entries = sa.table(
        "spiff_entries",
        sa.column("referral_id", sa.Integer),
        sa.column("technician_id", sa.Integer),
        sa.column("rule_id", sa.Integer),
        sa.column("terms", sa.String),
        sa.column("stage", sa.String),
        sa.column("kind", sa.String),
        sa.column("amount", sa.Numeric(12, 2)),
        sa.column("at", UTCDateTime()),
        sa.column("period_start", sa.Date),
        sa.column("actor", sa.String),
    )
    won = bind.execute(
        sa.select(
            referrals.c.id,
            referrals.c.technician_id,
            referrals.c.spiff_amount,
            referrals.c.spiff_paid_at,
            sa.func.coalesce(referrals.c.closed_at, referrals.c.created_at),
        )
        .where(referrals.c.status == "won", referrals.c.spiff_amount > 0)
        .order_by(referrals.c.id)
    ).all()
    rows = []
    for referral_id, technician_id, spiff, paid_at, earned_at in won:
        common = {
            "referral_id": referral_id,
            "technician_id": technician_id,
            "rule_id": rule_id,
            "terms": terms,
            "stage": "won",
            "actor": ACTOR,
        }
        day = earned_at.astimezone(zone).date()
        rows.append(
            common
            | {
                "kind": "accrued",
                "amount": spiff,
                "at": earned_at,
                "period_start": _month_start(day),
            }
        )
        if paid_at is not None:
            paid_day = paid_at.astimezone(zone).date()
            rows.append(
                common
                | {
                    "kind": "paid",
                    "amount": spiff,
                    "at": paid_at,
                    "period_start": _month_start(paid_day),
                }
            )
    if rows:
        bind.execute(sa.insert(entries), rows)
    bind.execute(sa.delete(settings).where(settings.c.key.in_(OLD_SETTINGS)))


def upgrade() -> None:
    _create_tables()
    _carry_over(op.get_bind())


def _restore_setting(bind: sa.Connection) -> None:
    """The one spiff setting again, from the rule for any category at the won stage."""
    rules = sa.table(
        "spiff_rules",
        sa.column("id", sa.Integer),
        sa.column("category", sa.String),
        sa.column("stage", sa.String),
        sa.column("basis", sa.String),
        sa.column("amount", sa.Numeric(12, 4)),
        sa.column("removed_at", UTCDateTime()),
    )
    found = bind.execute(
        sa.select(rules.c.basis, rules.c.amount)
        .where(rules.c.category.is_(None), rules.c.stage == "won", rules.c.removed_at.is_(None))
        .order_by(rules.c.id)
        .limit(1)
    ).first()
    if found is None:
        return
    basis, amount = found
    setting = "spiff_percent" if basis == "percent" else "spiff_flat_amount"
    settings = sa.table("office_settings", sa.column("key"), sa.column("value"))
    bind.execute(sa.delete(settings).where(settings.c.key.in_(OLD_SETTINGS)))
    kept = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if basis == "percent":
        kept = Decimal(amount).normalize()
    bind.execute(
        sa.insert(settings),
        [
            {"key": "spiff_mode", "value": json.dumps(basis)},
            {"key": setting, "value": json.dumps(f"{kept:f}")},
        ],
    )


def downgrade() -> None:
    # The referrals still hold each spiff's amount and paid time; the office's spiff goes
    # back to one setting, from its rule for any category at the won stage.
    _restore_setting(op.get_bind())
    op.drop_table("work_completions")
    op.drop_index("ix_spiff_entries_at", table_name="spiff_entries")
    op.drop_index("ix_spiff_entries_technician_kind", table_name="spiff_entries")
    op.drop_index(op.f("ix_spiff_entries_referral_id"), table_name="spiff_entries")
    op.drop_table("spiff_entries")
    op.drop_index(LIVE_RULE_INDEX, table_name="spiff_rules")
    op.drop_table("spiff_rules")
