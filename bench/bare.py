"""The floor: the same work done with bare sqlite3 statements and bare ReportLab canvas calls."""

from __future__ import annotations

import io
import sqlite3
from typing import Any

from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen.canvas import Canvas

from console.services.briefing.content import BriefingContent
from console.services.briefing.fonts import BOLD, REGULAR, register_fonts
from console.services.customers.search import DEFAULT_LIMIT, query_words, search_statement


def bare_search(connection: sqlite3.Connection, query: str) -> list[tuple[Any, ...]]:
    """A customer matching every word on its own details or on one of its sites, ranked the
    same way: the console's statement text, run on sqlite3 without SQLAlchemy or result objects."""
    statement, params = search_statement("sqlite", query_words(query), DEFAULT_LIMIT)
    return connection.execute(str(statement), params).fetchall()


def bare_open_customer(connection: sqlite3.Connection, customer_id: int) -> int:
    """Fetch the rows the 360 shows; returns how many rows came back."""
    rows = 0
    statements = [
        ("SELECT * FROM customers WHERE id = ?", (customer_id,)),
        ("SELECT * FROM equipment WHERE customer_id = ? ORDER BY installed_on, id", (customer_id,)),
        ("SELECT count(*) FROM service_visits WHERE customer_id = ?", (customer_id,)),
        (
            "SELECT r.*, t.name, t.phone, s.name FROM referrals r "
            "JOIN staff t ON t.id = r.technician_id "
            "LEFT JOIN staff s ON s.id = r.salesperson_id WHERE r.customer_id = ? "
            "ORDER BY r.created_at DESC, r.id DESC",
            (customer_id,),
        ),
        (
            "SELECT * FROM upsell_notes WHERE customer_id = ? AND removed_at IS NULL "
            "ORDER BY pinned DESC, created_at DESC, id DESC",
            (customer_id,),
        ),
        (
            "SELECT v.*, t.name, t.phone, e.kind, e.make, e.model FROM service_visits v "
            "LEFT JOIN staff t ON t.id = v.technician_id "
            "LEFT JOIN equipment e ON e.id = v.equipment_id "
            "WHERE v.customer_id = ? ORDER BY v.scheduled_for DESC, v.id DESC LIMIT 200",
            (customer_id,),
        ),
    ]
    for sql, params in statements:
        rows += len(connection.execute(sql, params).fetchall())
    return rows


def bare_canvas_briefing(content: BriefingContent) -> bytes:
    """The same words on pages, drawn line by line with no layout engine: the floor for the PDF."""
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=LETTER)
    height = LETTER[1]
    y = height - 50

    def line(text: str, font: str = REGULAR, size: float = 8.5) -> None:
        nonlocal y
        if y < 60:
            canvas.showPage()
            y = height - 50
        canvas.setFont(font, size)
        canvas.drawString(45, y, text[:150])
        y -= size + 3

    customer = content.customer
    line(customer.name, BOLD, 18)
    line(customer.address)
    line(" · ".join(p for p in (customer.phone, customer.email) if p))
    line("Call before you go", BOLD, 12)
    for tech in content.techs_to_call:
        line(f"{tech.name} · {tech.phone}", BOLD, 10)
        for referral in tech.referrals:
            line(f"• referral {referral.id}")
    line("Open referrals", BOLD, 11.5)
    for referral in content.open_referrals:
        line(f"{referral.status.value} {referral.technician} {referral.pain_point}")
    line("Equipment", BOLD, 11.5)
    for row in content.equipment:
        line(f"{row.kind} {row.make} {row.model} {row.serial} {row.installed_on}")
    line("Recent service history", BOLD, 11.5)
    for visit in content.history:
        line(f"{visit.scheduled_for:%Y-%m-%d} {visit.technician} {visit.equipment}", BOLD)
        for text in (visit.problem, visit.work_done, visit.tech_notes):
            if text:
                for start in range(0, len(text), 120):
                    line(text[start : start + 120])
    line("Upsell notes", BOLD, 11.5)
    for note in content.pinned_notes + content.other_notes:
        line(f"{note.category} {note.author} {note.text}")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
