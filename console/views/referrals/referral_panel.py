"""One referral: what the tech saw, who has it, the steps allowed now, and its timeline."""

from __future__ import annotations

import re
from html import escape

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGroupBox,
    QLabel,
    QLayout,
    QLineEdit,
    QListView,
    QListWidget,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from console.models import ReferralStatus
from console.services.briefing.page import default_page_size
from console.services.calendar.invite_mail import queue_invite
from console.services.calendar.invites import issue_invite
from console.services.errors import InputError
from console.services.referrals.contact_attempts import ATTEMPT_STATUSES
from console.services.referrals.detail import ReferralDetail, referral_detail
from console.services.referrals.lifecycle import add_referral_note, tell_tech
from console.services.schedule.appointments import mark_tech_consulted
from console.services.spiffs.sale_standing import SaleStanding, sale_standing
from console.services.spiffs.work import mark_work_completed
from console.views.common.flow_layout import FlowLayout
from console.views.common.tables.columns import local_time, money
from console.views.common.tones import Tone, tone_name
from console.views.common.workers.background import Background
from console.views.common.workers.outage import survives_outage
from console.views.context import DeskContext
from console.views.referrals.appointment_dialog import AppointmentDialog
from console.views.referrals.attempt_dialog import AttemptDialog
from console.views.referrals.cancel_sale_dialog import CancelSaleDialog
from console.views.referrals.sale_box import SaleBox
from console.views.referrals.step_dialog import StepDialog, step_label

RS = ReferralStatus
PANEL_MIN_WIDTH = 380
PANEL_WIDTH = 480
PANEL_MAX_WIDTH = 720
"""The panel's width is the desk's choice (the splitter), never the selected referral's text."""
LONGEST_UNBROKEN = 24
UNBROKEN = re.compile(rf"\S{{{LONGEST_UNBROKEN},}}")
BREAK_CHANCE = "\u200b"  # zero-width space: lets a line wrap inside a long run of letters


def break_runs(text: str) -> str:
    """`text` with long runs (a pasted URL, a serial) given places to wrap."""

    def spaced(run: re.Match[str]) -> str:
        word = run.group(0)
        step = LONGEST_UNBROKEN // 2
        return BREAK_CHANCE.join(word[n : n + step] for n in range(0, len(word), step))

    return UNBROKEN.sub(spaced, text)


def breakable(text: str) -> str:
    """`text` escaped for rich text, free to wrap inside long runs."""
    return escape(break_runs(text))


def detail_html(detail: ReferralDetail) -> str:
    status = detail.status.label
    if detail.overdue:
        danger = tone_name(Tone.DANGER)
        status += f" · <span style='color:{danger}'>OVERDUE for first contact</span>"
    rows = [
        ("Customer", breakable(detail.customer)),
        (
            "Referring tech",
            escape(detail.technician)
            + (f" · <b>{escape(detail.technician_phone)}</b>" if detail.technician_phone else ""),
        ),
        ("Salesperson", escape(detail.salesperson or "unassigned")),
        ("Urgency", detail.urgency.value),
        ("Estimated value", money(detail.estimated_value) or "—"),
        ("Equipment", breakable(detail.equipment or "—")),
        ("Recorded", local_time(detail.created_at)),
        ("First contact", local_time(detail.first_contact_at) or "not yet"),
    ]
    if detail.appointment_at:
        consulted = "tech consulted" if detail.tech_consulted_at else "tech not yet consulted"
        rows.append(("Appointment", f"{local_time(detail.appointment_at)} ({consulted})"))
    if detail.follow_up_on:
        rows.append(("Follow up on", detail.follow_up_on.isoformat()))
    if detail.attempts is not None:
        rows.append(("Contact attempts", breakable(detail.attempts.text)))
    if detail.won_value is not None:
        rows.append(("Won value", money(detail.won_value)))
    if detail.lost_reason:
        rows.append(("Lost because", breakable(detail.lost_reason)))
    if detail.spiff_amount is not None:
        paid = (
            f"paid {local_time(detail.spiff_paid_at, with_time=False)}"
            if detail.spiff_paid_at
            else "owed"
        )
        rows.append(("Tech's spiff", f"{money(detail.spiff_amount)} ({paid})"))
    if detail.tech_informed_at:
        thanked = " and thanked" if detail.tech_thanked else ""
        rows.append(("Tech told", f"{local_time(detail.tech_informed_at)}{thanked}"))
    table = "".join(
        f"<tr><td style='padding-right:12px'><b>{k}</b></td><td>{v}</td></tr>" for k, v in rows
    )
    recommendation = (
        f"<p><b>Recommendation:</b> {breakable(detail.recommendation)}</p>"
        if detail.recommendation
        else ""
    )
    return (
        f"<h3>Referral #{detail.id} · {status}</h3>"
        f"<p><b>Pain point:</b> {breakable(detail.pain_point)}</p>{recommendation}"
        f"<table>{table}</table>"
    )


class ReferralPanel(QWidget):
    """Shows one referral; `openCustomer` asks the window to open the customer's 360.

    `show_referral` reads on a worker and returns at once; `shown` fires once the referral on
    screen is the one asked for. A newer request wins over one still on its way.
    """

    openCustomer = Signal(int)
    shown = Signal(int)
    tellTech = Signal(list)  # referral ids whose techs are to get the outcome by message

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.loading = Background(context, self, "read the referral")
        self.sale_reader = Background(context, self, "read where the sale stands")
        self.standing: SaleStanding | None = None
        self.detail: ReferralDetail | None = None
        self.setObjectName("referralPanel")
        self.setMinimumWidth(PANEL_MIN_WIDTH)
        self.setMaximumWidth(PANEL_MAX_WIDTH)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.summary = QLabel(self)
        self.summary.setObjectName("referralSummary")
        self.summary.setWordWrap(True)
        # Wrapped text follows the panel's width instead of asking for its own.
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        self.steps = QFrame(self)
        self.steps_layout = FlowLayout(self.steps)

        self.tell_box = QGroupBox("Tell the tech", self)
        self.tell_text = QLabel(self.tell_box)
        self.tell_text.setWordWrap(True)
        self.tell_text.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.tell_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.thanked = QCheckBox("&Thanked them", self.tell_box)
        self.thanked.setChecked(True)
        self.copy_phone = QPushButton("&Copy phone", self.tell_box)
        self.copy_phone.setAccessibleName("Copy the technician's phone number")
        self.copy_phone.clicked.connect(self.copy_tech_phone)
        self.tell_button = QPushButton("Tech &told", self.tell_box)
        self.tell_button.setObjectName("tellTechButton")
        self.tell_button.setAccessibleName("Record that the tech was told the outcome")
        self.tell_button.clicked.connect(self.record_tech_told)
        tell_layout = QVBoxLayout(self.tell_box)
        tell_layout.addWidget(self.tell_text)
        self.compose_button = QPushButton("&Message the tech…", self.tell_box)
        self.compose_button.setObjectName("tellTechCompose")
        self.compose_button.setAccessibleName("Write the outcome and thanks to the tech by email")
        self.compose_button.clicked.connect(self._compose)
        # The controls wrap to another line rather than squeezing their text in a narrow panel.
        self.tell_controls = QWidget(self.tell_box)
        row = FlowLayout(self.tell_controls)
        row.addWidget(self.copy_phone)
        row.addWidget(self.thanked)
        row.addWidget(self.compose_button)
        row.addWidget(self.tell_button)
        tell_layout.addWidget(self.tell_controls)

        self.consulted = QPushButton("Salesperson spoke with the tech", self)
        self.consulted.setAccessibleName(
            "Record that the salesperson consulted the tech before the visit"
        )
        self.consulted.clicked.connect(self.record_consulted)
        self.move_appointment = QPushButton("&Move appointment…", self)
        self.move_appointment.clicked.connect(self.move_appointment_time)
        self.invite_button = QPushButton("Send calendar &invite", self)
        self.invite_button.setObjectName("sendInviteButton")
        self.invite_button.setAccessibleName(
            "Email the salesperson a calendar invite with the briefing attached"
        )
        self.invite_button.clicked.connect(self.send_invite)
        self.attempt_button = QPushButton("Record &attempt…", self)
        self.attempt_button.setObjectName("recordAttemptButton")
        self.attempt_button.setAccessibleName("Record a try to reach the customer")
        self.attempt_button.clicked.connect(self.record_attempt)
        self.open_customer_button = QPushButton("Open &customer", self)
        self.open_customer_button.clicked.connect(self._open_customer)

        self.sale_box = SaleBox(self)
        self.sale_box.work_completed.clicked.connect(self.record_work_completed)
        self.sale_box.cancel_sale.clicked.connect(self.cancel_the_sale)

        self.timeline = QListWidget(self)
        self.timeline.setObjectName("referralTimeline")
        self.timeline.setAccessibleName("Referral timeline")
        self.timeline.setWordWrap(True)
        self.timeline.setResizeMode(QListView.ResizeMode.Adjust)
        self.timeline.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.note = QLineEdit(self)
        self.note.setAccessibleName("Add a note to the timeline")
        self.note.setPlaceholderText("Add a note to the timeline and press Enter")
        self.note.returnPressed.connect(self.add_note)

        layout = QVBoxLayout(self)
        # The panel's minimum is its own, not the sum of what it shows at the moment.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        layout.addWidget(self.summary)
        self.action_row = QWidget(self)
        actions = FlowLayout(self.action_row)
        actions.addWidget(self.open_customer_button)
        actions.addWidget(self.consulted)
        actions.addWidget(self.move_appointment)
        actions.addWidget(self.attempt_button)
        actions.addWidget(self.invite_button)
        layout.addWidget(self.action_row)
        layout.addWidget(self.steps)
        layout.addWidget(self.tell_box)
        layout.addWidget(self.sale_box)
        layout.addWidget(QLabel("Timeline", self))
        layout.addWidget(self.timeline, 1)
        layout.addWidget(self.note)
        self.show_nothing()

    def sizeHint(self) -> QSize:
        """The same width whatever is shown: only the splitter or the user changes it."""
        return QSize(PANEL_WIDTH, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        return QSize(PANEL_MIN_WIDTH, super().minimumSizeHint().height())

    def show_nothing(self) -> None:
        self.detail = None
        self.standing = None
        self.sale_reader.drop()
        self.summary.setText("<i>Select a referral to see it here.</i>")
        for widget in (
            self.steps,
            self.tell_box,
            self.sale_box,
            self.consulted,
            self.move_appointment,
            self.attempt_button,
            self.invite_button,
            self.open_customer_button,
            self.note,
        ):
            widget.hide()
        self.timeline.clear()

    @property
    def busy(self) -> bool:
        return self.loading.busy or self.sale_reader.busy

    def show_nothing_now(self) -> None:
        """Show nothing, and forget a read still on its way."""
        self.loading.drop()
        self.show_nothing()

    def show_referral(self, referral_id: int) -> None:
        """Read the referral on a worker; what is shown meanwhile says it is loading."""
        if not self.context.online:
            return  # the banner says so; the panel is read again once it is back
        if self.detail is None or self.detail.id != referral_id:
            self.show_nothing()
            self.summary.setText(f"<i>Loading referral #{referral_id}…</i>")
        self.loading.read(lambda session: referral_detail(session, referral_id), self.show_detail)

    def show_detail(self, detail: ReferralDetail) -> None:
        """Show a referral already read (by this panel, or with its worklist)."""
        self.loading.drop()  # what was just given is at least as new as a read on its way
        self.detail = detail
        self.summary.setText(detail_html(detail))
        while self.steps_layout.count():
            item = self.steps_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()
        for target in detail.allowed:
            button = QPushButton(step_label(detail, target), self.steps)
            button.setObjectName(f"step_{target.value}")
            button.setAccessibleName(f"Move referral to {target.label}")
            button.clicked.connect(lambda _checked=False, t=target: self.take_step(t))
            self.steps_layout.addWidget(button)
            button.show()
        self.steps.setVisible(bool(detail.allowed))
        if detail.awaiting_tell_tech:
            phone = detail.technician_phone or "no phone on file"
            self.tell_text.setText(
                f"Call <b>{breakable(detail.technician)}</b> at <b>{escape(phone)}</b> and tell "
                f"them the referral was <b>{detail.status.value}</b>."
            )
        # Shown once its text is in, so the panel gives the box the height that text needs.
        self.tell_box.setVisible(detail.awaiting_tell_tech)
        self.consulted.setVisible(
            detail.appointment_id is not None and detail.tech_consulted_at is None
        )
        self.move_appointment.setVisible(detail.status is RS.APPOINTMENT_SET)
        self.attempt_button.setVisible(detail.status in ATTEMPT_STATUSES)
        self.invite_button.setVisible(detail.status is RS.APPOINTMENT_SET)
        self.open_customer_button.show()
        self.note.show()
        self._read_sale(detail)
        self.timeline.clear()
        for entry in detail.timeline:
            text = break_runs(entry.text)
            self.timeline.addItem(f"{local_time(entry.at)}  ·  {entry.actor}  ·  {text}")
        self.timeline.scrollToBottom()
        self.shown.emit(detail.id)

    def refresh(self) -> None:
        if self.detail is not None:
            self.show_referral(self.detail.id)

    @survives_outage
    def take_step(self, target: ReferralStatus) -> None:
        assert self.detail is not None
        detail = self.detail
        if target is RS.CONTACTED:
            # Contact is made through someone's channel: record it as an attempt that reached
            # the customer, so the first contact says how and when.
            AttemptDialog(self.context, detail, self, reached=True).exec()
            return
        if target is RS.APPOINTMENT_SET:
            # Booking wants the salesperson's day in view, the length and a note for the visit.
            AppointmentDialog(self.context, detail, self).exec()
            return
        StepDialog(self.context, detail, target, self).exec()

    # -- after the sale -----------------------------------------------------------------

    def _read_sale(self, detail: ReferralDetail) -> None:
        """A won sale, or one cancelled after the win, shows where it stands; others hide it."""
        if detail.status not in (RS.WON, RS.CANCELLED):
            self.sale_reader.drop()
            self.standing = None
            self.sale_box.hide()
            return
        if self.standing is None or self.standing.referral_id != detail.id:
            self.sale_box.hide()
            self.sale_box.clear_refusal()
        referral_id = detail.id
        self.sale_reader.read(
            lambda session: sale_standing(session, referral_id), self.show_standing
        )

    def show_standing(self, standing: SaleStanding) -> None:
        detail = self.detail
        if detail is None or detail.id != standing.referral_id or standing.won_at is None:
            self.sale_box.hide()
            return
        self.standing = standing
        self.sale_box.show_standing(standing, won=detail.status is RS.WON)

    @survives_outage
    def record_work_completed(self) -> None:
        """Mark the sold work done; a refusal shows in the box and nothing is written."""
        if self.detail is None:
            return
        referral_id, actor = self.detail.id, self.context.desk_user
        self.sale_box.clear_refusal()
        self.context.write(
            self,
            lambda session: mark_work_completed(session, referral_id, actor),
            "referral",
            refused=self._sale_refused,
        )

    def _sale_refused(self, error: InputError) -> None:
        self.sale_box.show_refusal(error)
        self.refresh()  # what the other desk did is shown with the refusal

    @survives_outage
    def cancel_the_sale(self) -> None:
        if self.detail is not None:
            CancelSaleDialog(self.context, self.detail, self).exec()

    def _compose(self) -> None:
        if self.detail is not None:
            self.tellTech.emit([self.detail.id])

    @survives_outage
    def send_invite(self) -> None:
        """Queue the invite for the salesperson; the outbox mails it in the background."""
        if self.detail is None:
            return
        referral_id, actor = self.detail.id, self.context.desk_user
        page_size = default_page_size()

        def queue(session: Session) -> None:
            issued = issue_invite(
                session, referral_id, actor=actor, sending=True, page_size=page_size
            )
            for message in queue_invite(session, issued, actor=actor):
                add_referral_note(
                    session, referral_id, actor, f"Calendar invite queued for {message.to}"
                )

        self.context.write(self, queue, "referral")

    @survives_outage
    def record_attempt(self) -> None:
        if self.detail is not None:
            AttemptDialog(self.context, self.detail, self).exec()

    @survives_outage
    def move_appointment_time(self) -> None:
        if self.detail is not None:
            AppointmentDialog(self.context, self.detail, self).exec()

    def record_tech_told(self) -> None:
        assert self.detail is not None
        detail = self.detail
        self.context.write(
            self,
            lambda session: tell_tech(
                session,
                detail.id,
                self.context.desk_user,
                self.thanked.isChecked(),
                expected_version=detail.version,
            ),
            "referral",
        )

    def record_consulted(self) -> None:
        assert self.detail is not None and self.detail.appointment_id is not None
        appointment_id = self.detail.appointment_id
        self.context.write(
            self,
            lambda s: mark_tech_consulted(s, appointment_id, self.context.desk_user),
            "referral",
        )

    def add_note(self) -> None:
        assert self.detail is not None
        text, referral_id = self.note.text(), self.detail.id
        if self.context.write(
            self,
            lambda s: add_referral_note(s, referral_id, self.context.desk_user, text),
            "referral",
        ):
            self.note.clear()

    def copy_tech_phone(self) -> None:
        if self.detail and self.detail.technician_phone:
            QGuiApplication.clipboard().setText(self.detail.technician_phone)

    def _open_customer(self) -> None:
        if self.detail is not None:
            self.openCustomer.emit(self.detail.customer_id)
