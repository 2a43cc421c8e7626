"""What the customer 360's tables show, one declaration per column.

A priority says which columns step aside first when a table is narrow (highest number first);
priority 0 columns always stay: what a row is about, and its date.
"""

from __future__ import annotations

from console.services.customers.customer_360 import (
    EquipmentRow,
    HistoryColumn,
    NoteRow,
    ReferralRow,
    VisitRow,
)
from console.views.common.tables.columns import Column, local_time, money


def _visit_tooltip(row: VisitRow) -> str | None:
    parts = [
        f"Problem: {row.problem}" if row.problem else "",
        f"Work done: {row.work_done}" if row.work_done else "",
        f"Tech notes: {row.tech_notes}" if row.tech_notes else "",
    ]
    text = "\n".join(part for part in parts if part)
    return text or None


HISTORY_COLUMNS: list[Column[VisitRow]] = [
    Column("Date", lambda r: local_time(r.scheduled_for), sort_key=HistoryColumn.DATE),
    Column("Technician", lambda r: r.technician, sort_key=HistoryColumn.TECHNICIAN, priority=1),
    Column("Site", lambda r: r.site, priority=5),
    Column("Equipment", lambda r: r.equipment, sort_key=HistoryColumn.EQUIPMENT, priority=4),
    Column(
        "Status",
        lambda r: r.status.value.replace("_", " "),
        sort_key=HistoryColumn.STATUS,
        priority=3,
    ),
    Column("Problem", lambda r: r.problem, tooltip=_visit_tooltip),
    Column("Tech notes", lambda r: r.tech_notes, tooltip=_visit_tooltip, priority=2),
]


def referral_status_text(row: ReferralRow) -> str:
    if row.overdue:
        return f"{row.status.label} · OVERDUE"
    if row.awaiting_tell_tech:
        return f"{row.status.label} · tell the tech"
    return row.status.label


REFERRAL_COLUMNS: list[Column[ReferralRow]] = [
    Column("Status", referral_status_text),
    Column("Created", lambda r: local_time(r.created_at, with_time=False), priority=2),
    Column("Technician", lambda r: r.technician, tooltip=lambda r: r.technician_phone, priority=3),
    Column("Pain point", lambda r: r.pain_point, tooltip=lambda r: r.recommendation),
    Column(
        "Value",
        lambda r: money(r.value),
        tooltip=lambda r: "won" if r.won_value is not None else "estimated",
        align_right=True,
        priority=1,
    ),
    Column("Salesperson", lambda r: r.salesperson or "unassigned", priority=4),
]

# Plain words, not an emoji: a desk font without emoji draws those as empty boxes.
PINNED_MARK = "Pinned"
REFERRAL_MARK = "→R"


def _note_marks(row: NoteRow) -> str:
    return " ".join(
        mark
        for mark, shown in ((PINNED_MARK, row.pinned), (REFERRAL_MARK, row.referral_id))
        if shown
    )


def _note_marks_tip(row: NoteRow) -> str | None:
    tips = [
        "Pinned to the top" if row.pinned else "",
        "Turned into a referral" if row.referral_id else "",
    ]
    return "; ".join(tip for tip in tips if tip) or None


NOTE_COLUMNS: list[Column[NoteRow]] = [
    Column("", _note_marks, tooltip=_note_marks_tip),
    Column("Category", lambda r: r.category, priority=3),
    Column("Note", lambda r: r.text, tooltip=lambda r: r.text),
    Column("By", lambda r: r.author, priority=2),
    Column("Date", lambda r: local_time(r.created_at, with_time=False), priority=1),
]


def _age(row: EquipmentRow) -> str:
    return "" if row.age_years is None else f"{row.age_years:.0f} yr"


EQUIPMENT_COLUMNS: list[Column[EquipmentRow]] = [
    Column("Equipment", lambda r: r.label),
    Column("Serial", lambda r: r.serial, priority=4),
    Column("Installed", lambda r: r.installed_on, priority=3),
    Column("Age", _age, align_right=True),
    Column("Site", lambda r: r.site, priority=2),
    Column("Location", lambda r: r.location, priority=5),
]

OLD_EQUIPMENT_YEARS = 15
