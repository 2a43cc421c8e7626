"""The spiff ledger as payroll takes it: a CSV or XLSX file, one row per entry."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd

from console.services.office.clock import local
from console.services.output_file import atomic_output
from console.services.spiffs.reports import LedgerRow
from console.services.transfer.formulas import protect, protect_frame, workbook_refusal
from console.services.transfer.table_file import FileProblem

CENT = Decimal("0.01")
LEDGER_SUFFIXES = (".csv", ".xlsx")
LEDGER_COLUMNS = (
    "entry_id",
    "recorded_at",
    "pay_period_start",
    "technician",
    "referral_id",
    "customer",
    "category",
    "stage",
    "kind",
    "amount",
    "terms",
    "reverses_entry_id",
    "recorded_by",
)


def ledger_record(row: LedgerRow) -> dict[str, object]:
    """One entry with times in the office's zone and names, not ids, for people."""
    return {
        "entry_id": row.entry_id,
        "recorded_at": local(row.at).strftime("%Y-%m-%d %H:%M"),
        "pay_period_start": row.period_start.isoformat(),
        "technician": row.technician,
        "referral_id": row.referral_id,
        "customer": row.customer,
        "category": row.category or "",
        "stage": row.stage.value if row.stage is not None else "",
        "kind": row.kind.value,
        "amount": row.amount,
        "terms": row.terms,
        "reverses_entry_id": row.reverses_id if row.reverses_id is not None else "",
        "recorded_by": row.actor,
    }


def write_ledger(rows: list[LedgerRow], path: Path) -> None:
    """The entries as `path`'s extension says; names from the data never run as formulas.
    Amounts are numbers in both, to the cent, so a negative clawback reads as a number."""
    suffix = path.suffix.lower()
    if suffix not in LEDGER_SUFFIXES:
        raise FileProblem(f"{path.name}: the ledger is written as .csv or .xlsx")
    frame = pd.DataFrame([ledger_record(row) for row in rows], columns=list(LEDGER_COLUMNS))
    with atomic_output(path, LEDGER_SUFFIXES) as partial:
        if suffix == ".csv":
            frame["amount"] = frame["amount"].map(lambda amount: amount.quantize(CENT))
            protect_frame(frame).to_csv(partial, index=False, encoding="utf-8-sig")
        else:
            frame["amount"] = frame["amount"].map(float)
            if (refusal := workbook_refusal(frame)) is not None:
                raise FileProblem(f"{path.name}: {refusal}")
            with pd.ExcelWriter(partial, engine="openpyxl") as writer:
                protect_frame(frame).to_excel(
                    writer, sheet_name=str(protect("Spiff ledger")), index=False
                )
