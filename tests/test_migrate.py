"""Schema creation and upgrade: idempotent, and never loses data."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, text

from console.cli import main
from console.migrate import current_revision, head_revision, upgrade_database
from console.models import Base


def row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in Base.metadata.tables
        }


def test_the_known_head_is_the_newest_migration() -> None:
    from console.migrations import HEAD_REVISION

    assert head_revision() == HEAD_REVISION


def test_upgrade_on_current_database_is_a_no_op(demo_engine: Engine) -> None:
    before = row_counts(demo_engine)
    assert current_revision(demo_engine) == head_revision()
    assert upgrade_database(demo_engine) is False
    assert row_counts(demo_engine) == before


def test_init_db_command_keeps_data(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'office.sqlite'}"
    assert main(["init-db", "--database", url]) == 0
    assert "upgraded" in capsys.readouterr().out
    assert main(["seed-demo", "--customers", "5", "--database", url]) == 0
    from console.database import make_engine

    engine = make_engine(url)
    before = row_counts(engine)
    assert main(["init-db", "--database", url]) == 0
    assert "already up to date" in capsys.readouterr().out
    assert row_counts(engine) == before
    assert before["customers"] == 5


def all_rows(engine: Engine, columns_of: dict[str, list[str]]) -> dict[str, list[tuple]]:
    """Every row of every table, in key order, limited to the columns the older schema had."""
    with engine.connect() as connection:
        return {
            table: [
                tuple(row)
                for row in connection.execute(
                    text(f"SELECT {', '.join(columns)} FROM {table} ORDER BY 1, 2")
                )
            ]
            for table, columns in columns_of.items()
        }


def test_baseline_database_full_of_demo_data_upgrades_without_losing_a_row(
    database_url: str, tmp_path: Path
) -> None:
    from console.database import make_engine, session_factory
    from console.services.customers.search import search_customers
    from tests.conftest import DEMO_TODAY
    from tests.demo_at_revision import seed_demo_at

    engine = make_engine(database_url)
    try:
        seed_demo_at(engine, "0001", tmp_path / "scratch.sqlite", 30, 4, DEMO_TODAY)
        with engine.connect() as connection:
            columns_of = {
                table: list(connection.execute(text(f"SELECT * FROM {table} WHERE 1 = 0")).keys())
                for table in Base.metadata.tables
                if connection.dialect.has_table(connection, table)
            }
        before = all_rows(engine, columns_of)
        assert sum(len(rows) for rows in before.values()) > 1000
        assert "updated_by" not in columns_of["customers"]

        assert upgrade_database(engine) is True
        assert current_revision(engine) == head_revision()
        assert all_rows(engine, columns_of) == before
        with engine.connect() as connection:
            assert connection.execute(text("SELECT updated_by FROM customers")).first() == (None,)
            name = connection.execute(text("SELECT name FROM customers WHERE id = 7")).scalar_one()
        with session_factory(engine)() as session:
            assert 7 in [hit.id for hit in search_customers(session, name)]
        if engine.dialect.name == "sqlite":
            backup = Path(f"{engine.url.database}.before-{head_revision()}.bak")
            assert backup.exists()
    finally:
        engine.dispose()
