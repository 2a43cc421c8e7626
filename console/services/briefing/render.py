"""Lay a briefing out as PDF pages with ReportLab platypus.

Long notes wrap and split across pages, tables repeat their header row, and every page carries
the customer's name, "page N of M" and when it was printed. What the salesperson needs at the
door comes first: the appointment and its note, the heads-ups, the tech to call. A column that
is empty in every row is left out rather than printed blank.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

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

from console.models import ReferralStatus
from console.services.briefing.content import BriefingContent, PastReferral, TechToCall
from console.services.briefing.fonts import markup
from console.services.briefing.page import PageSize
from console.services.briefing.sheet_parts import (
    ACCENT,
    CALL_FILL,
    FOOTER_GAP,
    FRAME_PADDING,
    HEADER_FILL,
    INK,
    MARGIN,
    MUTED,
    RULE,
    RuledArea,
    SheetParts,
    sheet_styles,
)
from console.services.customers.customer_360 import EquipmentRow, NoteRow, ReferralRow, VisitRow
from console.services.office import formatting
from console.services.office.clock import local_date

# The page's measures and styles are read from here by the other printed pages too.
__all__ = [
    "ACCENT",
    "CALL_FILL",
    "FOOTER_GAP",
    "FRAME_PADDING",
    "HEADER_FILL",
    "INK",
    "MARGIN",
    "MUTED",
    "RULE",
    "PageSize",
    "local",
    "money",
    "render_briefing",
    "sheet_document",
    "sheet_styles",
]


def local(value: dt.datetime | None, with_time: bool = True) -> str:
    """A stored moment as the office reads it: its date and time in the office's zone."""
    return formatting.datetime(value) if with_time else formatting.date(value)


def money(value: Any) -> str:
    """Whole units of the office's currency, as the desk's locale writes them."""
    return formatting.money(value, cents=False)


class _Sheet(SheetParts):
    """Builds the flowables of one briefing."""

    def __init__(self, content: BriefingContent, width: float) -> None:
        super().__init__(width)
        self.content = content

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

    def appointment_box(self) -> list[Flowable]:
        """When, who and for how long; the booking note (gate code, best time) in full."""
        booked = self.content.appointment
        if booked is None:
            return []
        cell: list[Flowable] = [
            self.rich("Appointment", "call_title"),
            self.rich(
                f"<b>{local(booked.starts_at)}</b> · {booked.minutes} minutes"
                f" · {markup(booked.salesperson)}",
                "call",
            ),
        ]
        if booked.note:
            cell.append(self.rich(f"<b>Note:</b> {markup(booked.note)}", "call"))
        return [self.boxed(cell, INK), Spacer(0, 6)]

    def before_you_go(self) -> list[Flowable]:
        """Access and how to deal with the customer, from the techs' and the office's notes."""
        heads_ups = self.content.heads_ups
        if not heads_ups:
            return []
        cell: list[Flowable] = [self.rich("Before you go", "call_title")]
        for heads_up in heads_ups:
            who = f"{markup(heads_up.said_by)}, " if heads_up.said_by else ""
            when = local(heads_up.said_at, with_time=False)
            cell.append(
                self.rich(
                    f"• <b>{markup(heads_up.text)}</b> <font color='#52606d'>({who}{when})</font>",
                    "call",
                )
            )
        return [self.boxed(cell), Spacer(0, 6)]

    def call_box(self) -> list[Flowable]:
        techs = self.content.techs_to_call
        cell: list[Flowable] = [self.rich("Call before you go", "call_title")]
        if not techs:
            cell.append(
                self.rich("No open referrals: no technician to call for this customer.", "call")
            )
        for tech in techs:
            cell.append(self.rich(self._tech_line(tech), "call"))
            for referral in tech.referrals:
                cell.append(self.rich(f"• {self._referral_pointer(referral)}", "base"))
            cell.append(Spacer(0, 3))
        return [self.boxed(cell)]

    @staticmethod
    def _referral_pointer(referral: ReferralRow) -> str:
        """Which referral to ask about; what the tech saw is in the table below, not twice."""
        about = f" about the {markup(referral.equipment)}" if referral.equipment else ""
        recorded = local(referral.created_at, with_time=False)
        return f"Their referral of {recorded}{about}: what they saw is under Open referrals"

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

    def past_referrals(self) -> list[Flowable]:
        past = self.content.past_referrals
        if not past:
            return []
        flow: list[Flowable] = [self.section("Earlier referrals")]
        flow.extend(self.rich(f"• {self._past_line(referral)}", "base") for referral in past)
        return flow

    @staticmethod
    def _past_line(referral: PastReferral) -> str:
        """ "Won $9,550, boiler, 2025, Gary Ramos — what the tech saw"."""
        outcome = "Won" if referral.status is ReferralStatus.WON else "Lost"
        if referral.status is ReferralStatus.LOST and referral.lost_reason:
            outcome += f" ({markup(referral.lost_reason)})"
        parts = [f"<b>{outcome}</b>"]
        if referral.value is not None:
            parts[0] += f" {money(referral.value)}"
        if referral.equipment_kind:
            parts.append(markup(referral.equipment_kind.strip().lower()))
        parts.append(str(local_date(referral.decided_at).year))
        parts.append(markup(referral.technician))
        saw = f" — <font color='#52606d'>{markup(referral.pain_point)}</font>"
        return ", ".join(parts) + saw

    def equipment(self) -> list[Flowable]:
        flow: list[Flowable] = [self.section("Equipment")]
        if not self.content.equipment:
            return [*flow, self.none_line("No equipment on record.")]
        rows = [self._equipment_row(e) for e in self.content.equipment]
        past_life = self.content.past_life
        marked = [n for n, row in enumerate(self.content.equipment) if row.id in past_life]
        flow.append(
            self.table(
                ["Equipment", "Make", "Model", "Serial", "Installed", "Age", "Location"],
                rows,
                [15, 13, 17, 14, 12, 14, 14],
                marked_rows=marked,
            )
        )
        if marked:
            flow.append(
                self.rich(
                    "Shaded rows: at or past the age at which that kind is usually replaced.",
                    "small",
                )
            )
        return flow

    def _equipment_row(self, row: EquipmentRow) -> list[Any]:
        years = self.content.ages.get(row.id)
        age: Any = self.p("" if years is None else f"{years} yr")
        life = self.content.past_life.get(row.id)
        if life is not None:
            age = self.rich(
                f"<b>{years} yr</b><br/><font color='#b45309'><b>past {life}-yr life</b></font>"
            )
        return [
            self.p(row.kind),
            self.p(row.make),
            self.p(row.model),
            self.p(row.serial),
            self.p(formatting.date(row.installed_on)),
            age,
            self.p(row.location),
        ]

    def upcoming(self) -> list[Flowable]:
        if not self.content.upcoming:
            return []
        flow: list[Flowable] = [self.section("Upcoming")]
        for visit in self.content.upcoming:
            flow.extend(self._visit_block(visit))
        return flow

    def history(self) -> list[Flowable]:
        count = len(self.content.history)
        total = self.content.past_visit_count
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
            *self.appointment_box(),
            *self.before_you_go(),
            *self.call_box(),
            *self.referrals(),
            *self.past_referrals(),
            *self.equipment(),
            *self.upcoming(),
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
