"""Reading a CSV file record by record with the csv module, keeping each record's line number.

pandas' reader cannot say on which line a record began once a quoted cell spans lines, and
its guesses (a trailing delimiter turning the first column into the index) move values
under the wrong header. The csv module is C code too; here every record is checked against
the header, and every refusal names the line where its record starts.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Sequence
from itertools import chain, islice
from pathlib import Path
from typing import Any, TextIO

from console.services.transfer.encodings import (
    TextEncoding,
    binary_refusal,
    control_refusal,
    describe_fault,
    locating,
    scan_encoding,
)
from console.services.transfer.file_problem import FileProblem

SEPARATORS = (",", ";", "\t", "|")
SEPARATOR_NAMES = {
    ",": "comma-separated",
    ";": "semicolon-separated",
    "\t": "tab-separated",
    "|": "pipe-separated",
}
# A cell longer than this is far more likely an unclosed quote than a real value.
MAX_CELL_CHARS = 1 << 20
SAMPLE_CHARS = 1 << 16
SNIFF_CHARS = 1 << 12
SAMPLE_RECORDS = 200
# A header below title rows (a report's name, its date range) is looked for this far down.
HEADER_SEARCH_ROWS = 20
HeaderTest = Callable[[list[str]], bool]

Batch = tuple[list[int], list[tuple[str, ...]]]


def detect_separator(sample: str, truncated: bool) -> str:
    """The separator under which the sample's records agree best with its header.

    `csv.Sniffer` makes the first guess; each candidate is then tried by parsing the sample
    (quotes respected). A separator found in the header beats one that is not; then the
    one giving most records as wide as the header (empty trailing cells aside), then most
    records exactly as wide, then the widest header, wins. In a one-column file the last
    two keep `a,b` a value rather than two cells, as the writer of the file meant.
    """
    try:
        # The Sniffer's quote search is quadratic: it only ever sees the first few KiB.
        start = sample[:SNIFF_CHARS]
        guessed = csv.Sniffer().sniff(start, delimiters="".join(SEPARATORS)).delimiter
    except csv.Error:
        guessed = ","
    order = [guessed, *(sep for sep in SEPARATORS if sep != guessed)]
    scores = {sep: _agreement(sample, sep, truncated) for sep in order}
    return max(order, key=lambda sep: scores[sep])


def _agreement(sample: str, separator: str, truncated: bool) -> tuple[bool, float, float, int]:
    records: list[list[str]] = []
    reader = csv.reader(io.StringIO(sample), delimiter=separator)
    try:
        records.extend(row for row in islice(reader, SAMPLE_RECORDS) if row)
    except csv.Error:
        truncated = True
    if truncated and len(records) > 1:
        records.pop()  # the sample may end inside it
    # The header is the first record with a name in it; empty cells after it still count.
    while records and not any(cell.strip() for cell in records[0]):
        records.pop(0)
    if not records:
        return False, 0.0, 0.0, 0
    width = _header_width(records[0])
    rows = records[1:] or [records[0][:width]]
    loose = sum(1 for row in rows if len(row) >= width and not any(row[width:]))
    exact = sum(1 for row in rows if len(row) == width)
    return len(records[0]) > 1, loose / len(rows), exact / len(rows), width


def _header_width(header: list[str]) -> int:
    """The header's width without trailing empty names (a trailing delimiter)."""
    width = len(header)
    while width > 1 and not header[width - 1].strip():
        width -= 1
    return width


class CsvTable:
    """A CSV file whose encoding, separator and header are known."""

    def __init__(
        self, path: Path, encoding: TextEncoding, header_test: HeaderTest | None = None
    ) -> None:
        self.path = path
        self.encoding = encoding
        self.stray_controls = encoding.fault == "control"
        if encoding.fault == "binary":
            raise FileProblem(binary_refusal(path))
        with self._open(errors="replace") as handle:
            sample = handle.read(SAMPLE_CHARS)
            truncated = bool(handle.read(1))
        if truncated and "\n" in sample:
            sample = sample[: sample.rindex("\n") + 1]
        found = _tested_header(sample, header_test) if header_test is not None else None
        self.separator = found[0] if found else detect_separator(sample, truncated)
        self.header: list[str] = []  # until the header is read, a broken one names "column N"
        if encoding.fault and not self.stray_controls:
            raise FileProblem(self._fault())
        header, self.header_line = self._header() if found is None else (found[1], found[2])
        self.width = _header_width(header)
        self.header = header[: self.width]
        if self.stray_controls:
            self._check_header()

    def _check_header(self) -> None:
        """A column whose name holds a control code would match no field and be left out
        unseen: the file is refused, naming it."""
        for index, name in enumerate(self.header):
            if (refusal := control_refusal(name)) is not None:
                where = f"row {self.header_line} (the header), column {index + 1}"
                raise FileProblem(f"{where}: {refusal}")

    def describe(self) -> str:
        if self.width == 1:
            return f"CSV, one column, {self.encoding.label}"
        return f"CSV, {SEPARATOR_NAMES[self.separator]}, {self.encoding.label}"

    def estimated_rows(self) -> int:
        """The line count the encoding scan made, less the header: no second read."""
        return max(self.encoding.line_breaks - self.header_line, 0)

    def batches(self, size: int) -> Iterator[Batch]:
        """Data records as tuples of the header's width, with the line each one starts on.

        A batch is read by the csv module in one go; when its records took exactly one line
        each, are all as wide as the header and none is empty (nearly always), their line
        numbers follow from the reader's count alone. Otherwise each record's lines are
        counted from the line breaks inside its quoted cells.
        """
        width = self.width
        with self._open() as handle:
            reader = self._reader(handle)
            end = self._skip_header(reader)
            while True:
                try:
                    batch = list(map(tuple, islice(reader, size)))
                except csv.Error as error:
                    raise FileProblem(self._broken_record(error, self._failing_line())) from None
                except UnicodeDecodeError as error:
                    raise FileProblem(
                        f"the text is not {self.encoding.label} (changed while it was read?)"
                    ) from error
                if not batch:
                    return
                first, end = end + 1, reader.line_num
                if (
                    end - first + 1 == len(batch)
                    and set(map(len, batch)) == {width}
                    and all(map(any, batch))
                ):
                    yield list(range(first, end + 1)), batch
                else:
                    yield self._fitted(batch, first)

    def _fitted(self, batch: list[tuple[str, ...]], line: int) -> Batch:
        """The batch's records at the header's width, each with the line it starts on."""
        lines: list[int] = []
        rows: list[tuple[str, ...]] = []
        for row in batch:
            if len(row) == self.width and any(row):
                rows.append(row)
                lines.append(line)
            elif (fitted := self._fit(row, line)) is not None:
                rows.append(fitted)
                lines.append(line)
            line += 1 + sum(map(_line_breaks, row))
        return lines, rows

    def _skip_header(self, reader: Any) -> int:
        """Read up to the end of the header; the line it ends on."""
        end = 0
        while end < self.header_line:
            next(reader)
            end = reader.line_num
        return end

    def _failing_line(self) -> int:
        """The line where the record the csv module refused begins, read again record by record."""
        with self._open(errors="replace") as handle:
            reader = self._reader(handle)
            end = 0
            try:
                for _row in reader:
                    end = reader.line_num
            except csv.Error:
                return end + 1
        return end + 1

    # -- the header and the record checks ------------------------------------------------

    def _header(self) -> tuple[list[str], int]:
        with self._open() as handle:
            reader = self._reader(handle)
            end = 0
            try:
                for row in reader:
                    start, end = end + 1, reader.line_num
                    if any(cell.strip() for cell in row):
                        return row, start
            except csv.Error as error:
                raise FileProblem(self._broken_record(error, end + 1)) from None
        raise FileProblem("the file is empty")

    def _fit(self, row: Sequence[str], line: int) -> tuple[str, ...] | None:
        """The row at the header's width; None for an empty record.

        Missing trailing cells are empty; extra trailing cells are dropped only when empty,
        since a value past the header means the row's values have moved.
        """
        if not any(row):
            return None
        width = self.width
        if len(row) < width:
            return (*row, *([""] * (width - len(row))))
        if any(row[width:]):
            raise FileProblem(f"row {line}: has {len(row)} fields, the header has {width}")
        return tuple(row[:width])

    def column_name(self, index: int) -> str:
        return self.header[index] if index < len(self.header) else f"column {index + 1}"

    def _broken_record(self, error: csv.Error, line: int) -> str:
        """A refusal naming the line the broken record starts on, and its cell where found."""
        text = str(error)
        column = self._broken_cell(line)
        where = f"row {line}" if column is None else f"row {line}, column {column}"
        if "field limit" in text:
            return f"{where}: a cell longer than 1 MiB; an unclosed quote?"
        if "unexpected end of data" in text:
            return f"{where}: a quote opened here is never closed"
        if "expected after" in text:
            return f"{where}: text follows the closing quote of a quoted cell"
        return f"{where}: {text}"

    def _broken_cell(self, line: int) -> str | None:
        """Which cell of the record starting on `line` breaks it, walking it by hand.

        The csv module says what went wrong but not in which cell; this walk follows the
        same rules for one record and stops at a cell that is too long, a quote never
        closed, or text after a closing quote.
        """
        with self._open(errors="replace") as handle:
            for _ in range(line - 1):
                if not handle.readline():
                    return None
            index = _broken_field(chain.from_iterable(handle), self.separator)
        return None if index is None else self.column_name(index)

    def _fault(self) -> str:
        """The refusal for an encoding fault or a NUL byte, naming the first record with it."""
        codec, errors, pattern = locating(self.encoding)
        with self.path.open(encoding=codec, errors=errors, newline="") as handle:
            reader = self._reader(handle, strict=False)
            end = 0
            try:
                for row in reader:
                    start, end = end + 1, reader.line_num
                    for cell in row:
                        if found := pattern.search(cell):
                            return f"row {start}: {describe_fault(self.encoding, found.group())}"
            except csv.Error:
                pass
        return self._fault_on_a_line(codec, errors, pattern)

    def _fault_on_a_line(self, codec: str, errors: str, pattern: re.Pattern[str]) -> str:
        """The same refusal when the records cannot be told apart: by physical line."""
        with self.path.open(encoding=codec, errors=errors, newline="") as handle:
            for number, text in enumerate(handle, start=1):
                if found := pattern.search(text):
                    return f"row {number}: {describe_fault(self.encoding, found.group())}"
        return describe_fault(self.encoding, "")

    def _open(self, errors: str = "strict") -> TextIO:
        return self.path.open(encoding=self.encoding.codec, errors=errors, newline="")

    def _reader(self, handle: TextIO, strict: bool = True) -> Any:
        """A csv reader (typed Any: the module's reader type is private) of this file."""
        csv.field_size_limit(MAX_CELL_CHARS)
        return csv.reader(handle, delimiter=self.separator, strict=strict)


def _tested_header(sample: str, header_test: HeaderTest) -> tuple[str, list[str], int] | None:
    """(separator, header, its line) of the first of the sample's leading records that passes.

    A report can begin with title and blank rows above its header; the header is the first
    record, under any separator, that the test recognises.
    """
    for separator in SEPARATORS:
        reader = csv.reader(io.StringIO(sample), delimiter=separator)
        end = 0
        try:
            for row in islice(reader, HEADER_SEARCH_ROWS):
                start, end = end + 1, reader.line_num
                if len(row) > 1 and header_test(row):
                    return separator, row, start
        except csv.Error:
            continue
    return None


def _line_breaks(cell: str) -> int:
    """Line breaks inside a quoted cell: CR LF, LF or CR alone each end one line."""
    if "\n" not in cell and "\r" not in cell:
        return 0
    return cell.count("\n") + cell.count("\r") - cell.count("\r\n")


def _broken_field(chars: Iterator[str], separator: str) -> int | None:
    """The index of the first cell of one record that breaks the CSV rules, if any."""
    field, length, state = 0, 0, "start"
    for char in chars:
        if state == "quoted":
            if char == '"':
                state = "closing"
            else:
                length += 1
        elif state == "closing":  # just after a quote inside a quoted cell
            if char == '"':
                state, length = "quoted", length + 1
            elif char == separator:
                field, length, state = field + 1, 0, "start"
            elif char in "\r\n":
                return None
            else:
                return field
        elif char == separator:
            field, length, state = field + 1, 0, "start"
        elif char in "\r\n":
            return None
        elif state == "start" and char == '"':
            state = "quoted"
        else:
            state, length = "plain", length + 1
        if length > MAX_CELL_CHARS:
            return field
    return field if state == "quoted" else None


def open_csv(path: Path, header_test: HeaderTest | None = None) -> CsvTable:
    """Scan the whole file for its encoding, then find its separator and header.

    With `header_test`, the header is the first of the leading records it accepts (rows
    above it are skipped, line numbers stay the file's own); else the first non-empty one.
    """
    return CsvTable(path, scan_encoding(path), header_test)
