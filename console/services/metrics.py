"""Referral numbers for managers: who refers, what is won, how fast sales reacts, who hears back.

The database adds up counts and sums per technician, salesperson and month in one grouped
query; only the medians need a row per referral, and that query fetches three numbers each.
pandas then rolls the groups up into the tables the desk shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Connection,
    Float,
    Select,
    and_,
    cast,
    func,
    select,
    type_coerce,
)

from console.models import Referral, ReferralStatus, Staff

CLOSED = (ReferralStatus.WON, ReferralStatus.LOST)
UNASSIGNED = "(unassigned)"
SUM_COLUMNS = [
    "technician_id",
    "salesperson_id",
    "month",
    "referrals",
    "won",
    "lost",
    "closed",
    "told",
    "value_won",
    "spiffs_owed",
    "spiffs_paid",
]
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


def _period(statement: Select, since: dt.date | None, until: dt.date | None) -> Select:
    start, end = _bounds(since, until)
    if start is not None:
        statement = statement.where(Referral.created_at >= start)
    if end is not None:
        statement = statement.where(Referral.created_at < end)
    return statement


def _month(dialect: str) -> ColumnElement[str]:
    """The UTC month of creation as 'YYYY-MM' (times are stored as naive UTC)."""
    if dialect == "postgresql":
        return func.to_char(Referral.created_at, "YYYY-MM")
    return func.substr(Referral.created_at, 1, 7)


def _hours_to_first_contact(dialect: str) -> ColumnElement[float]:
    if dialect == "postgresql":
        gap = func.extract("epoch", Referral.first_contact_at - Referral.created_at)
        return cast(gap, Float) / 3600.0
    return (func.julianday(Referral.first_contact_at) - func.julianday(Referral.created_at)) * 24.0


def _count_where(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.count().filter(condition)


def _sum_where(condition: ColumnElement[bool], amount: ColumnElement[Any]) -> ColumnElement[Any]:
    # Summed as a float: per-group Decimals would only be turned into floats by pandas.
    return type_coerce(func.sum(amount).filter(condition), Float)


def group_sums(
    connection: Connection, since: dt.date | None, until: dt.date | None
) -> pd.DataFrame:
    """Counts and sums per technician, salesperson and month, added up by the database."""
    won = Referral.status == ReferralStatus.WON
    lost = Referral.status == ReferralStatus.LOST
    closed = Referral.status.in_(CLOSED)
    month = _month(connection.dialect.name).label("month")
    statement = _period(
        select(
            Referral.technician_id,
            Referral.salesperson_id,
            month,
            func.count().label("referrals"),
            _count_where(won).label("won"),
            _count_where(lost).label("lost"),
            _count_where(closed).label("closed"),
            _count_where(and_(closed, Referral.tech_informed_at.is_not(None))).label("told"),
            _sum_where(won, Referral.won_value).label("value_won"),
            _sum_where(and_(won, Referral.spiff_paid_at.is_(None)), Referral.spiff_amount).label(
                "spiffs_owed"
            ),
            _sum_where(Referral.spiff_paid_at.is_not(None), Referral.spiff_amount).label(
                "spiffs_paid"
            ),
        ).group_by(Referral.technician_id, Referral.salesperson_id, month),
        since,
        until,
    )
    frame = pd.DataFrame(connection.execute(statement).all(), columns=SUM_COLUMNS)
    money = ["value_won", "spiffs_owed", "spiffs_paid"]
    counts = ["referrals", "won", "lost", "closed", "told"]
    frame[money] = frame[money].astype(float).fillna(0.0)  # a sum over no rows is NULL
    return frame.astype(dict.fromkeys(counts, int))


def contact_hours(
    connection: Connection, since: dt.date | None, until: dt.date | None
) -> pd.DataFrame:
    """Hours from referral to first contact, one row per contacted referral: medians need all."""
    statement = _period(
        select(
            Referral.technician_id,
            Referral.salesperson_id,
            _hours_to_first_contact(connection.dialect.name),
        ).where(Referral.first_contact_at.is_not(None)),
        since,
        until,
    )
    frame = pd.DataFrame(
        connection.execute(statement).all(), columns=["technician_id", "salesperson_id", "hours"]
    )
    return frame.astype({"hours": float})


def _names(connection: Connection) -> dict[int, str]:
    return {staff_id: name for staff_id, name in connection.execute(select(Staff.id, Staff.name))}


def _per_person(sums: pd.DataFrame, hours: pd.DataFrame, key: str) -> pd.DataFrame:
    if sums.empty:
        return pd.DataFrame(columns=PERSON_COLUMNS).rename_axis(key)
    table = sums.groupby(key)[[*SUM_COLUMNS[3:]]].sum()
    table["median_hours_to_first_contact"] = hours.groupby(key)["hours"].median()
    table["conversion"] = (table["won"] / table["closed"]).where(table["closed"] > 0)
    table["told_share"] = (table["told"] / table["closed"]).where(table["closed"] > 0)
    table = table[PERSON_COLUMNS].sort_values(["referrals", "won"], ascending=False)
    return table.astype({"referrals": int, "won": int, "lost": int})


def _monthly(sums: pd.DataFrame) -> pd.DataFrame:
    columns = ["referrals", "won", "lost", "value_won"]
    if sums.empty:
        return pd.DataFrame(columns=columns).rename_axis("month")
    return sums.groupby("month")[columns].sum().sort_index()


def _share(part: float, whole: float) -> float:
    return float(part / whole) if whole else float("nan")


def referral_metrics(
    connection: Connection, since: dt.date | None = None, until: dt.date | None = None
) -> ReferralMetrics:
    names = _names(connection)
    sums = group_sums(connection, since, until)
    hours = contact_hours(connection, since, until)
    for frame in (sums, hours):
        frame["technician"] = frame["technician_id"].map(names)
        frame["salesperson"] = frame["salesperson_id"].map(names).fillna(UNASSIGNED)
    closed = float(sums["closed"].sum())
    totals = {
        "referrals": float(sums["referrals"].sum()),
        "won": float(sums["won"].sum()),
        "lost": float(sums["lost"].sum()),
        "conversion": _share(sums["won"].sum(), closed),
        "value_won": float(sums["value_won"].sum()),
        "median_hours_to_first_contact": float(hours["hours"].median())
        if not hours.empty
        else float("nan"),
        "told_share": _share(sums["told"].sum(), closed),
    }
    return ReferralMetrics(
        since=since,
        until=until,
        by_technician=_per_person(sums, hours, "technician"),
        by_salesperson=_per_person(sums, hours, "salesperson"),
        monthly=_monthly(sums),
        totals=totals,
    )
