"""Reading another system's CSV or Excel export: encodings, separators, headers, chunks."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

SNIFF_BYTES = 1 << 20
SEPARATORS = (",", ";", "\t")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")


class FileProblem(ValueError):
    """The file as a whole cannot be read as a table."""


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


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (with or without BOM) when it decodes, else Windows-1252, else Latin-1."""
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as error:
        if error.start >= len(sample) - 3:
            return "utf-8"  # a character cut by the sample's end
    try:
        sample.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def detect_separator(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in SEPARATORS}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


@dataclass
class TableFile:
    path: Path
    columns: list[str]
    source_columns: list[str]
    encoding: str | None = None
    separator: str | None = None
    excel: bool = False
    mapping: dict[str, str] = field(default_factory=dict)

    def estimated_rows(self) -> int:
        """About how many rows the file holds: its line count, or the sheet's stated size."""
        if self.excel:
            from openpyxl import load_workbook

            workbook = load_workbook(self.path, read_only=True)
            try:
                return max((workbook.active.max_row or 1) - 1, 0)
            finally:
                workbook.close()
        lines = 0
        with self.path.open("rb") as source:
            while block := source.read(1 << 20):
                lines += block.count(b"\n")
        return max(lines - 1, 0)

    def chunks(self, size: int = 20_000) -> Iterator[pd.DataFrame]:
        """Rows as strings, the index holding each row's line number in the file (header = 1)."""
        if self.excel:
            frame = pd.read_excel(self.path, dtype=str, keep_default_na=False)
            frames: Iterator[pd.DataFrame] = iter([frame])
        else:
            frames = pd.read_csv(
                self.path,
                sep=self.separator,
                dtype=str,
                keep_default_na=False,
                encoding=self.encoding,
                chunksize=size,
                skip_blank_lines=True,
            )
        first_row = 2
        try:
            for frame in frames:
                frame.columns = self.columns
                frame.index = range(first_row, first_row + len(frame))
                first_row += len(frame)
                yield frame
        except UnicodeDecodeError as error:
            raise FileProblem(
                f"row {first_row}: the text is not in {self.encoding} ({error.reason})"
            ) from None
        except pd.errors.ParserError as error:
            raise FileProblem(f"the file is not a readable table: {error}") from None


def open_table(path: Path, mapping: dict[str, str] | None = None) -> TableFile:
    """Look at the file: its format, encoding, separator and header names (mapped)."""
    if not path.exists():
        raise FileProblem(f"{path}: no such file")
    mapping = mapping or {}
    if path.suffix.lower() in EXCEL_SUFFIXES:
        try:
            head = pd.read_excel(path, dtype=str, nrows=0)
        except Exception as error:  # openpyxl raises many kinds for a damaged workbook
            raise FileProblem(f"the file is not a readable Excel workbook ({error})") from None
        source = [str(name) for name in head.columns]
        if not source:
            raise FileProblem("the file is empty")
        columns = [mapping.get(normalise_header(name), normalise_header(name)) for name in source]
        return TableFile(path, columns, source, excel=True, mapping=mapping)
    if path.suffix.lower() == ".xls":
        raise FileProblem("old .xls workbooks are not read; save it as .xlsx or .csv")
    sample = path.read_bytes()[:SNIFF_BYTES]
    if not sample.strip():
        raise FileProblem("the file is empty")
    if b"\x00" in sample:
        raise FileProblem("the file is not a CSV or Excel table")
    encoding = detect_encoding(sample)
    text = sample.decode(encoding, errors="replace")
    first_line = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    separator = detect_separator(first_line)
    try:
        source = next(csv.reader(io.StringIO(first_line), delimiter=separator))
    except (csv.Error, StopIteration):
        raise FileProblem("the file is not a CSV or Excel table") from None
    if not any(name.strip() for name in source):
        raise FileProblem("the file is empty")
    columns = [mapping.get(normalise_header(name), normalise_header(name)) for name in source]
    return TableFile(path, columns, source, encoding, separator, mapping=mapping)
