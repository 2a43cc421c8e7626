"""How long the window's GUI thread goes deaf, who kept it busy, and a limit on the whole run.

A window can fail a user in two ways, and `StallMeter` measures both:

- blocked: the GUI thread is busy (waiting on a socket, say). A 5 ms timer on it fires late;
  each firing's lateness is how long nothing at all could happen;
- deaf to input: the GUI thread spins an event loop that runs timers and paints but holds back
  key presses and clicks (`QEventLoop.ExcludeUserInputEvents`, a modal wait). The timer sees
  nothing; the script's own key presses and pauses come back late, by as long as a user's key
  would have waited. The script reports that with `handing_over` / `held`.

`StallSampler` looks at the GUI thread's Python stack from another thread while either lasts
over 50 ms, so the report can name the functions it was in. `Watchdog` ends a run that froze
for good, saying where.
"""

from __future__ import annotations

import bisect
import faulthandler
import math
import os
import statistics
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from PySide6.QtCore import QObject, Qt, QTimer

TICK_MS = 5
SAMPLE_EVERY_S = 0.01
# A stall is worth naming once a user could feel it.
SAMPLE_AFTER_S = 0.05
QT_OR_SCRIPT = "(no console code on the stack)"
# A modal dialog's Save: its own input may wait for the database (the window keeps painting),
# so such steps are reported apart from the window's stalls.
SAVE_PREFIX = "save: "
CONSOLE_PACKAGE = str(Path(__file__).resolve().parent.parent / "console") + os.sep


@dataclass(frozen=True)
class StallFigures:
    """One phase. An action's stall is the longer of the two measures during it; the median and
    95th percentile are over the phase's actions."""

    longest_ms: float
    timer_ms: float  # the longest the GUI thread was blocked
    input_ms: float  # the longest a key press or click was held back
    p50_ms: float
    p95_ms: float
    over_50_ms: int  # actions that stalled over 50 ms
    actions: int


@dataclass(frozen=True)
class Stall:
    at: float  # perf_counter() when the stall began
    seconds: float
    phase: str
    step: str
    kind: str  # "blocked" or "input held"


class StallMeter(QObject):
    """Records both measures and charges each to the script's action under way.

    An action is one step of the script: a key press, a tab switch, a save, or a spell of idling
    while the window's own timers run. A late firing is charged to the action under way when it
    was due, not when the thread came back, since the script may have moved on by then.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.phase = "setup"
        self.last_tick = time.perf_counter()
        # When the script expects the window to hand control back; infinite while it does not.
        self.expected_back = math.inf
        self.stalls: list[Stall] = []
        # How late a key typed just as a read began was handled, per phase.
        self.key_latencies: dict[str, list[float]] = defaultdict(list)
        self.phase_started: dict[str, float] = {}
        self._step_times: list[float] = [self.last_tick]
        self._steps: list[tuple[str, str]] = [(self.phase, "")]
        self._blocked: list[float] = [0.0]
        self._held: list[float] = [0.0]
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.last_tick = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    @property
    def current_step(self) -> str:
        return self._steps[-1][1]

    def step(self, name: str, phase: str | None = None) -> None:
        """The script starts doing `name`; stalls from now on are charged to it."""
        now = time.perf_counter()
        if phase is not None:
            self.phase = phase
            self.phase_started.setdefault(phase, now)
        self._step_times.append(now)
        self._steps.append((self.phase, name))
        self._blocked.append(0.0)
        self._held.append(0.0)

    def handing_over(self, back_in_s: float = 0.0) -> None:
        """The script hands the window a key, a click or a pause of `back_in_s` seconds."""
        self.expected_back = time.perf_counter() + back_in_s

    def held(self) -> None:
        """Control came back from the window: anything past the expected time was held input."""
        now = time.perf_counter()
        late = max(0.0, now - self.expected_back)
        began = self.expected_back
        self.expected_back = math.inf
        index = bisect.bisect_right(self._step_times, began) - 1
        self._held[index] = max(self._held[index], late)
        if late > SAMPLE_AFTER_S:
            self.stalls.append(Stall(began, late, *self._steps[index], "input held"))

    def key_handled(self, seconds: float) -> None:
        """A key typed at the start of an action was handled `seconds` later."""
        self.key_latencies[self.phase].append(seconds)

    def key_latency_ms(self, phase: str) -> float:
        """The latest a key typed during a read was handled in `phase`, in milliseconds."""
        return max(self.key_latencies.get(phase, []), default=0.0) * 1000

    def _tick(self) -> None:
        now = time.perf_counter()
        due = self.last_tick + TICK_MS / 1000
        late = max(0.0, now - due)
        self.last_tick = now
        index = bisect.bisect_right(self._step_times, due) - 1
        self._blocked[index] = max(self._blocked[index], late)
        if late > SAMPLE_AFTER_S:
            self.stalls.append(Stall(due, late, *self._steps[index], "blocked"))

    def stalled_now(self) -> bool:
        """A stall over 50 ms is under way (read from any thread)."""
        now = time.perf_counter()
        return max(now - self.last_tick, now - self.expected_back) > SAMPLE_AFTER_S

    def _actions(self, phase: str, saves: bool | None = False) -> list[tuple[str, float, float]]:
        """The phase's actions: without dialog saves, only those (`saves=True`), or all (None)."""
        return [
            (name, blocked, held)
            for (p, name), blocked, held in zip(self._steps, self._blocked, self._held, strict=True)
            if p == phase and (saves is None or name.startswith(SAVE_PREFIX) == saves)
        ]

    def save_wait_ms(self, phase: str) -> float:
        """The longest a dialog's Save kept its input waiting in `phase`."""
        return (
            max(
                (max(blocked, held) for _, blocked, held in self._actions(phase, saves=True)),
                default=0.0,
            )
            * 1000
        )

    def figures(self, phase: str, saves: bool | None = False) -> StallFigures:
        actions = self._actions(phase, saves)
        worst = sorted(max(blocked, held) for _, blocked, held in actions) or [0.0]
        return StallFigures(
            longest_ms=worst[-1] * 1000,
            timer_ms=max((blocked for _, blocked, _ in actions), default=0.0) * 1000,
            input_ms=max((held for _, _, held in actions), default=0.0) * 1000,
            p50_ms=statistics.median(worst) * 1000,
            p95_ms=worst[min(len(worst) - 1, (len(worst) * 95) // 100)] * 1000,
            over_50_ms=sum(1 for late in worst if late > SAMPLE_AFTER_S),
            actions=len(actions),
        )

    def worst_steps(self, phase: str, count: int) -> list[tuple[str, float]]:
        """The actions that stalled the window longest, by name (repeats keep their worst)."""
        by_name: dict[str, float] = {}
        for name, blocked, held in self._actions(phase, saves=None):
            by_name[name] = max(by_name.get(name, 0.0), blocked, held)
        return sorted(by_name.items(), key=lambda item: -item[1])[:count]


def _where(frame: FrameType | None) -> str:
    """The console's own calls on the stack, outermost first, and what the innermost waits in."""
    console: list[str] = []
    leaf = ""
    while frame is not None:
        code = frame.f_code
        name = f"{frame.f_globals.get('__name__', '?')}.{code.co_qualname}"
        if not leaf:
            leaf = name
        if code.co_filename.startswith(CONSOLE_PACKAGE):
            console.append(f"{code.co_qualname}:{frame.f_lineno}")
        frame = frame.f_back
    if not console:
        return f"{QT_OR_SCRIPT} {leaf}"
    # Outermost first: the view or slot that started it, then the innermost calls, which say
    # what it waited in; the middle (often the off-thread machinery) is left out.
    outward = list(reversed(console))
    shown = outward if len(outward) <= 7 else [*outward[:3], "…", *outward[-3:]]
    chain = " → ".join(shown)
    return chain if leaf.startswith("console.") else f"{chain} ⇒ {leaf}"


class StallSampler(threading.Thread):
    """Samples the GUI thread's stack every 10 ms while a stall has lasted over 50 ms."""

    def __init__(self, meter: StallMeter, gui_thread_id: int) -> None:
        super().__init__(name="stall-sampler", daemon=True)
        self.meter = meter
        self.gui_thread_id = gui_thread_id
        self.samples: dict[str, Counter[str]] = defaultdict(Counter)
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(SAMPLE_EVERY_S):
            if not self.meter.stalled_now():
                continue
            frame = sys._current_frames().get(self.gui_thread_id)
            where = _where(frame)
            if where.startswith(QT_OR_SCRIPT):
                where = f"{where}, during “{self.meter.current_step}”"
            self.samples[self.meter.phase][where] += 1

    def stop(self) -> None:
        self._done.set()
        self.join(1)

    def culprits(self, phase: str, count: int) -> list[tuple[str, float]]:
        """The places the GUI thread was seen stuck in, with roughly how long, longest first."""
        return [
            (where, hits * SAMPLE_EVERY_S * 1000)
            for where, hits in self.samples[phase].most_common(count)
        ]


class Watchdog(threading.Thread):
    """Ends the run after `limit_s`, whatever the GUI thread is doing, so CI never hangs.

    On expiry it prints every thread's stack (the GUI thread's shows where the window froze),
    runs `on_expiry` (report what was measured, clean up), and exits with status 3.
    """

    EXIT_STATUS = 3

    def __init__(self, limit_s: float, on_expiry: Callable[[], None]) -> None:
        super().__init__(name="stall-watchdog", daemon=True)
        self.limit_s = limit_s
        self.on_expiry = on_expiry
        self._disarmed = threading.Event()

    def run(self) -> None:
        if self._disarmed.wait(self.limit_s):
            return
        gui = threading.main_thread().ident or 0
        print(
            f"stall benchmark: gave up after {self.limit_s:.0f} s; every thread's stack follows"
            f" (the window's GUI thread is 0x{gui:016x})",
            file=sys.stderr,
            flush=True,
        )
        faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
        finisher = threading.Thread(target=self.on_expiry, name="stall-cleanup", daemon=True)
        finisher.start()
        finisher.join(20)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(self.EXIT_STATUS)

    def disarm(self) -> None:
        self._disarmed.set()
