"""Every row of every table, to show that a refused import changed nothing."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select

from console.models import Base


def dump(engine: Engine) -> dict[str, list[tuple]]:
    """Each table's rows as tuples, in primary-key order."""
    with engine.connect() as connection:
        return {
            table.name: [
                tuple(row)
                for row in connection.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in Base.metadata.sorted_tables
        }


def write_csv(folder: Path, text: str, name: str = "file.csv", encoding: str = "utf-8") -> Path:
    """A file as an office would hand it over."""
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path
