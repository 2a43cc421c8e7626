"""Editing the office's spiff rules with the clawback window and the pay period.

The whole set is saved at once through the one save path; a rule or setting the office cannot
use is named beside the form with the cursor on it, and nothing is saved.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from console.models import SpiffBasis, SpiffStage
from console.services.errors import Conflict, InputError
from console.services.office.settings import CLAWBACK_DAYS, SettingsProblem
from console.services.spiffs import RuleDraft, RuleProblem, SpiffPlan, load_spiff_plan
from console.services.spiffs.rules import RATE_PLACES, parse_amount, save_spiff_plan
from console.views.common import locale_format
from console.views.common.forms import error_label, save_cancel_buttons, select_data
from console.views.common.qt_dates import from_qdate, to_qdate
from console.views.common.workers.outage import keeps_input_when_offline, survives_outage
from console.views.context import DeskContext

RULE_COLUMNS = ("category", "stage", "pays", "amount", "cap")
RULE_HEADINGS = ("Category", "Earned when", "Pays", "Amount", "Cap")
PAY_PERIODS = (("Weekly", "weekly"), ("Every two weeks", "biweekly"), ("Monthly", "monthly"))
SETTING_FIELDS = ("spiff_clawback_days", "spiff_pay_period", "spiff_pay_anchor")


class SpiffRulesDialog(QDialog):
    """The office's spiff rules, one row each, above the clawback and pay-period settings."""

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("spiffRulesDialog")
        self.setWindowTitle("Spiff rules")
        self.setMinimumSize(760, 480)
        self.loaded: SpiffPlan = context.fetch(load_spiff_plan)

        explain = QLabel(
            "Every rule that matches a referral pays once for it: a rule for any category and"
            " one for the referral's own category both pay. A percent goes by the estimated"
            " value when an appointment is set, and by the won value after that.",
            self,
        )
        explain.setWordWrap(True)
        self.table = QTableWidget(0, len(RULE_COLUMNS), self)
        self.table.setObjectName("spiffRules")
        self.table.setAccessibleName("Spiff rules")
        self.table.setHorizontalHeaderLabels(
            [*RULE_HEADINGS[:-1], f"Cap ({locale_format.currency_sign()})"]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(RULE_COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 16)
        self.add = QPushButton("&Add rule", self)
        self.add.clicked.connect(lambda: self.add_rule(None))
        self.remove = QPushButton("&Remove rule", self)
        self.remove.clicked.connect(self.remove_rule)
        self._rule_ids: list[tuple[int | None, int | None]] = []  # (id, version) per row

        self.clawback = QSpinBox(self)
        self.clawback.setObjectName("clawbackDays")
        self.clawback.setRange(*CLAWBACK_DAYS)
        self.clawback.setSuffix(" days")
        self.clawback.setSpecialValueText("Never")
        self.clawback.setAccessibleName("Clawback within days of the sale; 0 is never")
        self.period = QComboBox(self)
        self.period.setObjectName("payPeriod")
        self.period.setAccessibleName("Pay period")
        for label, value in PAY_PERIODS:
            self.period.addItem(label, value)
        self.anchor = QDateEdit(self)
        self.anchor.setObjectName("payAnchor")
        self.anchor.setAccessibleName("A day a pay period starts on")
        self.anchor.setCalendarPopup(True)
        locale_format.show_desk_dates(self.anchor)
        pay = QGroupBox("Clawback and pay period", self)
        pay_form = QFormLayout(pay)
        pay_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        pay_form.addRow("Claw back a sale cancelled &within", self.clawback)
        pay_form.addRow("&Pay period", self.period)
        pay_form.addRow("A pay period &starts on", self.anchor)
        self.fields: dict[str, QWidget] = {
            "spiff_clawback_days": self.clawback,
            "spiff_pay_period": self.period,
            "spiff_pay_anchor": self.anchor,
        }

        self.error = error_label(self)
        # After another desk saved first: their rules replace what was typed here.
        self.theirs = QPushButton("Show &their rules", self)
        self.theirs.setObjectName("showTheirRules")
        self.theirs.hide()
        self.theirs.clicked.connect(self.show_theirs)
        self.buttons = save_cancel_buttons(self, self.save)
        self.show_plan(self.loaded)
        rows = QHBoxLayout()
        rows.addWidget(self.add)
        rows.addWidget(self.remove)
        rows.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addWidget(self.table, 1)
        layout.addLayout(rows)
        layout.addWidget(pay)
        trouble = QHBoxLayout()
        trouble.addWidget(self.error, 1)
        trouble.addWidget(self.theirs)
        layout.addLayout(trouble)
        layout.addWidget(self.buttons)

    def show_plan(self, plan: SpiffPlan) -> None:
        """Fill the editor with `plan`, as stored: the rules, then the clawback and pay period."""
        self.loaded = plan
        self.table.setRowCount(0)
        self._rule_ids.clear()
        for rule in plan.rules:
            self.add_rule(rule)
        settings = plan.settings
        self.clawback.setValue(settings.spiff_clawback_days)
        select_data(self.period, settings.spiff_pay_period)
        self.anchor.setDate(to_qdate(dt.date.fromisoformat(settings.spiff_pay_anchor)))

    @survives_outage
    def show_theirs(self) -> None:
        """Read the rules again as another desk left them; what was typed here is let go."""
        self.show_plan(self.context.fetch(load_spiff_plan))
        self.theirs.hide()
        self.error.hide()
        self.error.clear()

    @classmethod
    def edit(cls, context: DeskContext, parent: QWidget | None = None) -> bool:
        """Open the editor; True when the office's rules were saved."""
        dialog = cls(context, parent)
        try:
            return dialog.exec() == QDialog.DialogCode.Accepted
        finally:
            context.stop_following(dialog)
            dialog.deleteLater()

    def add_rule(self, rule: RuleDraft | None) -> None:
        """A row for `rule`, or a new flat rule for any category at the won stage."""
        row = self.table.rowCount()
        self.table.insertRow(row)
        category = QComboBox(self.table)
        category.addItem("Any category", None)
        for name in self.loaded.settings.referral_categories:
            category.addItem(name, name)
        stage = QComboBox(self.table)
        for each in SpiffStage:
            stage.addItem(each.label, each.value)
        basis = QComboBox(self.table)
        basis.addItem(f"Flat amount ({locale_format.currency_sign()})", SpiffBasis.FLAT.value)
        basis.addItem("Percent of value (%)", SpiffBasis.PERCENT.value)
        amount = QLineEdit(self.table)
        amount.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        cap = QLineEdit(self.table)
        cap.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        cap.setPlaceholderText("no cap")
        if rule is not None:
            select_data(category, rule.category)
            select_data(stage, rule.stage.value)
            select_data(basis, rule.basis.value)
            amount.setText(locale_format.number(rule.amount, _places(rule.amount, rule.basis)))
            cap.setText(locale_format.number(rule.cap, 2))
        else:
            select_data(stage, SpiffStage.WON.value)
        for column, (widget, name) in enumerate(
            zip(
                (category, stage, basis, amount, cap),
                ("category", "earning stage", "pays", "amount", "cap"),
                strict=True,
            )
        ):
            widget.setAccessibleName(f"Rule {row + 1} {name}")
            self.table.setCellWidget(row, column, widget)
        basis.currentIndexChanged.connect(lambda _index, c=cap, b=basis: self._cap_for(b, c))
        self._cap_for(basis, cap)
        self._rule_ids.append((rule.id, rule.version) if rule is not None else (None, None))
        if rule is None:
            self.table.setCurrentCell(row, 0)
            amount.setFocus()

    def _cap_for(self, basis: QComboBox, cap: QLineEdit) -> None:
        """Only a percent of the value has a cap."""
        percent = basis.currentData() == SpiffBasis.PERCENT.value
        cap.setEnabled(percent)
        if not percent:
            cap.clear()

    def remove_rule(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        self.table.removeRow(row)
        del self._rule_ids[row]

    def cell(self, row: int, column: str) -> QWidget:
        widget = self.table.cellWidget(row, RULE_COLUMNS.index(column))
        assert widget is not None
        return widget

    def entered_plan(self) -> SpiffPlan:
        """The rules and settings as typed; a RuleProblem names the cell that is not a number."""
        rules = []
        for row, (rule_id, version) in enumerate(self._rule_ids):
            category = self.cell(row, "category")
            stage = self.cell(row, "stage")
            basis = self.cell(row, "pays")
            amount = self.cell(row, "amount")
            cap = self.cell(row, "cap")
            assert isinstance(category, QComboBox) and isinstance(stage, QComboBox)
            assert isinstance(basis, QComboBox)
            assert isinstance(amount, QLineEdit) and isinstance(cap, QLineEdit)
            pays = SpiffBasis(basis.currentData())
            # A rate keeps the decimals the ledger keeps for it; money is cents.
            places = RATE_PLACES if pays is SpiffBasis.PERCENT else 2
            value = parse_amount(amount.text(), row, "amount", decimals=places)
            assert value is not None
            rules.append(
                RuleDraft(
                    category=category.currentData(),
                    stage=SpiffStage(stage.currentData()),
                    basis=pays,
                    amount=value,
                    cap=parse_amount(cap.text(), row, "cap", required=False),
                    id=rule_id,
                    version=version,
                )
            )
        settings = replace(
            self.loaded.settings,
            spiff_clawback_days=self.clawback.value(),
            spiff_pay_period=str(self.period.currentData()),
            spiff_pay_anchor=from_qdate(self.anchor.date()).isoformat(),
        )
        return SpiffPlan(tuple(rules), settings)

    def show_problem(self, problem: InputError) -> None:
        """Say what is refused and why, with the cursor on it; the dialog stays open."""
        self.error.setText(str(problem))
        self.error.show()
        field: QWidget | None = None
        if isinstance(problem, RuleProblem) and problem.row < self.table.rowCount():
            column = "pays" if problem.column == "stage" else problem.column
            field = self.cell(problem.row, column)
            self.table.setCurrentCell(problem.row, RULE_COLUMNS.index(column))
        elif isinstance(problem, SettingsProblem):
            field = self.fields.get(problem.setting)
        if field is None:
            return
        field.setFocus()
        field.setToolTip(problem.message)
        if isinstance(field, QLineEdit):
            field.selectAll()

    @keeps_input_when_offline
    def save(self) -> None:
        try:
            plan = self.entered_plan()
        except RuleProblem as problem:
            self.show_problem(problem)
            return
        outcome: dict[str, BaseException] = {}
        loaded = self.loaded

        def store(session: Session) -> bool:
            save_spiff_plan(session, plan, loaded)
            return True

        saved = self.context.write(
            self,
            store,
            "settings",
            refused=lambda error: outcome.update(refused=error),
            conflict=lambda error: outcome.update(conflict=error),
            offline=lambda message: self.error.setText(message),
        )
        if saved:
            self.accept()
            return
        refused = outcome.get("refused")
        if isinstance(refused, InputError):
            self.show_problem(refused)
            return
        changed = outcome.get("conflict")
        if isinstance(changed, Conflict):
            said = str(changed)
            self.error.setText(
                f"{said[:1].upper()}{said[1:]}. Show their rules to start again from them,"
                " or Cancel to keep theirs as they are."
            )
            self.theirs.show()
        self.error.show()


def _places(amount: Decimal, basis: SpiffBasis) -> int:
    """Decimals to show a rule's amount with: cents for money, a percent as it was typed (up
    to 4), so opening and saving the rules never rounds 2.125 % to 2.13 %."""
    if basis is not SpiffBasis.PERCENT:
        return 2
    exponent = amount.normalize().as_tuple().exponent
    return min(max(-exponent, 0), RATE_PLACES) if isinstance(exponent, int) else 2
