"""Lay a briefing out as PDF pages with ReportLab platypus.

Long notes wrap and split across pages, tables repeat their header row, and every page carries
the customer's name, "page N of M" and when it was printed.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from console.services import office_time
from console.services.briefing.content import BriefingContent, TechToCall
from console.services.briefing.fonts import BOLD, REGULAR, markup, register_fonts
from console.services.briefing.page import PageSize
from console.services.customers import EquipmentRow, NoteRow, ReferralRow, VisitRow

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


def local(value: dt.datetime | None, with_time: bool = True) -> str:
    """A stored moment as the office reads it: its date and time in the office's zone."""
    if value is None:
        return ""
    shown = office_time.local(value)
    return shown.strftime("%Y-%m-%d %H:%M") if with_time else shown.strftime("%Y-%m-%d")


def money(value: Any) -> str:
    return "" if value is None else f"${value:,.0f}"


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


class _Sheet:
    """Builds the flowables of one briefing."""

    def __init__(self, content: BriefingContent, width: float) -> None:
        self.content = content
        self.width = width
        self.styles = sheet_styles()

    def p(self, text: str | None, style: str = "cell") -> Paragraph:
        return Paragraph(markup(text), self.styles[style])

    def rich(self, html: str, style: str = "cell") -> Paragraph:
        """A paragraph from markup already made safe by the caller."""
        return Paragraph(html, self.styles[style])

    def section(self, title: str) -> Paragraph:
        return self.rich(title, "section")

    def table(self, header: Sequence[str], rows: list[list[Any]], widths: Sequence[float]) -> Table:
        total = sum(widths)
        col_widths = [self.width * w / total for w in widths]
        data = [[self.rich(h, "head") for h in header], *rows]
        table = Table(data, colWidths=col_widths, repeatRows=1, splitInRow=1, hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                    ("LEFTPADDING", (0, 0), (-1, -1), 4),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ]
            )
        )
        return table

    def none_line(self, text: str) -> Paragraph:
        return self.rich(f"<i>{text}</i>", "small")

    # -- sections -----------------------------------------------------------------------

    def header(self) -> list[Flowable]:
        customer = self.content.customer
        left = [self.p(customer.name, "title")]
        if customer.company and customer.company != customer.name:
            left.append(self.p(customer.company, "subtitle"))
        contact = " · ".join(
            part for part in (customer.phone, customer.phone_alt, customer.email) if part
        )
        left.append(self.p(customer.address, "subtitle"))
        site = self.content.site
        if site is not None and site.address and site.address != customer.address:
            left.append(self.p(f"Visit at {site.name}: {site.address}", "subtitle"))
        left.append(self.p(contact, "subtitle"))
        right_lines = ["<b>Sales briefing</b>", f"Account {markup(customer.account_number)}"]
        if self.content.appointment_at:
            right_lines.append(f"Appointment {local(self.content.appointment_at)}")
        if self.content.salesperson:
            right_lines.append(f"Salesperson {markup(self.content.salesperson)}")
        right = self.rich("<br/>".join(right_lines), "right")
        table = Table([[left, right]], colWidths=[self.width * 0.68, self.width * 0.32])
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, -1), 1.2, INK),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ]
            )
        )
        return [table, Spacer(0, 6)]

    def call_box(self) -> list[Flowable]:
        techs = self.content.techs_to_call
        cell: list[Flowable] = [self.rich("Call before you go", "call_title")]
        if not techs:
            cell.append(
                self.rich("No open referrals: no technician to call for this customer.", "call")
            )
        for tech in techs:
            cell.append(self.rich(self._tech_line(tech), "call"))
            for saw in tech.saw:
                cell.append(self.rich(f"• What they saw: {markup(saw)}", "base"))
            cell.append(Spacer(0, 3))
        box = Table([[cell]], colWidths=[self.width])
        box.setStyle(
            TableStyle(
                [
                    ("BOX", (0, 0), (-1, -1), 1.5, ACCENT),
                    ("BACKGROUND", (0, 0), (-1, -1), CALL_FILL),
                    ("LEFTPADDING", (0, 0), (-1, -1), 8),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                    ("TOPPADDING", (0, 0), (-1, -1), 6),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ]
            )
        )
        return [box]

    @staticmethod
    def _tech_line(tech: TechToCall) -> str:
        phone = f"<b>{markup(tech.phone)}</b>" if tech.phone else "<i>no phone on file</i>"
        last = f" · last visit {local(tech.last_visit, with_time=False)}" if tech.last_visit else ""
        return f"<b>{markup(tech.name)}</b> · {phone}{last}"

    def referrals(self) -> list[Flowable]:
        flow: list[Flowable] = [self.section("Open referrals")]
        if not self.content.open_referrals:
            return [*flow, self.none_line("No open referrals.")]
        rows = [self._referral_row(r) for r in self.content.open_referrals]
        flow.append(
            self.table(
                [
                    "Status",
                    "Recorded",
                    "Technician",
                    "What the tech saw / recommends",
                    "Urgency",
                    "Value",
                ],
                rows,
                [15, 12, 14, 39, 10, 10],
            )
        )
        return flow

    def _referral_row(self, referral: ReferralRow) -> list[Any]:
        status = referral.status.label + (" · OVERDUE" if referral.overdue else "")
        saw = markup(referral.pain_point)
        if referral.recommendation:
            saw += (
                f"<br/><font color='#52606d'>Recommends: {markup(referral.recommendation)}</font>"
            )
        if referral.equipment:
            saw += f"<br/><font color='#52606d'>Equipment: {markup(referral.equipment)}</font>"
        attempts = self.content.contact_attempts.get(referral.id)
        if attempts:
            saw += f"<br/><font color='#52606d'>{markup(attempts)}</font>"
        return [
            self.p(status),
            self.p(local(referral.created_at, with_time=False)),
            self.p(referral.technician),
            self.rich(saw),
            self.p(referral.urgency.value),
            self.p(money(referral.estimated_value)),
        ]

    def equipment(self) -> list[Flowable]:
        flow: list[Flowable] = [self.section("Equipment")]
        if not self.content.equipment:
            return [*flow, self.none_line("No equipment on record.")]
        rows = [self._equipment_row(e) for e in self.content.equipment]
        flow.append(
            self.table(
                ["Equipment", "Make", "Model", "Serial", "Installed", "Age", "Location"],
                rows,
                [15, 14, 19, 14, 12, 8, 14],
            )
        )
        return flow

    def _equipment_row(self, row: EquipmentRow) -> list[Any]:
        age = "" if row.age_years is None else f"{row.age_years:.0f} yr"
        return [
            self.p(row.kind),
            self.p(row.make),
            self.p(row.model),
            self.p(row.serial),
            self.p(row.installed_on.isoformat() if row.installed_on else ""),
            self.p(age),
            self.p(row.location),
        ]

    def history(self) -> list[Flowable]:
        count = len(self.content.history)
        total = self.content.customer.visit_count
        title = (
            f"Recent service history (last {count} of {total} visits)"
            if total > count
            else "Service history"
        )
        flow: list[Flowable] = [CondPageBreak(40 * mm), self.section(title)]
        if not self.content.history:
            return [*flow, self.none_line("No service visits on record.")]
        for visit in self.content.history:
            flow.extend(self._visit_block(visit))
        return flow

    def _visit_block(self, visit: VisitRow) -> list[Flowable]:
        """One visit as a heading line and wrapped paragraphs, which split cheaply across pages."""
        heading = " · ".join(
            part
            for part in (
                f"<b>{local(visit.scheduled_for, with_time=False)}</b>",
                f"<b>{markup(visit.technician or 'no technician')}</b>",
                markup(visit.equipment) if visit.equipment else "",
                f"<i>{visit.status.value.replace('_', ' ')}</i>"
                if visit.status.value != "completed"
                else "",
            )
            if part
        )
        block: list[Flowable] = [self.rich(heading, "visit_head")]
        for label, text in (
            ("Problem", visit.problem),
            ("Work done", visit.work_done),
            ("Tech notes", visit.tech_notes),
        ):
            if text:
                block.append(self.rich(f"<b>{label}:</b> {markup(text)}", "visit_body"))
        return block

    def notes(self) -> list[Flowable]:
        flow: list[Flowable] = [self.section("Upsell notes")]
        notes = self.content.pinned_notes + self.content.other_notes
        if not notes:
            return [*flow, self.none_line("No upsell notes.")]
        rows = [self._note_row(n) for n in notes]
        flow.append(self.table(["", "Date", "By", "Category", "Note"], rows, [9, 12, 15, 16, 48]))
        return flow

    def _note_row(self, note: NoteRow) -> list[Any]:
        return [
            self.rich("<b>Pinned</b>" if note.pinned else ""),
            self.p(local(note.created_at, with_time=False)),
            self.p(note.author),
            self.p(note.category),
            self.p(note.text),
        ]

    def own_notes(self) -> list[Flowable]:
        return [KeepTogether([self.section("Your notes from the visit"), RuledArea()])]

    def flowables(self) -> list[Flowable]:
        return [
            *self.header(),
            *self.call_box(),
            *self.referrals(),
            *self.equipment(),
            *self.history(),
            *self.notes(),
            *self.own_notes(),
        ]


def _footer_canvas(content: BriefingContent) -> type[Canvas]:
    """A canvas that holds pages back until the end, so each footer can say 'of M'."""
    name = content.customer.name
    printed = local(content.printed_at)
    styles = sheet_styles()

    class FooterCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._draw_footer(number, total)
                super().showPage()
            super().save()

        def _draw_footer(self, number: int, total: int) -> None:
            width, _height = self._pagesize
            self.setStrokeColor(RULE)
            self.setLineWidth(0.5)
            self.line(MARGIN, MARGIN - 3, width - MARGIN, MARGIN - 3)
            text = f"{markup(name)} · page {number} of {total} · printed {printed}"
            footer = Paragraph(text, styles["small"])
            _w, h = footer.wrapOn(self, width - 2 * MARGIN, FOOTER_GAP)
            footer.drawOn(self, MARGIN, MARGIN - 5 - h)

    return FooterCanvas


def sheet_document(
    buffer: io.BytesIO, page_size: PageSize, title: str, subject: str | None = None
) -> SimpleDocTemplate:
    """A page laid out as the briefing's: its margins, room for the footer, the PDF's title."""
    return SimpleDocTemplate(
        buffer,
        pagesize=page_size.points,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + FOOTER_GAP,
        title=title,
        author="Dispatch Console",
        subject=subject,
    )


def render_briefing(content: BriefingContent, page_size: PageSize = PageSize.LETTER) -> bytes:
    """The briefing as PDF bytes."""
    buffer = io.BytesIO()
    document = sheet_document(
        buffer,
        page_size,
        f"Sales briefing — {content.customer.name}",
        f"Account {content.customer.account_number}",
    )
    sheet = _Sheet(content, document.width - 2 * FRAME_PADDING)
    document.build(sheet.flowables(), canvasmaker=_footer_canvas(content))
    return buffer.getvalue()
