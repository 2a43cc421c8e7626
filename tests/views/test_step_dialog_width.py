"""Step dialogs say which referral they act on and keep a sensible width; so does the panel."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QSplitter, QWidget
from sqlalchemy import select

from console.models import Referral, ReferralStatus
from console.services.referrals.detail import ReferralDetail, referral_detail
from console.views.context import DeskContext
from console.views.referrals.attempt_dialog import AttemptDialog
from console.views.referrals.referral_heading import DIALOG_MAX_WIDTH, heading_text
from console.views.referrals.referral_panel import ReferralPanel
from console.views.referrals.step_dialog import StepDialog

LONG_PAIN = (
    "Boiler leaking at the flue joint and the heat exchanger is cracked; the customer asked "
    "about a replacement before winter, photos at https://example.test/photos/boiler-leak-"
    "2026-03-15-IMG_20260315_093012.jpg, and a water softener for the new extension too"
)


def _assigned(context: DeskContext, **changes: object) -> ReferralDetail:
    with context.sessions() as session:
        referral_id = session.scalar(
            select(Referral.id)
            .where(Referral.status == ReferralStatus.ASSIGNED)
            .order_by(Referral.id)
            .limit(1)
        )
        assert referral_id is not None
        detail = referral_detail(session, referral_id)
    return dataclasses.replace(detail, **changes)  # type: ignore[arg-type]


def test_heading_line_names_referral_customer_and_pain_point() -> None:
    detail = dataclasses.replace(
        _fake_detail(), id=123, customer="Ada Miller", pain_point="boiler leaking"
    )
    assert heading_text(detail) == "Referral 123 · Ada Miller · boiler leaking"
    long = dataclasses.replace(detail, pain_point=LONG_PAIN)
    text = heading_text(long)
    assert text.startswith("Referral 123 · Ada Miller · Boiler leaking at the flue joint")
    assert text.endswith("…") and len(text) < 100


def _fake_detail() -> ReferralDetail:
    fields = {field.name: None for field in dataclasses.fields(ReferralDetail)}
    return ReferralDetail(**fields)  # type: ignore[arg-type]


def test_step_dialog_header_and_width_with_a_long_pain_point(qtbot, context: DeskContext) -> None:  # type: ignore[no-untyped-def]
    detail = _assigned(context, pain_point=LONG_PAIN)
    for target in (ReferralStatus.LOST, ReferralStatus.WON, ReferralStatus.NOT_NOW):
        dialog = StepDialog(context, detail, target)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        heading = dialog.findChild(QLabel, "referralHeading")
        assert heading is dialog.heading
        assert heading.full_text == heading_text(detail)
        assert heading.full_text.startswith(f"Referral {detail.id} · {detail.customer} · Boiler")
        assert dialog.width() <= DIALOG_MAX_WIDTH
        # What does not fit is elided, and the tooltip has the pain point whole.
        assert heading.fontMetrics().horizontalAdvance(heading.text()) <= heading.width()
        assert LONG_PAIN in heading.toolTip()
        dialog.close()


def test_attempt_dialog_header_and_width(qtbot, context: DeskContext) -> None:  # type: ignore[no-untyped-def]
    detail = _assigned(context, pain_point=LONG_PAIN, customer="Ada Miller " * 8)
    dialog = AttemptDialog(context, detail)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.heading.full_text.startswith(f"Referral {detail.id} · Ada Miller Ada Miller")
    assert dialog.width() <= DIALOG_MAX_WIDTH


def test_referral_panel_keeps_its_width_when_a_long_referral_is_selected(
    qtbot, context: DeskContext
) -> None:  # type: ignore[no-untyped-def]
    short = _assigned(context, pain_point="No heat", recommendation=None)
    long = dataclasses.replace(
        short,
        pain_point=LONG_PAIN,
        recommendation=LONG_PAIN.replace(" ", "") + " " + LONG_PAIN,
        equipment="Water heater " + "X" * 80,
    )
    for width in (1366, 1920):
        split = QSplitter(Qt.Orientation.Horizontal)
        qtbot.addWidget(split)
        split.addWidget(QWidget())
        panel = ReferralPanel(context)
        split.addWidget(panel)
        split.resize(width, 700)
        split.show()
        qtbot.waitExposed(split)
        panel.show_detail(short)
        qtbot.wait(50)
        before = panel.width()
        panel.show_detail(long)
        qtbot.wait(50)
        assert panel.width() == before
        assert panel.minimumWidth() <= before <= panel.maximumWidth()
        # The long text wraps inside the panel instead of widening it.
        assert panel.summary.width() <= panel.width()
        assert panel.summary.height() > panel.summary.fontMetrics().height() * 4
        # Each step button stays inside the panel, on as many lines as it takes.
        for button in panel.steps.findChildren(QPushButton):
            assert button.geometry().right() <= panel.steps.width()
        panel.show_detail(short)
        qtbot.wait(50)
        assert panel.width() == before
