"""Closing the window ends the process, even with a read stuck on a silent network."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

STUCK_AT_EXIT = """
import sys, threading
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from console.views.app import end_pool_work, leave_now
from console.views.common.workers.off_thread import start_job
never = threading.Event()
start_job(lambda: never.wait(120), lambda result, error: None)
if end_pool_work(200):
    sys.exit(9)
print("window closed", flush=True)
leave_now(3)
"""


def test_a_read_stuck_at_exit_does_not_hold_the_process(tmp_path: Path) -> None:
    """Qt's teardown of the pool would wait for the read for as long as it hangs."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CONSOLE_DATA_DIR": str(tmp_path)}
    ended = subprocess.run(
        [sys.executable, "-c", STUCK_AT_EXIT],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (ended.returncode, ended.stdout) == (3, "window closed\n"), ended.stderr
