"""Permanent external ids for records made at the desk, given the first time they leave.

A file matches rows on `external_id`. Referrals, visits and notes recorded at the desk have
none, so before a kind is exported each of its rows without one is given one for good
(`NOTE-17`: the table's prefix and the row's id, or with a random tail in the rare case
another row already holds that text; a customer's first site takes the customer's id). The
id is stored, so every later export says the same, a re-import of the file matches the same
rows, and another database that imports the file keeps it too.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Connection, bindparam, func, select, update

from console.models import Base

PREFIXES = {
    "customers": "CUST",
    "sites": "SITE",
    "staff": "STAFF",
    "equipment": "EQ",
    "service_visits": "VISIT",
    "referrals": "REF",
    "upsell_notes": "NOTE",
}


def give_external_ids(connection: Connection, table_name: str) -> int:
    """Gives every row of the table without an external id a permanent one; returns how many.

    The rows' versions are left alone: the id is not something a desk edits, so no desk's
    pending change to the row is made stale by it.
    """
    table = Base.metadata.tables[table_name]
    if table_name == "sites":
        _first_sites_take_their_customers_ids(connection)
    missing = connection.execute(select(table.c.id).where(table.c.external_id.is_(None))).all()
    if not missing:
        return 0
    prefix = PREFIXES[table_name]
    wanted = {row_id: f"{prefix}-{row_id}" for (row_id,) in missing}
    values = list(wanted.values())
    taken: set[str] = set()
    for start in range(0, len(values), 5_000):
        part = values[start : start + 5_000]
        query = select(table.c.external_id).where(table.c.external_id.in_(part))
        taken.update(connection.execute(query).scalars())
    rows = [
        {
            "_id": row_id,
            "_external_id": value if value not in taken else f"{value}-{uuid.uuid4().hex[:8]}",
        }
        for row_id, value in wanted.items()
    ]
    connection.execute(
        update(table)
        .where(table.c.id == bindparam("_id"), table.c.external_id.is_(None))
        .values(external_id=bindparam("_external_id")),
        rows,
    )
    return len(rows)


def _first_sites_take_their_customers_ids(connection: Connection) -> None:
    """A customer's first site without an external id takes the customer's, when free.

    Another database that imports the customers gives each its first site with the
    customer's external id; a file of sites then finds that site instead of adding one.
    """
    sites = Base.metadata.tables["sites"]
    customers = Base.metadata.tables["customers"]
    first = select(func.min(sites.c.id)).group_by(sites.c.customer_id).scalar_subquery()
    candidates = connection.execute(
        select(sites.c.id, customers.c.external_id)
        .join(customers, sites.c.customer_id == customers.c.id)
        .where(
            sites.c.external_id.is_(None),
            customers.c.external_id.is_not(None),
            sites.c.id.in_(first),
        )
    ).all()
    if not candidates:
        return
    wanted = [external_id for _site_id, external_id in candidates]
    taken: set[str] = set()
    for start in range(0, len(wanted), 5_000):
        part = wanted[start : start + 5_000]
        taken.update(
            connection.execute(
                select(sites.c.external_id).where(sites.c.external_id.in_(part))
            ).scalars()
        )
    rows = [
        {"_id": site_id, "_external_id": external_id}
        for site_id, external_id in candidates
        if external_id not in taken
    ]
    if rows:
        connection.execute(
            update(sites)
            .where(sites.c.id == bindparam("_id"), sites.c.external_id.is_(None))
            .values(external_id=bindparam("_external_id")),
            rows,
        )
