"""On a dark desktop theme every screen reads: colours come from the palette and the tones,
never from a hex colour picked for a light background."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCharts import QBarSeries
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QPalette
from PySide6.QtWidgets import QLabel

from console.models import OutboxState
from console.services.messages.outbox import queue_message
from console.views.common.forms import error_label
from console.views.common.tones import Tone, tinted_background, tone
from console.views.common.workers.background import show_stale
from console.views.connection_banner import ConnectionBanner
from console.views.context import DeskContext
from console.views.main_window import MainWindow
from console.views.messages.outbox_view import OutboxDialog
from tests.views.conftest import dark_colours
from tests.views.test_tones import contrast

VIEWS = Path(__file__).resolve().parents[2] / "console" / "views"
HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")


def hex_colours_in_views() -> dict[str, list[str]]:
    """`path:line` of every hex colour literal in a view, outside the tones themselves."""
    found: dict[str, list[str]] = {}
    for path in sorted(VIEWS.rglob("*.py")):
        if path.name == "tones.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if HEX_COLOUR.search(line):
                found.setdefault(str(path.relative_to(VIEWS.parent.parent)), []).append(
                    f"{number}: {line.strip()}"
                )
    return found


def test_no_view_picks_a_hex_colour() -> None:
    assert hex_colours_in_views() == {}


def test_the_guard_sees_a_hex_colour(tmp_path: Path) -> None:
    assert HEX_COLOUR.search('label.setStyleSheet("color: #c62828")')
    assert HEX_COLOUR.search("QColor('#fff')")
    assert not HEX_COLOUR.search("# a comment, #12 in a list, f'#{row}'")


def background_at(label: QLabel | ConnectionBanner) -> QColor:
    """The colour painted just inside the widget's border."""
    return QColor(label.grab().toImage().pixel(4, 4))


def test_the_connection_banner_is_a_dark_tint_on_a_dark_desk(
    qtbot, context: DeskContext, dark_palette: QPalette
) -> None:  # type: ignore[no-untyped-def]
    banner = ConnectionBanner(context)
    qtbot.addWidget(banner)
    banner.message.setText("<b>The database is not answering.</b>")
    banner.resize(600, 40)
    banner.show()
    qtbot.waitExposed(banner)
    painted = background_at(banner)
    assert painted.lightness() < 100
    assert painted == tinted_background(Tone.WARNING, dark_palette)
    text = banner.message.palette().color(QPalette.ColorRole.WindowText)
    assert contrast(text, painted) >= 4.5


def test_the_banner_follows_a_theme_switched_while_it_shows(
    qtbot, qapp, context: DeskContext
) -> None:  # type: ignore[no-untyped-def]
    banner = ConnectionBanner(context)
    qtbot.addWidget(banner)
    banner.resize(600, 40)
    banner.show()
    qtbot.waitExposed(banner)
    assert background_at(banner).lightness() > 180
    before = qapp.palette()
    try:
        qapp.setPalette(dark_colours())
        qtbot.waitUntil(lambda: background_at(banner).lightness() < 100, timeout=2_000)
    finally:
        qapp.setPalette(before)
    qtbot.waitUntil(lambda: background_at(banner).lightness() > 180, timeout=2_000)


def test_form_errors_and_stale_text_read_on_a_dark_desk(qtbot, dark_palette: QPalette) -> None:  # type: ignore[no-untyped-def]
    label = error_label()
    qtbot.addWidget(label)
    label.setText("Currency: 'XYZ' is not an ISO 4217 currency code")
    label.show()
    label.ensurePolished()
    shown = label.palette().color(QPalette.ColorRole.WindowText)
    assert shown == tone(Tone.DANGER, dark_palette)
    base = dark_palette.color(QPalette.ColorRole.Window)
    assert contrast(shown, base) >= 4.5

    stale = QLabel("12 referrals")
    qtbot.addWidget(stale)
    show_stale(stale, True)
    greyed = stale.palette().color(QPalette.ColorRole.WindowText)
    assert greyed == dark_palette.color(QPalette.ColorRole.PlaceholderText)
    show_stale(stale, False)
    assert stale.palette().color(QPalette.ColorRole.WindowText) == dark_palette.color(
        QPalette.ColorRole.WindowText
    )


def test_a_failed_message_stands_out_on_a_dark_desk(
    qtbot, context: DeskContext, dark_palette: QPalette
) -> None:  # type: ignore[no-untyped-def]
    with context.sessions.begin() as session:
        message = queue_message(
            session,
            kind="tell_tech",
            to="ana@example.com",
            subject="Miller's boiler: won",
            body="Thank you",
            actor="sam",
        )
        message.state = OutboxState.FAILED
        message.last_error = "550 mailbox unavailable"
    dialog = OutboxDialog(context)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=5_000)
    foreground = dialog.model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole)
    assert isinstance(foreground, QBrush)
    assert foreground.color() == tone(Tone.DANGER, dark_palette)
    base = dark_palette.color(QPalette.ColorRole.Base)
    assert contrast(foreground.color(), base) >= 4.5


def test_the_numbers_chart_is_drawn_in_the_dark_palette(
    qtbot, window: MainWindow, dark_palette: QPalette
) -> None:  # type: ignore[no-untyped-def]
    window.tabs.setCurrentWidget(window.numbers_tab)
    qtbot.waitUntil(lambda: window.numbers_tab.ready, timeout=20_000)
    dashboard = window.dashboard
    with qtbot.waitSignal(dashboard.loaded, timeout=10_000):
        dashboard.preset.setCurrentText("All time")
    chart = dashboard.chart
    base = dark_palette.color(QPalette.ColorRole.Base)
    text = dark_palette.color(QPalette.ColorRole.Text)
    assert chart.backgroundBrush().color() == base
    assert chart.titleBrush().color() == text
    assert chart.legend().labelColor() == text
    for axis in chart.axes():
        assert axis.labelsColor() == text
        assert contrast(axis.gridLineColor(), base) > 1.2  # the grid shows, quietly
    (series,) = chart.series()
    assert isinstance(series, QBarSeries)
    for bars in series.barSets():
        assert contrast(bars.color(), base) >= 3, bars.label()
