"""`spiffs ledger`, `spiffs work-completed` and `spiffs cancel-sale`, on both backends."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import Engine, func, select

from console.cli import main
from console.database import session_factory
from console.models import Referral, SpiffBasis, SpiffEntry, SpiffStage, StaffRole
from console.services.referrals.lifecycle import StepDetails, create_referral, move_referral
from console.services.spiffs import RuleDraft, SpiffPlan, load_spiff_plan, save_spiff_plan
from console.services.spiffs.export import LEDGER_COLUMNS
from tests import factories

NOW = dt.datetime(2026, 3, 16, 15, 0, tzinfo=dt.UTC)


def won_referral(engine: Engine, customer: str, category: str | None, value: str) -> int:
    with session_factory(engine).begin() as session:
        owner = factories.customer(session, name=customer)
        referral = create_referral(
            session,
            customer_id=owner.id,
            technician="Ana Tech",
            pain_point="Old unit",
            actor="sam",
            category=category,
            salesperson="Sal Es",
            now=NOW,
        )
        for status, details in (
            ("contacted", StepDetails()),
            ("appointment_set", StepDetails(appointment_at=NOW + dt.timedelta(days=1))),
            ("won", StepDetails(value=value)),
        ):
            move_referral(session, referral, status, "sam", details, now=NOW)
        return referral.id


@pytest.fixture
def office(engine: Engine, database_url: str) -> dict[str, object]:
    with session_factory(engine).begin() as session:
        factories.staff(session, "Ana Tech")
        factories.staff(session, "Sal Es", role=StaffRole.SALESPERSON)
        loaded = load_spiff_plan(session)
        rules = (
            RuleDraft(None, SpiffStage.WON, SpiffBasis.FLAT, Decimal("50")),
            RuleDraft("Maintenance plan", SpiffStage.WON, SpiffBasis.PERCENT, Decimal("10")),
            RuleDraft(None, SpiffStage.WORK_COMPLETED, SpiffBasis.FLAT, Decimal("20")),
        )
        # The sales were in March; the cancellations below happen today.
        settings = replace(loaded.settings, spiff_clawback_days=3650)
        save_spiff_plan(session, SpiffPlan(rules, settings), loaded)
    system = won_referral(engine, "=Park Lane", None, "9000")
    plan = won_referral(engine, "Ada Hart", "Maintenance plan", "400")
    return {"url": database_url, "system": system, "plan": plan}


def run(capsys: pytest.CaptureFixture[str], url: str, *argv: str) -> tuple[int, str, str]:
    code = main([*argv, "--database", url])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def entry_count(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(SpiffEntry)).scalar_one()


def test_the_ledger_is_a_table_on_the_screen_with_its_sums(
    engine: Engine, office: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    url = str(office["url"])
    code, out, err = run(capsys, url, "spiffs", "ledger")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == [
        "recorded",
        "technician",
        "referral",
        "customer",
        "kind",
        "amount",
        "terms",
    ]
    assert len(lines) == 5
    assert "Ana Tech" in lines[1] and "=Park Lane" in lines[1] and "Ada Hart" in lines[3]
    assert "  50.00  Won, any category: $50.00" in lines[1]
    assert "  40.00  Won, Maintenance plan: 10% of the value" in lines[3]
    assert lines[-1] == "3 entries: accrued $140.00, clawed back $0.00, paid $0.00"


def test_the_ledger_as_csv_and_xlsx_has_the_payroll_columns(
    engine: Engine, office: dict[str, object], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    url = str(office["url"])
    assert run(capsys, url, "spiffs", "cancel-sale", str(office["system"]), "--note", "Backed out")[
        :2
    ] == (0, f"referral {office['system']}: sale cancelled; its spiffs now stand at $0.00\n")
    csv_path, xlsx_path = tmp_path / "ledger.csv", tmp_path / "ledger.xlsx"
    assert run(capsys, url, "spiffs", "ledger", "-o", str(csv_path)) == (
        0,
        f"wrote {csv_path}: 4 entries\n",
        "",
    )
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == LEDGER_COLUMNS
    clawback = rows[-1]
    assert {
        k: clawback[k]
        for k in ("technician", "customer", "stage", "kind", "amount", "terms", "recorded_by")
    } == {
        "technician": "Ana Tech",
        "customer": "'=Park Lane",  # opens as text, never as a formula
        "stage": "won",
        "kind": "clawed_back",
        "amount": "-50.00",
        "terms": "Won, any category: $50.00",
        "recorded_by": "command line",
    }
    assert clawback["reverses_entry_id"] == rows[0]["entry_id"]
    assert rows[0]["pay_period_start"] == "2026-03-01"

    assert (
        run(capsys, url, "spiffs", "ledger", "--since", "2026-03-01", "-o", str(xlsx_path))[0] == 0
    )
    sheet = openpyxl.load_workbook(xlsx_path).active
    assert sheet is not None and sheet.title == "Spiff ledger"
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert tuple(table[0]) == LEDGER_COLUMNS
    amount = LEDGER_COLUMNS.index("amount")
    assert [row[amount] for row in table[1:]] == [50.0, 50.0, 40.0, -50.0]
    assert table[1][LEDGER_COLUMNS.index("customer")] == "'=Park Lane"


def test_the_ledger_keeps_to_the_days_asked_for(
    engine: Engine, office: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    url = str(office["url"])
    code, out, _err = run(capsys, url, "spiffs", "ledger", "--since", "2026-03-17")
    assert (code, out.splitlines()[-1]) == (
        0,
        "0 entries: accrued $0.00, clawed back $0.00, paid $0.00",
    )
    code, _out, err = run(
        capsys, url, "spiffs", "ledger", "--since", "2026-03-17", "--until", "2026-03-01"
    )
    assert (code, err) == (1, "dispatch-console: --since must not be after --until\n")


def test_work_completed_pays_its_stage_once(
    engine: Engine, office: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    url, plan = str(office["url"]), office["plan"]
    assert run(capsys, url, "spiffs", "work-completed", str(plan)) == (
        0,
        f"referral {plan}: work completed; spiffs earned $20.00\n",
        "",
    )
    before = entry_count(engine)
    code, out, err = run(capsys, url, "spiffs", "work-completed", str(plan))
    assert (code, out) == (1, "")
    assert err.startswith(
        f"dispatch-console: work completed: referral {plan}'s work was marked completed on "
    )
    assert entry_count(engine) == before


def test_refusals_name_the_problem_and_write_nothing(
    engine: Engine, office: dict[str, object], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    url = str(office["url"])
    before = entry_count(engine)
    code, _out, err = run(capsys, url, "spiffs", "ledger", "-o", str(tmp_path / "ledger.pdf"))
    assert (code, err) == (
        1,
        f"dispatch-console: {tmp_path / 'ledger.pdf'}: the file name should end in .csv or .xlsx\n",
    )
    assert not (tmp_path / "ledger.pdf").exists()
    code, _out, err = run(capsys, url, "spiffs", "cancel-sale", "999999")
    assert (code, err) == (1, "dispatch-console: referral: no referral with id 999999\n")
    system = office["system"]
    assert run(capsys, url, "spiffs", "cancel-sale", str(system))[0] == 0
    code, _out, err = run(capsys, url, "spiffs", "cancel-sale", str(system))
    assert (code, err) == (
        1,
        "dispatch-console: status: only a won sale can be cancelled; "
        f"referral {system} is cancelled\n",
    )
    with session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(SpiffEntry)) == before + 1
        assert session.get(Referral, system) is not None
