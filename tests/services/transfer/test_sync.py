"""The nightly sync of the export folder: order, re-runs, desk work, refusals, rejects, the lock.

The folder holds the console's own exports (built-in presets), named so that their name order
is the wrong import order. Every test works on both backends where the database matters.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import logging
import os
import threading
import time
import types
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from console.database import make_engine, session_factory
from console.migrate import upgrade_database
from console.models import (
    Customer,
    Referral,
    ReferralStatus,
    SyncFile,
    SyncFileOutcome,
    SyncOutcome,
    SyncRun,
)
from console.services.demo import seed_demo
from console.services.referrals.lifecycle import tell_tech
from console.services.transfer import sync as sync_module
from console.services.transfer.exporter import export_kind
from console.services.transfer.kinds import KINDS
from console.services.transfer.sync import (
    PRESETS_MODULE,
    SyncRefused,
    claim_run,
    default_rejects_dir,
    recent_runs,
    sync_folder,
)
from tests.conftest import DEMO_TODAY

# Our own exports, named so that sorting by name gives the wrong import order.
EXPORTS = {
    "notes": "a-notes.csv",
    "referrals": "b-referrals.csv",
    "visits": "c-visits.csv",
    "equipment": "d-equipment.xlsx",
    "customers": "e-customers.csv",
    "salespeople": "f-salespeople.csv",
    "technicians": "g-technicians.csv",
    "sites": "h-sites.csv",
}


@pytest.fixture
def presets() -> types.ModuleType:
    """The presets package, whose functions a test may replace."""
    return importlib.import_module(PRESETS_MODULE)


# -- the office system's folder ---------------------------------------------------------------


def settled(path: Path) -> None:
    """As if the file had been written a minute ago."""
    then = time.time() - 60
    os.utime(path, (then, then))


@pytest.fixture(scope="module")
def office_exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo office's exports of every kind, made once for the module."""
    folder = tmp_path_factory.mktemp("exports")
    engine = make_engine(f"sqlite:///{folder / 'office.sqlite'}")
    upgrade_database(engine)
    seed_demo(engine, customers=12, seed=3, today=DEMO_TODAY)
    files = folder / "files"
    files.mkdir()
    for kind, name in EXPORTS.items():
        export_kind(engine, kind, files / name)
    engine.dispose()
    return files


@pytest.fixture
def drop(tmp_path: Path, office_exports: Path) -> Path:
    """The watched folder, holding a copy of the office's exports."""
    folder = tmp_path / "drop"
    folder.mkdir()
    for source in office_exports.iterdir():
        (folder / source.name).write_bytes(source.read_bytes())
        settled(folder / source.name)
    return folder


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as target:
        csv.writer(target).writerows(rows)
    settled(path)
    return path


def customers(path: Path, rows: list[dict[str, str]]) -> Path:
    """A customers file with the console's own header (a built-in preset)."""
    header = KINDS["customers"].columns
    return write_csv(path, [header, *([row.get(name, "") for name in header] for row in rows)])


def counts(run: SyncRun) -> dict[str, tuple[int, int, int, int]]:
    return {
        kind.kind: (kind.created, kind.updated, kind.unchanged, kind.rejected)
        for file in run.files
        for kind in file.kinds
    }


def stored_runs(engine: Engine) -> list[SyncRun]:
    with session_factory(engine)() as session:
        return recent_runs(session, 50)


# -- order, re-runs, desk work ----------------------------------------------------------------


def test_files_import_in_dependency_order_and_a_second_run_changes_nothing(
    engine: Engine, drop: Path
) -> None:
    first = sync_folder(engine, drop, actor="night")
    assert first.outcome == SyncOutcome.DONE
    assert [f.outcome for f in first.files] == [SyncFileOutcome.IMPORTED] * len(EXPORTS)
    kinds = [f.kinds[0].kind for f in first.files]
    assert kinds[:2] == ["technicians", "salespeople"] or kinds[:2] == [
        "salespeople",
        "technicians",
    ]
    assert kinds[2:] == ["customers", "sites", "equipment", "visits", "referrals", "notes"]
    assert [f.name for f in first.files][2:] == [
        "e-customers.csv",
        "h-sites.csv",
        "d-equipment.xlsx",
        "c-visits.csv",
        "b-referrals.csv",
        "a-notes.csv",
    ]
    assert all(created > 0 and updated == 0 for created, updated, _, _ in counts(first).values())
    with session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == 12

    second = sync_folder(engine, drop, actor="night")
    assert second.outcome == SyncOutcome.DONE
    for kind, (created, updated, unchanged, rejected) in counts(second).items():
        assert (created, updated, rejected) == (0, 0, 0), kind
        created_before, _, unchanged_before, _ = counts(first)[kind]
        # A customer's first site is made with the customer; its row in the sites file then
        # finds it as it is.
        assert unchanged == created_before + unchanged_before, kind
    runs = stored_runs(engine)
    assert [run.id for run in runs] == [second.id, first.id]
    assert runs[0].actor == "night" and runs[0].finished_at is not None


def test_desk_work_between_runs_survives_the_next_sync(engine: Engine, drop: Path) -> None:
    """A referral moved forward at the desk stays forward; a phone edited at the desk stays
    while the office system's export of that customer is unchanged."""
    sync_folder(engine, drop)
    with session_factory(engine).begin() as session:
        # Desk work a file cannot carry: the tech told of an outcome, which no export undoes.
        referral = session.scalars(
            select(Referral)
            .where(
                Referral.status.in_((ReferralStatus.WON, ReferralStatus.LOST)),
                Referral.tech_informed_at.is_(None),
            )
            .order_by(Referral.id)
        ).first()
        assert referral is not None, "the demo office has an outcome the tech was not told"
        tell_tech(session, referral.id, "dee", thanked=True)
        moved, status = referral.id, referral.status
        customer = session.scalars(select(Customer).order_by(Customer.id)).first()
        assert customer is not None
        customer.phone = "555-0199 (desk)"
        edited = customer.id

    again = sync_folder(engine, drop)
    assert again.outcome == SyncOutcome.DONE
    with session_factory(engine)() as session:
        referral = session.get(Referral, moved)
        customer = session.get(Customer, edited)
        assert referral is not None and customer is not None
        assert referral.status == status
        assert referral.tech_informed_at is not None and referral.tech_thanked
        assert customer.phone == "555-0199 (desk)"


SAMPLES = Path(__file__).resolve().parents[2] / "data" / "presets"


@pytest.mark.parametrize("vendor", ["housecall-pro", "jobber", "quickbooks", "servicetitan"])
def test_a_folder_of_a_vendors_sample_exports_goes_in_then_is_unchanged(
    engine: Engine, tmp_path: Path, vendor: str
) -> None:
    folder = tmp_path / "drop"
    folder.mkdir()
    for sample in SAMPLES.glob(f"{vendor}-*"):
        (folder / sample.name).write_bytes(sample.read_bytes())
        settled(folder / sample.name)
    first = sync_folder(engine, folder)
    assert first.outcome == SyncOutcome.DONE, [(f.name, f.reason) for f in first.files]
    assert all(f.outcome == SyncFileOutcome.IMPORTED for f in first.files)
    assert first.files and all(f.total("created") > 0 for f in first.files)
    kinds = [kind.kind for file in first.files for kind in file.kinds]
    if "visits" in kinds:  # a jobs export names the customers of the customers export
        assert kinds.index("visits") > kinds.index("customers")

    second = sync_folder(engine, folder)
    assert second.outcome == SyncOutcome.DONE
    for file, before in zip(second.files, first.files, strict=True):
        assert file.name == before.name
        for kind, made in zip(file.kinds, before.kinds, strict=True):
            assert (kind.created, kind.updated, kind.rejected) == (0, 0, 0), (file.name, kind.kind)
            assert kind.unchanged == made.created, (file.name, kind.kind)


# -- refusals ---------------------------------------------------------------------------------


def test_a_refused_file_does_not_stop_the_others(engine: Engine, drop: Path) -> None:
    write_csv(drop / "0-mystery.csv", [["colour", "flavour"], ["red", "sweet"]])
    customers = list(csv.reader((drop / "e-customers.csv").open(encoding="utf-8-sig")))
    header = customers[0]
    bad = list(customers[1])
    bad[header.index("external_id")] = "NEW-1"
    bad[header.index("account_number")] = "NEW-1"
    bad[header.index("email")] = "not an address"
    write_csv(drop / "e-customers.csv", [header, *customers[1:], bad])

    run = sync_folder(engine, drop)

    assert run.outcome == SyncOutcome.PARTIAL
    by_name = {file.name: file for file in run.files}
    mystery = by_name["0-mystery.csv"]
    assert mystery.outcome == SyncFileOutcome.REFUSED
    assert mystery.reason is not None and "no preset recognises its header" in mystery.reason
    refused = by_name["e-customers.csv"]
    assert refused.outcome == SyncFileOutcome.REFUSED
    assert refused.problems is not None
    line = len(customers) + 1
    assert f"customers: row {line}, column email:" in refused.problems
    assert refused.reason == "1 problem(s); nothing of this file was imported"
    # Files that depend on the refused customers are refused by their references; staff went in.
    assert by_name["g-technicians.csv"].outcome == SyncFileOutcome.IMPORTED
    assert by_name["f-salespeople.csv"].outcome == SyncFileOutcome.IMPORTED
    with session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == 0
    assert stored_runs(engine)[0].message is not None


@pytest.mark.expect_log("console.services.transfer.sync", logging.ERROR)
def test_an_unexpected_error_in_one_file_is_logged_and_the_others_go_in(
    engine: Engine, drop: Path, presets: types.ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = presets.import_with_preset

    def flaky(engine: Engine, path: Path, preset: Any, **options: Any) -> Any:
        if path.name == "a-notes.csv":
            raise KeyError("pinned")
        return real(engine, path, preset, **options)

    monkeypatch.setattr(presets, "import_with_preset", flaky)
    run = sync_folder(engine, drop)
    assert run.outcome == SyncOutcome.PARTIAL
    notes = run.files[-1]
    assert (notes.name, notes.outcome) == ("a-notes.csv", SyncFileOutcome.REFUSED)
    assert notes.reason == (
        "unexpected error (KeyError: 'pinned'); the details are in the log file"
    )
    assert [f.outcome for f in run.files[:-1]] == [SyncFileOutcome.IMPORTED] * (len(EXPORTS) - 1)


def test_a_staff_file_not_named_for_its_role_is_refused_saying_how_to_name_it(
    engine: Engine, tmp_path: Path, office_exports: Path
) -> None:
    folder = tmp_path / "drop"
    folder.mkdir()
    staff = folder / "staff.csv"
    staff.write_bytes((office_exports / EXPORTS["salespeople"]).read_bytes())
    settled(staff)

    run = sync_folder(engine, folder)

    (file,) = stored_runs(engine)[0].files
    assert run.outcome == SyncOutcome.REFUSED and file.outcome == SyncFileOutcome.REFUSED
    assert file.reason.startswith("technicians and salespeople have the same columns: name")


def test_the_log_is_written_even_when_every_file_is_refused(engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "drop"
    folder.mkdir()
    write_csv(folder / "one.csv", [["what"], ["x"]])
    (folder / "two.xlsx").write_bytes(b"not a workbook at all")
    settled(folder / "two.xlsx")

    run = sync_folder(engine, folder)

    assert run.outcome == SyncOutcome.REFUSED
    assert run.message == "2 of 2 file(s) refused"
    stored = stored_runs(engine)[0]
    assert [(f.name, f.outcome) for f in stored.files] == [
        ("one.csv", SyncFileOutcome.REFUSED),
        ("two.xlsx", SyncFileOutcome.REFUSED),
    ]
    assert all(f.reason for f in stored.files)


def test_unfinished_and_foreign_files_are_left_alone(engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / "~$clients.xlsx").write_bytes(b"lock")
    (folder / ".partial.csv").write_text("external_id,name\n", encoding="utf-8")
    (folder / "readme.txt").write_text("hello", encoding="utf-8")
    (folder / "customers.csv").write_text("external_id,name\nC1,Miller\n", encoding="utf-8")
    (folder / "empty.csv").write_bytes(b"")
    settled(folder / "empty.csv")

    run = sync_folder(engine, folder)

    assert [(f.name, f.outcome) for f in run.files] == [
        ("customers.csv", SyncFileOutcome.WAITING),
        ("empty.csv", SyncFileOutcome.WAITING),
    ]
    assert "still being written" in (run.files[0].reason or "")
    assert run.outcome == SyncOutcome.DONE
    with session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == 0


def test_a_dry_run_writes_nothing_not_even_the_log(engine: Engine, drop: Path) -> None:
    run = sync_folder(engine, drop, dry_run=True)
    assert run.id is None
    outcomes = {f.name: f.outcome for f in run.files}
    assert outcomes["g-technicians.csv"] == SyncFileOutcome.CHECKED
    assert stored_runs(engine) == []
    with session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == 0


def test_a_missing_folder_is_refused_and_logs_nothing(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(SyncRefused, match="no such folder"):
        sync_folder(engine, tmp_path / "nowhere")
    assert stored_runs(engine) == []


# -- skip-invalid and the rejects -------------------------------------------------------------


def test_skip_invalid_writes_the_good_rows_and_the_rejects_outside_the_folder(
    engine: Engine, tmp_path: Path
) -> None:
    folder = tmp_path / "drop"
    folder.mkdir()
    customers(
        folder / "clients.csv",
        [
            {"external_id": "C1", "name": "Miller", "email": "miller@example.com"},
            {"external_id": "C2", "name": "Okafor", "email": "not an address"},
            {"external_id": "C3", "name": "Lindqvist", "phone": "555-0103"},
        ],
    )

    run = sync_folder(engine, folder, skip_invalid=True)

    (file,) = run.files
    assert file.outcome == SyncFileOutcome.IMPORTED
    assert counts(run)["customers"] == (2, 0, 0, 1)
    rejects_dir = default_rejects_dir(folder)
    assert rejects_dir == tmp_path / "drop rejects"
    assert file.rejects_path is not None
    written = Path(file.rejects_path)
    assert written.parent == rejects_dir
    assert list(folder.iterdir()) == [folder / "clients.csv"]
    rows = list(csv.reader(written.open(encoding="utf-8-sig")))
    header = KINDS["customers"].columns
    assert rows[0] == [*header, "reason"]
    assert len(rows) == 2
    okafor = dict(zip(rows[0], rows[1], strict=True))
    assert (okafor["external_id"], okafor["name"], okafor["email"]) == (
        "C2",
        "Okafor",
        "not an address",
    )
    assert okafor["reason"].startswith("email: ")
    assert file.reason == f"1 row(s) left out; they are in {written}"
    with session_factory(engine)() as session:
        names = session.scalars(select(Customer.name).order_by(Customer.name)).all()
    assert names == ["Lindqvist", "Miller"]


def test_without_skip_invalid_the_same_file_writes_nothing(engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "drop"
    folder.mkdir()
    customers(
        folder / "clients.csv",
        [
            {"external_id": "C1", "name": "Miller"},
            {"external_id": "C2", "name": "Okafor", "email": "nope"},
        ],
    )
    run = sync_folder(engine, folder)
    assert run.files[0].outcome == SyncFileOutcome.REFUSED
    assert not default_rejects_dir(folder).exists()
    with session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == 0


def test_a_rejects_folder_inside_the_watched_folder_is_refused(engine: Engine, drop: Path) -> None:
    with pytest.raises(SyncRefused, match="inside the synced folder"):
        sync_folder(engine, drop, skip_invalid=True, rejects_dir=drop / "rejects")
    assert stored_runs(engine) == []
    with session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == 0


# -- one sync at a time -----------------------------------------------------------------------


def test_a_second_sync_is_refused_while_one_runs(
    engine: Engine, drop: Path, presets: types.ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    inside, release = threading.Event(), threading.Event()
    real = presets.import_with_preset

    def slow(*args: Any, **kwargs: Any) -> Any:
        inside.set()
        release.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(presets, "import_with_preset", slow)
    outcome: dict[str, Any] = {}

    def first() -> None:
        outcome["run"] = sync_folder(engine, drop, actor="cron")

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert inside.wait(30)
        with pytest.raises(SyncRefused) as refused:
            sync_folder(engine, drop, actor="desk 2")
        message = str(refused.value)
        assert message.startswith("another sync is running (run ")
        assert "by cron on " in message
        assert message.endswith("nothing was imported, try again when it has finished")
    finally:
        release.set()
        thread.join(60)
    assert outcome["run"].outcome == SyncOutcome.DONE
    runs = stored_runs(engine)
    assert [run.actor for run in runs] == ["cron"]  # the refused one left no run behind
    # Once the first has finished, the next one goes ahead.
    assert sync_folder(engine, drop, actor="desk 2").outcome == SyncOutcome.DONE


def test_claims_at_the_same_moment_let_exactly_one_through(engine: Engine, tmp_path: Path) -> None:
    start = threading.Barrier(4)
    results: list[str] = []

    def claim(n: int) -> None:
        start.wait()
        try:
            claim_run(engine, tmp_path, actor=f"desk {n}", skip_invalid=False)
            results.append("claimed")
        except SyncRefused:
            results.append("refused")

    threads = [threading.Thread(target=claim, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(results) == ["claimed", "refused", "refused", "refused"]


def test_an_sqlite_database_busy_writing_refuses_the_sync_clearly(
    tmp_path: Path, drop: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    import console.database

    monkeypatch.setattr(console.database, "SQLITE_BUSY_TIMEOUT_MS", 200)
    path = tmp_path / "busy.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_database(engine)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process's long import holds the write lock
    try:
        with pytest.raises(SyncRefused, match=r"^the database is busy writing"):
            sync_folder(engine, drop)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert stored_runs(engine) == []
    engine.dispose()


def test_a_run_left_by_a_process_that_went_away_is_taken_over(
    engine: Engine, drop: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stale = claim_run(engine, drop, actor="crashed", skip_invalid=False)
    monkeypatch.setattr(sync_module, "_pid_alive", lambda pid: False)
    run = sync_folder(engine, drop)
    assert run.outcome == SyncOutcome.DONE
    with session_factory(engine)() as session:
        old = session.get(SyncRun, stale)
        assert old is not None
        assert old.outcome == SyncOutcome.ABANDONED
        assert old.message == "its process went away before it finished"


def test_a_run_silent_for_too_long_no_longer_blocks(engine: Engine, drop: Path) -> None:
    stale = claim_run(engine, drop, actor="elsewhere", skip_invalid=False)
    with session_factory(engine).begin() as session:
        old = session.get(SyncRun, stale)
        assert old is not None
        old.host = "another-computer"
        old.heartbeat_at = dt.datetime.now(dt.UTC) - sync_module.STALE_AFTER - dt.timedelta(1)
    assert sync_folder(engine, drop).outcome == SyncOutcome.DONE


# -- the log ----------------------------------------------------------------------------------


def test_the_log_keeps_each_file_with_size_time_preset_and_counts(
    engine: Engine, drop: Path
) -> None:
    sync_folder(engine, drop, actor="night")
    run = stored_runs(engine)[0]
    by_name = {file.name: file for file in run.files}
    customers = by_name["e-customers.csv"]
    assert customers.size == (drop / "e-customers.csv").stat().st_size
    modified = dt.datetime.fromtimestamp((drop / "e-customers.csv").stat().st_mtime, dt.UTC)
    assert abs(customers.modified_at - modified) < dt.timedelta(seconds=1)
    assert customers.preset == "console-customers"
    assert customers.total("created") == 12
    assert run.outcome == SyncOutcome.DONE
    assert run.folder == str(drop)
    with session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(SyncFile)) == len(EXPORTS)


def test_progress_is_told_file_by_file_and_a_cancel_stops_between_files(
    engine: Engine, drop: Path
) -> None:
    told: list[tuple[int, int | None, str]] = []
    stop = {"now": False}

    def progress(done: int, total: int | None, text: str) -> None:
        told.append((done, total, text))
        if "e-customers.csv" in text:
            stop["now"] = True

    run = sync_folder(engine, drop, progress=progress, cancelled=lambda: stop["now"])
    assert run.outcome == SyncOutcome.CANCELLED
    outcomes = [f.outcome for f in run.files]
    assert outcomes[:2] == [SyncFileOutcome.IMPORTED] * 2
    assert SyncFileOutcome.IMPORTED not in outcomes[2:]
    assert told[0] == (0, len(EXPORTS), f"importing {run.files[0].name}")


def test_a_file_rewritten_while_it_is_imported_writes_nothing_and_waits(
    engine: Engine, tmp_path: Path
) -> None:
    folder = tmp_path / "drop"
    folder.mkdir()
    path = customers(folder / "customers.csv", [{"external_id": "C1", "name": "Miller"}])

    rewritten: list[str] = []

    def rewrite_midway(_done: int, _total: int | None, text: str) -> None:
        # The office's system writes its next export once this one has begun to be read.
        if not rewritten:
            rewritten.append(text)
            with path.open("a", encoding="utf-8", newline="") as target:
                target.write("C2,Okafor" + "," * (len(KINDS["customers"].columns) - 2) + "\n")

    run = sync_folder(engine, folder, progress=rewrite_midway)
    assert [(f.name, f.outcome) for f in run.files] == [("customers.csv", SyncFileOutcome.WAITING)]
    assert run.files[0].reason == (
        "it changed while it was imported; nothing of it was written, the next sync takes it"
    )
    with session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == 0

    settled(path)
    again = sync_folder(engine, folder)
    assert again.files[0].outcome == SyncFileOutcome.IMPORTED
    with session_factory(engine)() as session:
        names = set(session.scalars(select(Customer.name)))
    assert {"Miller", "Okafor"} <= names


def test_a_file_whose_name_holds_a_control_code_is_logged_and_the_others_go_in(
    engine: Engine, drop: Path
) -> None:
    """The sync's log names files as the folder has them; the run goes on past that one."""
    write_csv(drop / "0-odd\x01name.csv", [["colour", "flavour"], ["red", "sweet"]])
    run = sync_folder(engine, drop)
    by_name = {file.name: file for file in run.files}
    assert by_name["0-odd\x01name.csv"].outcome == SyncFileOutcome.REFUSED
    assert by_name["e-customers.csv"].outcome == SyncFileOutcome.IMPORTED
    assert run.outcome == SyncOutcome.PARTIAL
