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
