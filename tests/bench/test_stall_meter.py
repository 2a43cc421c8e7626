"""The stall benchmark's instrument: a blocked GUI thread is measured, charged and named."""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QEventLoop, QTimer
from pytestqt.qtbot import QtBot

from bench.stall_meter import SAVE_PREFIX, StallMeter, StallSampler

BLOCK_S = 0.25


def hold_the_window() -> None:
    """Stands in for a slot that waits on the network on the GUI thread."""
    time.sleep(BLOCK_S)


def spin_without_input() -> None:
    """Stands in for a slot that waits in an event loop holding back keys and clicks."""
    loop = QEventLoop()
    QTimer.singleShot(int(BLOCK_S * 1000), loop.quit)
    loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)


def test_a_blocked_gui_thread_is_measured_charged_to_its_step_and_named(qtbot: QtBot) -> None:
    meter = StallMeter()
    sampler = StallSampler(meter, threading.get_ident())
    meter.start()
    sampler.start()
    meter.step("typing", phase="slow")
    qtbot.wait(100)
    meter.step("open the customer")
    QTimer.singleShot(0, hold_the_window)
    qtbot.wait(int(BLOCK_S * 1000) + 100)
    meter.step("idle")
    qtbot.wait(100)
    meter.stop()
    sampler.stop()

    figures = meter.figures("slow")
    assert figures.longest_ms >= BLOCK_S * 1000 * 0.9
    assert figures.over_50_ms >= 1
    assert figures.actions == 3
    worst_step, worst_s = meter.worst_steps("slow", 1)[0]
    assert worst_step == "open the customer"
    assert worst_s * 1000 == figures.longest_ms
    # One long stall, and it is the blocked slot's: the meter invents none of its own.
    assert [stall.step for stall in meter.stalls if stall.seconds > BLOCK_S / 2] == [
        "open the customer"
    ]
    where, sampled_ms = sampler.culprits("slow", 1)[0]
    assert "hold_the_window" in where
    assert "open the customer" in where
    assert sampled_ms >= 50


def test_input_held_back_while_timers_run_is_measured_and_named(qtbot: QtBot) -> None:
    meter = StallMeter()
    sampler = StallSampler(meter, threading.get_ident())
    meter.start()
    sampler.start()
    meter.step("save the note", phase="slow")
    meter.handing_over()
    spin_without_input()  # the click's handler returns only after its own loop
    meter.held()
    meter.stop()
    sampler.stop()

    figures = meter.figures("slow")
    assert figures.input_ms >= BLOCK_S * 1000 * 0.9
    assert figures.timer_ms < figures.input_ms / 2, "timers ran all along"
    assert figures.longest_ms == figures.input_ms
    assert [(stall.step, stall.kind) for stall in meter.stalls] == [("save the note", "input held")]
    where, _ms = sampler.culprits("slow", 1)[0]
    assert "spin_without_input" in where


def test_a_dialogs_save_is_reported_apart_and_a_late_key_is_measured(qtbot: QtBot) -> None:
    meter = StallMeter()
    meter.start()
    meter.step("worklist “Overdue”", phase="slow")
    meter.key_handled(0.004)
    meter.step(f"{SAVE_PREFIX}the note dialog's Save")
    meter.handing_over()
    spin_without_input()  # a modal dialog's save: its own input waits
    meter.held()
    meter.step("Customer tab")
    qtbot.wait(50)
    meter.step("open “Miller”", phase="blackhole")
    meter.key_handled(0.09)
    meter.stop()

    assert meter.save_wait_ms("slow") >= BLOCK_S * 1000 * 0.9
    assert meter.figures("slow").longest_ms < BLOCK_S * 1000 / 2, "the save is not the window's"
    assert meter.figures("slow", saves=None).longest_ms >= BLOCK_S * 1000 * 0.9
    assert meter.figures("slow").actions == 2
    assert meter.key_latency_ms("slow") == 4.0
    assert meter.key_latency_ms("blackhole") == 90.0
    assert meter.key_latency_ms("recovery") == 0.0
