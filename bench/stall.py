"""How long the desk's window stalls when the office database is slow, or its link dies.

    python -m bench.stall [DATABASE_URL]            # 50 ms round trips, then 60 s black-holed
    python -m bench.stall --quick [DATABASE_URL]    # shorter script, black-holed 8 s, for CI

The real main window (offscreen) works on a PostgreSQL schema of its own, seeded with demo
data directly and reached only through `bench.proxy`. A scripted desk session types searches a
key at a time, opens customers, walks the worklists, saves an upsell note and opens the Numbers
tab: first once with no added latency (first-use costs such as imports are paid there), then on
a link with 50 ms round trips, then while the link is a black hole (a dropped VPN: nothing
closes, nothing arrives), then once it is back, until the banner is gone and a fresh search
answers. Targets are printed beside the results, never asserted. The URL is the argument, else
CONSOLE_TEST_DATABASE_URL, else the local test database; the last line is one JSON object.

A stall is the longer of two measures (`bench.stall_meter`): how late a 5 ms timer on the GUI
thread fires (the thread was blocked), and how long the window kept a key press, click or pause
of the script's (input was held back while timers still ran, as a nested event loop that
excludes user input does). Both are charged to the script's action under way and reported
apart too; while a stall lasts over 50 ms the GUI thread's stack is sampled, and the report
names the console functions it was in. A watchdog ends a run that froze (status 3), printing
where every thread was. The black hole is the proxy's: TCP keepalives cannot notice it.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import shutil
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QApplication, QMainWindow
from sqlalchemy import Engine

from bench.desk_script import BannerWatch, DeskSession
from bench.proxy import LinkProxy
from bench.scratch_office import ScratchOffice
from bench.stall_meter import StallMeter, StallSampler, Watchdog
from bench.stall_report import StallReport, phase_lengths

if TYPE_CHECKING:
    from console.views.context import DeskContext

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
ANSWER_TIMEOUT_S = 10.0
OFFLINE_TIMEOUT_S = 1.0


@dataclass(frozen=True)
class Pace:
    """How long the script lingers and waits: quick keeps CI well under a minute."""

    customers: int
    rounds: int
    searches_per_round: int
    linger_ms: int
    numbers_ms: int
    idle_ms: int
    blackhole_s: float
    recover_limit_s: float  # the banner's retries widen to 30 s, so a full run waits longer
    watchdog_s: float
    worklists: int | None  # how many of the worklists each round walks; None: all


FULL = Pace(400, 2, 2, 300, 1500, 1500, 60.0, 40.0, 240.0, None)
QUICK = Pace(120, 1, 1, 100, 800, 500, 8.0, 15.0, 90.0, 3)


class StallRun:
    """One run: the office, the proxy, the window, the three phases, and the figures."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.quick: bool = args.quick
        pace = QUICK if self.quick else FULL
        overrides = {
            "blackhole_s": args.blackhole,
            "customers": args.customers,
            "watchdog_s": args.limit,
        }
        self.pace = replace(pace, **{k: v for k, v in overrides.items() if v})
        self.blackhole_s = self.pace.blackhole_s
        self.rtt_ms: float = args.rtt_ms
        self.customers = self.pace.customers
        self.office = ScratchOffice(
            args.url or os.environ.get("CONSOLE_TEST_DATABASE_URL") or DEFAULT_URL
        )
        self.proxy = LinkProxy(self.office.base.host or "127.0.0.1", self.office.base.port or 5432)
        self.folder = Path(tempfile.mkdtemp(prefix="dispatch-stall-"))
        self.figures: dict[str, Any] = {
            "backend": "postgresql",
            "quick": self.quick,
            "customers": self.customers,
            "rtt_ms": self.rtt_ms,
            "blackhole_s": self.blackhole_s,
            "finished": False,
        }
        self.errors: list[str] = []
        self.went_down = 0.0
        self.came_back = 0.0
        self.engine: Engine | None = None
        self.window: QMainWindow | None = None
        self.app = QApplication.instance() or QApplication(sys.argv[:1])
        self.meter = StallMeter()
        self.sampler = StallSampler(self.meter, threading.get_ident())

    # -- the run ------------------------------------------------------------------------

    def execute(self) -> None:
        started = time.perf_counter()
        names = self.office.create(self.customers)
        self.figures["seed_s"] = round(time.perf_counter() - started, 2)
        self.proxy.start()
        session = self.open_window()
        banner = BannerWatch(session.banner)
        self.meter.start()
        self.sampler.start()

        self.proxy.set_latency(0)
        self.meter.step("warm-up", phase="warmup")
        self.warm_up(session, names[0])

        self.proxy.set_latency(self.rtt_ms / 2000)
        self.meter.step("slow link", phase="slow")
        per_round = self.pace.searches_per_round
        for number in range(self.pace.rounds):
            start = 1 + number * per_round
            self.slow_round(session, names[start : start + per_round], number)
        log = session.log
        self.figures["searches_answered"] = f"{log.searches_answered}/{log.searches}"
        self.figures["customers_opened"] = f"{log.opened}/{log.open_attempts}"
        self.figures["notes_saved"] = f"{log.notes_saved}/{log.note_attempts}"

        self.meter.step("link black-holed", phase="blackhole")
        banner_before = session.banner_visible
        self.blackholed(session, names[6:10])
        shown_at = banner.first_shown(self.went_down, self.came_back)
        self.figures["banner_shown"] = banner_before or shown_at is not None
        self.figures["banner_after_s"] = (
            None if shown_at is None else round(shown_at - self.went_down, 2)
        )

        self.meter.step("link back", phase="recovery")
        if log.typed:  # the search field must still hold what was typed last
            log.typed.append((log.typed[-1][0], session.search_field.text()))
        self.recover(session, names[10])
        self.figures["typed_ok"] = log.typed_ok
        self.figures["banner_events_s"] = [
            [round(at - self.went_down, 2), "shown" if shown else "hidden"]
            for at, shown in banner.events
        ]
        self.figures["messages"] = log.messages[:10]
        self.figures["phases_s"] = phase_lengths(self.meter)
        self.meter.step("settle")
        session.pause(200)
        self.meter.stop()
        self.sampler.stop()
        self.figures["finished"] = True

    def open_window(self) -> DeskSession:
        """The main window as the console's start-up builds it, on the engine behind the proxy."""
        from PySide6.QtCore import QSettings

        from console.database import make_engine
        from console.views.context import DeskContext
        from console.views.main_window import MainWindow

        self.proxy.set_latency(self.rtt_ms / 2000)  # half the round trip each way
        self.engine = make_engine(self.office.through(self.proxy))
        context = DeskContext.for_engine(self.engine, desk_user="stall bench")
        self._route_errors(context)
        settings = QSettings(str(self.folder / "desk.ini"), QSettings.Format.IniFormat)
        started = time.perf_counter()
        self.window = MainWindow(context, settings)
        self.window.show()
        self.app.processEvents()
        self.figures["open_s"] = round(time.perf_counter() - started, 2)
        return DeskSession(self.window, self.meter)

    def warm_up(self, session: DeskSession, name: str) -> None:
        """Once through every screen with no added latency: first-use costs (imports, first
        layouts) are paid here, so the slow-link figures are the network's."""
        session.find(name, ANSWER_TIMEOUT_S)
        session.open_from_results(name, ANSWER_TIMEOUT_S)
        session.walk_worklists(50, self.pace.worklists)
        session.show_tab("Numbers", 500)
        session.show_tab("Day board", 200)
        session.add_note("Warm-up: asked about a maintenance plan.", ANSWER_TIMEOUT_S)

    def slow_round(self, session: DeskSession, names: list[str], number: int) -> None:
        pace = self.pace
        for name in names:
            session.find(name, ANSWER_TIMEOUT_S)
            session.open_from_results(name, ANSWER_TIMEOUT_S)
            self.idle(session, pace.linger_ms)
        session.walk_worklists(pace.linger_ms, pace.worklists)
        session.add_note(
            f"Round {number + 1}: boiler is 19 years old, asked about a replacement.",
            ANSWER_TIMEOUT_S,
        )
        session.show_tab("Numbers", pace.numbers_ms)
        session.show_tab("Day board", pace.linger_ms)
        session.show_tab("Customer", pace.linger_ms)
        self.idle(session, pace.idle_ms)

    def idle(self, session: DeskSession, ms: int) -> None:
        self.meter.step("idle (the window's own timers)")
        session.pause(ms)

    def blackholed(self, session: DeskSession, names: list[str]) -> None:
        """Keep working while the link is dead; another thread brings it back on schedule."""

        def bring_back() -> None:
            self.came_back = time.perf_counter()
            self.proxy.restore()

        self.proxy.blackhole()
        self.went_down = time.perf_counter()
        timer = threading.Timer(self.blackhole_s, bring_back)
        timer.daemon = True
        timer.start()
        steps = [
            lambda: session.type_search(names[0]),
            lambda: session.open_from_results(names[0], OFFLINE_TIMEOUT_S),
            lambda: session.walk_worklists(200, self.pace.worklists),
            lambda: session.add_note("Typed while the link was down.", OFFLINE_TIMEOUT_S),
            lambda: session.show_tab("Numbers", 500),
            lambda: session.show_tab("Customer", 200),
            *(lambda n=name: session.type_search(n) for name in names[1:]),
            lambda: self.idle(session, 500),
        ]
        session.enough = lambda: not self.proxy.is_down
        index = 0
        while self.proxy.is_down:
            steps[index % len(steps)]()
            index += 1
        session.enough = lambda: False
        timer.join()

    def recover(self, session: DeskSession, name: str) -> None:
        """From the moment the link returns: banner gone, and a fresh search shows results."""
        limit = self.pace.recover_limit_s
        typed = False
        while time.perf_counter() - self.came_back < limit:
            if not typed and not session.banner_visible:
                session.type_search_at_once(name)
                self.meter.step(f"results for “{name}” after the outage")
                typed = True
            if typed and not session.banner_visible and session.shows_result(name):
                self.figures["recover_s"] = round(time.perf_counter() - self.came_back, 2)
                return
            session.pause(10)
        self.figures["recover_s"] = None

    def _route_errors(self, context: DeskContext) -> None:
        """As the window's own start-up does: a lost database goes to the banner; anything
        else is counted and printed, never shown as a message box that would stop the run."""
        from console.services.connection import is_connection_error

        def hook(
            kind: type[BaseException], error: BaseException, trace: TracebackType | None
        ) -> None:
            if is_connection_error(error):
                context.report_trouble(error)
                return
            self.errors.append(f"{kind.__name__}: {error}")
            traceback.print_exception(kind, error, trace, file=sys.stderr)

        sys.excepthook = hook

    # -- the end ------------------------------------------------------------------------

    def close(self) -> None:
        """Window, engine, proxy, schema, scratch folder, in that order; a failing step does not
        stop the rest."""
        for step in (
            self._close_window,
            self._dispose_engine,
            self.proxy.stop,
            self.office.drop,
            lambda: shutil.rmtree(self.folder, ignore_errors=True),
        ):
            try:
                step()
            except Exception as error:  # cleanup goes on; the error is still reported
                print(f"cleanup: {type(error).__name__}: {error}", file=sys.stderr)

    def _close_window(self) -> None:
        if self.window is not None:
            self.window.close()
            self.window = None

    def _dispose_engine(self) -> None:
        if self.engine is not None:
            self.engine.dispose()

    def abandon(self) -> None:
        """The watchdog's way out: report what was measured, then clean up off the GUI thread."""
        with contextlib.suppress(Exception):
            self.report()
        for step in (self.proxy.stop, self.office.drop):
            with contextlib.suppress(Exception):
                step()

    def report(self) -> None:
        StallReport(
            self.figures,
            self.meter,
            self.sampler,
            self.rtt_ms,
            self.blackhole_s,
            self.pace.recover_limit_s,
            self.errors,
        ).show()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.stall", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "url",
        nargs="?",
        help="PostgreSQL URL (default: CONSOLE_TEST_DATABASE_URL, else the local test database)",
    )
    parser.add_argument("--quick", action="store_true", help="black-hole 8 s, one round: for CI")
    parser.add_argument(
        "--rtt-ms", type=float, default=50.0, help="round trip added by the slow link"
    )
    parser.add_argument(
        "--blackhole", type=float, help="seconds the link is dead (default 60, quick 8)"
    )
    parser.add_argument("--customers", type=int, help="office size (default 400, quick 120)")
    parser.add_argument(
        "--limit", type=float, help="give up after this many seconds (default 240, quick 90)"
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        run = StallRun(args)
    except ValueError as error:  # the proxy reaches only this machine
        raise SystemExit(
            f"python -m bench.stall: the database must be on this machine: {error}"
        ) from None
    os.environ["CONSOLE_DATA_DIR"] = str(run.folder)  # nothing of the user's is touched
    logging.basicConfig(level=logging.ERROR, stream=sys.stderr)
    quiet_offscreen_plugin()
    watchdog = Watchdog(run.pace.watchdog_s, run.abandon)
    watchdog.start()
    try:
        run.execute()
    finally:
        run.close()
        watchdog.disarm()
        run.report()  # what was measured, also when a step failed (its traceback follows)
    return 0


def quiet_offscreen_plugin() -> None:
    """The offscreen platform warns on every window resize; that noise would bury the report."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    def handler(kind: QtMsgType, _context: object, message: str) -> None:
        if "does not support propagateSizeHints" not in message:
            print(message, file=sys.stderr)

    qInstallMessageHandler(handler)


if __name__ == "__main__":
    raise SystemExit(main())
