"""The top of the customer 360: who they are and how to reach them."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QPushButton, QWidget

from console.services.customers.customer_360 import CustomerOverview
from console.views.common.tones import Tone, palette, tone, tone_name

# How far apart in lightness a link and its background must be to read as text.
LINK_CONTRAST = 96


def link_colour(colours: QPalette | None = None) -> QColor:
    """The theme's own link colour where it reads on the base, the palette-aware blue if not.

    A dark palette that leaves the Link role at Qt's default draws dark blue on dark.
    """
    colours = colours or palette()
    link = colours.color(QPalette.ColorRole.Link)
    base = colours.color(QPalette.ColorRole.Window)
    if abs(link.lightness() - base.lightness()) >= LINK_CONTRAST:
        return link
    return tone(Tone.INFO, colours)


def _link(href: str, text: str, colour: str) -> str:
    return f'<a href="{escape(href)}" style="color:{colour}">{escape(text)}</a>'


class CustomerHeader(QFrame):
    """Name, company, account, phones and email as links, address, notes; open referrals."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.overview: CustomerOverview | None = None
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

    def changeEvent(self, event: QEvent) -> None:
        """A theme switched while the customer is open redraws the links in its colours."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self.overview is not None:
            self.show_customer(self.overview)

    def show_customer(self, overview: CustomerOverview) -> None:
        self.overview = overview
        colour = link_colour(self.palette()).name()
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
                    " / ".join(_link(f"tel:{p}", p, colour) for p in phones),
                    _link(f"mailto:{overview.email}", overview.email, colour)
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
