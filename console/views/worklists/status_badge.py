"""A referral's status as a small rounded label, with an "Overdue" one beside it when late.

Colours come from `tones`, so the badges read on light and dark desktops alike; a selected
row keeps its selection colour behind them.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from console.models import ReferralStatus
from console.services.referrals.worklists import WorkItem
from console.views.common.tables.table_model import ROW_ROLE
from console.views.common.tones import Tone, muted, tinted_background, tone

Index = QModelIndex | QPersistentModelIndex
RS = ReferralStatus
# What each status says to the coordinator; None is a quiet, neutral badge.
STATUS_TONES: dict[ReferralStatus, Tone | None] = {
    RS.NEW: Tone.INFO,
    RS.ASSIGNED: Tone.INFO,
    RS.CONTACTED: Tone.WARNING,
    RS.APPOINTMENT_SET: Tone.SUCCESS,
    RS.QUOTED: Tone.WARNING,
    RS.WON: Tone.SUCCESS,
    RS.LOST: Tone.DANGER,
    RS.NOT_NOW: None,
    RS.CANCELLED: None,
}
PAD_X, PAD_Y, GAP = 6, 2, 4
OVERDUE_TEXT = "Overdue"


def badge_colours(meaning: Tone | None, colours: QPalette) -> tuple[QColor, QColor]:
    """(text, background) of a badge that means `meaning`."""
    if meaning is None:
        return muted(colours), colours.color(QPalette.ColorRole.AlternateBase)
    return tone(meaning, colours), tinted_background(meaning, colours)


def badges(item: WorkItem) -> list[tuple[str, Tone | None]]:
    """The labels a row's status cell shows, in order."""
    shown: list[tuple[str, Tone | None]] = [(item.status.label, STATUS_TONES[item.status])]
    if item.overdue:
        shown.append((OVERDUE_TEXT, Tone.DANGER))
    return shown


class StatusBadgeDelegate(QStyledItemDelegate):
    """Draws the status column's badges in place of its text."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        item = index.data(ROW_ROLE)
        if not isinstance(item, WorkItem):
            super().paint(painter, option, index)
            return
        view_option = QStyleOptionViewItem(option)
        self.initStyleOption(view_option, index)
        view_option.text = ""
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, view_option, painter, widget)
        metrics = QFontMetrics(option.font)
        rect: QRect = option.rect
        colours: QPalette = option.palette
        height = metrics.height() + 2 * PAD_Y
        top = rect.top() + max(0, (rect.height() - height) // 2)
        left = rect.left() + GAP
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for text, meaning in badges(item):
            width = metrics.horizontalAdvance(text) + 2 * PAD_X
            if left + width > rect.right():
                break  # a narrow column shows the badges that fit, whole
            foreground, background = badge_colours(meaning, colours)
            shape = QRectF(left, top, width, height)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(background)
            painter.drawRoundedRect(shape, height / 2, height / 2)
            painter.setPen(foreground)
            painter.drawText(shape, Qt.AlignmentFlag.AlignCenter, text)
            left += width + GAP
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        item = index.data(ROW_ROLE)
        if not isinstance(item, WorkItem):
            return super().sizeHint(option, index)
        metrics = QFontMetrics(option.font)
        width = GAP + sum(
            metrics.horizontalAdvance(text) + 2 * PAD_X + GAP for text, _meaning in badges(item)
        )
        return QSize(width, metrics.height() + 2 * PAD_Y + 2)
