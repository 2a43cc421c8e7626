"""Briefing preview and the day's batch, as the coordinator uses them."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSettings
from PySide6.QtGui import QDesktopServices
from sqlalchemy import select

from console.models import ReferralStatus, SalesAppointment
from console.services.briefing import PageSize
from console.services.briefing.batch import day_appointments
from console.services.office.clock import at_wall_clock
from console.services.referrals.detail import referral_detail
from console.views.briefing.batch_dialog import BatchBriefingDialog
from console.views.briefing.preview_dialog import BriefingPreviewDialog
from console.views.context import DeskContext
from console.views.main_window import MainWindow
from tests.views.dialogs import when_dialog_opens
from tests.views.waiting import open_customer


def test_preview_shows_the_pdf_pages_and_saves(qtbot, context: DeskContext, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with context.read() as session:
        appointment = session.scalars(select(SalesAppointment).limit(1)).one()
        customer_id, appointment_id = appointment.referral.customer_id, appointment.id
    settings = QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat)
    dialog = BriefingPreviewDialog(
        context, customer_id, PageSize.A4, settings=settings, appointment_id=appointment_id
    )
    qtbot.addWidget(dialog)
    expected_pages = len(PdfReader(io.BytesIO(dialog.pdf)).pages)
    assert dialog.page_count == expected_pages >= 1
    assert dialog.pages.text().startswith(f"{expected_pages} page")
    target = tmp_path / "briefing"
    dialog.save_to(target)
    saved = target.with_suffix(".pdf")
    assert saved.read_bytes() == dialog.pdf
    with context.read() as session:
        assert session.get(SalesAppointment, appointment_id).briefing_printed_at is not None
        timeline = referral_detail(session, appointment.referral_id).timeline
    assert any(entry.text.startswith("Briefing printed (visit ") for entry in timeline)
    # A name with a dot of its own keeps it: .pdf is added, not swapped in.
    dotted = tmp_path / "Briefing - St. John"
    dialog.save_to(dotted)
    assert (tmp_path / "Briefing - St. John.pdf").read_bytes() == dialog.pdf
    assert not (tmp_path / "Briefing - St.pdf").exists()


def test_saving_names_the_file_for_customer_and_visit_and_confirms_quietly(
    qtbot, context: DeskContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    with context.sessions.begin() as session:
        appointment = session.scalars(
            select(SalesAppointment).where(SalesAppointment.cancelled_at.is_(None)).limit(1)
        ).one()
        appointment.referral.status = ReferralStatus.APPOINTMENT_SET
        appointment.starts_at = at_wall_clock(dt.date(2027, 6, 16), dt.time(10))
        customer = appointment.referral.customer
        customer.name, customer.company = "Ada Miller", None
        customer_id = customer.id
    settings = QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat)
    dialog = BriefingPreviewDialog(context, customer_id, PageSize.LETTER, settings=settings)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.suggested_name() == "Briefing - Miller, Ada - 2027-06-16.pdf"
    assert not dialog.open_folder.isVisible()
    path = tmp_path / dialog.suggested_name()
    dialog.save_to(path)
    assert path.read_bytes() == dialog.pdf
    assert dialog.status.currentMessage() == f"Saved {path}"
    assert dialog.open_folder.isVisible()
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    dialog.open_folder.click()
    assert opened == [str(tmp_path)]


def test_ctrl_p_opens_the_preview_for_the_open_customer(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    open_customer(qtbot, window, 7)
    seen: list[BriefingPreviewDialog] = []
    when_dialog_opens(BriefingPreviewDialog, lambda d: d.reject(), seen)
    window.print_briefing()
    assert seen and seen[0].customer_name == window.customer.overview.name
    assert seen[0].page_count >= 1


def busiest_day(context: DeskContext) -> dt.date:
    with context.read() as session:
        days = [a.astimezone().date() for a in session.scalars(select(SalesAppointment.starts_at))]
    return max(set(days), key=days.count)


def test_batch_runs_off_the_ui_thread_and_writes_each_file(
    qtbot, context: DeskContext, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    day = busiest_day(context)
    dialog = BatchBriefingDialog(context, PageSize.LETTER)
    qtbot.addWidget(dialog)
    dialog.day.setDate(day)
    dialog.folder.setText(str(tmp_path / "out"))
    with context.read() as session:
        count = len(day_appointments(session, day))
    assert dialog.summary.text().startswith(f"{count} sales appointment")
    with qtbot.waitSignal(dialog.worker_finished, timeout=60_000):
        dialog.start_batch()
    assert dialog.outcome is not None and not dialog.outcome.cancelled
    assert len(list((tmp_path / "out").glob("*.pdf"))) == count
    assert dialog.progress.value() == count


def test_batch_cancel_keeps_no_partial_file(qtbot, context: DeskContext, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = BatchBriefingDialog(context, PageSize.LETTER)
    qtbot.addWidget(dialog)
    dialog.day.setDate(busiest_day(context))
    dialog.folder.setText(str(tmp_path / "out"))
    dialog.combined.setChecked(True)
    with qtbot.waitSignal(dialog.worker_finished, timeout=60_000):
        dialog.start_batch()
        dialog.cancel_or_close()
    assert dialog.outcome is not None and dialog.outcome.cancelled
    assert list((tmp_path / "out").iterdir()) == []
    assert "Cancelled" in dialog.summary.text()
