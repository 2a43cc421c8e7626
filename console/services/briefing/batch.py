"""Briefings for every sales appointment of a day: one PDF each, or one combined file.

Each file is written under a temporary name and renamed when whole, so a cancelled or failed
run never leaves a half-written PDF behind.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfWriter
from sqlalchemy.orm import Session, sessionmaker

from console.desk_user import desk_user
from console.services.briefing.content import briefing_content
from console.services.briefing.render import PageSize, render_briefing
from console.services.office.clock import day_bounds, local
from console.services.output_file import atomic_output, prepare_output_folder
from console.services.schedule.appointments import (
    AppointmentRow,
    appointments_between,
    mark_briefing_printed,
)

Progress = Callable[[int, int, str], None]


@dataclass
class BatchResult:
    files: list[Path] = field(default_factory=list)
    cancelled: bool = False
    appointments: int = 0


def slug(text: str) -> str:
    """A file-name-safe version of a name, keeping letters of any script."""
    normal = unicodedata.normalize("NFKC", text)
    cleaned = re.sub(r"[^\w\-]+", "-", normal, flags=re.UNICODE).strip("-")
    return cleaned[:60] or "customer"


def file_name(appointment: AppointmentRow) -> str:
    when = local(appointment.starts_at).strftime("%H%M")
    return (
        f"{when}-{slug(appointment.salesperson)}-{slug(appointment.customer)}-{appointment.id}.pdf"
    )


def _write_whole(path: Path, data: bytes) -> None:
    with atomic_output(path) as partial:
        partial.write_bytes(data)


def day_appointments(session: Session, day: dt.date) -> list[AppointmentRow]:
    """The sales appointments of the office's `day`, in time order."""
    start, end = day_bounds(day)
    return appointments_between(session, start, end)


def write_day_briefings(
    sessions: sessionmaker[Session],
    day: dt.date,
    out_dir: Path,
    *,
    page_size: PageSize = PageSize.LETTER,
    combined: bool = False,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] = lambda: False,
    now: dt.datetime | None = None,
    actor: str | None = None,
) -> BatchResult:
    """Render the day's briefings into `out_dir`; stops cleanly when `cancelled()` turns true.

    `day` is the office's day; `now` (else the clock) is the time printed and recorded, on
    each referral's timeline as `actor`'s (else the desk user's).
    """
    prepare_output_folder(out_dir)
    with sessions() as session:
        appointments = day_appointments(session, day)
    result = BatchResult(appointments=len(appointments))
    pages: list[bytes] = []
    done: list[int] = []
    for number, appointment in enumerate(appointments, start=1):
        if cancelled():
            result.cancelled = True
            return result
        with sessions() as session:
            content = briefing_content(
                session, appointment.customer_id, appointment_id=appointment.id, now=now
            )
        pdf = render_briefing(content, page_size)
        if combined:
            pages.append(pdf)
        else:
            path = out_dir / file_name(appointment)
            _write_whole(path, pdf)
            result.files.append(path)
        done.append(appointment.id)
        if progress is not None:
            progress(number, len(appointments), appointment.customer)
    if cancelled():
        result.cancelled = True
        return result
    if combined and pages:
        writer = PdfWriter()
        for pdf in pages:
            writer.append(io.BytesIO(pdf))
        buffer = io.BytesIO()
        writer.write(buffer)
        path = out_dir / f"briefings-{day.isoformat()}.pdf"
        _write_whole(path, buffer.getvalue())
        result.files.append(path)
    with sessions.begin() as session:
        mark_briefing_printed(session, done, actor or desk_user(), now)
    return result
