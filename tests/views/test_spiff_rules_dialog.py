"""The spiff rules editor: rules and pay settings saved whole, refusals named on the field
with nothing saved, reached from Preferences."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, QSettings
from PySide6.QtWidgets import QComboBox, QLineEdit
from sqlalchemy import Engine

from console.database import make_engine
from console.migrate import upgrade_database
from console.models import SpiffBasis, SpiffStage
from console.services.spiffs import SpiffPlan, load_spiff_plan
from console.views.context import DeskContext
from console.views.preferences_dialog import PreferencesDialog
from console.views.spiffs.spiff_rules_dialog import SpiffRulesDialog
from tests.views.dialogs import when_dialog_opens


@pytest.fixture
def rules_context(tmp_path: Path) -> Iterator[DeskContext]:
    engine: Engine = make_engine(f"sqlite:///{tmp_path / 'rules.sqlite'}")
    upgrade_database(engine)
    yield DeskContext.for_engine(engine, desk_user="kim")
    engine.dispose()


@pytest.fixture
def dialog(qtbot: Any, rules_context: DeskContext) -> SpiffRulesDialog:
    opened = SpiffRulesDialog(rules_context)
    qtbot.addWidget(opened)
    opened.show()
    qtbot.waitExposed(opened)
    return opened


def stored(context: DeskContext) -> SpiffPlan:
    with context.read() as session:
        return load_spiff_plan(session)


def combo(dialog: SpiffRulesDialog, row: int, column: str) -> QComboBox:
    widget = dialog.cell(row, column)
    assert isinstance(widget, QComboBox)
    return widget


def entry(dialog: SpiffRulesDialog, row: int, column: str) -> QLineEdit:
    widget = dialog.cell(row, column)
    assert isinstance(widget, QLineEdit)
    return widget


def fill(
    dialog: SpiffRulesDialog,
    row: int,
    category: str | None,
    stage: SpiffStage,
    basis: SpiffBasis,
    amount: str,
    cap: str = "",
) -> None:
    for column, value in (("category", category), ("stage", stage.value), ("pays", basis.value)):
        box = combo(dialog, row, column)
        box.setCurrentIndex(box.findData(value))
    entry(dialog, row, "amount").setText(amount)
    entry(dialog, row, "cap").setText(cap)


def test_the_office_starts_with_one_flat_rule_and_saves_a_new_set(
    dialog: SpiffRulesDialog, rules_context: DeskContext
) -> None:
    assert dialog.table.rowCount() == 1
    assert combo(dialog, 0, "category").currentText() == "Any category"
    assert combo(dialog, 0, "stage").currentText() == "Won"
    assert entry(dialog, 0, "amount").text() == "50.00"
    assert dialog.clawback.text() == "Never"
    fill(dialog, 0, "Equipment replacement", SpiffStage.APPOINTMENT_SET, SpiffBasis.FLAT, "$125")
    dialog.add.click()
    fill(dialog, 1, "Equipment replacement", SpiffStage.WON, SpiffBasis.FLAT, "250")
    dialog.add.click()
    fill(dialog, 2, "Maintenance plan", SpiffStage.WON, SpiffBasis.PERCENT, "10", "1,000")
    dialog.clawback.setValue(45)
    dialog.period.setCurrentIndex(dialog.period.findData("biweekly"))
    dialog.anchor.setDate(QDate(2026, 11, 30))
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    plan = stored(rules_context)
    assert [rule.terms for rule in plan.rules] == [
        "Appointment set, Equipment replacement: $125.00",
        "Won, Equipment replacement: $250.00",
        "Won, Maintenance plan: 10% of the value, at most $1,000.00",
    ]
    settings = plan.settings
    assert (settings.spiff_clawback_days, settings.spiff_pay_period, settings.spiff_pay_anchor) == (
        45,
        "biweekly",
        "2026-11-30",
    )


@pytest.mark.parametrize(
    ("change", "message", "row", "column"),
    [
        (
            lambda d: fill(d, 0, None, SpiffStage.WON, SpiffBasis.PERCENT, "150"),
            "Rule 1, amount: a percent must be at most 100",
            0,
            "amount",
        ),
        (
            lambda d: fill(d, 0, None, SpiffStage.WON, SpiffBasis.FLAT, "fifty"),
            "Rule 1, amount: 'fifty' is not a number",
            0,
            "amount",
        ),
        (
            lambda d: fill(d, 0, None, SpiffStage.WON, SpiffBasis.PERCENT, "5", "-1"),
            "Rule 1, cap: must be more than zero",
            0,
            "cap",
        ),
        (
            lambda d: (
                d.add.click(),
                fill(d, 1, None, SpiffStage.WON, SpiffBasis.PERCENT, "2"),
            ),
            "Rule 2, category: rule 1 already pays any category at won",
            1,
            "category",
        ),
        (
            lambda d: (d.add.click(), fill(d, 1, "Other", SpiffStage.WON, SpiffBasis.FLAT, "")),
            "Rule 2, amount: is required",
            1,
            "amount",
        ),
    ],
)
def test_a_refused_rule_is_named_on_its_field_and_nothing_is_saved(
    dialog: SpiffRulesDialog,
    rules_context: DeskContext,
    change: Any,
    message: str,
    row: int,
    column: str,
) -> None:
    before = stored(rules_context)
    dialog.clawback.setValue(30)
    change(dialog)
    dialog.save()
    assert dialog.isVisible() and dialog.result() != dialog.DialogCode.Accepted
    assert dialog.error.isVisible() and dialog.error.text() == message
    field = dialog.cell(row, column)
    assert field.hasFocus() and field.toolTip() == message.split(": ", 1)[1]
    assert dialog.table.currentRow() == row
    assert stored(rules_context) == before


def test_a_removed_rule_is_retired_and_the_rest_saved(
    dialog: SpiffRulesDialog, rules_context: DeskContext
) -> None:
    dialog.add.click()
    fill(dialog, 1, "Other", SpiffStage.WORK_COMPLETED, SpiffBasis.FLAT, "15")
    dialog.table.setCurrentCell(0, 0)
    dialog.remove.click()
    assert dialog.table.rowCount() == 1
    dialog.save()
    assert [rule.terms for rule in stored(rules_context).rules] == ["Work completed, Other: $15.00"]


def test_a_rule_changed_on_another_desk_meanwhile_is_not_overwritten(
    dialog: SpiffRulesDialog, rules_context: DeskContext, qtbot: Any
) -> None:
    other = SpiffRulesDialog(rules_context)
    qtbot.addWidget(other)
    entry(other, 0, "amount").setText("60")
    other.save()
    assert stored(rules_context).rules[0].amount == Decimal("60.00")
    entry(dialog, 0, "amount").setText("70")
    dialog.clawback.setValue(45)
    dialog.save()
    assert dialog.error.text() == (
        "The spiff rules were changed on another desk while you were working; nothing was"
        " saved. Show their rules to start again from them, or Cancel to keep theirs as they"
        " are."
    )
    assert dialog.theirs.isVisible()
    assert stored(rules_context).rules[0].amount == Decimal("60.00")

    dialog.theirs.click()
    assert entry(dialog, 0, "amount").text() == "60.00"
    assert dialog.clawback.value() == stored(rules_context).settings.spiff_clawback_days
    assert not dialog.error.isVisible() and not dialog.theirs.isVisible()
    entry(dialog, 0, "amount").setText("70")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert stored(rules_context).rules[0].amount == Decimal("70.00")


def test_preferences_open_the_spiff_rules_in_place_of_the_old_spiff_rows(
    qtbot: Any, rules_context: DeskContext, tmp_path: Path
) -> None:
    preferences = PreferencesDialog(
        rules_context, QSettings(str(tmp_path / "p.ini"), QSettings.Format.IniFormat)
    )
    qtbot.addWidget(preferences)
    assert not hasattr(preferences, "spiff_mode")
    seen: list[SpiffRulesDialog] = []

    def set_clawback(opened: SpiffRulesDialog) -> None:
        opened.clawback.setValue(14)
        opened.save()

    when_dialog_opens(SpiffRulesDialog, set_clawback, seen)
    preferences.spiff_rules.click()
    assert len(seen) == 1 and stored(rules_context).settings.spiff_clawback_days == 14
    # Saving Preferences afterwards keeps the clawback the rules editor set.
    preferences.first_contact.setValue(12)
    preferences.save()
    settings = stored(rules_context).settings
    assert (settings.first_contact_hours, settings.spiff_clawback_days) == (12, 14)


def test_a_percent_with_more_decimals_opens_and_saves_as_typed(
    qtbot: Any, rules_context: DeskContext
) -> None:
    first = SpiffRulesDialog(rules_context)
    qtbot.addWidget(first)
    fill(first, 0, "Maintenance plan", SpiffStage.WON, SpiffBasis.PERCENT, "2.125")
    first.save()
    assert first.result() == first.DialogCode.Accepted
    again = SpiffRulesDialog(rules_context)
    qtbot.addWidget(again)
    assert entry(again, 0, "amount").text() == "2.125"
    again.save()  # opened and saved unchanged: nothing rounded
    assert [rule.amount for rule in stored(rules_context).rules] == [Decimal("2.125")]
