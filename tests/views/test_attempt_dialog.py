"""The contact-attempt dialog, driven as a user would: what it says, what it saves, what it
refuses."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import QDialog
from sqlalchemy import func, select

from console.models import ContactAttempt, ContactChannel, Referral, ReferralStatus
from console.services.office.clock import local
from console.services.referrals.contact_attempts import record_attempt
from console.services.referrals.detail import ReferralDetail, referral_detail
from console.views.context import DeskContext
from console.views.referrals.attempt_dialog import AttemptDialog, default_next_try


def assigned_referral(context: DeskContext) -> ReferralDetail:
    with context.read() as session:
        referral_id = session.scalars(
            select(Referral.id)
            .where(Referral.status == ReferralStatus.ASSIGNED)
            .order_by(Referral.id)
            .limit(1)
        ).one()
        return referral_detail(session, referral_id)


def saved_state(context: DeskContext, referral_id: int) -> tuple[object, ...]:
    with context.read() as session:
        referral = session.get(Referral, referral_id)
        assert referral is not None
        count = session.scalar(
            select(func.count())
            .select_from(ContactAttempt)
            .where(ContactAttempt.referral_id == referral_id)
        )
        return referral.status, referral.version, referral.first_contact_at, count


def open_dialog(qtbot, context: DeskContext, detail: ReferralDetail) -> AttemptDialog:  # type: ignore[no-untyped-def]
    dialog = AttemptDialog(context, detail)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_it_says_whom_it_is_for_and_offers_tomorrow_morning(
    qtbot,  # type: ignore[no-untyped-def]
    context: DeskContext,
    tmp_path: Path,
) -> None:
    detail = assigned_referral(context)
    dialog = open_dialog(qtbot, context, detail)
    assert detail.customer in dialog.windowTitle()
    assert f"referral {detail.id}" in dialog.windowTitle()
    heading = dialog.findChild(type(dialog.outcome), "referralHeading")
    assert heading is not None
    assert heading.text().startswith(f"Referral {detail.id} · {detail.customer} · ")
    assert dialog.so_far.text() == "<i>No attempts recorded yet.</i>"
    assert dialog.channel.currentData() == ContactChannel.PHONE.value
    assert [dialog.channel.itemText(i) for i in range(dialog.channel.count())] == [
        "Phone",
        "Text",
        "Email",
        "In person",
    ]
    assert dialog.next_try.dateTime().toPython() == default_next_try()
    assert default_next_try().time() == dt.time(10, 0)
    assert "first-contact clock keeps running" in dialog.outcome.text()
    dialog.reached.setChecked(True)
    assert "becomes <b>contacted</b>" in dialog.outcome.text()
    assert not dialog.plan_next.isChecked() and not dialog.next_try.isEnabled()
    dialog.grab().save(str(tmp_path / "attempt-dialog.png"))
    assert (tmp_path / "attempt-dialog.png").stat().st_size > 0


def test_an_attempt_that_does_not_reach_is_saved_with_its_next_try(
    qtbot,  # type: ignore[no-untyped-def]
    context: DeskContext,
) -> None:
    detail = assigned_referral(context)
    dialog = open_dialog(qtbot, context, detail)
    dialog.channel.setCurrentIndex(dialog.channel.findData(ContactChannel.TEXT.value))
    dialog.note.setText("no reply yet")
    next_try = dt.datetime.combine(dt.date.today() + dt.timedelta(days=2), dt.time(9, 30))
    dialog.next_try.setDateTime(
        QDateTime(QDate(next_try.year, next_try.month, next_try.day), QTime(9, 30))
    )
    dialog.save_button()
    assert dialog.result() == QDialog.DialogCode.Accepted
    with context.read() as session:
        attempt = session.get(ContactAttempt, dialog.saved_id)
        assert attempt is not None
        assert (attempt.channel, attempt.reached, attempt.note, attempt.actor) == (
            ContactChannel.TEXT,
            False,
            "no reply yet",
            "sam",
        )
        assert attempt.next_try_at is not None
        assert local(attempt.next_try_at).replace(tzinfo=None) == next_try
    status, version, first_contact, count = saved_state(context, detail.id)
    assert (status, first_contact, count) == (ReferralStatus.ASSIGNED, None, 1)
    assert version == detail.version + 1


def test_reaching_the_customer_makes_the_first_contact(
    qtbot,  # type: ignore[no-untyped-def]
    context: DeskContext,
) -> None:
    detail = assigned_referral(context)
    dialog = open_dialog(qtbot, context, detail)
    dialog.channel.setCurrentIndex(dialog.channel.findData(ContactChannel.IN_PERSON.value))
    dialog.reached.setChecked(True)
    dialog.save_button()
    assert dialog.result() == QDialog.DialogCode.Accepted
    status, _version, first_contact, count = saved_state(context, detail.id)
    assert (status, count) == (ReferralStatus.CONTACTED, 1)
    assert first_contact is not None
    with context.read() as session:
        shown = referral_detail(session, detail.id)
    assert shown.attempts is not None and shown.attempts.count == 1
    assert shown.timeline[-2].text == "In person, reached"
    assert shown.timeline[-1].text == "Assigned → Contacted — first contact by in person"


def test_a_next_try_in_the_past_is_refused_beside_the_field_and_kept(
    qtbot,  # type: ignore[no-untyped-def]
    context: DeskContext,
) -> None:
    detail = assigned_referral(context)
    before = saved_state(context, detail.id)
    dialog = open_dialog(qtbot, context, detail)
    dialog.note.setText("left voicemail")
    yesterday = QDate.currentDate().addDays(-1)
    dialog.next_try.setDateTime(QDateTime(yesterday, QTime(10, 0)))
    dialog.save_button()
    assert dialog.isVisible()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.error.isVisible()
    assert dialog.error.text().startswith(
        f"next try: {yesterday.toString('yyyy-MM-dd')} 10:00 is not in the future"
    )
    assert dialog.note.text() == "left voicemail"  # what was typed is kept
    assert saved_state(context, detail.id) == before


def test_another_desks_attempt_first_is_a_conflict_and_saves_nothing(
    qtbot,  # type: ignore[no-untyped-def]
    context: DeskContext,
) -> None:
    detail = assigned_referral(context)
    dialog = open_dialog(qtbot, context, detail)
    with context.sessions.begin() as session:  # another desk, meanwhile
        record_attempt(
            session,
            detail.id,
            channel="phone",
            reached=False,
            note="other desk",
            next_try=None,
            actor="kim",
            expected_version=detail.version,
        )
    before = saved_state(context, detail.id)
    dialog.reached.setChecked(True)
    dialog.save_button()
    assert dialog.isVisible()
    assert dialog.error.text() == (
        f"referral {detail.id} was changed on another desk (now assigned); reload it and try "
        "again. Nothing was saved."
    )
    assert saved_state(context, detail.id) == before


@pytest.mark.parametrize("status", [ReferralStatus.CONTACTED])
def test_later_steps_say_nothing_about_first_contact(
    qtbot,  # type: ignore[no-untyped-def]
    context: DeskContext,
    status: ReferralStatus,
) -> None:
    with context.read() as session:
        referral_id = session.scalars(
            select(Referral.id).where(Referral.status == status).limit(1)
        ).one()
        detail = referral_detail(session, referral_id)
    dialog = open_dialog(qtbot, context, detail)
    dialog.reached.setChecked(True)
    assert not dialog.outcome.isVisible()


def test_it_can_open_for_a_customer_just_reached(
    qtbot,  # type: ignore[no-untyped-def]
    context: DeskContext,
) -> None:
    detail = assigned_referral(context)
    dialog = AttemptDialog(context, detail, reached=True)
    qtbot.addWidget(dialog)
    assert dialog.reached.isChecked()
    assert not dialog.plan_next.isChecked()
    assert "becomes <b>contacted</b>" in dialog.outcome.text()
