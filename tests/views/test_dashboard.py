"""The Numbers tab: figures for a period, per technician, salesperson or month."""

from __future__ import annotations

from console.views.main_window import MainWindow


def test_dashboard_shows_figures_for_the_period(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.tabs.setCurrentWidget(window.numbers_tab)
    assert window.numbers_tab.placeholder.isVisible()  # the first show never waits on imports
    qtbot.waitUntil(lambda: window.numbers_tab.ready, timeout=20_000)
    dashboard = window.dashboard
    with qtbot.waitSignal(dashboard.loaded, timeout=10_000):
        dashboard.preset.setCurrentText("All time")
    metrics = dashboard.metrics
    assert metrics is not None and metrics.totals["referrals"] > 0
    shown = dashboard.totals.text().replace("\u00a0", " ")  # figures are held with no-break spaces
    assert f"{int(metrics.totals['referrals'])} referrals" in shown
    table = dashboard.table
    assert table.rowCount() == len(metrics.by_technician)
    assert table.horizontalHeaderItem(0).text() == "Technician"
    top = metrics.by_technician.index[0]
    assert table.item(0, 0).text() == top
    assert len(dashboard.chart.series()) == 1
    dashboard.group.setCurrentIndex(dashboard.group.findData("month"))
    assert table.rowCount() == len(metrics.monthly)
    assert table.horizontalHeaderItem(0).text() == "Month"


def test_dashboard_compares_referrals_after_a_heads_up(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.tabs.setCurrentWidget(window.numbers_tab)
    qtbot.waitUntil(lambda: window.numbers_tab.ready, timeout=20_000)
    dashboard = window.dashboard
    with qtbot.waitSignal(dashboard.loaded, timeout=10_000):
        dashboard.preset.setCurrentText("All time")
    dashboard.group.setCurrentIndex(dashboard.group.findData("prompt"))
    table = dashboard.table
    assert [table.item(row, 0).text() for row in range(table.rowCount())] == [
        "prompted",
        "unprompted",
    ]
    assert "unprompted, conversion" in dashboard.totals.text().replace("\u00a0", " ")
