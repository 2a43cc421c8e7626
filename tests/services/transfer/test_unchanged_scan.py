"""A large re-import's unchanged rows, found in one reading by the scan over stored digests.

Each test runs with the scan (every stored fingerprint loaded at once) and with the lookup by
ids it stands in for; what the desk sees must not tell them apart.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from console.database import make_engine, session_factory
from console.migrate import upgrade_database
from console.models import ServiceVisit
from console.services.office.clock import configure_office_zone
from console.services.transfer import importer as importer_module
from console.services.transfer.importer import import_file
from tests import factories
from tests.dump import dump, write_csv

HEADER = "external_id,customer_external_id,scheduled_for,problem,tech_notes\n"
VISITS = HEADER + (
    "V-1,C-1,2025-03-04 09:30,No heat,Old unit\n"
    "V-2,C-1,2025-03-05 09:30,Noisy fan,\n"
    "V-3,C-1,2025-03-06 09:30,Leak,Asked about a softener\n"
)


@pytest.fixture(params=["scan", "by id"])
def matching(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Unchanged rows found by the scan, or looked up by id (a small file in a large office)."""
    scan = request.param == "scan"
    monkeypatch.setattr(importer_module, "worth_loading", lambda *_args: scan)
    return str(request.param)


@pytest.fixture
def office(engine: Engine, matching: str) -> Engine:
    with session_factory(engine).begin() as session:
        factories.customer(session, external_id="C-1", account_number="A-1", name="Ada Park")
        factories.staff(session, "Ana Tech", external_id="T-1")
    return engine


def counts(summary: Any) -> tuple[int, int, int]:
    return (summary.created, summary.updated, summary.unchanged)


def visits(engine: Engine) -> dict[str, tuple[Any, ...]]:
    with session_factory(engine)() as session:
        return {
            v.external_id or "": (v.problem, v.tech_notes, v.scheduled_for, v.version)
            for v in session.scalars(select(ServiceVisit))
        }


def test_a_change_in_the_last_column_alone_is_found(office: Engine, tmp_path: Path) -> None:
    import_file(office, "visits", write_csv(tmp_path, VISITS))
    changed = VISITS.replace("Leak,Asked about a softener", "Leak,Asked about a water softener")
    summary = import_file(office, "visits", write_csv(tmp_path, changed, "changed.csv"))
    assert (summary.problems, counts(summary)) == ([], (0, 1, 2))
    assert visits(office)["V-3"][1:2] == ("Asked about a water softener",)
    assert visits(office)["V-3"][3] == 2


def test_an_emptied_cell_is_found(office: Engine, tmp_path: Path) -> None:
    import_file(office, "visits", write_csv(tmp_path, VISITS))
    emptied = VISITS.replace("No heat,Old unit", "No heat,")
    summary = import_file(office, "visits", write_csv(tmp_path, emptied, "emptied.csv"))
    assert (summary.problems, counts(summary)) == ([], (0, 1, 2))
    assert visits(office)["V-1"][1] is None


def test_a_cell_moved_to_its_neighbour_is_a_change(office: Engine, tmp_path: Path) -> None:
    """The cells are digested apart: `a,` and `,a` are not the same row."""
    import_file(office, "visits", write_csv(tmp_path, VISITS))
    moved = VISITS.replace("Noisy fan,", ",Noisy fan")
    summary = import_file(office, "visits", write_csv(tmp_path, moved, "moved.csv"))
    assert (summary.problems, counts(summary)) == ([], (0, 1, 2))
    assert visits(office)["V-2"][:2] == (None, "Noisy fan")


def test_a_unit_separator_moved_between_cells_is_a_change(office: Engine, tmp_path: Path) -> None:
    """Cells are joined by the unit separator to be digested; a cell holding one is escaped,
    so `a<US>b | c` and `a | b<US>c` do not read as the same row."""
    before = HEADER + "V-1,C-1,2025-03-04 09:30,a\x1fb,c\n"
    after = HEADER + "V-1,C-1,2025-03-04 09:30,a,b\x1fc\n"
    assert counts(import_file(office, "visits", write_csv(tmp_path, before))) == (1, 0, 0)
    assert counts(import_file(office, "visits", write_csv(tmp_path, before, "same.csv"))) == (
        0,
        0,
        1,
    )
    summary = import_file(office, "visits", write_csv(tmp_path, after, "after.csv"))
    assert (summary.problems, counts(summary)) == ([], (0, 1, 0))
    assert visits(office)["V-1"][:2] == ("a", "b\x1fc")


def test_another_office_zone_reads_the_rows_again(office: Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path, VISITS)
    import_file(office, "visits", path)
    before = visits(office)
    configure_office_zone("Asia/Tokyo")
    try:
        summary = import_file(office, "visits", path)
    finally:
        configure_office_zone(None)
    assert (summary.problems, counts(summary)) == ([], (0, 3, 0))
    after = visits(office)
    assert {key: after[key][2] - before[key][2] for key in before} != {
        key: dt.timedelta(0) for key in before
    }


def test_a_given_day_order_the_file_already_settles_still_tells(
    office: Engine, tmp_path: Path
) -> None:
    """Saying --day-first changes the fingerprint even when every date is ISO: the rows are
    then compared in full, and nothing changes."""
    path = write_csv(tmp_path, VISITS)
    import_file(office, "visits", path)
    summary = import_file(office, "visits", path, day_first=True)
    assert (summary.problems, counts(summary)) == ([], (0, 0, 3))
    assert {version for *_rest, version in visits(office).values()} == {1}
    again = import_file(office, "visits", path, day_first=True)
    assert counts(again) == (0, 0, 3)


def test_day_first_dates_are_read_as_before_on_the_second_import(
    office: Engine, tmp_path: Path
) -> None:
    """Rows whose dates settle the day order are unchanged rows too: the formats decision
    still sees them, so the rows beside them are read the same way again."""
    text = (
        "external_id,customer_external_id,scheduled_for,problem\n"
        "V-1,C-1,25/03/2025 09:30,No heat\n"
        "V-2,C-1,03/04/2025 09:30,Leak\n"
    )
    path = write_csv(tmp_path, text)
    assert counts(import_file(office, "visits", path)) == (2, 0, 0)
    assert visits(office)["V-2"][2].date() == dt.date(2025, 4, 3)
    changed = write_csv(tmp_path, text.replace("Leak", "Drip"), "changed.csv")
    summary = import_file(office, "visits", changed)
    assert (summary.problems, counts(summary)) == ([], (0, 1, 1))
    assert visits(office)["V-2"][:1] == ("Drip",)
    assert visits(office)["V-2"][2].date() == dt.date(2025, 4, 3)


def test_quoted_cells_with_line_breaks(office: Engine, tmp_path: Path) -> None:
    text = HEADER + (
        'V-1,C-1,2025-03-04 09:30,"No heat,\nupstairs",Old unit\n'
        'V-2,C-1,2025-03-05 09:30,Noisy fan,"Said ""soon""\r\nand left"\n'
        "V-3,C-1,2025-03-06 09:30,Leak,\n"
    )
    path = write_csv(tmp_path, text)
    assert counts(import_file(office, "visits", path)) == (3, 0, 0)
    assert counts(import_file(office, "visits", path)) == (0, 0, 3)
    edited = write_csv(tmp_path, text.replace("upstairs", "downstairs"), "edited.csv")
    summary = import_file(office, "visits", edited)
    assert (summary.problems, counts(summary)) == ([], (0, 1, 2))
    assert visits(office)["V-1"][0] == "No heat,\ndownstairs"
    assert visits(office)["V-2"][1] == 'Said "soon"\r\nand left'
    # A problem below the quoted cells still names the file's own line.
    broken = text.replace("V-3,C-1,2025-03-06", "V-3,C-404,2025-03-06")
    refused = import_file(office, "visits", write_csv(tmp_path, broken, "broken.csv"))
    assert [str(problem) for problem in refused.problems] == [
        "row 6, column customer_external_id: no customer with external id 'C-404'"
    ]


def test_the_same_rows_with_a_bom_or_crlf_line_ends_are_unchanged(
    office: Engine, tmp_path: Path
) -> None:
    """Line ends and a byte-order mark are how the file is stored, not what its cells say."""
    import_file(office, "visits", write_csv(tmp_path, VISITS))
    before = dump(office)
    for name, text in (
        ("crlf.csv", VISITS.replace("\n", "\r\n")),
        ("bom.csv", "\ufeff" + VISITS),
        ("both.csv", "\ufeff" + VISITS.replace("\n", "\r\n")),
    ):
        summary = import_file(office, "visits", write_csv(tmp_path, text, name))
        assert (summary.problems, counts(summary)) == ([], (0, 0, 3)), name
    assert dump(office) == before


def test_an_unchanged_row_repeated_is_refused_and_nothing_written(
    office: Engine, tmp_path: Path
) -> None:
    import_file(office, "visits", write_csv(tmp_path, VISITS))
    before = dump(office)
    twice = VISITS.replace("Leak", "Drip") + "V-2,C-1,2025-03-05 09:30,Noisy fan,\n"
    summary = import_file(office, "visits", write_csv(tmp_path, twice, "twice.csv"))
    assert [str(problem) for problem in summary.problems] == [
        "row 5, column external_id: 'V-2' is already on row 3"
    ]
    assert dump(office) == before


def test_a_changed_row_repeating_an_unchanged_ones_id_is_refused(
    office: Engine, tmp_path: Path
) -> None:
    """Either order: the unchanged row first, or the changed one."""
    import_file(office, "visits", write_csv(tmp_path, VISITS))
    before = dump(office)
    later = VISITS + "V-1,C-1,2025-03-04 09:30,No heat at all,Old unit\n"
    summary = import_file(office, "visits", write_csv(tmp_path, later, "later.csv"))
    assert [str(problem) for problem in summary.problems] == [
        "row 5, column external_id: 'V-1' is already on row 2"
    ]
    earlier = HEADER + "V-3,C-1,2025-03-06 09:30,Drip,\n" + VISITS[len(HEADER) :]
    summary = import_file(office, "visits", write_csv(tmp_path, earlier, "earlier.csv"))
    assert [str(problem) for problem in summary.problems] == [
        "row 5, column external_id: 'V-3' is already on row 2"
    ]
    assert dump(office) == before


def test_skip_invalid_rejects_the_repeat_and_writes_the_change(
    office: Engine, tmp_path: Path
) -> None:
    import_file(office, "visits", write_csv(tmp_path, VISITS))
    twice = VISITS.replace("Leak", "Drip") + "V-1,C-1,2025-03-04 09:30,No heat,Old unit\n"
    summary = import_file(
        office, "visits", write_csv(tmp_path, twice, "twice.csv"), skip_invalid=True
    )
    assert (summary.problems, counts(summary), summary.rejected) == ([], (0, 1, 2), 1)
    assert [(reject.line, reject.reasons) for reject in summary.rejects] == [
        (5, ["external_id: 'V-1' is already on row 2"])
    ]
    assert visits(office)["V-3"][0] == "Drip"


def test_many_changed_rows_are_read_again_with_the_same_result(
    office: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More changed rows than the scan keeps: the file is read a second time instead."""
    monkeypatch.setattr(importer_module, "PRESCAN_KEEP_ROWS", 1)
    monkeypatch.setattr(importer_module, "SCAN_ROWS", 1)
    import_file(office, "visits", write_csv(tmp_path, VISITS))
    changed = VISITS.replace("Leak", "Drip").replace("No heat", "No hot water")
    summary = import_file(office, "visits", write_csv(tmp_path, changed, "changed.csv"))
    assert (summary.problems, summary.rows, counts(summary)) == ([], 3, (0, 2, 1))
    assert {key: (value[0], value[3]) for key, value in visits(office).items()} == {
        "V-1": ("No hot water", 2),
        "V-2": ("Noisy fan", 1),
        "V-3": ("Drip", 2),
    }


# -- re-importing an edited file is importing it afresh ----------------------------------------

ROWS = [
    ("V-1", "2025-03-04 09:30", "No heat", "Old unit"),
    ("V-2", "2025-03-05 09:30", "Noisy fan", ""),
    ("V-3", "16/03/2025 09:30", "Leak", "Asked about a softener"),
    ("V-4", "2025-03-07 09:30", "Smell of gas", ""),
    ("V-5", "2025-03-08 09:30", "", "Came back twice"),
]
cell = st.text(st.sampled_from("ab ,\"\n'é"), max_size=6)
when = st.sampled_from(["2025-03-09 08:00", "09/03/2025 08:00", "", "not a date", "13/13/2025"])


@st.composite
def edits(draw: st.DrawFn) -> list[tuple[str, ...]]:
    """The file's rows after a night's changes: cells edited, rows added, dropped, moved."""
    rows = [list(row) for row in ROWS]
    for _ in range(draw(st.integers(0, 4))):
        action = draw(st.sampled_from(["edit", "date", "add", "drop", "swap", "repeat"]))
        at = draw(st.integers(0, len(rows) - 1)) if rows else 0
        if action == "edit" and rows:
            rows[at][draw(st.integers(2, 3))] = draw(cell)
        elif action == "date" and rows:
            rows[at][1] = draw(when)
        elif action == "add":
            rows.insert(at, [f"V-{len(rows) + 10}", draw(when), draw(cell), draw(cell)])
        elif action == "drop" and rows:
            rows.pop(at)
        elif action == "swap" and len(rows) > 1:
            rows[0], rows[at] = rows[at], rows[0]
        elif action == "repeat" and rows:
            rows.append(list(rows[at]))
    return [tuple(row) for row in rows]


def as_csv(rows: list[tuple[str, ...]]) -> str:
    def quoted(value: str) -> str:
        if any(mark in value for mark in ',"\n'):
            return '"' + value.replace('"', '""') + '"'
        return value

    lines = [f"{i},C-1,{quoted(w)},{quoted(p)},{quoted(n)}" for i, w, p, n in rows]
    return HEADER + "".join(line + "\n" for line in lines)


@pytest.fixture(scope="module")
def blank_office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A migrated SQLite office with one customer, copied for each example."""
    path = tmp_path_factory.mktemp("office") / "office.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_database(engine)
    with session_factory(engine).begin() as session:
        factories.customer(session, external_id="C-1", account_number="A-1", name="Ada Park")
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    yield path


def office_copy(blank: Path, folder: Path, name: str) -> Engine:
    path = folder / name
    for stale in folder.glob(name + "*"):
        stale.unlink()
    shutil.copy(blank, path)
    return make_engine(f"sqlite:///{path}")


def visit_rows(engine: Engine) -> dict[str, tuple[Any, ...]]:
    """The visits as the desk sees them (without ids and versions, which history sets)."""
    with session_factory(engine)() as session:
        return {
            v.external_id or "": (
                v.customer_id,
                v.scheduled_for,
                v.completed_at,
                v.status,
                v.problem,
                v.tech_notes,
            )
            for v in session.scalars(select(ServiceVisit))
        }


@pytest.mark.parametrize("scan", [True, False], ids=["scan", "by id"])
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(edited=edits(), skip_invalid=st.booleans())
def test_reimporting_an_edited_file_is_importing_it_afresh(
    blank_office: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    scan: bool,
    edited: list[tuple[str, ...]],
    skip_invalid: bool,
) -> None:
    """After last night's file, tonight's edited one leaves each of its rows as a fresh import
    of it would; rows it no longer has stay as they were; a refusal changes nothing."""
    monkeypatch.setattr(importer_module, "worth_loading", lambda *_args: scan)
    first = write_csv(tmp_path, as_csv(ROWS), "first.csv")
    second = write_csv(tmp_path, as_csv(edited), "second.csv")
    again = office_copy(blank_office, tmp_path, "again.sqlite")
    fresh = office_copy(blank_office, tmp_path, "fresh.sqlite")
    try:
        assert import_file(again, "visits", first).written
        before = visit_rows(again)
        reimport = import_file(again, "visits", second, skip_invalid=skip_invalid)
        afresh = import_file(fresh, "visits", second, skip_invalid=skip_invalid)
        assert [str(p) for p in reimport.problems] == [str(p) for p in afresh.problems]
        assert [(r.line, r.reasons) for r in reimport.rejects] == [
            (r.line, r.reasons) for r in afresh.rejects
        ]
        assert reimport.rows == afresh.rows
        after, wanted = visit_rows(again), visit_rows(fresh)
        if not reimport.written:
            assert after == before
            return
        assert {key: after[key] for key in wanted} == wanted
        assert {key: after[key] for key in after if key not in wanted} == {
            key: before[key] for key in before if key not in wanted
        }
        # Rows that were not written again are exactly those the file holds unchanged.
        assert reimport.created + reimport.updated + reimport.unchanged == afresh.created
    finally:
        again.dispose()
        fresh.dispose()
