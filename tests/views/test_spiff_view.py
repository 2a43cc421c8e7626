"""The Spiffs tab: from a technician to the referrals and ledger entries behind the amount,
and paying one referral or a selection."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import Engine, select

from console.database import make_engine, session_factory
from console.migrate import upgrade_database
from console.models import SpiffEntry, SpiffEntryKind
from console.services.referrals.lifecycle import cancel_sale
from console.services.spiffs import mark_spiffs_paid
from console.views.context import DeskContext
from console.views.spiffs.spiff_rules_dialog import SpiffRulesDialog
from console.views.spiffs.spiff_view import SpiffView
from tests.conftest import DeskWatch
from tests.views.dialogs import when_dialog_opens
from tests.views.spiff_office import fill_spiff_office

TIMEOUT_MS = 10_000


@pytest.fixture
def spiff_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'spiffs.sqlite'}")
    upgrade_database(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def made(spiff_engine: Engine) -> dict[str, list[int]]:
    return fill_spiff_office(spiff_engine)


@pytest.fixture
def view(qtbot: Any, spiff_engine: Engine, made: dict[str, list[int]]) -> SpiffView:
    context = DeskContext.for_engine(spiff_engine, desk_user="kim")
    shown = SpiffView(context)
    qtbot.addWidget(shown)
    shown.resize(1366, 700)
    shown.show()
    qtbot.waitUntil(lambda: shown.technician_model.rowCount() == 2, timeout=TIMEOUT_MS)
    return shown


def texts(model: Any, column: int) -> list[str]:
    return [model.text(row, column) for row in range(model.rowCount())]


def choose_technician(qtbot: Any, view: SpiffView, name: str) -> None:
    row = texts(view.technician_model, 0).index(name)
    view.technicians.selectRow(row)
    qtbot.waitUntil(
        lambda: view.referral_model.rowCount() > 0 and name in view.behind.text(),
        timeout=TIMEOUT_MS,
    )


def select_referrals(view: SpiffView, referral_ids: list[int]) -> None:
    selection = view.referrals.selectionModel()
    selection.clearSelection()
    for row, spiff in enumerate(view.referral_model.rows):
        if spiff.referral_id in referral_ids:
            selection.select(
                view.referral_model.index(row, 0),
                QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
            )


def test_a_technician_opens_onto_the_referrals_and_entries_behind_the_amount(
    qtbot: Any, view: SpiffView, made: dict[str, list[int]]
) -> None:
    assert texts(view.technician_model, 0) == ["Ana Tech", "Ben Ortiz"]
    assert texts(view.technician_model, 5) == ["$375.00", "$69.00"]  # owed
    assert "payable now <b>$444.00</b>" in view.period.text()
    choose_technician(qtbot, view, "Ana Tech")
    cancelled = made["Ana Tech"][3]
    owed = {spiff.referral_id: spiff.owed for spiff in view.referral_model.rows}
    assert owed[cancelled] == 0 and sorted(owed.values()) == [0, 125, 125, 125]
    # Nothing chosen: every entry of the technician; one referral chosen: its entries only.
    assert view.entry_model.rowCount() == 5
    select_referrals(view, [cancelled])
    assert [(e.kind, str(e.amount)) for e in view.entry_model.rows] == [
        (SpiffEntryKind.ACCRUED, "125.00"),
        (SpiffEntryKind.CLAWED_BACK, "-125.00"),
    ]
    assert view.entry_model.text(1, 5) == "Won, Equipment replacement: $125.00"
    terms = view.entry_model.index(1, 5)
    tip = view.entry_model.data(terms, Qt.ItemDataRole.ToolTipRole)
    assert tip.splitlines()[0] == "Won, Equipment replacement: $125.00"  # whole, if elided
    assert tip.splitlines()[1].startswith("Recorded by ")
    assert not view.pay.isEnabled() and view.pay.text() == "Pay selected"


def test_paying_a_selection_records_paid_entries_and_shows_them(
    qtbot: Any,
    view: SpiffView,
    made: dict[str, list[int]],
    spiff_engine: Engine,
    desk_watch: DeskWatch,
) -> None:
    choose_technician(qtbot, view, "Ana Tech")
    select_referrals(view, made["Ana Tech"])  # the cancelled one owes nothing and is left out
    assert view.pay.isEnabled() and view.pay.text() == "&Pay selected (3): $375.00"

    desk_watch.expect_message_boxes()
    asked: list[str] = []

    def answer_yes() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer_yes)
            return
        asked.append(box.text())
        box.button(QMessageBox.StandardButton.Yes).click()

    QTimer.singleShot(0, answer_yes)
    view.pay.click()
    assert asked == ["Record $375.00 for 3 referral(s) as paid to Ana Tech?"]
    qtbot.waitUntil(lambda: texts(view.technician_model, 5)[:1] == ["$69.00"], timeout=TIMEOUT_MS)
    assert texts(view.technician_model, 0) == ["Ben Ortiz", "Ana Tech"]
    qtbot.waitUntil(
        lambda: any(e.kind is SpiffEntryKind.PAID for e in view.entry_model.rows),
        timeout=TIMEOUT_MS,
    )
    assert not view.pay.isEnabled()
    with spiff_engine.connect() as connection:
        paid = connection.execute(
            select(SpiffEntry.referral_id, SpiffEntry.amount, SpiffEntry.actor).where(
                SpiffEntry.kind == SpiffEntryKind.PAID
            )
        ).all()
    assert sorted(paid) == sorted((rid, 125, "kim") for rid in made["Ana Tech"][:3])


def test_one_referral_is_paid_on_its_own_and_a_no_pays_nothing(
    qtbot: Any,
    view: SpiffView,
    made: dict[str, list[int]],
    spiff_engine: Engine,
    desk_watch: DeskWatch,
) -> None:
    choose_technician(qtbot, view, "Ben Ortiz")
    plan = made["Ben Ortiz"][0]
    select_referrals(view, [plan])
    assert view.pay.text() == "&Pay selected (1): $29.00"
    desk_watch.expect_message_boxes()

    def answer(button: QMessageBox.StandardButton, tries: int = 250) -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            box.button(button).click()
        elif tries:  # no longer than this test runs: a later test's box is not for it
            QTimer.singleShot(20, lambda: answer(button, tries - 1))

    QTimer.singleShot(0, lambda: answer(QMessageBox.StandardButton.No))
    view.pay.click()
    with spiff_engine.connect() as connection:
        assert (
            connection.execute(
                select(SpiffEntry.id).where(SpiffEntry.kind == SpiffEntryKind.PAID)
            ).all()
            == []
        )
    QTimer.singleShot(0, lambda: answer(QMessageBox.StandardButton.Yes))
    view.pay.click()
    qtbot.waitUntil(
        lambda: texts(view.technician_model, 5) == ["$375.00", "$40.00"], timeout=TIMEOUT_MS
    )


def test_the_spiff_rules_open_from_the_view(qtbot: Any, view: SpiffView) -> None:
    seen: list[SpiffRulesDialog] = []
    when_dialog_opens(SpiffRulesDialog, lambda dialog: dialog.reject(), seen)
    view.rules.click()
    assert len(seen) == 1 and seen[0].table.rowCount() == 3


def open_view(qtbot: Any, engine: Engine) -> SpiffView:
    context = DeskContext.for_engine(engine, desk_user="kim")
    shown = SpiffView(context)
    qtbot.addWidget(shown)
    shown.resize(1366, 700)
    shown.show()
    qtbot.waitUntil(lambda: shown.technician_model.rowCount() == 2, timeout=TIMEOUT_MS)
    return shown


def pay_then_claw_back(engine: Engine, paid: list[int], cancelled: list[int]) -> None:
    with session_factory(engine).begin() as session:
        mark_spiffs_paid(session, paid, "kim")
    for referral_id in cancelled:
        with session_factory(engine).begin() as session:
            cancel_sale(session, referral_id, "sam", "Customer backed out")


def test_pay_is_refused_with_the_reason_when_clawbacks_leave_nothing_owed(
    qtbot: Any, spiff_engine: Engine, made: dict[str, list[int]]
) -> None:
    first, second, third, _cancelled = made["Ana Tech"]
    pay_then_claw_back(spiff_engine, [first, second], [first, second])
    view = open_view(qtbot, spiff_engine)
    assert texts(view.technician_model, 0) == ["Ben Ortiz", "Ana Tech"]
    assert texts(view.technician_model, 5) == ["$69.00", "($125.00)"]
    choose_technician(qtbot, view, "Ana Tech")
    select_referrals(view, [third])
    assert not view.pay.isEnabled()
    assert view.pay.toolTip() == (
        "Nothing to pay: Ana Tech owes back $125.00 from clawbacks of spiffs already paid,"
        " more than the selected referrals earned"
    )
    view.pay.click()  # disabled: no question, no payment
    with spiff_engine.connect() as connection:
        assert connection.execute(
            select(SpiffEntry.referral_id).where(SpiffEntry.kind == SpiffEntryKind.PAID)
        ).scalars().all() == [first, second]


def test_paying_offsets_a_clawback_and_asks_for_the_net_amount(
    qtbot: Any, spiff_engine: Engine, made: dict[str, list[int]], desk_watch: DeskWatch
) -> None:
    first, second, third, _cancelled = made["Ana Tech"]
    pay_then_claw_back(spiff_engine, [first], [first])
    view = open_view(qtbot, spiff_engine)
    choose_technician(qtbot, view, "Ana Tech")
    select_referrals(view, [second, third])
    assert view.pay.isEnabled() and view.pay.toolTip() == ""
    assert view.pay.text() == "&Pay selected (2): $125.00"

    desk_watch.expect_message_boxes()
    asked: list[str] = []

    def answer_yes() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer_yes)
            return
        asked.append(box.text())
        box.button(QMessageBox.StandardButton.Yes).click()

    QTimer.singleShot(0, answer_yes)
    view.pay.click()
    assert asked == [
        "Record $125.00 for 2 referral(s) as paid to Ana Tech?\n\nThe referrals owe $250.00;"
        " $125.00 of it is offset against clawbacks of spiffs already paid, so $125.00 is"
        " paid out."
    ]
    qtbot.waitUntil(
        lambda: texts(view.technician_model, 5) == ["$69.00", "$0.00"], timeout=TIMEOUT_MS
    )
    assert texts(view.technician_model, 4)[1] == "$250.00"  # paid: 125, then 250 less 125
