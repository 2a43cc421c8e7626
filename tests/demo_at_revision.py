"""Demo data in a database kept at an older revision, for the upgrade tests.

The demo writes today's schema, so it fills a scratch database at the head revision and the
rows are copied across: every table and column the older schema has, and nothing else.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Column, Engine, MetaData, Table, insert, inspect, select, text

from console.database import make_engine
from console.migrate import upgrade_database
from console.models import Base
from console.services.demo import seed_demo


def seed_demo_at(
    engine: Engine, revision: str, scratch: Path, customers: int, seed: int, today: dt.date
) -> None:
    """Upgrades `engine` to `revision` and fills it with the demo office of `seed`."""
    upgrade_database(engine, target=revision)
    source = make_engine(f"sqlite:///{scratch}")
    try:
        upgrade_database(source)
        seed_demo(source, customers=customers, seed=seed, today=today)
        present = inspect(engine)
        with source.connect() as reading, engine.begin() as writing:
            for table in Base.metadata.sorted_tables:
                if not present.has_table(table.name):
                    continue
                kept = {column["name"] for column in present.get_columns(table.name)}
                columns = [column for column in table.c if column.name in kept]
                target = Table(
                    table.name,
                    MetaData(),
                    *(Column(c.name, c.type, primary_key=c.primary_key) for c in columns),
                )
                rows = [dict(row) for row in reading.execute(select(*columns)).mappings()]
                if rows:
                    writing.execute(insert(target), rows)
                if engine.dialect.name == "postgresql" and "id" in kept:
                    writing.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)"
                        )
                    )
    finally:
        source.dispose()
