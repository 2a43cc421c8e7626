"""Reading another system's CSV or Excel export as a table of text, or refusing it with a reason.

Every file is either read exactly as it was meant (every cell the text it holds, under the
header it stands under, with the line it starts on) or refused with a one-line `FileProblem`
naming the row. What the file is comes from its content, checked against its name; memory
stays bounded whatever size the file claims.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
import pandas as pd

from console.services.transfer.csv_reading import open_csv
from console.services.transfer.encodings import (
    BINARY_CONTROL,
    binary_refusal,
    mostly_binary,
    unicode_mark,
)
from console.services.transfer.file_problem import FileProblem
from console.services.transfer.workbook import WorkbookTable

__all__ = ["FileProblem", "TableFile", "normalise_header", "open_table", "parse_mapping"]

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
HEAD_BYTES = 4096
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, .doc and friends
BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!")


class Reader(Protocol):
    """What a table file's reader gives: its header and its rows, with their line numbers."""

    header: list[str]

    @property
    def stray_controls(self) -> bool:
        """The text holds a control code no table has, here and there: the rows holding one
        are refused when typed, naming the cell, rather than the whole file."""

    def describe(self) -> str: ...

    def estimated_rows(self) -> int: ...

    def batches(self, size: int) -> Iterator[tuple[list[int], list[tuple[str, ...]]]]: ...


def normalise_header(name: object) -> str:
    text = str(name).replace("\ufeff", "").strip().lower()
    return re.sub(r"[\s\-./]+", "_", text).strip("_")


def parse_mapping(pairs: list[str] | None) -> dict[str, str]:
    """`SRC=DEST` pairs from the command line, as normalised header names."""
    mapping: dict[str, str] = {}
    for pair in pairs or []:
        source, sep, target = pair.partition("=")
        if not sep or not source.strip() or not target.strip():
            raise FileProblem(f"--map {pair!r}: write it as SOURCE=DEST")
        mapping[normalise_header(source)] = normalise_header(target)
    return mapping


@dataclass
class TableFile:
    """A file opened as a table: its header (as written and as field names) and its rows."""

    path: Path
    columns: list[str]
    source_columns: list[str]
    reader: Reader
    mapping: dict[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        """How the file was read, in one line: `CSV, semicolon-separated, UTF-8`."""
        return self.reader.describe()

    def estimated_rows(self) -> int:
        """About how many rows the file holds, for a progress bar; cheap and bounded."""
        return self.reader.estimated_rows()

    @property
    def stray_controls(self) -> bool:
        """Some cell may hold a control code no table has (see `controlled_cell`)."""
        return self.reader.stray_controls

    def chunks(self, size: int = 20_000) -> Iterator[pd.DataFrame]:
        """Rows as text, the index holding each row's line number in the file (header = 1).

        Each call reads the file again from its start.
        """
        for lines, rows in self.reader.batches(size):
            yield self.frame(lines, rows)

    def batches(self, size: int = 20_000) -> Iterator[tuple[list[int], list[tuple[str, ...]]]]:
        """Rows as tuples of text (one cell per column), with the line each starts on.

        What `chunks` gives, before any frame is built: a caller that looks at most rows
        only once (and keeps few) spares building frames of them all.
        """
        return self.reader.batches(size)

    def frame(self, lines: list[int], rows: list[tuple[str, ...]]) -> pd.DataFrame:
        """Rows from `batches` as a frame like those of `chunks`."""
        columns = self.columns
        # One 2-D block of str objects, built in C from the equal-width rows.
        cells = np.array(rows, dtype=object).reshape(len(rows), len(columns))
        return pd.DataFrame(cells, columns=columns, index=lines, copy=False)


def open_table(
    path: Path,
    mapping: dict[str, str] | None = None,
    *,
    sheet: str | None = None,
    header_test: Callable[[list[str]], bool] | None = None,
) -> TableFile:
    """Look at the file: what it is, how it is encoded and separated, and its header.

    `header_test` finds a header below title rows: the first of the leading rows it accepts
    is the header (the first non-empty row when none does).
    """
    mapping = mapping or {}
    head = _head(path)
    suffix = path.suffix.lower()
    if suffix == ".xls" or head.startswith(OLE2_MAGIC):
        raise FileProblem(
            "old .xls workbooks are not read; open it in a spreadsheet and save it as .xlsx"
        )
    reader: Reader
    if suffix in EXCEL_SUFFIXES:
        if not head.startswith(ZIP_MAGIC):
            kind = "holds text (a CSV?); rename it to .csv" if _text_like(head) else "is damaged"
            raise FileProblem(f"the file is not a readable Excel workbook: it {kind}")
        reader = WorkbookTable(path, sheet, header_test)
    else:
        if head.startswith(ZIP_MAGIC) and _holds_a_workbook(path):
            raise FileProblem(
                "the file is a zip archive (an Excel workbook?), not a CSV; "
                "if it is a workbook, rename it to .xlsx"
            )
        if head.startswith(ZIP_MAGIC) or not _text_like(head):
            raise FileProblem(binary_refusal(path))
        if sheet is not None:
            raise FileProblem("--sheet is for Excel workbooks; this file is a CSV")
        reader = open_csv(path, header_test)
    source = [name if name.strip() else f"column {n}" for n, name in enumerate(reader.header, 1)]
    columns = [
        mapping.get(normalise_header(name), name if not raw.strip() else normalise_header(name))
        for name, raw in zip(source, reader.header, strict=True)
    ]
    return TableFile(path, columns, source, reader, mapping)


def _head(path: Path) -> bytes:
    """The file's first bytes; every way of not being a readable file is refused here."""
    if path.is_dir():
        raise FileProblem("is a folder, not a file")
    try:
        with path.open("rb") as source:
            head = source.read(HEAD_BYTES)
    except FileNotFoundError:
        raise FileProblem("no such file") from None
    except PermissionError:
        raise FileProblem("cannot be read: permission denied") from None
    except OSError as error:
        raise FileProblem(f"cannot be read: {error.strerror or error}") from None
    if not head:
        raise FileProblem("the file is empty")
    return head


def _text_like(head: bytes) -> bool:
    """Whether the file's start looks like text: no NUL byte unless UTF-16/32 says so, and
    no control code a text table never holds (the whole file is scanned for them later)."""
    if any(head.startswith(magic) for magic in BINARY_MAGIC):
        return False
    if unicode_mark(head) is not None:
        return True
    text = head.decode("latin-1")
    return b"\x00" not in head and not mostly_binary(len(BINARY_CONTROL.findall(text)), len(text))


def _holds_a_workbook(path: Path) -> bool:
    """Whether a zip archive is laid out as an Excel workbook, rather than any other zip."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return False
    return "[Content_Types].xml" in names or "xl/workbook.xml" in names
