"""A technician's weekly digest as a printable PDF, in the briefing's fonts and colours.

The figures come first, in a row of boxes a tech can read at arm's length; the lists of
referrals, outcomes and paid spiffs follow, then the thank-you line.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from console.services.briefing.fonts import BOLD, markup
from console.services.briefing.page import PageSize
from console.services.briefing.render import (
    ACCENT,
    CALL_FILL,
    FOOTER_GAP,
    FRAME_PADDING,
    HEADER_FILL,
    MARGIN,
    MUTED,
    RULE,
    sheet_document,
    sheet_styles,
)
from console.services.calendar.digest import TechnicianDigest, money, outcome_line
from console.services.office import formatting

PAD = 3  # inside each figure box, so amounts keep their size


def render_digest(digest: TechnicianDigest, page_size: PageSize = PageSize.LETTER) -> bytes:
    """The digest as PDF bytes."""
    buffer = io.BytesIO()
    document = sheet_document(
        buffer, page_size, f"Weekly referral digest — {digest.technician} — {digest.week.label}"
    )
    width = document.width - 2 * FRAME_PADDING
    styles = _styles()
    made = formatting.datetime(digest.made_at)
    footer = f"{digest.technician} · week {digest.week.label} · made {made}"

    def draw_footer(canvas: Canvas, _document: Any) -> None:
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        page_width = canvas._pagesize[0]
        canvas.line(MARGIN, MARGIN - 3, page_width - MARGIN, MARGIN - 3)
        text = Paragraph(f"{markup(footer)} · page {canvas.getPageNumber()}", styles["small"])
        _w, h = text.wrapOn(canvas, page_width - 2 * MARGIN, FOOTER_GAP)
        text.drawOn(canvas, MARGIN, MARGIN - 5 - h)
        canvas.restoreState()

    document.build(
        _flowables(digest, width, styles), onFirstPage=draw_footer, onLaterPages=draw_footer
    )
    return buffer.getvalue()


def _styles() -> dict[str, ParagraphStyle]:
    styles = sheet_styles()
    base = styles["base"]
    styles["figure"] = ParagraphStyle(
        "figure", parent=base, fontName=BOLD, fontSize=14, leading=17, alignment=1
    )
    styles["figure_label"] = ParagraphStyle(
        "figure_label", parent=base, fontSize=7.5, leading=9, alignment=1, textColor=MUTED
    )
    styles["thanks"] = ParagraphStyle(
        "thanks", parent=base, fontSize=11, leading=15, textColor=ACCENT
    )
    return styles


def _flowables(
    digest: TechnicianDigest, width: float, styles: dict[str, ParagraphStyle]
) -> list[Any]:
    week = digest.week
    story: list[Any] = [
        Paragraph(markup(f"Your week, {digest.technician}"), styles["title"]),
        Paragraph(
            markup(f"Referral digest for week {week.label}: {week.span} ({digest.zone})"),
            styles["subtitle"],
        ),
        Spacer(1, 8),
        _figures(digest, width, styles),
        Spacer(1, 10),
        _thanks(digest, width, styles),
    ]
    story.append(Paragraph("Referrals you made", styles["section"]))
    story.append(
        _table(
            ["Day", "Customer", "What you saw", "Now"],
            [
                [
                    formatting.day(row.created_at),
                    row.customer,
                    row.pain_point,
                    row.status.label,
                ]
                for row in digest.referrals
            ],
            [0.14, 0.26, 0.44, 0.16],
            width,
            styles,
            "No referrals this week.",
        )
    )
    story.append(Paragraph("Outcomes reached", styles["section"]))
    story.append(
        _table(
            ["Day", "Customer", "Outcome"],
            [[formatting.day(row.at), row.customer, outcome_line(row)] for row in digest.outcomes],
            [0.14, 0.32, 0.54],
            width,
            styles,
            "No outcomes this week.",
        )
    )
    story.append(Paragraph("Spiffs paid", styles["section"]))
    story.append(
        _table(
            ["Day", "Customer", "Amount"],
            [[formatting.day(row.paid_at), row.customer, money(row.amount)] for row in digest.paid],
            [0.14, 0.56, 0.30],
            width,
            styles,
            "No spiffs paid this week.",
        )
    )
    return story


def _figures(digest: TechnicianDigest, width: float, styles: dict[str, ParagraphStyle]) -> Table:
    figures = [
        (str(len(digest.referrals)), "referrals made"),
        (str(len(digest.outcomes)), "outcomes reached"),
        (str(len(digest.won)), "won"),
        (_figure(digest.won_value), "value won"),
        (_figure(digest.spiffs_accrued), "spiffs earned"),
        (_figure(digest.spiffs_paid), "spiffs paid"),
        (_figure(digest.owed_to_date), "owed to you so far"),
    ]
    column = width / len(figures)
    cells = [
        [
            [
                Paragraph(markup(value), _fitted(styles["figure"], value, column - 2 * PAD)),
                Paragraph(label, styles["figure_label"]),
            ]
            for value, label in figures
        ]
    ]
    table = Table(cells, colWidths=[column] * len(figures))
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.5, RULE),
                ("INNERGRID", (0, 0), (-1, -1), 0.5, RULE),
                ("BACKGROUND", (0, 0), (-1, -1), HEADER_FILL),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ("LEFTPADDING", (0, 0), (-1, -1), PAD),
                ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
            ]
        )
    )
    return table


def _fitted(style: ParagraphStyle, text: str, room: float) -> ParagraphStyle:
    """The figure's style, smaller when a large amount would otherwise wrap in its box."""
    wide = stringWidth(text, style.fontName, style.fontSize)
    if wide <= room:
        return style
    size = max(7.0, style.fontSize * room / wide)
    return ParagraphStyle(f"{style.name}-{size:.1f}", parent=style, fontSize=size, leading=size + 3)


def _figure(value: Decimal) -> str:
    """An amount for a figure box: whole units when there are no cents, so it fits."""
    return formatting.money(value, cents=value != value.to_integral_value())


def _thanks(digest: TechnicianDigest, width: float, styles: dict[str, ParagraphStyle]) -> Table:
    table = Table([[Paragraph(markup(digest.thanks), styles["thanks"])]], colWidths=[width])
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), CALL_FILL),
                ("BOX", (0, 0), (-1, -1), 0.75, ACCENT),
                ("LEFTPADDING", (0, 0), (-1, -1), 10),
                ("TOPPADDING", (0, 0), (-1, -1), 8),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return table


def _table(
    header: list[str],
    rows: list[list[str]],
    shares: list[float],
    width: float,
    styles: dict[str, ParagraphStyle],
    empty: str,
) -> Any:
    if not rows:
        return Paragraph(empty, styles["small"])
    data = [[Paragraph(text, styles["head"]) for text in header]]
    data += [[Paragraph(markup(text), styles["cell"]) for text in row] for row in rows]
    table = Table(data, colWidths=[width * share for share in shares], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


__all__ = ["render_digest"]
