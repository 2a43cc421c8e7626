"""The stall benchmark's report: a table with the targets beside the results, where the GUI
thread was stuck, the worst actions, and the last line one JSON object with every figure."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from bench.stall_meter import StallFigures, StallMeter, StallSampler

TARGET_STALL_MS = 50
TARGET_BLACKHOLE_STALL_MS = 100
TARGET_RECOVER_S = 5.0
TARGET_KEY_LATENCY_MS = 100


@dataclass
class StallReport:
    """Turns the meter's and the sampler's records into figures and printed tables."""

    figures: dict[str, Any]
    meter: StallMeter
    sampler: StallSampler
    rtt_ms: float
    blackhole_s: float
    recover_limit_s: float
    errors: list[str] = field(default_factory=list)
    rows: list[tuple[str, str, str]] = field(default_factory=list)
    culprit_rows: list[tuple[str, str, str]] = field(default_factory=list)
    step_rows: list[tuple[str, str, str]] = field(default_factory=list)

    def show(self) -> None:
        """Print the tables, then the JSON line."""
        self.collect()
        widths = [max(len(row[i]) for row in self.rows) for i in range(3)]
        for row in self.rows:
            print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        for title, rows in (
            (
                "where the GUI thread was (sampled every 10 ms while a stall lasted over 50 ms)",
                self.culprit_rows,
            ),
            ("worst stall per step", self.step_rows),
        ):
            if rows:
                print(f"\n{title}:")
                for phase, ms, where in rows:
                    print(f"  {phase:<10} {ms:>8}  {where}")
        print(json.dumps(self.figures, ensure_ascii=False), flush=True)

    def collect(self) -> None:
        """Turn the meter's and sampler's records into figures and table rows."""
        figures = self.figures
        figures["errors"] = len(self.errors)
        self.rows = [("measure", "result", "target")]
        warm, slow, dead, back = (
            self.meter.figures(phase) for phase in ("warmup", "slow", "blackhole", "recovery")
        )
        figures.update(
            warmup_stall_ms=round(warm.longest_ms, 1),
            stall_ms=round(slow.longest_ms, 1),
            stall_blocked_ms=round(slow.timer_ms, 1),
            stall_input_held_ms=round(slow.input_ms, 1),
            stall_p50_ms=round(slow.p50_ms, 1),
            stall_p95_ms=round(slow.p95_ms, 1),
            actions=slow.actions,
            actions_over_50ms=slow.over_50_ms,
            blackhole_stall_ms=round(dead.longest_ms, 1),
            blackhole_blocked_ms=round(dead.timer_ms, 1),
            blackhole_input_held_ms=round(dead.input_ms, 1),
            blackhole_stall_p95_ms=round(dead.p95_ms, 1),
            blackhole_actions_over_50ms=dead.over_50_ms,
            recovery_stall_ms=round(back.longest_ms, 1),
            stall_with_saves_ms=round(self.meter.figures("slow", saves=None).longest_ms, 1),
            save_wait_ms=round(self.meter.save_wait_ms("slow"), 1),
            blackhole_save_wait_ms=round(self.meter.save_wait_ms("blackhole"), 1),
            key_latency_ms=round(self.meter.key_latency_ms("slow"), 1),
            blackhole_key_latency_ms=round(self.meter.key_latency_ms("blackhole"), 1),
        )
        recover = figures.get("recover_s")
        figures["stall_ok"] = slow.longest_ms < TARGET_STALL_MS
        figures["blackhole_ok"] = bool(
            dead.longest_ms < TARGET_BLACKHOLE_STALL_MS
            and figures.get("banner_shown")
            and figures.get("typed_ok")
        )
        figures["recover_ok"] = recover is not None and recover < TARGET_RECOVER_S
        figures["key_latency_ok"] = (
            figures["key_latency_ms"] < TARGET_KEY_LATENCY_MS
            and figures["blackhole_key_latency_ms"] < TARGET_KEY_LATENCY_MS
        )
        self.rows += self._summary_rows(warm.longest_ms, slow, dead, back.longest_ms)
        self._collect_culprits()

    def _summary_rows(
        self, warm_ms: float, slow: StallFigures, dead: StallFigures, back_ms: float
    ) -> list[tuple[str, str, str]]:
        figures = self.figures
        recover = figures.get("recover_s")
        yes_no = {True: "yes", False: "no", None: "not reached"}
        done = ", ".join(
            str(figures.get(key))
            for key in ("searches_answered", "customers_opened", "notes_saved")
        )
        banner = yes_no[figures.get("banner_shown")]
        if figures.get("banner_after_s") is not None:
            banner += f", after {figures['banner_after_s']} s"
        rows = [
            (f"window opened, {self.rtt_ms:.0f} ms round trips", f"{figures.get('open_s')} s", ""),
            ("longest stall, warm-up (no added latency)", f"{warm_ms:.0f} ms", ""),
            (
                f"longest stall, {self.rtt_ms:.0f} ms round trips",
                f"{slow.longest_ms:.0f} ms",
                f"< {TARGET_STALL_MS} ms",
            ),
            (
                "  median / p95 over the actions",
                f"{slow.p50_ms:.0f} / {slow.p95_ms:.0f} ms",
                "",
            ),
            (
                "  of it: GUI thread blocked / keys held back",
                f"{slow.timer_ms:.0f} / {slow.input_ms:.0f} ms",
                "",
            ),
            ("  actions that stalled over 50 ms", f"{slow.over_50_ms} of {slow.actions}", "0"),
            (
                "  a key typed as a worklist or customer read began, handled after",
                f"{figures['key_latency_ms']:.0f} ms",
                f"< {TARGET_KEY_LATENCY_MS} ms",
            ),
            (
                "  a dialog's Save kept the dialog's input waiting (not counted above)",
                f"{figures['save_wait_ms']:.0f} ms",
                "",
            ),
            ("  searches answered, customers opened, notes saved", done, "all"),
            (
                f"longest stall, link black-holed {self.blackhole_s:.0f} s",
                f"{dead.longest_ms:.0f} ms",
                f"< {TARGET_BLACKHOLE_STALL_MS} ms",
            ),
            (
                "  of it: GUI thread blocked / keys held back",
                f"{dead.timer_ms:.0f} / {dead.input_ms:.0f} ms",
                "",
            ),
            ("  actions that stalled over 50 ms", f"{dead.over_50_ms} of {dead.actions}", "0"),
            (
                "  a key typed as a read began, handled after",
                f"{figures['blackhole_key_latency_ms']:.0f} ms",
                f"< {TARGET_KEY_LATENCY_MS} ms",
            ),
            (
                "  a dialog's Save kept the dialog's input waiting (not counted above)",
                f"{figures['blackhole_save_wait_ms']:.0f} ms",
                "",
            ),
            ("  banner shown while black-holed", banner, "yes"),
            ("  typed input kept", yes_no[figures.get("typed_ok")], "yes"),
            (
                "recovery: banner gone and a fresh search answered",
                f"none within {self.recover_limit_s:.0f} s" if recover is None else f"{recover} s",
                f"< {TARGET_RECOVER_S:.0f} s",
            ),
            ("  longest stall while recovering", f"{back_ms:.0f} ms", ""),
        ]
        if self.errors:
            rows.append(("unexpected errors", str(len(self.errors)), "0"))
        return rows

    def _collect_culprits(self) -> None:
        """Where the GUI thread was stuck, the worst actions, and the longest single stalls."""
        phases = ("slow", "blackhole", "recovery")
        found = [
            (phase, where, ms) for phase in phases for where, ms in self.sampler.culprits(phase, 6)
        ]
        self.culprit_rows = [(phase, f"~{ms:.0f} ms", where) for phase, where, ms in found]
        self.figures["culprits"] = [
            {"phase": phase, "ms": round(ms), "where": where} for phase, where, ms in found
        ]
        self.step_rows = [
            (phase, f"{late * 1000:.0f} ms", step)
            for phase in phases
            for step, late in self.meter.worst_steps(phase, 5)
            if late > 0.02
        ]
        longest = sorted(self.meter.stalls, key=lambda stall: -stall.seconds)[:8]
        self.figures["longest_stalls"] = [
            {
                "phase": stall.phase,
                "at_s": round(stall.at - self.meter.phase_started.get(stall.phase, stall.at), 2),
                "ms": round(stall.seconds * 1000),
                "step": stall.step,
                "kind": stall.kind,
            }
            for stall in longest
        ]


def phase_lengths(meter: StallMeter) -> dict[str, float]:
    """Seconds each phase took, script pauses included: where a slow run spent its time."""
    starts = sorted(meter.phase_started.items(), key=lambda item: item[1])
    ends = [at for _, at in starts[1:]] + [time.perf_counter()]
    return {phase: round(end - at, 1) for (phase, at), end in zip(starts, ends, strict=True)}
