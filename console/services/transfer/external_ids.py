"""Permanent external ids for records made at the desk, given the first time they leave.

A file matches rows on `external_id`. Referrals, visits and notes recorded at the desk have
none, so before a kind is exported each of its rows without one is given one for good
(`NOTE-17`: the table's prefix and the row's id, or with a random tail in the rare case
another row already holds that text). The id is stored, so every later export says the
same, a re-import of the file matches the same rows, and another database that imports the
file keeps it too.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Connection, bindparam, select, update

from console.models import Base

PREFIXES = {
    "customers": "CUST",
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
