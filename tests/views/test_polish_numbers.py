"""The Numbers chart counts in whole numbers, names people in full, wraps between figures."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCharts import QBarCategoryAxis, QValueAxis

from console.views.dashboard.dashboard_view import NO_BREAK, count_axis
from console.views.main_window import MainWindow


@given(st.integers(min_value=0, max_value=100_000))
def test_count_axis_ticks_fall_on_whole_counts(highest: int) -> None:
    top, step = count_axis(highest)
    assert top >= max(highest, 1)
    assert top % step == 0
    assert 1 <= top // step <= 6


def test_numbers_chart_reads_in_whole_counts_and_full_names(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.tabs.setCurrentWidget(window.numbers_tab)
    qtbot.waitUntil(lambda: window.numbers_tab.ready, timeout=20_000)
    dashboard = window.dashboard
    with qtbot.waitSignal(dashboard.loaded, timeout=10_000):
        dashboard.preset.setCurrentText("All time")
    metrics = dashboard.metrics
    assert metrics is not None
    values = next(a for a in dashboard.chart.axes() if isinstance(a, QValueAxis))
    names = next(a for a in dashboard.chart.axes() if isinstance(a, QBarCategoryAxis))
    highest = int(metrics.by_technician.head(12)["referrals"].max())
    assert values.tickType() == QValueAxis.TickType.TicksDynamic
    assert values.min() == 0 and values.max() >= highest
    assert values.tickInterval() == int(values.tickInterval()) >= 1
    assert values.max() % values.tickInterval() == 0
    assert names.categories() == [str(n) for n in metrics.by_technician.head(12).index]
    shown = dashboard.totals.text()
    # Each figure keeps its words together; a line may break only after a " · ".
    for figure in shown.split(f"{NO_BREAK}· "):
        assert " " not in figure
    assert f"conversion{NO_BREAK}" in shown
    assert "heads-up" not in shown and "heads\u2011up" in shown
    assert shown.replace(NO_BREAK, " ").startswith(
        f"{int(metrics.totals['referrals'])} referrals · {int(metrics.totals['won'])} won · "
    )
