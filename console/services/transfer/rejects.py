"""Rows an import left out, written back as a file the user fixes and imports again.

The rejects file has the imported file's own header, its rows' cells as they were read, and
a last column `reason`. `reason` is no kind's column, so importing the fixed file ignores it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

from console.services.output_file import atomic_output

REASON_COLUMN = "reason"


@dataclass
class Reject:
    """One row left out: its line in the file, its cells by source header, why it was refused."""

    line: int
    values: dict[str, str]
    reasons: list[str] = field(default_factory=list)


@runtime_checkable
class HasRejects(Protocol):
    rejects: list[Reject]


def write_rejects(
    summary_or_rejects: HasRejects | Iterable[Reject], columns: list[str], path: Path
) -> None:
    """Write the rejected rows as a CSV (UTF-8 with BOM) beside the file's own header.

    `columns` is the imported file's header as written; the file is replaced whole or not at
    all, and OutputProblem says why it cannot be written.
    """
    rejects = (
        summary_or_rejects.rejects
        if isinstance(summary_or_rejects, HasRejects)
        else summary_or_rejects
    )
    # A rejects file imported again brings its own reason column: the new one replaces it.
    columns = [name for name in columns if name.strip().lower() != REASON_COLUMN]
    header = [*columns, REASON_COLUMN]
    with (
        atomic_output(path, suffixes=(".csv",)) as partial,
        partial.open("w", encoding="utf-8-sig", newline="") as target,
    ):
        writer = csv.writer(target)
        writer.writerow(header)
        for reject in sorted(rejects, key=lambda r: r.line):
            cells = [reject.values.get(name, "") for name in columns]
            writer.writerow([*cells, "; ".join(reject.reasons)])
