"""A day's briefings: one file per appointment, a combined file, and a clean cancel."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import Engine, select

from console.database import session_factory
from console.models import EventKind, ReferralEvent, SalesAppointment
from console.services.briefing.batch import day_appointments, write_day_briefings
from console.services.office.clock import local_date


def busiest_day(engine: Engine) -> tuple[dt.date, int]:
    """The day with the most booked appointments; a second one is booked there when the demo
    spreads them one a day, so every test sees more than one."""
    sessions = session_factory(engine)
    with sessions.begin() as session:
        days: dict[dt.date, int] = {}
        booked = select(SalesAppointment).where(SalesAppointment.cancelled_at.is_(None))
        appointments = list(session.scalars(booked.order_by(SalesAppointment.id)))
        for appointment in appointments:
            day = local_date(appointment.starts_at)
            days[day] = days.get(day, 0) + 1
        day = max(days, key=lambda d: (days[d], d))
        if days[day] < 2:
            first = next(a for a in appointments if local_date(a.starts_at) == day)
            other = next(a for a in appointments if a.referral_id != first.referral_id)
            session.add(
                SalesAppointment(
                    referral_id=other.referral_id,
                    salesperson_id=other.salesperson_id,
                    starts_at=first.starts_at + dt.timedelta(hours=2),
                )
            )
    with sessions() as session:
        return day, len(day_appointments(session, day))


def test_one_file_per_appointment_and_marked_printed(demo_engine: Engine, tmp_path: Path) -> None:
    day, count = busiest_day(demo_engine)
    assert count >= 2
    out = tmp_path / "out"
    result = write_day_briefings(session_factory(demo_engine), day, out)
    assert not result.cancelled
    assert len(result.files) == count == len(list(out.glob("*.pdf")))
    assert not list(out.glob("*.part"))
    for path in result.files:
        assert len(PdfReader(path).pages) >= 1
    with session_factory(demo_engine)() as session:
        appointments = day_appointments(session, day)
        events = session.scalars(
            select(ReferralEvent).where(ReferralEvent.kind == EventKind.BRIEFING_PRINTED)
        ).all()
    assert all(a.briefing_printed_at for a in appointments)
    assert sorted(e.referral_id for e in events) == sorted(a.referral_id for a in appointments)


def test_combined_file(demo_engine: Engine, tmp_path: Path) -> None:
    day, count = busiest_day(demo_engine)
    progress: list[int] = []
    result = write_day_briefings(
        session_factory(demo_engine),
        day,
        tmp_path,
        combined=True,
        progress=lambda n, total, _c: progress.append(n),
    )
    assert [path.name for path in result.files] == [f"briefings-{day.isoformat()}.pdf"]
    assert progress == list(range(1, count + 1))
    assert len(PdfReader(result.files[0]).pages) >= count


def test_cancel_leaves_no_partial_file(demo_engine: Engine, tmp_path: Path) -> None:
    day, _count = busiest_day(demo_engine)
    calls = {"n": 0}

    def cancel_after_first() -> bool:
        calls["n"] += 1
        return calls["n"] > 1

    out = tmp_path / "out"
    result = write_day_briefings(
        session_factory(demo_engine), day, out, cancelled=cancel_after_first
    )
    assert result.cancelled
    assert len(result.files) == 1
    assert sorted(out.iterdir()) == result.files
    combined = write_day_briefings(
        session_factory(demo_engine),
        day,
        tmp_path / "combined",
        combined=True,
        cancelled=lambda: True,
    )
    assert combined.cancelled and combined.files == []
    assert list((tmp_path / "combined").iterdir()) == []
