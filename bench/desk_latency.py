"""How long a change made on one desk takes to show in another desk's open window.

    python -m bench.desk_latency [DATABASE_URL]

Desk B has a customer open in a real (offscreen) main window; desk A, with an engine of its
own, adds a note to that customer. The time runs from A's commit until B's note table shows
the note. An empty database gets demo data; without a URL it is a fresh SQLite file.
"""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

TRIALS = 12
CUSTOMER = 3


def main(argv: list[str]) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from console.database import make_engine, session_factory
    from console.migrate import upgrade_database
    from console.services.customers.notes import add_note
    from console.services.demo import DatabaseNotEmpty, seed_demo
    from console.views.context import DeskContext
    from console.views.main_window import MainWindow

    folder = Path(tempfile.mkdtemp(prefix="desk-latency-"))
    url = argv[0] if argv else f"sqlite:///{folder / 'office.sqlite'}"
    app = QApplication(sys.argv[:1])
    desk_b = make_engine(url)
    upgrade_database(desk_b)
    with contextlib.suppress(DatabaseNotEmpty):  # a database with data is used as it is
        seed_demo(desk_b, customers=50, seed=5)
    desk_a = session_factory(make_engine(url))
    settings = QSettings(str(folder / "desk.ini"), QSettings.Format.IniFormat)
    window = MainWindow(DeskContext.for_engine(desk_b, desk_user="desk b"), settings)
    window.show()
    window.open_customer(CUSTOMER)
    while window.customer.customer_id != CUSTOMER or window.customer.busy:  # read on a worker
        app.processEvents()
        time.sleep(0.002)
    seconds = []
    for trial in range(TRIALS):
        shown = window.customer.note_model.rowCount()
        app.processEvents()
        with desk_a.begin() as session:
            add_note(session, CUSTOMER, f"latency trial {trial}", author="desk a")
        committed = time.perf_counter()
        while window.customer.note_model.rowCount() == shown:
            app.processEvents()
            time.sleep(0.002)
        seconds.append(time.perf_counter() - committed)
        time.sleep(0.137 * (trial % 5))  # land the commits at different points of the poll
    window.close()
    print(
        json.dumps(
            {
                "backend": desk_b.dialect.name,
                "trials": TRIALS,
                "median_s": round(statistics.median(seconds), 3),
                "max_s": round(max(seconds), 3),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
