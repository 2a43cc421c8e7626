"""Referral numbers for managers: who refers, what is won, how fast sales reacts, who hears back.

The database adds up counts and sums per technician, salesperson and month in one grouped
query; only the medians need a row per referral, and that query fetches three numbers each.
pandas then rolls the groups up into the tables the desk shows.

Periods and months are the office's, in its time zone: a referral made at 23:30 on the last
evening of March counts in March even when UTC says April. The database sorts each referral
into its month by comparing the stored UTC time with the UTC moments the office's months
begin, so SQLite and PostgreSQL give the same answer and no row has to come back to Python.
No zone is more than 14 hours from UTC, so only a referral stored on the 1st or after the
27th of a UTC month can belong to a neighbouring office month; every other one takes the
UTC month straight from the stored text, which keeps the aggregate as fast as before.

A referral made after a heads-up about old equipment (`prompted_by_equipment_id`) counts as
prompted: per person, and in `prompt_comparison`, which sets prompted against unprompted
referrals so the office sees whether the heads-ups lead anywhere.

A referral that continues an earlier one (a second appointment on the same need) is not a new
referral: the chain counts once as a referral, where it began (its first link's technician,
salesperson and month), and once as an outcome, the outcome of its latest link (won, lost or
still open), counted for that link's people and month. An earlier link that a later one
continues is neither a win nor a loss of its own. Spiffs and contact times stay with the
referral they belong to: they are money owed and work done, whatever the chain did next.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Connection,
    Float,
    Select,
    String,
    Subquery,
    and_,
    case,
    cast,
    func,
    literal,
    select,
    type_coerce,
)
from sqlalchemy.orm import QueryableAttribute, aliased

from console.models import Referral, ReferralStatus, SpiffEntry, SpiffEntryKind, Staff
from console.services.office.clock import months_spanning, period_bounds

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
    "prompted",
    "prompted_won",
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
    "prompted",
    "prompted_won",
]
PROMPTED = "prompted"  # the tech referred after a heads-up about old equipment
UNPROMPTED = "unprompted"
PROMPT_COLUMNS = ["referrals", "won", "lost", "conversion", "value_won"]


def _no_prompt_figures() -> pd.DataFrame:
    return pd.DataFrame(columns=PROMPT_COLUMNS).rename_axis("heads-up")


@dataclass(frozen=True)
class ReferralMetrics:
    since: dt.date | None
    until: dt.date | None
    by_technician: pd.DataFrame
    by_salesperson: pd.DataFrame
    monthly: pd.DataFrame
    totals: dict[str, float]
    # Prompted and unprompted referrals side by side: does a heads-up lead to sales?
    by_prompt: pd.DataFrame = field(default_factory=_no_prompt_figures)


def _period(statement: Select, since: dt.date | None, until: dt.date | None) -> Select:
    """Referrals made on the office's days from `since` through `until`."""
    start, end = period_bounds(since, until)
    if start is not None:
        statement = statement.where(Referral.created_at >= start)
    if end is not None:
        statement = statement.where(Referral.created_at < end)
    return statement


def _creation_span(
    connection: Connection, since: dt.date | None, until: dt.date | None
) -> tuple[dt.datetime, dt.datetime] | None:
    """The first and last moments referrals in the period were made; None when there are none.

    A bound the caller gave is used as it is; only an open end is asked of the database.
    """
    start, end = period_bounds(since, until)
    if start is not None and end is not None:
        return (start, end - dt.timedelta(microseconds=1)) if start < end else None
    first, last = connection.execute(
        _period(select(func.min(Referral.created_at), func.max(Referral.created_at)), since, until)
    ).one()
    if first is None or last is None:
        return None
    return start or first, (end - dt.timedelta(microseconds=1)) if end else last


def _month_of(column: Any, months: list[tuple[str, dt.datetime]]) -> ColumnElement[str]:
    """The office month of `column` as 'YYYY-MM': a balanced tree of CASEs over the moments
    the months begin, so each row takes a handful of comparisons however long the period.
    The first month takes everything before it and the last everything after, so a referral
    saved while the report runs still lands in a month."""
    if len(months) == 1:
        return literal(months[0][0], String)
    middle = len(months) // 2
    return case(
        (column < months[middle][1], _month_of(column, months[:middle])),
        else_=_month_of(column, months[middle:]),
    )


def _utc_month_and_day(dialect: str) -> tuple[ColumnElement[str], ColumnElement[str]]:
    """The stored (naive UTC) creation time's month as 'YYYY-MM' and day of month as 'DD'."""
    if dialect == "postgresql":
        return (
            func.to_char(Referral.created_at, "YYYY-MM"),
            func.to_char(Referral.created_at, "DD"),
        )
    return func.substr(Referral.created_at, 1, 7), func.substr(Referral.created_at, 9, 2)


def _month(
    connection: Connection, since: dt.date | None, until: dt.date | None
) -> ColumnElement[str]:
    """The office's month of each referral's creation, as 'YYYY-MM'."""
    span = _creation_span(connection, since, until)
    if span is None:
        return literal("", String)  # no referral in the period: nothing to sort
    utc_month, utc_day = _utc_month_and_day(connection.dialect.name)
    return case(
        (utc_day.between(literal("02", String), literal("27", String)), utc_month),
        else_=_month_of(Referral.created_at, months_spanning(*span)),
    )


def _hours_to_first_contact(dialect: str) -> ColumnElement[float]:
    if dialect == "postgresql":
        gap = func.extract("epoch", Referral.first_contact_at - Referral.created_at)
        return type_coerce(cast(gap, Float) / 3600.0, Float)
    days = func.julianday(Referral.first_contact_at) - func.julianday(Referral.created_at)
    return type_coerce(days * 24.0, Float)


def _is_new() -> ColumnElement[bool]:
    """A referral of its own, not the continuation of an earlier one."""
    return Referral.continues_referral_id.is_(None)


def _is_latest_link() -> ColumnElement[bool]:
    """No later referral continues this one, so its outcome is its chain's."""
    later = aliased(Referral)
    return ~select(later.id).where(later.continues_referral_id == Referral.id).exists()


def _count_where(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.count().filter(condition)


def _sum_where(
    condition: ColumnElement[bool], amount: ColumnElement[Any] | QueryableAttribute[Any]
) -> ColumnElement[Any]:
    # Summed as a float: per-group Decimals would only be turned into floats by pandas.
    return type_coerce(func.sum(amount).filter(condition), Float)


def _spiff_balances() -> Subquery:
    """Each referral's spiffs as the ledger has them: still owed (earned, net of clawbacks,
    less paid) and paid, appointment-set spiffs and part payments included."""
    paid = SpiffEntry.kind == SpiffEntryKind.PAID
    return (
        select(
            SpiffEntry.referral_id,
            func.sum(case((paid, -SpiffEntry.amount), else_=SpiffEntry.amount)).label("owed"),
            func.sum(case((paid, SpiffEntry.amount), else_=0)).label("paid"),
        )
        .group_by(SpiffEntry.referral_id)
        .subquery("spiff_balances")
    )


def group_sums(
    connection: Connection, since: dt.date | None, until: dt.date | None
) -> pd.DataFrame:
    """Counts and sums per technician, salesperson and month, added up by the database."""
    new = _is_new()
    latest = _is_latest_link()
    won = and_(Referral.status == ReferralStatus.WON, latest)
    lost = and_(Referral.status == ReferralStatus.LOST, latest)
    closed = and_(Referral.status.in_(CLOSED), latest)
    prompted = and_(Referral.prompted_by_equipment_id.is_not(None), new)
    month = _month(connection, since, until).label("month")
    spiffs = _spiff_balances()
    # A spiff written on the referral alone (a bulk load) counts as the ledger will carry it
    # over: owed while unpaid, paid once paid.
    in_ledger = spiffs.c.referral_id.is_not(None)
    spiffs_owed = case(
        (in_ledger, spiffs.c.owed),
        (and_(won, Referral.spiff_paid_at.is_(None)), Referral.spiff_amount),
    )
    spiffs_paid = case(
        (in_ledger, spiffs.c.paid),
        (Referral.spiff_paid_at.is_not(None), Referral.spiff_amount),
    )
    statement = _period(
        select(
            Referral.technician_id,
            Referral.salesperson_id,
            month,
            _count_where(new).label("referrals"),
            _count_where(won).label("won"),
            _count_where(lost).label("lost"),
            _count_where(closed).label("closed"),
            _count_where(and_(closed, Referral.tech_informed_at.is_not(None))).label("told"),
            _sum_where(won, Referral.won_value).label("value_won"),
            type_coerce(func.sum(spiffs_owed), Float).label("spiffs_owed"),
            type_coerce(func.sum(spiffs_paid), Float).label("spiffs_paid"),
            _count_where(prompted).label("prompted"),
            _count_where(and_(Referral.prompted_by_equipment_id.is_not(None), won)).label(
                "prompted_won"
            ),
        )
        .outerjoin(spiffs, spiffs.c.referral_id == Referral.id)
        .group_by(Referral.technician_id, Referral.salesperson_id, month),
        since,
        until,
    )
    frame = pd.DataFrame(connection.execute(statement).all(), columns=SUM_COLUMNS)
    money = ["value_won", "spiffs_owed", "spiffs_paid"]
    counts = ["referrals", "won", "lost", "closed", "told", "prompted", "prompted_won"]
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


def prompt_comparison(
    connection: Connection, since: dt.date | None = None, until: dt.date | None = None
) -> pd.DataFrame:
    """Referrals made after a heads-up about old equipment against all others, with their
    conversion (won of won and lost): one row each, `prompted` then `unprompted`, always both.
    """
    unprompted = Referral.prompted_by_equipment_id.is_(None)
    latest = _is_latest_link()
    won = and_(Referral.status == ReferralStatus.WON, latest)
    statement = _period(
        select(
            unprompted,
            _count_where(_is_new()),
            _count_where(won),
            _count_where(and_(Referral.status == ReferralStatus.LOST, latest)),
            _sum_where(won, Referral.won_value),
        ).group_by(unprompted),
        since,
        until,
    )
    figures = {
        UNPROMPTED if bool(is_unprompted) else PROMPTED: (count, won_count, lost, value or 0.0)
        for is_unprompted, count, won_count, lost, value in connection.execute(statement)
    }
    rows = {}
    for name in (PROMPTED, UNPROMPTED):
        count, won_count, lost, value = figures.get(name, (0, 0, 0, 0.0))
        decided = won_count + lost
        rows[name] = {
            "referrals": int(count),
            "won": int(won_count),
            "lost": int(lost),
            "conversion": won_count / decided if decided else float("nan"),
            "value_won": float(value),
        }
    return pd.DataFrame.from_dict(rows, orient="index", columns=PROMPT_COLUMNS).rename_axis(
        "heads-up"
    )


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
    return table.astype(
        dict.fromkeys(["referrals", "won", "lost", "prompted", "prompted_won"], int)
    )


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
        by_prompt=prompt_comparison(connection, since, until),
    )
