"""The printable day sheet: each technician's visits for a day, in the briefing's styles.

A visit to a place with old equipment carries a heads-up line under it ("the boiler here is
19 years old: worth a look", from
`console.services.schedule.equipment_life.headsups_for_visits`), so the tech looks while there;
it is a prompt to look, not a sale to make.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Table,
    TableStyle,
)

from console.services.briefing.fonts import markup
from console.services.briefing.page import PageSize
from console.services.briefing.render import (
    ACCENT,
    CALL_FILL,
    HEADER_FILL,
    RULE,
    local,
    sheet_styles,
)
from console.services.schedule.dayboard import DayBoard, counted


def headsup_text(lines: Sequence[str]) -> str:
    """The heads-up row's text, as markup: what to look at while there."""
    return "<b>Heads-up:</b> " + "; ".join(markup(line) for line in lines)


def render_day_sheet(
    board: DayBoard,
    page_size: PageSize = PageSize.LETTER,
    technician_id: int | None = None,
    headsups: Mapping[int, Sequence[str]] | None = None,
) -> bytes:
    """PDF of the day: one block per technician (or just one), then the sales appointments.

    `headsups` holds, per visit id, the old equipment lines shown under that visit.
    """
    styles = sheet_styles()
    headsup_style = ParagraphStyle("headsup", parent=styles["cell"], textColor=ACCENT, leftIndent=6)
    headsups = headsups or {}
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=page_size.points,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"Day sheet {board.day.isoformat()}",
    )
    width = document.width - 12
    story: list[Flowable] = [Paragraph(f"Day sheet · {board.day:%A %Y-%m-%d}", styles["title"])]
    technicians = [t for t in board.technicians if technician_id is None or t.id == technician_id]
    for tech in technicians:
        heading = f"{markup(tech.name)} · {markup(tech.phone or 'no phone')}"
        if tech.awaiting_tell_tech:
            heading += f" · {counted(tech.awaiting_tell_tech, 'outcome')} to pass on"
        rows = [
            [
                Paragraph(h, styles["head"])
                for h in ("Time", "Customer", "Town", "Problem", "Status")
            ]
        ]
        # The rule goes under each visit's last row, so a heads-up stays with its visit.
        style: list[tuple] = [
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
            ("LINEBELOW", (0, 0), (-1, 0), 0.4, RULE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
        for visit in tech.visits:
            rows.append(
                [
                    Paragraph(local(visit.starts_at)[-5:], styles["cell"]),
                    Paragraph(markup(visit.customer), styles["cell"]),
                    Paragraph(markup(visit.city or ""), styles["cell"]),
                    Paragraph(markup(visit.problem or ""), styles["cell"]),
                    Paragraph(visit.status.value.replace("_", " "), styles["cell"]),
                ]
            )
            lines = headsups.get(visit.id)
            if lines:
                # The line starts under the customer, where the tech's eye already is.
                row = len(rows)
                rows.append(["", Paragraph(headsup_text(lines), headsup_style)] + [""] * 3)
                style += [
                    ("SPAN", (1, row), (-1, row)),
                    ("BACKGROUND", (1, row), (-1, row), CALL_FILL),
                ]
            style.append(("LINEBELOW", (0, len(rows) - 1), (-1, len(rows) - 1), 0.4, RULE))
        if not tech.visits:
            rows.append([Paragraph("<i>No visits booked.</i>", styles["small"]), "", "", "", ""])
        table = Table(
            rows, colWidths=[width * f for f in (0.1, 0.3, 0.17, 0.3, 0.13)], repeatRows=1
        )
        table.setStyle(TableStyle(style))
        story.append(KeepTogether([Paragraph(heading, styles["section"]), table]))
    if technician_id is None and board.appointments:
        story.append(Paragraph("Sales appointments", styles["section"]))
        for appointment in board.appointments:
            nearby = board.nearby.get(appointment.id, [])
            near = "; ".join(markup(n.label) for n in nearby)
            text = (
                f"<b>{local(appointment.starts_at)[-5:]}</b> {markup(appointment.customer)} · "
                f"{markup(appointment.salesperson)} · call {markup(appointment.technician)} "
                f"{markup(appointment.technician_phone or '')}"
                + (f" · nearby: {near}" if near else "")
            )
            story.append(Paragraph(text, styles["base"]))
    document.build(story)
    return buffer.getvalue()
