"""A visit moved on two desks: the second dispatcher sees both and chooses."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from console.models import ServiceVisit, VisitStatus
from console.services.schedule.dayboard import schedule_visit
from console.views.context import DeskContext
from console.views.dayboard.visit_dialog import VisitDialog
from tests.views.dialogs import when_dialog_opens


def stale_move(qtbot, context: DeskContext) -> tuple[VisitDialog, ServiceVisit]:  # type: ignore[no-untyped-def]
    with context.read() as session:
        visit = session.scalars(
            select(ServiceVisit).where(ServiceVisit.status == VisitStatus.SCHEDULED).limit(1)
        ).one()
    dialog = VisitDialog(
        context,
        visit.customer_id,
        "Customer",
        visit_id=visit.id,
        version=visit.version,
        technician_id=visit.technician_id,
        starts_at=visit.scheduled_for,
    )
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.property("ready") is True)  # its technicians are read
    with context.sessions.begin() as session:
        schedule_visit(
            session,
            customer_id=visit.customer_id,
            technician=visit.technician_id,
            starts_at=visit.scheduled_for + dt.timedelta(hours=3),
            visit_id=visit.id,
            expected_version=visit.version,
            accept_overlap=True,
        )
    dialog.when.setDateTime(dialog.when.dateTime().addSecs(-3600))
    return dialog, visit


def stored_start(context: DeskContext, visit_id: int) -> dt.datetime:
    with context.read() as session:
        return session.get(ServiceVisit, visit_id).scheduled_for


def choose(button_text: str, seen: list[str]):  # type: ignore[no-untyped-def]
    def act(box: QMessageBox) -> None:
        seen.append(box.informativeText())
        next(b for b in box.buttons() if b.text() == button_text).click()

    return act


@pytest.mark.expect_message_box
def test_both_times_shown_and_mine_saved_on_request(qtbot, context: DeskContext) -> None:  # type: ignore[no-untyped-def]
    dialog, visit = stale_move(qtbot, context)
    seen: list[str] = []
    when_dialog_opens(QMessageBox, choose("Save mine", seen))
    dialog.save(accept_overlap=True)
    assert seen[0].startswith("Theirs:\n") and "\n\nYours:\n" in seen[0]
    assert stored_start(context, visit.id) == visit.scheduled_for - dt.timedelta(hours=1)


@pytest.mark.expect_message_box
def test_keep_theirs_leaves_their_move(qtbot, context: DeskContext) -> None:  # type: ignore[no-untyped-def]
    dialog, visit = stale_move(qtbot, context)
    when_dialog_opens(QMessageBox, choose("Keep theirs", []))
    dialog.save(accept_overlap=True)
    assert stored_start(context, visit.id) == visit.scheduled_for + dt.timedelta(hours=3)
