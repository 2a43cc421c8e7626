"""The salesperson's day beside the booking form: what is booked, and free slots as buttons."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.services.office_time import local_date
from console.services.salesperson_day import BusyTime
from console.views.common import locale_format
from console.views.common.tones import muted

MOST_SLOTS = 4


def busy_span(busy: BusyTime) -> str:
    """An appointment's times on the office's clock, as the desk's locale writes them."""
    return f"{locale_format.time(busy.starts_at)}–{locale_format.time(busy.ends_at)}"


class SalespersonDayPanel(QWidget):
    """Shows one salesperson's day; `slot_chosen` carries the UTC start of a clicked slot."""

    slot_chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("salespersonDay")
        self.heading = QLabel(self)
        self.heading.setObjectName("salespersonDayHeading")
        self.day_list = QListWidget(self)
        self.day_list.setObjectName("salespersonDayList")
        self.day_list.setAccessibleName("The salesperson's appointments that day")
        self.day_list.setMinimumHeight(self.fontMetrics().lineSpacing() * 5)
        self.slots_label = QLabel("Free:", self)
        self.slot_buttons: list[QPushButton] = []
        self.slots_row = QHBoxLayout()
        self.slots_row.addWidget(self.slots_label)
        self.slots_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.day_list, 1)  # a taller form gives its room to the day
        layout.addLayout(self.slots_row)
        self.busy: list[BusyTime] = []

    def show_reading(self, salesperson: str, day: dt.date) -> None:
        """The day is being read: say so, and keep the old rows greyed out meanwhile."""
        self.heading.setText(f"<b>{salesperson}</b> on {locale_format.date(day)} (reading…)")
        self.day_list.setEnabled(False)

    def show_day(
        self,
        salesperson: str,
        day: dt.date,
        busy: Sequence[BusyTime],
        slots: Sequence[dt.datetime],
    ) -> None:
        self.busy = list(busy)
        self.heading.setText(f"<b>{salesperson}</b> on {locale_format.date(day)}")
        self.day_list.setEnabled(True)
        self.day_list.clear()
        for entry in busy:
            self.day_list.addItem(f"{busy_span(entry)}   {entry.customer}")
        if not busy:
            self.day_list.addItem("Nothing booked that day")
            item = self.day_list.item(0)
            item.setForeground(muted())
        self._show_slots(day, slots)

    def _show_slots(self, day: dt.date, slots: Sequence[dt.datetime]) -> None:
        for button in self.slot_buttons:
            self.slots_row.removeWidget(button)
            button.deleteLater()
        self.slot_buttons = []
        self.slots_label.setText("Free:" if slots else "No free slot in business hours")
        for slot in slots[:MOST_SLOTS]:
            same_day = local_date(slot) == day
            text = locale_format.time(slot) if same_day else locale_format.datetime(slot)
            button = QPushButton(text, self)
            button.setObjectName("freeSlot")
            button.setAccessibleName(f"Book at {locale_format.datetime(slot)}")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, at=slot: self.slot_chosen.emit(at))
            self.slots_row.insertWidget(self.slots_row.count() - 1, button)
            self.slot_buttons.append(button)
