"""Run in a fresh process: open the database and the main window offscreen, then report."""

from __future__ import annotations

import json
import sys
import tempfile
import time

START = time.perf_counter()


def main() -> None:
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from bench.memory import peak_rss_mb
    from console.database import make_engine
    from console.migrate import upgrade_database
    from console.views.context import DeskContext
    from console.views.main_window import MainWindow

    app = QApplication(sys.argv[:1])
    engine = make_engine(sys.argv[1])
    upgrade_database(engine)
    settings = QSettings(tempfile.mktemp(suffix=".ini"), QSettings.Format.IniFormat)
    window = MainWindow(DeskContext.for_engine(engine, desk_user="bench"), settings)
    window.show()

    def report() -> None:
        shown = time.perf_counter() - START
        rss_mb = peak_rss_mb()
        # Wall-clock time, so the parent can count from before the interpreter started.
        print(json.dumps({"shown_at": time.time(), "shown_s": shown, "rss_mb": rss_mb}), flush=True)
        app.quit()

    QTimer.singleShot(0, report)
    app.exec()


if __name__ == "__main__":
    main()
