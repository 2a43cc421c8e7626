"""Referral numbers for managers: who refers, what is won, how fast sales reacts, who hears back.

One query fetches the period's referrals; pandas does every figure from that frame.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Connection, String, select, type_coerce
from sqlalchemy.orm import aliased

from console.models import Referral, ReferralStatus, Staff

CLOSED = (ReferralStatus.WON.value, ReferralStatus.LOST.value)
PERSON_COLUMNS = [
    "referrals",
    "won",
    "lost",
    "conversion",
    "value_won",
    "spiffs_owed",
    "spiffs_paid",
    "median_hours_to_first_contact",
    "told_share",
]


@dataclass(frozen=True)
class ReferralMetrics:
    since: dt.date | None
    until: dt.date | None
    by_technician: pd.DataFrame
    by_salesperson: pd.DataFrame
    monthly: pd.DataFrame
    totals: dict[str, float]


def _bounds(
    since: dt.date | None, until: dt.date | None
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """Whole local days: `until` is included."""
    start = dt.datetime.combine(since, dt.time(0)).astimezone(dt.UTC) if since else None
    end = (
        dt.datetime.combine(until + dt.timedelta(days=1), dt.time(0)).astimezone(dt.UTC)
        if until
        else None
    )
    return start, end


def referral_frame(
    connection: Connection, since: dt.date | None, until: dt.date | None
) -> pd.DataFrame:
    technician, salesperson = aliased(Staff), aliased(Staff)
    # Raw column values: pandas parses whole columns at once, far faster than per-row types.
    raw = [
        type_coerce(column, String)
        for column in (
            Referral.status,
            Referral.created_at,
            Referral.first_contact_at,
            Referral.tech_informed_at,
            Referral.won_value,
            Referral.spiff_amount,
            Referral.spiff_paid_at,
        )
    ]
    statement = (
        select(
            Referral.id,
            technician.name.label("technician"),
            salesperson.name.label("salesperson"),
            *raw,
        )
        .join(technician, Referral.technician_id == technician.id)
        .outerjoin(salesperson, Referral.salesperson_id == salesperson.id)
    )
    start, end = _bounds(since, until)
    if start is not None:
        statement = statement.where(Referral.created_at >= start)
    if end is not None:
        statement = statement.where(Referral.created_at < end)
    rows = connection.execute(statement).all()
    frame = pd.DataFrame(
        rows,
        columns=[
            "id",
            "technician",
            "salesperson",
            "status",
            "created_at",
            "first_contact_at",
            "tech_informed_at",
            "won_value",
            "spiff_amount",
            "spiff_paid_at",
        ],
    )
    for column in ("created_at", "first_contact_at", "tech_informed_at", "spiff_paid_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
    for column in ("won_value", "spiff_amount"):
        frame[column] = pd.to_numeric(frame[column]).fillna(0.0).astype(float)
    return frame


def _with_flags(frame: pd.DataFrame) -> pd.DataFrame:
    """The per-referral facts every figure is summed from, worked out once."""
    won = frame["status"] == ReferralStatus.WON.value
    closed = frame["status"].isin(CLOSED)
    return frame.assign(
        is_won=won,
        is_lost=frame["status"] == ReferralStatus.LOST.value,
        is_closed=closed,
        hours=(frame["first_contact_at"] - frame["created_at"]).dt.total_seconds() / 3600,
        told=closed & frame["tech_informed_at"].notna(),
        owed=frame["spiff_amount"].where(won & frame["spiff_paid_at"].isna(), 0.0),
        paid=frame["spiff_amount"].where(frame["spiff_paid_at"].notna(), 0.0),
        value=frame["won_value"].where(won, 0.0),
    )


def _per_person(work: pd.DataFrame, key: str) -> pd.DataFrame:
    if work.empty:
        return pd.DataFrame(columns=PERSON_COLUMNS).rename_axis(key)
    grouped = work.fillna({key: "(unassigned)"}).groupby(key)
    table = pd.DataFrame(
        {
            "referrals": grouped.size(),
            "won": grouped["is_won"].sum(),
            "lost": grouped["is_lost"].sum(),
            "value_won": grouped["value"].sum(),
            "spiffs_owed": grouped["owed"].sum(),
            "spiffs_paid": grouped["paid"].sum(),
            "median_hours_to_first_contact": grouped["hours"].median(),
            "closed": grouped["is_closed"].sum(),
            "told": grouped["told"].sum(),
        }
    )
    table["conversion"] = (table["won"] / table["closed"]).where(table["closed"] > 0)
    table["told_share"] = (table["told"] / table["closed"]).where(table["closed"] > 0)
    table = table[PERSON_COLUMNS].sort_values(["referrals", "won"], ascending=False)
    return table.astype({"referrals": int, "won": int, "lost": int})


def _monthly(work: pd.DataFrame) -> pd.DataFrame:
    columns = ["referrals", "won", "lost", "value_won"]
    if work.empty:
        return pd.DataFrame(columns=columns).rename_axis("month")
    month = work["created_at"].dt.tz_convert(None).dt.to_period("M").astype(str)
    grouped = work.assign(month=month).groupby("month")
    return pd.DataFrame(
        {
            "referrals": grouped.size(),
            "won": grouped["is_won"].sum().astype(int),
            "lost": grouped["is_lost"].sum().astype(int),
            "value_won": grouped["value"].sum(),
        }
    ).sort_index()


def _share(part: float, whole: float) -> float:
    return float(part / whole) if whole else float("nan")


def referral_metrics(
    connection: Connection, since: dt.date | None = None, until: dt.date | None = None
) -> ReferralMetrics:
    work = _with_flags(referral_frame(connection, since, until))
    closed = float(work["is_closed"].sum())
    hours = work["hours"]
    totals = {
        "referrals": float(len(work)),
        "won": float(work["is_won"].sum()),
        "lost": float(work["is_lost"].sum()),
        "conversion": _share(work["is_won"].sum(), closed),
        "value_won": float(work["value"].sum()),
        "median_hours_to_first_contact": float(hours.median())
        if hours.notna().any()
        else float("nan"),
        "told_share": _share(work["told"].sum(), closed),
    }
    return ReferralMetrics(
        since=since,
        until=until,
        by_technician=_per_person(work, "technician"),
        by_salesperson=_per_person(work, "salesperson"),
        monthly=_monthly(work),
        totals=totals,
    )
