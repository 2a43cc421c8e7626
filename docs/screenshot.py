"""Take the README's screenshots from a real window: run under `xvfb-run -s '-screen 0 1440x900x24'`.

Usage: python docs/screenshot.py DATABASE_URL OUT.png [SEARCH | tab:NAME] [DAYS_AHEAD]
"""

from __future__ import annotations

import sys
import tempfile

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from console.database import make_engine
from console.migrate import upgrade_database
from console.views.context import DeskContext
from console.views.main_window import MainWindow


def main() -> int:
    url, out = sys.argv[1], sys.argv[2]
    query = sys.argv[3] if len(sys.argv) > 3 else ""
    days_ahead = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    app = QApplication(sys.argv)
    engine = make_engine(url)
    upgrade_database(engine)
    settings = QSettings(tempfile.mktemp(suffix=".ini"), QSettings.Format.IniFormat)
    window = MainWindow(DeskContext.for_engine(engine, desk_user="sam"), settings)
    window.setGeometry(0, 0, 1440, 900)
    window.show()

    def shoot() -> None:
        if query.startswith("tab:"):
            name = query.removeprefix("tab:").lower()
            for index in range(window.tabs.count()):
                if window.tabs.tabText(index).replace("&", "").lower() == name:
                    window.tabs.setCurrentIndex(index)
            window.day_board.move_day(days_ahead)
        elif query:
            window.search.field.setText(query)
            window.search.run_search()
            window.search.open_current()  # Enter before the results: it applies to them
        # Reads run on workers: shoot once the customer (or the tab's data) is on screen.
        QTimer.singleShot(1_200, lambda: (window.screen().grabWindow(0).save(out), app.quit()))

    QTimer.singleShot(300, shoot)
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
