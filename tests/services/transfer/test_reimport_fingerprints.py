"""Re-importing unchanged rows: recognised by their fingerprints, never written again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, delete, event, func, select

from console.database import session_factory
from console.models import Customer, ImportFingerprint, ServiceVisit
from console.services.transfer import importer as importer_module
from console.services.transfer.importer import import_file
from tests import factories
from tests.dump import write_csv

VISITS = (
    "external_id,customer_external_id,scheduled_for,problem\n"
    "V-1,C-1,2025-03-04 09:30,No heat\n"
    "V-2,C-1,2025-03-05 09:30,Noisy fan\n"
    "V-3,C-1,2025-03-06 09:30,Leak\n"
)


@pytest.fixture
def office(engine: Engine) -> Engine:
    with session_factory(engine).begin() as session:
        factories.customer(session, external_id="C-1", account_number="A-1", name="Ada Park")
        factories.staff(session, "Ana Tech", external_id="T-1")
    return engine


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """Every SQL statement the engine runs inside the block."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def visits(engine: Engine) -> dict[str, tuple[str | None, int, dt.datetime]]:
    with session_factory(engine)() as session:
        return {
            v.external_id or "": (v.problem, v.version, v.scheduled_for)
            for v in session.scalars(select(ServiceVisit))
        }


def fingerprints(engine: Engine) -> dict[tuple[str, str], bytes]:
    with session_factory(engine)() as session:
        return {
            (row.kind, row.external_id): row.digest
            for row in session.scalars(select(ImportFingerprint))
        }


def counts(summary: Any) -> tuple[int, int, int]:
    return (summary.created, summary.updated, summary.unchanged)


def test_an_unchanged_file_is_all_unchanged_and_writes_nothing(
    office: Engine, tmp_path: Path
) -> None:
    path = write_csv(tmp_path, VISITS)
    assert counts(import_file(office, "visits", path)) == (3, 0, 0)
    before, prints = visits(office), fingerprints(office)
    assert set(prints) == {("visits", "V-1"), ("visits", "V-2"), ("visits", "V-3")}
    with statements(office) as seen:
        summary = import_file(office, "visits", path)
    assert (summary.problems, counts(summary)) == ([], (0, 0, 3))
    writes = [s for s in seen if s.lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))]
    assert writes == []
    assert (visits(office), fingerprints(office)) == (before, prints)


def test_one_changed_cell_updates_exactly_that_row(office: Engine, tmp_path: Path) -> None:
    import_file(office, "visits", write_csv(tmp_path, VISITS))
    prints = fingerprints(office)
    changed = VISITS.replace("Noisy fan", "Noisy blower")
    summary = import_file(office, "visits", write_csv(tmp_path, changed, "changed.csv"))
    assert (summary.problems, counts(summary)) == ([], (0, 1, 2))
    stored = visits(office)
    assert {key: value[:2] for key, value in stored.items()} == {
        "V-1": ("No heat", 1),
        "V-2": ("Noisy blower", 2),
        "V-3": ("Leak", 1),
    }
    after = fingerprints(office)
    assert [key for key in after if after[key] != prints[key]] == [("visits", "V-2")]
    # The new fingerprint holds: the changed file again is all unchanged.
    again = import_file(office, "visits", write_csv(tmp_path, changed, "again.csv"))
    assert counts(again) == (0, 0, 3)


def test_a_desk_edit_survives_an_unchanged_reimport(office: Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path, "external_id,name,phone\nC-2,Bea Good,555-0101\n")
    assert import_file(office, "customers", path).created == 1
    with session_factory(office).begin() as session:
        bea = session.scalars(select(Customer).where(Customer.external_id == "C-2")).one()
        bea.phone = "555-0199"
    summary = import_file(office, "customers", path)
    assert counts(summary) == (0, 0, 1)
    with session_factory(office)() as session:
        bea = session.scalars(select(Customer).where(Customer.external_id == "C-2")).one()
        assert bea.phone == "555-0199"


def test_a_changed_day_order_does_not_skip_the_rows(office: Engine, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path, "external_id,customer_external_id,scheduled_for\nV-1,C-1,03/04/2025 09:30\n"
    )
    assert counts(import_file(office, "visits", path, day_first=False)) == (1, 0, 0)
    assert visits(office)["V-1"][2].date() == dt.date(2025, 3, 4)
    summary = import_file(office, "visits", path, day_first=True)
    assert (summary.problems, counts(summary)) == ([], (0, 1, 0))
    assert visits(office)["V-1"][2].date() == dt.date(2025, 4, 3)


def test_a_mapping_is_part_of_the_fingerprint(office: Engine, tmp_path: Path) -> None:
    import_file(office, "visits", write_csv(tmp_path, VISITS))
    before = fingerprints(office)
    renamed = write_csv(tmp_path, VISITS.replace("problem", "complaint", 1), "renamed.csv")
    summary = import_file(office, "visits", renamed, mapping={"complaint": "problem"})
    # Compared in full (same values, nothing written), and remembered under the new mapping.
    assert counts(summary) == (0, 0, 3)
    after = fingerprints(office)
    assert all(after[key] != before[key] for key in before)
    assert {version for _problem, version, _when in visits(office).values()} == {1}


def test_a_record_deleted_at_the_desk_is_imported_again(office: Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path, VISITS)
    import_file(office, "visits", path)
    with session_factory(office).begin() as session:
        session.execute(delete(ServiceVisit).where(ServiceVisit.external_id == "V-2"))
    summary = import_file(office, "visits", path)
    assert counts(summary) == (1, 0, 2)
    assert sorted(visits(office)) == ["V-1", "V-2", "V-3"]


def test_a_dry_run_stores_no_fingerprints(office: Engine, tmp_path: Path) -> None:
    summary = import_file(office, "visits", write_csv(tmp_path, VISITS), dry_run=True)
    assert counts(summary) == (3, 0, 0)
    assert fingerprints(office) == {}


def test_a_refused_file_leaves_no_fingerprints(office: Engine, tmp_path: Path) -> None:
    bad = VISITS + "V-4,C-404,2025-03-07 09:30,Smell of gas\n"
    summary = import_file(office, "visits", write_csv(tmp_path, bad))
    assert summary.written is False
    assert fingerprints(office) == {}


def test_rejected_rows_get_no_fingerprint(office: Engine, tmp_path: Path) -> None:
    bad = VISITS + "V-4,C-404,2025-03-07 09:30,Smell of gas\n"
    summary = import_file(office, "visits", write_csv(tmp_path, bad), skip_invalid=True)
    assert (counts(summary), summary.rejected) == ((3, 0, 0), 1)
    assert ("visits", "V-4") not in fingerprints(office)
    again = import_file(office, "visits", write_csv(tmp_path, bad, "again.csv"), skip_invalid=True)
    assert (counts(again), again.rejected) == ((0, 0, 3), 1)


def test_a_repeated_id_is_refused_even_when_its_first_row_is_unchanged(
    office: Engine, tmp_path: Path
) -> None:
    import_file(office, "visits", write_csv(tmp_path, VISITS))
    twice = VISITS + "V-1,C-1,2025-03-04 09:30,No heat\n"
    summary = import_file(office, "visits", write_csv(tmp_path, twice, "twice.csv"))
    assert [str(problem) for problem in summary.problems] == [
        "row 5, column external_id: 'V-1' is already on row 2"
    ]


def test_within_a_transaction_fingerprints_go_with_the_refusal(
    office: Engine, tmp_path: Path
) -> None:
    good = write_csv(tmp_path, VISITS, "good.csv")
    bad = write_csv(tmp_path, "external_id,name\nC-8,Hal\n,Nameless\n", "bad.csv")
    with office.begin() as connection:
        assert import_file(office, "visits", good, within=connection).written
        assert not import_file(office, "customers", bad, within=connection).written
    assert set(fingerprints(office)) == {("visits", "V-1"), ("visits", "V-2"), ("visits", "V-3")}
    with office.connect() as connection:
        count = select(func.count()).select_from(ImportFingerprint)
        assert connection.execute(count).scalar_one() == 3


@pytest.mark.parametrize("keep", [0, 1, 50_000])
def test_rows_left_over_by_the_formats_pass_or_read_again_give_the_same_result(
    office: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keep: int
) -> None:
    monkeypatch.setattr(importer_module, "CHUNK_ROWS", 2)
    monkeypatch.setattr(importer_module, "PRESCAN_KEEP_ROWS", keep)
    import_file(office, "visits", write_csv(tmp_path, VISITS))
    changed = VISITS.replace("Leak", "Drip").replace("No heat", "No hot water")
    summary = import_file(office, "visits", write_csv(tmp_path, changed, "changed.csv"))
    assert (summary.problems, summary.rows, counts(summary)) == ([], 3, (0, 2, 1))
    assert {key: value[:2] for key, value in visits(office).items()} == {
        "V-1": ("No hot water", 2),
        "V-2": ("Noisy fan", 1),
        "V-3": ("Drip", 2),
    }


def test_a_cancelled_reimport_changes_nothing(office: Engine, tmp_path: Path) -> None:
    import_file(office, "visits", write_csv(tmp_path, VISITS))
    before, prints = visits(office), fingerprints(office)
    changed = write_csv(tmp_path, VISITS.replace("Leak", "Drip"), "changed.csv")
    summary = import_file(office, "visits", changed, cancelled=lambda: True)
    assert (summary.cancelled, summary.written) == (True, False)
    assert (visits(office), fingerprints(office)) == (before, prints)
