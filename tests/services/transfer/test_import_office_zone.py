"""An imported time without a zone is the office's wall-clock time, not the computer's.

The office is in New York while the computer runs on Sydney time, so reading a naive time in
the machine's zone would land every row half a day out. Times are read as `as_utc` reads a
time typed at the desk: one the clocks skip (02:30 on 8 March 2026, when New York springs
forward) keeps the offset in force before the change and so becomes 03:30 EDT, 07:30 UTC; one
the clocks show twice (01:30 on 1 November 2026, when New York falls back) is its first
occurrence, 01:30 EDT, 05:30 UTC. A time that carries its own offset keeps it.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from console.database import session_factory
from console.models import ServiceVisit
from console.services.office.clock import configure_office_zone
from console.services.transfer.exporter import export_kind
from console.services.transfer.importer import import_file
from console.services.transfer.table_file import open_table
from console.services.transfer.values import parse_datetime
from tests import factories
from tests.dump import dump, write_csv

OFFICE = "America/New_York"
MACHINE = "Australia/Sydney"


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC)


# The cell as a file has it, and the UTC moment it stands for in a New York office.
TIMES = [
    ("2026-03-08 02:30", utc(2026, 3, 8, 7, 30)),  # skipped: forward by the gap, 03:30 EDT
    ("2026-11-01 01:30", utc(2026, 11, 1, 5, 30)),  # shown twice: the first, 01:30 EDT
    ("2026-06-15 09:00", utc(2026, 6, 15, 13)),  # summer, EDT
    ("15/01/2026 09:00", utc(2026, 1, 15, 14)),  # winter, EST, day first
    ("2026-01-15", utc(2026, 1, 15, 5)),  # a bare date is the office's midnight
    ("2026-06-15T09:00:00+02:00", utc(2026, 6, 15, 7)),  # its own offset wins
]

VISITS = {
    "V-GAP": ("2026-03-08 02:30", utc(2026, 3, 8, 7, 30)),
    "V-FOLD": ("2026-11-01 01:30", utc(2026, 11, 1, 5, 30)),
    "V-PLAIN": ("2026-06-15 09:00", utc(2026, 6, 15, 13)),
}


@pytest.fixture
def office_in_new_york_machine_in_sydney() -> Iterator[None]:
    """The office's zone set in its settings; the computer's own zone somewhere else."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TZ", MACHINE)
        time.tzset()
        configure_office_zone(OFFICE)
        yield
    time.tzset()


def machine_offset(naive: dt.datetime) -> dt.timedelta | None:
    return naive.astimezone().utcoffset()


def test_the_machine_really_is_in_another_zone(office_in_new_york_machine_in_sydney: None) -> None:
    """Guards the other tests: Sydney's offset, not New York's, is the computer's."""
    assert machine_offset(dt.datetime(2026, 6, 15, 9)) == dt.timedelta(hours=10)
    assert machine_offset(dt.datetime(2026, 1, 15, 9)) == dt.timedelta(hours=11)


@pytest.mark.parametrize(("text", "moment"), TIMES)
def test_a_cell_is_read_on_the_office_clock(
    office_in_new_york_machine_in_sydney: None, text: str, moment: dt.datetime
) -> None:
    value = parse_datetime(text, day_first=True)
    assert value == moment
    assert value.tzinfo is dt.UTC


def visits_file(folder: Path) -> Path:
    rows = "".join(f"{key},C-1,Ana Tech,{text},Check\n" for key, (text, _) in VISITS.items())
    return write_csv(
        folder, "external_id,customer_external_id,technician,scheduled_for,problem\n" + rows
    )


def domain_rows(engine: Engine) -> dict[str, list[tuple]]:
    """Every table but the import fingerprints, which a successful import refreshes."""
    return {name: rows for name, rows in dump(engine).items() if name != "import_fingerprints"}


def stored_times(engine: Engine) -> dict[str, dt.datetime]:
    with session_factory(engine)() as session:
        return {
            str(visit.external_id): visit.scheduled_for.astimezone(dt.UTC)
            for visit in session.scalars(select(ServiceVisit))
        }


@pytest.fixture
def office(engine: Engine, office_in_new_york_machine_in_sydney: None) -> Engine:
    with session_factory(engine).begin() as session:
        factories.customer(session, external_id="C-1", name="Existing Customer")
        factories.staff(session, "Ana Tech", external_id="T-1")
    return engine


def test_imported_visits_land_at_the_office_moment(office: Engine, tmp_path: Path) -> None:
    summary = import_file(office, "visits", visits_file(tmp_path))
    assert (summary.problems, summary.created) == ([], len(VISITS))
    assert stored_times(office) == {key: moment for key, (_, moment) in VISITS.items()}


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_then_import_changes_nothing_even_in_another_office_zone(
    office: Engine, tmp_path: Path, suffix: str
) -> None:
    """The export writes each moment with its offset, so no zone can move it on the way back."""
    assert import_file(office, "visits", visits_file(tmp_path)).problems == []
    exported = tmp_path / f"visits{suffix}"
    export_kind(office, "visits", exported)
    written = {
        key: when
        for chunk in open_table(exported).chunks()
        for key, when in zip(chunk["external_id"], chunk["scheduled_for"], strict=True)
    }
    assert written == {key: moment.isoformat() for key, (_, moment) in VISITS.items()}

    before = domain_rows(office)
    for zone in (OFFICE, "Europe/Berlin"):
        configure_office_zone(zone)
        summary = import_file(office, "visits", exported)
        assert summary.problems == [], zone
        assert (summary.created, summary.updated, summary.unchanged) == (0, 0, len(VISITS))
        assert domain_rows(office) == before


def test_the_same_file_again_in_another_office_zone_is_read_in_that_zone(
    office: Engine, tmp_path: Path
) -> None:
    """A time without a zone means the office's clock, so a new zone is a new reading: the
    row is not skipped as unchanged since its last import."""
    visits = visits_file(tmp_path)
    assert import_file(office, "visits", visits).problems == []
    configure_office_zone("Europe/Berlin")
    summary = import_file(office, "visits", visits)
    assert summary.problems == []
    assert summary.unchanged < len(VISITS)
    moved = stored_times(office)
    assert moved["V-PLAIN"] == utc(2026, 6, 15, 7)  # 09:00 in Berlin's summer
