"""Measure the console against the floor of what this machine can do, in one run.

    python -m bench            # office scale: 100,000 customers (built once, then reused)
    python -m bench --quick    # a few thousand customers, to prove the benchmark still runs
    python -m bench --only import    # one part (repeatable): search, open_customer, briefing,
                                     # dashboard, startup, import

Every figure is a median over repeats, reported with its spread; ratios compare the console's
work with bare sqlite3 or bare ReportLab doing the same work in the same run. The last line of
output is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.bare import bare_canvas_briefing, bare_open_customer, bare_search
from console.database import make_engine, register_sqlite_functions, session_factory
from console.migrate import upgrade_database
from console.services.briefing.content import briefing_content
from console.services.briefing.page import PageSize
from console.services.briefing.render import render_briefing
from console.services.customers.customer_360 import customer_overview, visit_history
from console.services.customers.search import search_customers
from console.services.demo import seed_demo

DATA_DIR = Path(__file__).resolve().parent / "data"
# The benchmark's parts, in the order they run.
PARTS = ("search", "open_customer", "briefing", "dashboard", "startup", "import")
BARE_AGGREGATE = """
SELECT technician_id, count(*), sum(status = 'won'), sum(status = 'lost'),
       sum(CASE WHEN status = 'won' THEN won_value ELSE 0 END),
       avg((julianday(first_contact_at) - julianday(created_at)) * 24),
       sum(status IN ('won', 'lost') AND tech_informed_at IS NOT NULL)
FROM referrals GROUP BY technician_id
"""


def write_visits_csv(raw: sqlite3.Connection, path: Path, rows: int) -> None:
    """Visits of existing customers in the import format, with new external ids."""
    customers = [row[0] for row in raw.execute("SELECT external_id FROM customers")]
    technicians = [
        row[0] for row in raw.execute("SELECT external_id FROM staff WHERE role = 'technician'")
    ]
    rng = random.Random(11)
    partial = path.with_suffix(".part")
    with partial.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "external_id",
                "customer_external_id",
                "technician",
                "scheduled_for",
                "completed_on",
                "status",
                "problem",
                "work_done",
                "tech_notes",
            ]
        )
        for number in range(rows):
            day = dt.date(2016, 1, 1) + dt.timedelta(days=rng.randrange(3650))
            writer.writerow(
                [
                    f"BV-{number:08d}",
                    rng.choice(customers),
                    rng.choice(technicians),
                    f"{day}T09:00:00",
                    f"{day}T10:30:00",
                    "completed",
                    "No heat",
                    "Replaced igniter; tested.",
                    "Unit is getting old.",
                ]
            )
    partial.replace(path)


def write_changed_copy(source: Path, path: Path, every: int = 100) -> int:
    """`source` with one row in `every` changed in one cell (its work done), line by line."""
    changed = 0
    partial = path.with_suffix(".part")
    with (
        source.open(encoding="utf-8", newline="") as reading,
        partial.open("w", encoding="utf-8", newline="") as writing,
    ):
        for number, line in enumerate(reading):
            if number and number % every == 0:
                line = line.replace("Replaced igniter", "Replaced flame sensor", 1)
                changed += 1
            writing.write(line)
    partial.replace(path)
    return changed


def _children_cpu() -> float:
    """CPU seconds (user and system) of the finished child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(work: Callable[[], Any], repeats: int) -> list[float]:
    """Wall-clock milliseconds of each run, after one warm-up run."""
    work()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median": statistics.median(ordered),
        "p10": ordered[len(ordered) // 10],
        "p90": ordered[min(len(ordered) - 1, (len(ordered) * 9) // 10)],
    }


def database(customers: int) -> Path:
    path = DATA_DIR / f"office-{customers}.sqlite"
    if path.exists():
        return path
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".building")
    for stale in DATA_DIR.glob(partial.name + "*"):
        stale.unlink()
    engine = make_engine(f"sqlite:///{partial}")
    upgrade_database(engine)
    started = time.perf_counter()
    print(f"building {customers} customers …", file=sys.stderr, flush=True)
    seed_demo(engine, customers=customers, seed=2026)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    partial.replace(path)
    print(f"built in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return path


class Bench:
    def __init__(self, path: Path, quick: bool) -> None:
        self.path = path
        self.quick = quick
        self.engine = make_engine(f"sqlite:///{path}")
        self.sessions = session_factory(self.engine)
        self.raw = sqlite3.connect(path)
        register_sqlite_functions(self.raw)
        self.rows: list[tuple[str, str, str, str]] = []
        self.figures: dict[str, Any] = {}
        self.rng = random.Random(7)

    def record(
        self, name: str, console: list[float], bare: list[float] | None = None, note: str = ""
    ) -> None:
        ours = summary(console)
        self.figures[f"{name}_ms"] = round(ours["median"], 3)
        spread = f"{ours['p10']:.1f}–{ours['p90']:.1f}"
        if bare is not None:
            floor = summary(bare)
            ratio = ours["median"] / floor["median"]
            self.figures[f"{name}_bare_ms"] = round(floor["median"], 3)
            self.figures[f"{name}_ratio"] = round(ratio, 2)
            self.rows.append(
                (
                    name,
                    f"{ours['median']:.2f} ({spread})",
                    f"{floor['median']:.2f}",
                    f"{ratio:.2f}×",
                )
            )
        else:
            self.rows.append((name, f"{ours['median']:.2f} ({spread})", "", note))

    def customer_ids(self, count: int) -> list[int]:
        total = self.raw.execute("SELECT max(id) FROM customers").fetchone()[0]
        return [self.rng.randrange(1, total + 1) for _ in range(count)]

    def search(self) -> None:
        names = [
            row[0]
            for row in self.raw.execute("SELECT name FROM customers ORDER BY random() LIMIT 40")
        ]
        for length in (3, 6):
            queries = [name.replace(" ", "")[:length].lower() for name in names]
            queries = [q for q in queries if len(q) == length][:20]
            with self.sessions() as session:

                def ours(qs: list[str] = queries, s: Any = session) -> None:
                    for query in qs:
                        search_customers(s, query)

                def bare(qs: list[str] = queries) -> None:
                    for query in qs:
                        bare_search(self.raw, query)

                for query in queries[:5]:
                    got = [hit.id for hit in search_customers(session, query)]
                    assert got == [row[0] for row in bare_search(self.raw, query)], query
                repeats = 5 if self.quick else 15
                console = [t / len(queries) for t in timed(ours, repeats)]
                floor = [t / len(queries) for t in timed(bare, repeats)]
            self.record(f"search_{length}", console, floor)
        self.figures["search_ratio"] = max(
            self.figures["search_3_ratio"], self.figures["search_6_ratio"]
        )
        self.figures["search_ms"] = max(self.figures["search_3_ms"], self.figures["search_6_ms"])

    def open_customer(self) -> None:
        from PySide6.QtCore import QEventLoop, QTimer
        from PySide6.QtWidgets import QApplication

        from console.views.context import DeskContext
        from console.views.customer.customer_view import CustomerView

        app = QApplication.instance() or QApplication([])
        view = CustomerView(DeskContext.for_engine(self.engine, desk_user="bench"))
        view.resize(1100, 800)
        view.show()
        ids = self.customer_ids(30 if self.quick else 60)
        index = iter(range(10**9))

        def show(customer_id: int) -> None:
            """Open a customer and return once the view shows them (it reads on a worker)."""
            loop = QEventLoop()
            view.shown.connect(loop.quit)
            QTimer.singleShot(30_000, loop.quit)
            view.show_customer(customer_id)
            loop.exec()
            view.shown.disconnect(loop.quit)

        def ours() -> None:
            show(ids[next(index) % len(ids)])

        painted_index = iter(range(10**9))

        def painted() -> None:
            show(ids[next(painted_index) % len(ids)])
            view.repaint()
            app.processEvents()

        bare_index = iter(range(10**9))

        def bare() -> None:
            bare_open_customer(self.raw, ids[next(bare_index) % len(ids)])

        # Both sides read every customer once first, so neither pays for pages the other warmed.
        for customer_id in ids:
            bare_open_customer(self.raw, customer_id)
            show(customer_id)
        self.record("open_customer", timed(ours, len(ids)), timed(bare, len(ids)))
        self.record("open_customer_painted", timed(painted, len(ids)), note="and painted offscreen")
        with self.sessions() as session:
            reads = iter(range(10**9))

            def read_only() -> None:
                customer_id = ids[next(reads) % len(ids)]
                customer_overview(session, customer_id)
                visit_history(session, customer_id)

            self.record("open_customer_read", timed(read_only, len(ids)), note="service read alone")
        view.close()

    def briefing(self) -> None:
        typical = self.raw.execute(
            "SELECT customer_id FROM referrals WHERE status = 'appointment_set' ORDER BY id LIMIT 1"
        ).fetchone()[0]
        with self.sessions() as session:
            content = briefing_content(session, typical)
        repeats = 5 if self.quick else 15
        self.record(
            "briefing",
            timed(lambda: render_briefing(content, PageSize.LETTER), repeats),
            timed(lambda: bare_canvas_briefing(content), repeats),
        )
        ids = self.customer_ids(20 if self.quick else 100)

        def batch() -> None:
            for customer_id in ids:
                with self.sessions() as session:
                    render_briefing(briefing_content(session, customer_id), PageSize.LETTER)

        started = time.perf_counter()
        batch()
        seconds = time.perf_counter() - started
        self.figures["briefing_batch_count"] = len(ids)
        self.figures["briefing_batch_s"] = round(seconds, 2)
        self.rows.append(
            (f"{len(ids)} briefings, queries included", f"{seconds * 1000:.0f}", "", "")
        )

    def startup(self) -> None:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        runs = []
        for _ in range(3):
            started = time.time()
            output = subprocess.run(
                [sys.executable, "-m", "bench.startup_probe", f"sqlite:///{self.path}"],
                capture_output=True,
                text=True,
                env=env,
                check=True,
                cwd=Path(__file__).resolve().parent.parent,
            ).stdout
            probe = json.loads(output.strip().splitlines()[-1])
            # From launching the process to the window shown; shutting down is not start-up.
            elapsed = probe["shown_at"] - started
            runs.append((elapsed, probe["rss_mb"]))
        median_start = statistics.median(run[0] for run in runs)
        self.figures["startup_s"] = round(median_start, 3)
        self.figures["rss_mb"] = round(max(run[1] for run in runs), 1)
        self.rows.append(
            (
                "start-up to window shown",
                f"{median_start * 1000:.0f}",
                "",
                f"RSS {self.figures['rss_mb']} MB",
            )
        )

    def import_visits(self) -> None:
        """1,000,000 visit rows from CSV, against sqlite3's own `.import` of the same file.

        Then the same file again, and a copy with 1% of its rows changed: re-imports that
        find most rows unchanged, against the same floor.
        """
        rows = 50_000 if self.quick else 1_000_000
        work = DATA_DIR / "import"
        work.mkdir(parents=True, exist_ok=True)
        csv_path = work / f"visits-{rows}.csv"
        if not csv_path.exists():
            write_visits_csv(self.raw, csv_path, rows)
        copy = work / "office-copy.sqlite"
        for stale in work.glob("office-copy.sqlite*"):
            stale.unlink()
        with sqlite3.connect(copy) as target:
            self.raw.backup(target)
        changed_path = work / f"visits-{rows}-changed.csv"
        if not changed_path.exists():
            write_changed_copy(csv_path, changed_path)
        ours = self.import_probe(copy, csv_path)
        # The nightly case: the same file again, then with one row in a hundred changed.
        again = self.import_probe(copy, csv_path)
        assert again["unchanged"] == rows, again
        changed = self.import_probe(copy, changed_path)
        assert changed["updated"] == rows // 100 and changed["created"] == 0, changed
        bare_db = work / "bare.sqlite"
        bare_db.unlink(missing_ok=True)
        started, children = time.perf_counter(), _children_cpu()
        subprocess.run(
            ["sqlite3", str(bare_db), ".mode csv", f".import --skip 1 {csv_path} visits_bare"],
            check=True,
            input=None,
            capture_output=True,
        )
        bare_seconds = time.perf_counter() - started
        bare_cpu = _children_cpu() - children
        for stale in work.glob("office-copy.sqlite*"):
            stale.unlink()
        bare_db.unlink(missing_ok=True)
        ratio = ours["seconds"] / bare_seconds
        self.figures.update(
            import_rows=rows,
            import_s=round(ours["seconds"], 2),
            import_bare_s=round(bare_seconds, 2),
            import_ratio=round(ratio, 2),
            import_rss_mb=round(ours["rss_mb"], 1),
            import_bare_cpu_s=round(bare_cpu, 2),
            import_cpu_s=round(ours["cpu_seconds"], 2),
        )
        self.rows.append(
            (
                f"import {rows:,} visits",
                f"{ours['seconds'] * 1000:.0f}",
                f"{bare_seconds * 1000:.0f}",
                f"{ratio:.2f}×",
            )
        )
        for name, figures, what in (
            ("reimport_unchanged", again, "re-import, unchanged"),
            ("reimport_changed", changed, "re-import, 1% changed"),
        ):
            ratio = figures["seconds"] / bare_seconds
            self.figures.update(
                {
                    f"{name}_s": round(figures["seconds"], 2),
                    f"{name}_ratio": round(ratio, 2),
                    f"{name}_rss_mb": round(figures["rss_mb"], 1),
                    # The same work in CPU seconds, which neighbours on the machine do not
                    # stretch as they do the wall clock.
                    f"{name}_cpu_s": round(figures["cpu_seconds"], 2),
                    f"{name}_cpu_ratio": round(figures["cpu_seconds"] / max(bare_cpu, 1e-3), 2),
                }
            )
            self.rows.append(
                (
                    f"{what} ({rows:,})",
                    f"{figures['seconds'] * 1000:.0f}",
                    f"{bare_seconds * 1000:.0f}",
                    f"{ratio:.2f}×",
                )
            )

    def import_probe(self, database: Path, path: Path) -> dict[str, Any]:
        """One import in a fresh process, so its peak memory is its own."""
        probe = subprocess.run(
            [sys.executable, "-m", "bench.import_probe", f"sqlite:///{database}", str(path)],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parent.parent,
        )
        figures: dict[str, Any] = json.loads(probe.stdout.strip().splitlines()[-1])
        return figures

    def dashboard(self) -> None:
        """The metrics service over every referral, against one plain SQL aggregate."""
        from console.services.numbers.metrics import referral_metrics

        def ours() -> None:
            with self.engine.connect() as connection:
                referral_metrics(connection)

        def bare() -> None:
            self.raw.execute(BARE_AGGREGATE).fetchall()

        repeats = 3 if self.quick else 7
        self.record("dashboard", timed(ours, repeats), timed(bare, repeats))
        self.figures["dashboard_referrals"] = self.raw.execute(
            "SELECT count(*) FROM referrals"
        ).fetchone()[0]

    def print_table(self) -> None:
        header = ("measure", "console ms (p10–p90)", "bare ms", "ratio / note")
        widths = [max(len(row[i]) for row in [header, *self.rows]) for i in range(4)]
        for row in [header, *self.rows]:
            print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small database, few repeats")
    parser.add_argument("--customers", type=int, help="office size (default 100000, quick 3000)")
    parser.add_argument(
        "--only",
        action="append",
        choices=PARTS,
        metavar="PART",
        help=f"run only this part (repeatable): {', '.join(PARTS)}",
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    customers = args.customers or (3_000 if args.quick else 100_000)
    bench = Bench(database(customers), args.quick)
    bench.figures["customers"] = customers
    parts = {
        "search": bench.search,
        "open_customer": bench.open_customer,
        "briefing": bench.briefing,
        "dashboard": bench.dashboard,
        "startup": bench.startup,
        "import": bench.import_visits,
    }
    for name in PARTS:
        if not args.only or name in args.only:
            parts[name]()
    bench.print_table()
    print(json.dumps(bench.figures, sort_keys=True))
    return 0
