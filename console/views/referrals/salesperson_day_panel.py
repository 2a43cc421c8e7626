"""The salesperson's day beside the booking form: what is booked, and free slots as buttons.

The buttons offer the free starts nearest the time in the form, and follow it as it changes,
so a desk planning an afternoon visit is not shown the morning.
"""

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

from console.services.office.clock import local_date
from console.services.schedule.salesperson_day import BusyTime, slots_near
from console.views.common import locale_format
from console.views.common.tones import muted

MOST_SLOTS = 6


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
        self.day: dt.date | None = None
        self.slots: list[dt.datetime] = []
        self.around: dt.datetime | None = None

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
        around: dt.datetime | None = None,
    ) -> None:
        """Show the day; the slot buttons are the free starts nearest `around` (UTC), else
        the first ones."""
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
        self.day, self.slots = day, sorted(slots)
        if around is not None:
            self.around = around
        self._show_slots()

    def show_near(self, around: dt.datetime) -> None:
        """The time in the form changed: offer the free starts nearest it instead."""
        if around == self.around:
            return
        self.around = around
        if self.day is not None:
            self._show_slots()

    def offered(self) -> list[dt.datetime]:
        """The free starts the buttons offer, in time order."""
        if self.around is None:
            return self.slots[:MOST_SLOTS]
        return slots_near(self.slots, self.around, MOST_SLOTS)

    def _show_slots(self) -> None:
        for button in self.slot_buttons:
            self.slots_row.removeWidget(button)
            button.deleteLater()
        self.slot_buttons = []
        offered = self.offered()
        days = {local_date(slot) for slot in offered}
        # Slots on one later day (the chosen one is full) are named by the label, once.
        one_other_day = next(iter(days)) if len(days) == 1 and self.day not in days else None
        if not offered:
            self.slots_label.setText("No free slot in business hours")
        elif one_other_day is not None:
            self.slots_label.setText(f"Free on {locale_format.date(one_other_day)}:")
        else:
            self.slots_label.setText("Free:")
        for slot in offered:
            same_day = local_date(slot) in (self.day, one_other_day)
            text = locale_format.time(slot) if same_day else locale_format.datetime(slot)
            button = QPushButton(text, self)
            button.setObjectName("freeSlot")
            button.setAccessibleName(f"Book at {locale_format.datetime(slot)}")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, at=slot: self.slot_chosen.emit(at))
            self.slots_row.insertWidget(self.slots_row.count() - 1, button)
            self.slot_buttons.append(button)
