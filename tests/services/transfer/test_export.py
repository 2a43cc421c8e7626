"""Export then import into an empty database gives the same data; formulas stay inert."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from console.database import make_engine, session_factory
from console.migrate import upgrade_database
from console.services.transfer.exporter import export_kind
from console.services.transfer.importer import import_file
from console.services.transfer.kinds import KINDS
from tests import factories

ORDER = (
    "customers",
    "sites",
    "technicians",
    "salespeople",
    "equipment",
    "visits",
    "referrals",
    "notes",
)


def exported(engine: Engine, folder: Path) -> dict[str, str]:
    """Every kind as exported CSV text: the same formatting whichever backend it came from."""
    folder.mkdir()
    texts = {}
    for kind in ORDER:
        path = folder / f"{kind}.csv"
        export_kind(engine, kind, path)
        texts[kind] = path.read_text(encoding="utf-8-sig")
    return texts


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_round_trip_on_demo_data(demo_engine: Engine, tmp_path: Path, suffix: str) -> None:
    target = make_engine(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    upgrade_database(target)
    for kind in ORDER:
        path = tmp_path / f"{kind}{suffix}"
        export_kind(demo_engine, kind, path)
        summary = import_file(target, kind, path)
        assert summary.problems == [], (kind, summary.problems[:3])
    assert exported(target, tmp_path / "again") == exported(demo_engine, tmp_path / "first")
    with target.connect() as connection:
        visits = connection.execute(text("SELECT count(*) FROM service_visits")).scalar_one()
    assert visits > 100
    target.dispose()


def test_import_into_each_backend_gives_back_the_same_export(
    engine: Engine, tmp_path: Path
) -> None:
    from console.services.demo import seed_demo
    from tests.conftest import DEMO_TODAY

    source = make_engine(f"sqlite:///{tmp_path / 'source.sqlite'}")
    upgrade_database(source)
    seed_demo(source, customers=25, seed=9, today=DEMO_TODAY)
    for kind in ORDER:
        path = tmp_path / f"{kind}.csv"
        export_kind(source, kind, path)
        summary = import_file(engine, kind, path)
        assert summary.problems == [], (kind, summary.problems[:3])
    assert exported(engine, tmp_path / "again") == exported(source, tmp_path / "first")
    source.dispose()


def test_formula_is_exported_so_spreadsheets_do_not_run_it(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    formula = '=HYPERLINK("http://example.com","click")'
    with session_factory(sqlite_engine).begin() as session:
        factories.customer(session, external_id="C-1", name="Formula Co", notes=formula)
    path = tmp_path / "customers.csv"
    export_kind(sqlite_engine, "customers", path)
    with path.open(encoding="utf-8-sig") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["notes"] == "'" + formula
    assert list(row) == KINDS["customers"].columns
    target = make_engine(f"sqlite:///{tmp_path / 'again.sqlite'}")
    upgrade_database(target)
    import_file(target, "customers", path)
    with target.connect() as connection:
        assert connection.execute(text("SELECT notes FROM customers")).scalar_one() == formula
    target.dispose()
