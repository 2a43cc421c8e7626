"""Salespeople: which referral categories each takes in the round-robin, and who is away.

The list on the left holds every active salesperson; the pane on the right edits the one
chosen. Nothing is written until Save, which stores every changed person in one transaction,
each checked against the version this dialog read, so a change made meanwhile on another desk
is refused instead of overwritten.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from console.services.errors import Conflict, InputError
from console.services.office.clock import local_date, utc_now
from console.services.office.settings import load_office_settings
from console.services.office.staff import (
    SalespersonChoice,
    SalespersonSetup,
    salespeople_setup,
    save_salesperson,
)
from console.views.common import locale_format
from console.views.common.form_dialog import FormDialog
from console.views.common.forms import save_cancel_buttons
from console.views.common.qt_dates import from_qdate, office_today, to_qdate
from console.views.common.workers.background import read_for_form
from console.views.context import DeskContext

ROUND_ROBIN_ON = (
    "Round-robin is on: a new referral without a chosen salesperson goes to the one who "
    "takes its category and has waited longest for one. Nobody away gets a turn."
)
ROUND_ROBIN_OFF = (
    "Round-robin is off: new referrals wait for someone to assign them. Turn it on under "
    "Preferences, The office."
)


@dataclass(frozen=True)
class SalesTeam:
    """What the dialog reads before it can be used."""

    people: list[SalespersonSetup]
    categories: tuple[str, ...]
    round_robin: bool
    today: dt.date


def read_team(session: Session) -> SalesTeam:
    office = load_office_settings(session)
    today = local_date(utc_now())
    return SalesTeam(
        salespeople_setup(session, today),
        office.referral_categories,
        office.assign_round_robin,
        today,
    )


def _choice(person: SalespersonSetup) -> SalespersonChoice:
    return SalespersonChoice(
        id=person.id,
        version=person.version,
        categories=person.categories,
        away=person.away,
        away_until=person.away_until,
    )


class SalespeopleDialog(FormDialog):
    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setObjectName("salespeopleDialog")
        self.setWindowTitle("Salespeople")
        self.names: dict[int, str] = {}
        self.read_choices: dict[int, SalespersonChoice] = {}
        self.choices: dict[int, SalespersonChoice] = {}
        self.shown_id: int | None = None
        self.category_boxes: list[QCheckBox] = []

        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.people = QListWidget(self)
        self.people.setAccessibleName("Salespeople")
        self.people.setMinimumWidth(200)
        self.people.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.people.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.people.currentItemChanged.connect(self._show_person)
        self.person_box = QGroupBox("", self)
        pane = QVBoxLayout(self.person_box)
        self.takes_label = QLabel("Takes referrals about:", self.person_box)
        pane.addWidget(self.takes_label)
        self.category_pane = QVBoxLayout()
        pane.addLayout(self.category_pane)
        pane.addSpacing(8)
        self.away = QCheckBox("&Away: no round-robin referrals", self.person_box)
        self.away.toggled.connect(self._away_toggled)
        self.has_end = QCheckBox("&until (the last day away)", self.person_box)
        self.has_end.toggled.connect(self._end_toggled)
        self.until = QDateEdit(self.person_box)
        self.until.setAccessibleName("Away until")
        self.until.setCalendarPopup(True)
        locale_format.show_desk_dates(self.until)
        self.until.setMinimumDate(office_today())
        self.until.setDate(office_today(7))
        self.until.dateChanged.connect(self._remember)
        pane.addWidget(self.away)
        until_row = QHBoxLayout()
        until_row.setContentsMargins(24, 0, 0, 0)
        until_row.addWidget(self.has_end)
        until_row.addWidget(self.until)
        until_row.addStretch(1)
        pane.addLayout(until_row)
        pane.addStretch(1)
        self.fields.update({"away until": self.until, "salesperson": self.people})

        columns = QHBoxLayout()
        columns.addWidget(self.people, 1)
        columns.addWidget(self.person_box, 1)
        buttons = save_cancel_buttons(self, self.save)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(columns, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(620, 420)
        self._read()

    def _read(self) -> None:
        self.person_box.setEnabled(False)
        self.lists = read_for_form(
            self,
            self,
            read_team,
            self._fill,
            [self.people, self.buttons.button(QDialogButtonBox.StandardButton.Save)],
        )

    def _fill(self, team: SalesTeam) -> None:
        self.shown_id = None
        self.people.clear()
        for old in self.category_boxes:
            old.deleteLater()
        self.category_boxes.clear()
        self.names.clear()
        self.read_choices.clear()
        self.choices.clear()
        self.intro.setText(ROUND_ROBIN_ON if team.round_robin else ROUND_ROBIN_OFF)
        for category in team.categories:
            box = QCheckBox(category, self.person_box)
            box.toggled.connect(self._remember)
            self.category_pane.addWidget(box)
            self.category_boxes.append(box)
        for person in team.people:
            self.names[person.id] = person.name
            self.read_choices[person.id] = self.choices[person.id] = _choice(person)
            text = self._list_text(self.choices[person.id])
            item = QListWidgetItem(text, self.people)
            item.setToolTip(text)
            item.setData(Qt.ItemDataRole.UserRole, person.id)
        if not team.people:
            self.show_error("There are no active salespeople yet; import or add them first.")
            return
        self.people.setCurrentRow(0)
        self.people.setFocus()

    def _list_text(self, choice: SalespersonChoice) -> str:
        name = self.names[choice.id]
        if not choice.away:
            return name
        return f"{name} — away until {choice.away_until}" if choice.away_until else f"{name} — away"

    def _show_person(self, current: QListWidgetItem | None, _previous: object = None) -> None:
        if current is None:
            return
        person_id = int(current.data(Qt.ItemDataRole.UserRole))
        choice = self.choices[person_id]
        self.shown_id = None  # no remembering while the pane is filled
        self.person_box.setTitle(self.names[person_id])
        taken = {category.casefold() for category in choice.categories}
        for box in self.category_boxes:
            box.setChecked(box.text().casefold() in taken)
        self.away.setChecked(choice.away)
        self.has_end.setChecked(choice.away_until is not None)
        if choice.away_until is not None:
            self.until.setDate(to_qdate(choice.away_until))
        self._away_toggled(choice.away)
        self.person_box.setEnabled(True)
        self.shown_id = person_id

    def _away_toggled(self, away: bool) -> None:
        self.has_end.setEnabled(away)
        self._end_toggled(self.has_end.isChecked())

    def _end_toggled(self, _checked: bool) -> None:
        self.until.setEnabled(self.away.isChecked() and self.has_end.isChecked())
        self._remember()

    def _remember(self) -> None:
        """Keep what the pane shows for the person shown, and say it in the list."""
        if self.shown_id is None:
            return
        away = self.away.isChecked()
        choice = replace(
            self.choices[self.shown_id],
            categories=tuple(box.text() for box in self.category_boxes if box.isChecked()),
            away=away,
            away_until=from_qdate(self.until.date()) if away and self.has_end.isChecked() else None,
        )
        self.choices[self.shown_id] = choice
        item = self.people.currentItem()
        if item is not None:
            item.setText(self._list_text(choice))
            item.setToolTip(item.text())

    def changed(self) -> list[SalespersonChoice]:
        return [c for person_id, c in self.choices.items() if c != self.read_choices[person_id]]

    def save(self) -> None:
        self._remember()
        changes = self.changed()
        if not changes:
            self.accept()
            return

        def work(session: Session) -> int:
            for choice in changes:
                try:
                    save_salesperson(session, choice)
                except InputError as error:
                    # Name the person: the list holds many and the message is about one.
                    name = self.names[choice.id]
                    raise InputError(error.field, f"{name}: {error.message}") from None
            return len(changes)

        if self.save_form(work, "salespeople", self._changed_elsewhere) is not None:
            self.accept()

    def _changed_elsewhere(self, error: Conflict) -> None:
        """Show what the other desk stored; this desk's edits have to be made again on it."""
        self.show_error(f"{error}. The list now shows what is stored; make your changes again.")
        self._read()
