"""The top of the customer 360: who they are and how to reach them."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QPushButton, QWidget

from console.services.customers import CustomerOverview
from console.views.common.tones import Tone, tone_name


class CustomerHeader(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("customerHeader")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.name = QLabel(self)
        self.name.setObjectName("customerName")
        self.name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.name.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.name.setFont(font)
        self.details = QLabel(self)
        self.details.setObjectName("customerDetails")
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.details.setOpenExternalLinks(True)
        self.details.setWordWrap(True)
        self.badge = QLabel(self)
        self.badge.setObjectName("openReferralBadge")
        self.badge.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.edit_button = QPushButton("Edit &contact…", self)
        self.edit_button.setObjectName("editContactButton")
        self.edit_button.setAccessibleName("Edit contact details")
        layout = QGridLayout(self)
        layout.addWidget(self.name, 0, 0)
        layout.addWidget(self.badge, 0, 1)
        layout.addWidget(self.details, 1, 0)
        layout.addWidget(
            self.edit_button, 1, 1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom
        )
        layout.setColumnStretch(0, 1)

    def show_customer(self, overview: CustomerOverview) -> None:
        self.name.setText(overview.name)
        self.name.setAccessibleName(f"Customer {overview.name}")
        phones = [p for p in (overview.phone, overview.phone_alt) if p]
        lines = []
        if overview.company and overview.company != overview.name:
            lines.append(f"<b>{escape(overview.company)}</b>")
        lines.append(
            " &nbsp;·&nbsp; ".join(
                part
                for part in (
                    f"Account <b>{escape(overview.account_number)}</b>",
                    " / ".join(f'<a href="tel:{escape(p)}">{escape(p)}</a>' for p in phones),
                    f'<a href="mailto:{escape(overview.email)}">{escape(overview.email)}</a>'
                    if overview.email
                    else "",
                )
                if part
            )
        )
        if overview.address:
            lines.append(escape(overview.address))
        if overview.notes:
            lines.append(f"<i>{escape(overview.notes)}</i>")
        self.details.setText("<br>".join(lines))
        open_count = overview.open_referral_count
        overdue = sum(1 for referral in overview.referrals if referral.overdue)
        text = f"{open_count} open referral{'s' if open_count != 1 else ''}"
        if overdue:
            danger = tone_name(Tone.DANGER)
            text += f"<br><span style='color:{danger}'><b>{overdue} overdue</b></span>"
        self.badge.setText(text)
        self.badge.setAccessibleName(f"{open_count} open referrals, {overdue} overdue")
