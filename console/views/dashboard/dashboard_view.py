"""The manager's numbers: referrals per technician and salesperson for a period, chart and table."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd
from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QValueAxis
from PySide6.QtCore import QDate, QEvent, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.services.numbers.metrics import ReferralMetrics, referral_metrics
from console.services.numbers.report import (
    HEADINGS,
    format_cell,
    prompt_line,
    summary_line,
    write_report,
)
from console.services.office.clock import local_today
from console.views.common import locale_format
from console.views.common.qt_dates import from_qdate
from console.views.common.tables.lazy import LazyView
from console.views.common.tones import Tone, muted, tone
from console.views.common.workers.background import Background
from console.views.context import DeskContext

PRESETS = ("Last 90 days", "This month", "This year", "Last 12 months", "All time")


def preset_range(name: str, today: dt.date) -> tuple[dt.date | None, dt.date]:
    if name == "This month":
        return today.replace(day=1), today
    if name == "This year":
        return today.replace(month=1, day=1), today
    if name == "Last 12 months":
        return today - dt.timedelta(days=365), today
    if name == "All time":
        return None, today
    return today - dt.timedelta(days=90), today


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


NO_BREAK = "\u00a0"
NO_BREAK_HYPHEN = "\u2011"


def unbroken(line: str) -> str:
    """`line` with each " · " figure held together, so wrapping falls only between figures."""
    figures = [
        figure.replace(" ", NO_BREAK).replace("-", NO_BREAK_HYPHEN) for figure in line.split(" · ")
    ]
    return f"{NO_BREAK}· ".join(figures)


def totals_line(metrics: ReferralMetrics) -> str:
    """The period's totals, then how referrals after an old-equipment heads-up convert."""
    return unbroken(
        " · ".join(
            part for part in (summary_line(metrics.totals), prompt_line(metrics.by_prompt)) if part
        )
    )


def count_axis(highest: float) -> tuple[int, int]:
    """A top and a whole-number step for counts up to `highest`: every tick a whole count."""
    top = max(1, math.ceil(highest))
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if top / step <= 6:
            return step * math.ceil(top / step), step
    step = 10 ** math.ceil(math.log10(top / 6))
    return step * math.ceil(top / step), step


def _blend(under: QColor, over: QColor, weight: float) -> QColor:
    """`over` laid on `under` at `weight` (0 to 1)."""
    return QColor(
        round(under.red() * (1 - weight) + over.red() * weight),
        round(under.green() * (1 - weight) + over.green() * weight),
        round(under.blue() * (1 - weight) + over.blue() * weight),
    )


class DashboardView(LazyView):
    """Figures are computed (pandas) on a worker; `loaded` fires when those shown are current."""

    loaded = Signal()
    reportSaved = Signal(str)

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.loading = Background(context, self, "compute the numbers")
        self.loading.settled.connect(self._settled)
        self.exporting = Background(context, self, "export the report")
        self.metrics: ReferralMetrics | None = None
        self.setObjectName("dashboardView")
        self.preset = QComboBox(self)
        self.preset.setAccessibleName("Period")
        self.preset.addItems(list(PRESETS))
        self.since = QDateEdit(self)
        self.since.setCalendarPopup(True)
        self.since.setDisplayFormat(locale_format.date_pattern())
        self.since.setAccessibleName("From")
        self.until = QDateEdit(self)
        self.until.setCalendarPopup(True)
        self.until.setDisplayFormat(locale_format.date_pattern())
        self.until.setAccessibleName("Until")
        self.group = QComboBox(self)
        self.group.setAccessibleName("Figures per")
        self.group.addItem("Per technician", "technician")
        self.group.addItem("Per salesperson", "salesperson")
        self.group.addItem("Per month", "month")
        self.group.addItem("After a heads-up or not", "prompt")
        self.export = QPushButton("&Export…", self)
        self.export.setAccessibleName("Export the report as CSV, Excel or PDF")
        self.export.clicked.connect(self.ask_export)
        self.totals = QLabel(self)
        self.totals.setObjectName("dashboardTotals")
        self.totals.setWordWrap(True)
        self.chart = QChart()
        self.chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignTop)
        self.chart.setBackgroundRoundness(0)
        self.chart_view = QChartView(self.chart, self)
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setAccessibleName("Referrals and wins chart")
        self._paint_chart()
        self.table = QTableWidget(self)
        self.table.setObjectName("dashboardTable")
        self.table.setAccessibleName("Referral figures")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        bar = QHBoxLayout()
        for label, widget in (
            ("Perio&d", self.preset),
            ("Fro&m", self.since),
            ("&Until", self.until),
        ):
            caption = QLabel(label, self)
            caption.setBuddy(widget)
            bar.addWidget(caption)
            bar.addWidget(widget)
        bar.addWidget(self.group)
        bar.addStretch(1)
        bar.addWidget(self.export)
        self.table.verticalHeader().setVisible(False)
        self.chart_view.setMinimumHeight(260)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.setObjectName("dashboardSplit")
        split.addWidget(self.chart_view)
        split.addWidget(self.table)
        split.setSizes([340, 400])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.totals)
        layout.addWidget(split, 1)
        self.apply_preset(PRESETS[0])
        self.preset.currentTextChanged.connect(self.apply_preset)
        self.since.dateChanged.connect(lambda _d: self.request_reload())
        self.until.dateChanged.connect(lambda _d: self.request_reload())
        self.group.currentIndexChanged.connect(lambda _i: self.show_figures())
        context.follow_changes(self, self._changed)

    def apply_preset(self, name: str) -> None:
        since, until = preset_range(name, local_today())
        self.since.blockSignals(True)
        self.until.blockSignals(True)
        self.since.setDate(_qdate(since) if since else QDate(2000, 1, 1))
        self.until.setDate(_qdate(until))
        self.since.blockSignals(False)
        self.until.blockSignals(False)
        self.request_reload()

    def period(self) -> tuple[dt.date | None, dt.date]:
        since = from_qdate(self.since.date())
        until = from_qdate(self.until.date())
        return (None if since.year <= 2000 else since), until

    def _changed(self, _what: str) -> None:
        self.request_reload()

    @property
    def busy(self) -> bool:
        """Figures are on their way that will be shown."""
        return self.loading.busy

    def reload(self) -> None:
        """Compute the period's figures on a worker; the table and chart fill when they come."""
        if not self.context.online:
            self._stale = True  # computed again once the database is back
            return
        since, until = self.period()
        engine = self.context.engine

        def figures() -> ReferralMetrics:
            with engine.connect() as connection:
                return referral_metrics(connection, since, until)

        self.totals.setText("Loading…")
        self.loading.submit(figures, self._show)

    def _settled(self) -> None:
        if self.totals.text() == "Loading…":
            self.totals.setText("" if self.metrics is None else totals_line(self.metrics))

    def _show(self, metrics: ReferralMetrics) -> None:
        self.metrics = metrics
        self.totals.setText(totals_line(metrics))
        self.show_figures()
        self.loaded.emit()

    def current_frame(self) -> pd.DataFrame:
        assert self.metrics is not None
        group = self.group.currentData()
        if group == "salesperson":
            return self.metrics.by_salesperson
        if group == "month":
            return self.metrics.monthly
        if group == "prompt":
            return self.metrics.by_prompt
        return self.metrics.by_technician

    def show_figures(self) -> None:
        if self.metrics is None:
            return
        frame = self.current_frame()
        self._fill_table(frame)
        self._fill_chart(frame)

    def _fill_table(self, frame: pd.DataFrame) -> None:
        self.table.setSortingEnabled(False)
        columns = list(frame.columns)
        self.table.clear()
        self.table.setColumnCount(len(columns) + 1)
        self.table.setRowCount(len(frame))
        key = str(frame.index.name or "").capitalize()
        locale = locale_format.locale_name()
        self.table.setHorizontalHeaderLabels([key] + [HEADINGS.get(c, c) for c in columns])
        for row, (name, values) in enumerate(frame.iterrows()):
            self.table.setItem(row, 0, QTableWidgetItem(str(name)))
            for column, field in enumerate(columns, start=1):
                item = QTableWidgetItem(format_cell(field, values[field], locale))
                value = values[field]
                number = float(value) if value is not None and not pd.isna(value) else -math.inf
                item.setData(Qt.ItemDataRole.UserRole, number)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.table.setSortingEnabled(True)

    def _fill_chart(self, frame: pd.DataFrame) -> None:
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)
        top = frame.head(12)
        colours = self.palette()
        referrals = QBarSet("Referrals")
        referrals.setColor(muted(colours))
        referrals.setBorderColor(muted(colours))
        won = QBarSet("Won")
        won.setColor(tone(Tone.WARNING, colours))
        won.setBorderColor(tone(Tone.WARNING, colours))
        referrals.append([float(v) for v in top["referrals"]])
        won.append([float(v) for v in top["won"]])
        series = QBarSeries()
        series.append(referrals)
        series.append(won)
        self.chart.addSeries(series)
        categories = QBarCategoryAxis()
        categories.append([str(name) for name in top.index])
        categories.setLabelsAngle(-45)
        categories.setTruncateLabels(False)
        values = QValueAxis()
        values.setLabelFormat("%d")
        highest = max([0.0, *(float(v) for v in top["referrals"]), *(float(v) for v in top["won"])])
        axis_top, step = count_axis(highest)
        values.setRange(0, axis_top)
        values.setTickType(QValueAxis.TickType.TicksDynamic)
        values.setTickAnchor(0)
        values.setTickInterval(step)
        values.setMinorTickCount(0)
        self.chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(categories)
        series.attachAxis(values)
        self._paint_chart()
        group = self.group.currentText().lower()
        self.chart.setTitle(
            f"Referrals and wins {group}" if len(top) else "No referrals in this period"
        )

    def _paint_chart(self) -> None:
        """Background, text, axes and grid in the palette's colours, so a dark theme reads."""
        colours = self.palette()
        base = colours.color(QPalette.ColorRole.Base)
        text = colours.color(QPalette.ColorRole.Text)
        grid = _blend(base, text, 0.25)  # quiet lines that show on light and dark bases
        self.chart.setBackgroundBrush(QBrush(base))
        self.chart.setPlotAreaBackgroundVisible(False)
        self.chart_view.setBackgroundBrush(QBrush(base))
        self.chart.setTitleBrush(QBrush(text))
        self.chart.legend().setLabelColor(text)
        for axis in self.chart.axes():
            axis.setLabelsColor(text)
            axis.setLinePenColor(grid)
            axis.setGridLineColor(grid)
            axis.setTitleBrush(QBrush(text))

    def changeEvent(self, event: QEvent) -> None:
        """A palette switched while open (the desktop's theme changed): redraw in the new one."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            if self.metrics is not None:
                self.show_figures()
            else:
                self._paint_chart()

    def ask_export(self) -> None:
        if self.metrics is None:
            return
        path, _filter = QFileDialog.getSaveFileName(
            self,
            "Export referral report",
            "referral-report.pdf",
            "PDF (*.pdf);;Excel (*.xlsx);;CSV (*.csv)",
        )
        if path:
            self.save_report(Path(path))

    def save_report(self, path: Path) -> None:
        """Write the report (PDF, XLSX or CSV) on a worker; the totals line says when done."""
        metrics = self.metrics
        assert metrics is not None

        def work() -> Path:
            write_report(metrics, path)
            return path

        self.totals.setText(f"Exporting to {path.name}…")
        self.exporting.submit(work, self._exported, self._export_failed)

    def _exported(self, path: Path) -> None:
        assert self.metrics is not None
        self.totals.setText(f"{unbroken(summary_line(self.metrics.totals))} · exported to {path}")
        self.reportSaved.emit(str(path))

    def _export_failed(self, error: BaseException) -> None:
        if self.metrics is not None:
            self.totals.setText(unbroken(summary_line(self.metrics.totals)))
        if isinstance(error, OSError):
            QMessageBox.warning(self, "Not exported", f"Could not write the file:\n{error}")
            return
        self.exporting.report(error)
