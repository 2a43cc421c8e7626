"""The pieces a briefing page is built from: its measures, colours and paragraph styles, and
a sheet's primitives (paragraphs, tables without empty columns, framed boxes, ruled lines).

Other printed pages (the tech's weekly digest) take the same measures and styles so the office's
paper looks alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from console.services.briefing.fonts import BOLD, REGULAR, markup, register_fonts

MARGIN = 15 * mm
FOOTER_GAP = 8 * mm
FRAME_PADDING = 6  # platypus frames keep this much inside each edge
INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#52606d")
ACCENT = colors.HexColor("#b45309")
RULE = colors.HexColor("#cbd2d9")
HEADER_FILL = colors.HexColor("#e4e7eb")
CALL_FILL = colors.HexColor("#fff7e6")


def sheet_styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("base", fontName=REGULAR, fontSize=8.5, leading=11, textColor=INK)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5, textColor=MUTED),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10),
        "head": ParagraphStyle("head", parent=base, fontName=BOLD, fontSize=8, leading=10),
        "title": ParagraphStyle("title", parent=base, fontName=BOLD, fontSize=18, leading=22),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=9.5, leading=13),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT, fontSize=8.5, leading=12),
        "section": ParagraphStyle(
            "section",
            parent=base,
            fontName=BOLD,
            fontSize=11.5,
            leading=15,
            spaceBefore=10,
            spaceAfter=4,
        ),
        "call_title": ParagraphStyle(
            "call_title", parent=base, fontName=BOLD, fontSize=12, leading=16, textColor=ACCENT
        ),
        "call": ParagraphStyle("call", parent=base, fontSize=10, leading=14),
        "visit_head": ParagraphStyle(
            "visit_head",
            parent=base,
            fontSize=8.5,
            leading=11,
            spaceBefore=5,
            keepWithNext=1,
            borderPadding=(2, 0, 1, 0),
            backColor=HEADER_FILL,
        ),
        "visit_body": ParagraphStyle(
            "visit_body", parent=base, fontSize=8, leading=10.5, leftIndent=10
        ),
    }


class RuledArea(Flowable):
    """Lines for the salesperson's own notes."""

    def __init__(self, lines: int = 10, spacing: float = 8 * mm) -> None:
        super().__init__()
        self.lines = lines
        self.spacing = spacing

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return available_width, self.lines * self.spacing

    def draw(self) -> None:
        self.canv.setStrokeColor(RULE)
        self.canv.setLineWidth(0.6)
        for line in range(1, self.lines + 1):
            y = self.lines * self.spacing - line * self.spacing
            self.canv.line(0, y, self.width, y)


def blank(cell: Any) -> bool:
    """A table cell with nothing to read in it."""
    if isinstance(cell, Paragraph):
        return not cell.getPlainText().strip()
    return cell is None or (isinstance(cell, str) and not cell.strip())


class SheetParts:
    """Paragraphs, tables and boxes in the sheet's styles, `width` points across."""

    def __init__(self, width: float) -> None:
        self.width = width
        self.styles = sheet_styles()

    def p(self, text: str | None, style: str = "cell") -> Paragraph:
        return Paragraph(markup(text), self.styles[style])

    def rich(self, html: str, style: str = "cell") -> Paragraph:
        """A paragraph from markup already made safe by the caller."""
        return Paragraph(html, self.styles[style])

    def section(self, title: str) -> Paragraph:
        return self.rich(title, "section")

    def table(
        self,
        header: Sequence[str],
        rows: list[list[Any]],
        widths: Sequence[float],
        marked_rows: Sequence[int] = (),
    ) -> Table:
        """A table without the columns that are empty in every row; `marked_rows` (indexes
        into `rows`) get the highlight fill."""
        kept = [
            column for column in range(len(header)) if any(not blank(row[column]) for row in rows)
        ]
        header = [header[column] for column in kept]
        rows = [[row[column] for column in kept] for row in rows]
        widths = [widths[column] for column in kept]
        total = sum(widths)
        col_widths = [self.width * w / total for w in widths]
        data = [[self.rich(h, "head") for h in header], *rows]
        table = Table(data, colWidths=col_widths, repeatRows=1, splitInRow=1, hAlign="LEFT")
        style: list[tuple[Any, ...]] = [
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ]
        style.extend(("BACKGROUND", (0, row + 1), (-1, row + 1), CALL_FILL) for row in marked_rows)
        table.setStyle(TableStyle(style))
        return table

    def boxed(self, cell: list[Flowable], border: colors.Color = ACCENT) -> Table:
        """A framed, tinted box across the page."""
        box = Table([[cell]], colWidths=[self.width])
        box.setStyle(
            TableStyle(
                [
                    ("BOX", (0, 0), (-1, -1), 1.5, border),
                    ("BACKGROUND", (0, 0), (-1, -1), CALL_FILL),
                    ("LEFTPADDING", (0, 0), (-1, -1), 8),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                    ("TOPPADDING", (0, 0), (-1, -1), 6),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ]
            )
        )
        return box

    def none_line(self, text: str) -> Paragraph:
        return self.rich(f"<i>{text}</i>", "small")
