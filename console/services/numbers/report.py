"""The referral report as a file: CSV (per technician), XLSX (every table) or a printable PDF."""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any

import pandas as pd
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from console.services.briefing.fonts import BOLD, REGULAR, markup, register_fonts
from console.services.briefing.page import PageSize
from console.services.numbers.metrics import PROMPTED, UNPROMPTED, ReferralMetrics
from console.services.office import formatting
from console.services.output_file import atomic_output
from console.services.transfer.formulas import protect, protect_frame, workbook_refusal
from console.services.transfer.table_file import FileProblem

HEADINGS = {
    "referrals": "Referrals",
    "won": "Won",
    "lost": "Lost",
    "conversion": "Conversion",
    "value_won": "Value won",
    "spiffs_owed": "Spiffs owed",
    "spiffs_paid": "Spiffs paid",
    "median_hours_to_first_contact": "Median h to 1st contact",
    "told_share": "Tech told",
    "prompted": "Prompted",
    "prompted_won": "Prompted won",
}


def period_text(metrics: ReferralMetrics, locale: str | None = None) -> str:
    since = formatting.date(metrics.since, locale) if metrics.since else "the beginning"
    until = formatting.date(metrics.until, locale) if metrics.until else "today"
    return f"{since} to {until}"


MONEY_COLUMNS = ("value_won", "spiffs_owed", "spiffs_paid")
SHARE_COLUMNS = ("conversion", "told_share")
COUNT_COLUMNS = ("referrals", "won", "lost", "prompted", "prompted_won")


def format_cell(column: str, value: Any, locale: str | None = None) -> str:
    """A figure as people read it, in `locale` (None: the desk's) and the office's currency.

    For the screen and the PDF only; the CSV and XLSX files keep plain numbers.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if column in SHARE_COLUMNS:
        return formatting.percent(float(value), locale)
    if column in MONEY_COLUMNS:
        return formatting.money(float(value), locale=locale, cents=False)
    if column == "median_hours_to_first_contact":
        return formatting.number(float(value), locale, decimals=1)
    if column in COUNT_COLUMNS:
        return formatting.number(int(float(value)), locale)
    return str(value)


def summary_line(totals: dict[str, float]) -> str:
    """The period in one sentence, for the report's head and the dashboard."""
    hours = format_cell("median_hours_to_first_contact", totals["median_hours_to_first_contact"])
    return (
        f"{int(totals['referrals'])} referrals · {int(totals['won'])} won · "
        f"conversion {format_cell('conversion', totals['conversion'])} · "
        f"value won {format_cell('value_won', totals['value_won'])} · "
        f"median {hours} h to first contact · "
        f"tech told on {format_cell('told_share', totals['told_share'])} of closed referrals"
    )


def prompt_line(by_prompt: pd.DataFrame) -> str:
    """Prompted against unprompted referrals in one sentence, for the report and the dashboard."""
    if by_prompt.empty:
        return ""
    parts = []
    for name, label in ((PROMPTED, "after a heads-up"), (UNPROMPTED, "unprompted")):
        row = by_prompt.loc[name]
        count = int(row["referrals"])
        parts.append(
            f"{count} referral{'s' if count != 1 else ''} {label}, "
            f"conversion {format_cell('conversion', row['conversion'])}"
        )
    return " · ".join(parts)


REPORT_SUFFIXES = (".csv", ".xlsx", ".pdf")
SHEETS = (
    ("Technicians", "by_technician"),
    ("Salespeople", "by_salesperson"),
    ("Monthly", "monthly"),
)


def write_report(
    metrics: ReferralMetrics, path: Path, page_size: PageSize = PageSize.LETTER
) -> None:
    """The report as `path`'s extension says; names from the data never run as formulas."""
    suffix = path.suffix.lower()
    if suffix not in REPORT_SUFFIXES:
        raise FileProblem(f"{path.name}: the report is written as .csv, .xlsx or .pdf")
    with atomic_output(path, REPORT_SUFFIXES) as partial:
        if suffix == ".csv":
            table = protect_frame(metrics.by_technician.reset_index())
            table.to_csv(partial, index=False, encoding="utf-8-sig")
        elif suffix == ".xlsx":
            tables = [
                (sheet, protect_frame(getattr(metrics, name).reset_index()))
                for sheet, name in SHEETS
            ]
            for sheet, table in tables:
                if (refusal := workbook_refusal(table)) is not None:
                    raise FileProblem(f"{path.name}, sheet {sheet}: {refusal}")
            with pd.ExcelWriter(partial, engine="openpyxl") as writer:
                for sheet, table in tables:
                    table.to_excel(writer, sheet_name=str(protect(sheet)), index=False)
        else:
            partial.write_bytes(report_pdf(metrics, page_size))


def _chart(frame: pd.DataFrame, width: float) -> Drawing:
    top = frame.head(15)
    drawing = Drawing(width, 190)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 40, 50, width - 160, 130
    chart.data = [list(top["referrals"]), list(top["won"])] if len(top) else [[0], [0]]
    chart.categoryAxis.categoryNames = [str(name)[:14] for name in top.index] or [""]
    chart.categoryAxis.labels.angle = 30
    chart.categoryAxis.labels.boxAnchor = "ne"
    chart.categoryAxis.labels.fontName = REGULAR
    chart.categoryAxis.labels.fontSize = 6.5
    chart.valueAxis.labels.fontName = REGULAR
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = colors.HexColor("#9aa5b1")
    chart.bars[1].fillColor = colors.HexColor("#b45309")
    legend = Legend()
    legend.x, legend.y = width - 100, 170
    legend.fontName = REGULAR
    legend.colorNamePairs = [
        (chart.bars[0].fillColor, "Referrals"),
        (chart.bars[1].fillColor, "Won"),
    ]
    drawing.add(chart)
    drawing.add(legend)
    return drawing


def _table(frame: pd.DataFrame, key: str, width: float) -> Table:
    register_fonts()
    head = ParagraphStyle("h", fontName=BOLD, fontSize=7.5, leading=9)
    body = ParagraphStyle("b", fontName=REGULAR, fontSize=7.5, leading=9)
    columns = list(frame.columns)
    data = [
        [Paragraph(key.capitalize(), head)] + [Paragraph(HEADINGS.get(c, c), head) for c in columns]
    ]
    for name, row in frame.iterrows():
        data.append(
            [Paragraph(markup(str(name)), body)]
            + [Paragraph(format_cell(c, row[c]), body) for c in columns]
        )
    first = width * 0.2
    rest = (width - first) / max(1, len(columns))
    table = Table(data, colWidths=[first] + [rest] * len(columns), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e4e7eb")),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#cbd2d9")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def report_pdf(metrics: ReferralMetrics, page_size: PageSize = PageSize.LETTER) -> bytes:
    register_fonts()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(page_size.points),
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title="Technician referrals",
    )
    width = document.width - 12
    title = ParagraphStyle("t", fontName=BOLD, fontSize=16, leading=20)
    section = ParagraphStyle(
        "s", fontName=BOLD, fontSize=11, leading=15, spaceBefore=8, spaceAfter=4
    )
    text = ParagraphStyle("x", fontName=REGULAR, fontSize=9, leading=12)
    summary = summary_line(metrics.totals)
    story = [
        Paragraph("Technician referrals", title),
        Paragraph(f"Referrals recorded {period_text(metrics)}", text),
        Paragraph(summary, text),
        Spacer(0, 6),
        _chart(metrics.by_technician, width),
        Paragraph("Per technician", section),
        _table(metrics.by_technician, "technician", width),
        Paragraph("Per salesperson", section),
        _table(metrics.by_salesperson, "salesperson", width),
        Paragraph("Per month", section),
        _table(metrics.monthly, "month", width * 0.6),
        KeepTogether(
            [
                Paragraph("After a heads-up about old equipment", section),
                Paragraph(markup(prompt_line(metrics.by_prompt)), text),
                Spacer(0, 4),
                _table(metrics.by_prompt, "heads-up", width * 0.6),
            ]
        ),
    ]
    document.build(story)
    return buffer.getvalue()
