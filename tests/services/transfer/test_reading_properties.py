"""Property: any table Python's csv module writes, in any separator and encoding, reads back
cell for cell, each row carrying the line it really starts on."""

from __future__ import annotations

import csv
import io
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.services.transfer.table_file import open_table

SEPARATORS = [",", ";", "\t", "|"]
# Cells mix separators, quotes, every kind of line break, spaces and letters beyond ASCII.
WIDE = ",;\t|\"\r\n '=x7éü東😀"
# Windows-1252 and Latin-1 files get letters whose bytes can never form a UTF-8 sequence
# (all from 0xC0 up, none of the continuation bytes 0x80-0xBF): such a file is not UTF-8.
LEGACY = ",;\t|\"\r\n '=x7éüßñØ"
LINE_BREAK = re.compile("\r\n|\r|\n")


def tables(alphabet: str) -> st.SearchStrategy[list[list[str]]]:
    return st.integers(1, 4).flatmap(
        lambda width: st.lists(
            st.lists(st.text(alphabet, max_size=8), min_size=width, max_size=width),
            min_size=1,
            max_size=6,
        )
    )


def written(rows: list[list[str]], separator: str) -> tuple[str, list[int]]:
    """The file's text as the csv module writes it, and the line each data row starts on."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator)
    writer.writerow([f"c{n}" for n in range(len(rows[0]))])
    starts = []
    for row in rows:
        starts.append(len(LINE_BREAK.findall(out.getvalue())) + 1)
        writer.writerow(row)
    return out.getvalue(), starts


def read_back(content: bytes) -> list[tuple[int, list[str]]]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "table.csv"
        path.write_bytes(content)
        table = open_table(path)
        return [
            (int(line), [str(cell) for cell in values])
            for frame in table.chunks(3)
            for line, values in zip(frame.index, frame.to_numpy().tolist(), strict=True)
        ]


def expected(rows: list[list[str]], starts: list[int]) -> list[tuple[int, list[str]]]:
    """Every row but the empty ones, which carry nothing and are skipped."""
    return [(start, row) for start, row in zip(starts, rows, strict=True) if any(row)]


PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(
    rows=tables(WIDE),
    separator=st.sampled_from(SEPARATORS),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
)
def test_unicode_files_read_back_exactly(
    rows: list[list[str]], separator: str, encoding: str
) -> None:
    text, starts = written(rows, separator)
    assert read_back(text.encode(encoding)) == expected(rows, starts)


@PROPERTY
@given(
    rows=tables(LEGACY),
    separator=st.sampled_from(SEPARATORS),
    encoding=st.sampled_from(["cp1252", "latin-1"]),
)
def test_legacy_files_read_back_exactly(
    rows: list[list[str]], separator: str, encoding: str
) -> None:
    text, starts = written(rows, separator)
    assert read_back(text.encode(encoding)) == expected(rows, starts)
