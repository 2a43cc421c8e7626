"""Reading one sheet of an .xlsx workbook as a table, streaming, bounded by what it really holds.

A workbook states its own size (the `<dimension>` element), and a damaged or hostile one can
claim a million rows by sixteen thousand columns in 2 KB. Nothing here is sized from that
claim: the sheet is read row by row, as wide as its header, and refused past Excel's limits.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from console.services.transfer.file_problem import FileProblem

MAX_ROWS = 1_048_576  # Excel's own limit
MAX_COLUMNS = 500
MAX_CELL_CHARS = 1 << 20
# The shared-strings part is loaded whole by any reader; past this it is refused unread.
MAX_TEXT_TABLE_BYTES = 256 << 20
ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"

Batch = tuple[list[int], list[tuple[str, ...]]]
HEADER_SEARCH_ROWS = 20


def cell_text(value: Any) -> str:
    """A cell's value as the text it stands for: whole numbers without `.0`, dates in ISO."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number_text(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    text = getattr(value, "text", None)  # an array formula keeps its formula in .text
    return str(text if isinstance(text, str) else value)


def _number_text(value: float) -> str:
    """Figures as a spreadsheet shows them: 15 significant digits, never an exponent."""
    if value.is_integer():
        return str(int(value))
    shown = Decimal(f"{value:.15g}")
    return format(shown.normalize(), "f")


def sheet_names(path: Path) -> list[str]:
    """The workbook's sheet names, read from its small index part without loading it."""
    return list(_sheet_parts(path))


def _sheet_parts(path: Path) -> dict[str, str]:
    """Sheet name → the zip member holding it, in the workbook's order."""
    try:
        with zipfile.ZipFile(path) as archive:
            book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError) as error:
        raise FileProblem(_unreadable(error)) from None
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{RELS}Relationship")}
    parts = {}
    for sheet in book.iter(f"{MAIN}sheet"):
        target = targets.get(sheet.get(REL_ID), "")
        parts[sheet.get("name", "")] = (
            target.lstrip("/") if target.startswith("/") else (f"xl/{target}")
        )
    return parts


def _unreadable(error: BaseException) -> str:
    return f"the file is not a readable Excel workbook ({_reason(error)})"


def _reason(error: BaseException) -> str:
    """The error's message on one line (a KeyError's repr quotes it; its argument does not)."""
    message = error.args[0] if isinstance(error, KeyError) and error.args else error
    text = str(message).strip().splitlines()
    return text[0] if text else type(error).__name__


class WorkbookTable:
    """One sheet of a workbook, with its header found and checked."""

    stray_controls = False  # a workbook's cells hold what the spreadsheet shows

    def __init__(
        self,
        path: Path,
        sheet: str | None,
        header_test: Callable[[list[str]], bool] | None = None,
    ) -> None:
        self.path = path
        self.header_test = header_test
        self._check_parts()
        workbook = self._load()
        try:
            self.sheet = self._choose(workbook, sheet)
            header, self.header_line = self._header(workbook)
        finally:
            workbook.close()
        width = len(header)
        while width and not header[width - 1].strip():
            width -= 1
        if not width:
            raise FileProblem(f'sheet "{self.sheet}" is empty')
        if width > MAX_COLUMNS:
            raise FileProblem(
                f'sheet "{self.sheet}": the header is {width} columns wide; '
                f"at most {MAX_COLUMNS} are read"
            )
        self.width = width
        self.header = header[:width]

    def describe(self) -> str:
        return f'Excel workbook, sheet "{self.sheet}"'

    def estimated_rows(self) -> int:
        """Rows the sheet's XML really holds (counted while streaming), less the header.

        Only an estimate: a workbook laid out unusually gives 0 rather than a refusal.
        """
        try:
            part = _sheet_parts(self.path).get(self.sheet)
            if part is None:
                return 0
            count, carry = 0, b""
            with zipfile.ZipFile(self.path) as archive, archive.open(part) as source:
                while block := source.read(1 << 20):
                    data = carry + block
                    count += len(ROW_TAG.findall(data, 0, max(len(data) - 16, 0)))
                    carry = data[max(len(data) - 16, 0) :]
                count += len(ROW_TAG.findall(carry))
        except (FileProblem, OSError, KeyError, zipfile.BadZipFile):
            return 0
        return max(count - 1, 0)

    def batches(self, size: int) -> Iterator[Batch]:
        """The sheet's rows below the header, as text, each with its row number."""
        width, number = self.width, self.header_line
        lines: list[int] = []
        rows: list[tuple[str, ...]] = []
        workbook = self._load()
        try:
            sheet = workbook[self.sheet]
            sheet.reset_dimensions()  # never trust the stated size
            cells = sheet.iter_rows(min_row=number + 1, max_col=width, values_only=True)
            for values in cells:
                number += 1
                if number > MAX_ROWS:
                    raise FileProblem(f"row {number}: a sheet has at most {MAX_ROWS:,} rows")
                if values.count(None) + values.count("") == len(values):
                    continue  # counted in C: a lying sheet can hold a million empty rows
                rows.append(
                    tuple(self._text(value, number, column) for column, value in enumerate(values))
                )
                lines.append(number)
                if len(rows) >= size:
                    yield lines, rows
                    lines, rows = [], []
        except FileProblem:
            raise
        except Exception as error:  # openpyxl, zipfile and the XML parser raise many kinds
            raise FileProblem(
                f"row {number + 1}: the sheet is damaged ({_reason(error)})"
            ) from None
        finally:
            workbook.close()
        if rows:
            yield lines, rows

    def _text(self, value: Any, number: int, column: int) -> str:
        text = cell_text(value)
        if len(text) > MAX_CELL_CHARS:
            name = self.header[column] or f"column {column + 1}"
            raise FileProblem(f"row {number}, column {name}: a cell longer than 1 MiB")
        return text

    def _check_parts(self) -> None:
        try:
            with zipfile.ZipFile(self.path) as archive:
                members = archive.infolist()
        except (OSError, zipfile.BadZipFile) as error:
            raise FileProblem(
                f"the file is not a readable Excel workbook ({_reason(error)})"
            ) from None
        for member in members:
            if member.filename.lower().endswith("sharedstrings.xml") and (
                member.file_size > MAX_TEXT_TABLE_BYTES
            ):
                raise FileProblem(
                    "the workbook's text table is larger than 256 MiB; save the sheet as CSV"
                )

    def _load(self) -> Workbook:
        try:
            return load_workbook(self.path, read_only=True)
        except Exception as error:  # a damaged workbook raises many kinds
            raise FileProblem(
                f"the file is not a readable Excel workbook ({_reason(error)})"
            ) from None

    def _choose(self, workbook: Workbook, sheet: str | None) -> str:
        names = workbook.sheetnames
        if sheet is not None and sheet not in names:
            listed = ", ".join(f'"{name}"' for name in names)
            raise FileProblem(f'the workbook has no sheet "{sheet}"; its sheets: {listed}')
        chosen = workbook[sheet] if sheet is not None else workbook.active
        if chosen is None:
            raise FileProblem("the workbook has no sheets")
        if not hasattr(chosen, "iter_rows"):
            raise FileProblem(f'sheet "{chosen.title}" is a chart, not a table')
        return str(chosen.title)

    def _header(self, workbook: Workbook) -> tuple[list[str], int]:
        """The first row with any value, and its row number.

        With a header test, the first of the leading rows it accepts, when one does: a
        report can begin with title rows above its header.
        """
        sheet = workbook[self.sheet]
        sheet.reset_dimensions()
        first: tuple[list[str], int] | None = None
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if number > MAX_ROWS:
                    break
                if any(value is not None and value != "" for value in values):
                    row = [cell_text(value) for value in values]
                    if self.header_test is None:
                        return row, number
                    if self.header_test(row):
                        return row, number
                    first = first or (row, number)
                if self.header_test is not None and number >= HEADER_SEARCH_ROWS and first:
                    return first
            if first is not None:
                return first
        except Exception as error:  # openpyxl, zipfile and the XML parser raise many kinds
            raise FileProblem(f"the sheet is damaged ({_reason(error)})") from None
        raise FileProblem(f'sheet "{self.sheet}" is empty')
