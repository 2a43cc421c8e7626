"""Reading import files: every file read exactly as it was meant, or refused naming the row."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from console.services.transfer import table_file
from console.services.transfer.table_file import FileProblem, TableFile, open_table
from console.services.transfer.workbook import sheet_names
from tests.services.transfer import hostile


def rows(table: TableFile, size: int = 20_000) -> list[tuple[int, list[str]]]:
    """Every row the table gives, with the line number it carries."""
    return [
        (int(line), [str(cell) for cell in values])
        for frame in table.chunks(size)
        for line, values in zip(frame.index, frame.to_numpy().tolist(), strict=True)
    ]


def write(tmp_path: Path, content: bytes, name: str = "file.csv") -> Path:
    return hostile.text_file(tmp_path, name, content)


# -- 1. trailing delimiters and row widths ---------------------------------------------


def test_trailing_delimiters_never_shift_the_columns(tmp_path: Path) -> None:
    table = open_table(hostile.trailing_delimiters(tmp_path))
    assert table.columns == ["external_id", "name", "city"]
    assert rows(table) == [(2, ["T-1", "Ada", "Oslo"]), (3, ["T-2", "Bo", "Rome"])]


def test_a_trailing_delimiter_on_the_header_too_adds_no_column(tmp_path: Path) -> None:
    table = open_table(write(tmp_path, b"a,b,c,\n1,2,3,\n4,5,6,\n"))
    assert table.source_columns == ["a", "b", "c"]
    assert rows(table) == [(2, ["1", "2", "3"]), (3, ["4", "5", "6"])]


def test_a_value_past_the_header_is_refused_naming_its_row(tmp_path: Path) -> None:
    table = open_table(hostile.extra_field(tmp_path))
    with pytest.raises(FileProblem) as refused:
        rows(table)
    assert str(refused.value) == "row 3: has 4 fields, the header has 3"


def test_missing_trailing_cells_are_empty(tmp_path: Path) -> None:
    table = open_table(write(tmp_path, b"a,b,c\n1\n4,5\n"))
    assert rows(table) == [(2, ["1", "", ""]), (3, ["4", "5", ""])]


# -- 2. separators ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "described", "expected"),
    [
        (b"a,b\n1;2,3\n", "CSV, comma-separated, UTF-8", ["1;2", "3"]),
        (b"a;b\n1,5;3\n", "CSV, semicolon-separated, UTF-8", ["1,5", "3"]),
        (b"a\tb\n1,5\t3;4\n", "CSV, tab-separated, UTF-8", ["1,5", "3;4"]),
        (b"a|b\n1,5|3;4\n", "CSV, pipe-separated, UTF-8", ["1,5", "3;4"]),
        (b"name\nSmith, John\n", "CSV, one column, UTF-8", ["Smith, John"]),
    ],
)
def test_the_separator_is_found_and_named(
    tmp_path: Path, content: bytes, described: str, expected: list[str]
) -> None:
    table = open_table(write(tmp_path, content))
    assert table.describe() == described
    assert rows(table) == [(2, expected)]


def test_quoted_separators_do_not_decide_the_separator(tmp_path: Path) -> None:
    table = open_table(hostile.quoted_separators(tmp_path))
    assert table.describe() == "CSV, semicolon-separated, UTF-8"
    assert table.source_columns == ["Name, Inc", "Phone"]
    assert rows(table) == [(2, ["Acme, Ltd", "555-0100"])]


# -- 3. encodings ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "label", "expected"),
    [
        ("a;b\nJosé;Zürich\n".encode(), "UTF-8", ["José", "Zürich"]),
        ("a;b\nJosé;Zürich\n".encode("utf-8-sig"), "UTF-8", ["José", "Zürich"]),
        ("a;b\nJosé;5 €\n".encode("cp1252"), "Windows-1252", ["José", "5 €"]),
        ("a;b\nJosé;x\n".encode("latin-1") + b"\x81;y\n", "Latin-1", ["José", "x"]),
        ("a;b\n東京;Zürich\n".encode("utf-16"), "UTF-16", ["東京", "Zürich"]),
    ],
)
def test_the_whole_file_decides_the_encoding(
    tmp_path: Path, content: bytes, label: str, expected: list[str]
) -> None:
    table = open_table(write(tmp_path, content))
    assert table.describe() == f"CSV, semicolon-separated, {label}"
    assert table.source_columns == ["a", "b"]
    assert rows(table)[0] == (2, expected)


def test_a_legacy_byte_far_into_a_utf8_file_is_found(tmp_path: Path) -> None:
    # The first MiB is plain UTF-8; the Windows-1252 byte comes long after.
    body = b"".join(f"E-{n},Zoë,Oslo\n".encode() for n in range(2, 80_002))
    path = write(tmp_path, b"external_id,name,city\n" + body + b"E-X,No\xebl,Oslo\n")
    with pytest.raises(FileProblem) as refused:
        open_table(path)
    assert str(refused.value) == (
        "row 80002: the text is not UTF-8 (byte 0xeb); the rest of the file is UTF-8, "
        "so it was not read as Windows-1252"
    )


def test_a_bad_byte_inside_a_multiline_cell_names_the_row_it_belongs_to(tmp_path: Path) -> None:
    content = 'a,b\n1,é\n2,"two\nlines \xeb"\n'.encode().replace(b"\xc3\xab", b"\xeb")
    with pytest.raises(FileProblem, match=r"^row 3: the text is not UTF-8 \(byte 0xeb\)"):
        open_table(write(tmp_path, content))


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (hostile.mixed_encodings, hostile.REFUSALS[1][1]),
        (hostile.nul_after_a_mebibyte, hostile.REFUSALS[2][1]),
    ],
)
def test_mixed_encodings_and_nul_bytes_are_refused_naming_the_row(
    tmp_path: Path, build: Callable[[Path], Path], message: str
) -> None:
    with pytest.raises(FileProblem) as refused:
        open_table(build(tmp_path))
    assert str(refused.value) == message


# -- 4. row numbers --------------------------------------------------------------------


def test_row_numbers_count_blank_lines_and_multiline_cells(tmp_path: Path) -> None:
    content = b'a,b\n\n1,"x\r\ny\nz"\n\n\n2,w\r3,"\r"\n,\n4,v'
    table = open_table(write(tmp_path, content))
    assert rows(table, size=2) == [
        (3, ["1", "x\r\ny\nz"]),
        (8, ["2", "w"]),
        (9, ["3", "\r"]),
        (12, ["4", "v"]),
    ]


def test_blank_lines_are_skipped_but_counted(tmp_path: Path) -> None:
    table = open_table(hostile.blank_lines(tmp_path))
    assert rows(table) == [(3, ["B-1", "Ada", "Oslo"]), (6, ["B-2", "Bo", "Rome"])]


def test_a_record_after_a_three_line_cell_keeps_its_own_line_number(tmp_path: Path) -> None:
    table = open_table(hostile.multiline_then_error(tmp_path))
    with pytest.raises(FileProblem) as refused:
        rows(table)
    assert str(refused.value) == "row 6: has 4 fields, the header has 3"


def test_a_header_after_blank_lines_starts_where_it_is(tmp_path: Path) -> None:
    table = open_table(write(tmp_path, b"\n\na,b\n1,2\n"))
    assert table.source_columns == ["a", "b"]
    assert rows(table) == [(4, ["1", "2"])]


# -- 5. quotes and long cells ----------------------------------------------------------


def test_an_unclosed_quote_is_refused_naming_where_it_opened(tmp_path: Path) -> None:
    table = open_table(hostile.unbalanced_quote(tmp_path))
    with pytest.raises(FileProblem) as refused:
        rows(table)
    assert str(refused.value) == "row 3, column name: a quote opened here is never closed"


def test_a_cell_longer_than_a_mebibyte_is_refused(tmp_path: Path) -> None:
    table = open_table(hostile.long_cell(tmp_path))
    with pytest.raises(FileProblem) as refused:
        rows(table)
    assert str(refused.value) == "row 2, column name: a cell longer than 1 MiB; an unclosed quote?"


def test_text_after_a_closing_quote_is_refused(tmp_path: Path) -> None:
    table = open_table(write(tmp_path, b'a,b\n1,2\n3,"x"y\n'))
    with pytest.raises(FileProblem) as refused:
        rows(table)
    assert str(refused.value) == "row 3, column b: text follows the closing quote of a quoted cell"


def test_a_quote_inside_a_plain_cell_is_text(tmp_path: Path) -> None:
    table = open_table(write(tmp_path, b'a,b\n5" pipe,"say ""hi"""\n'))
    assert rows(table) == [(2, ['5" pipe', 'say "hi"'])]


# -- 6. files that are not tables ------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "message"), hostile.REFUSALS, ids=lambda v: getattr(v, "__name__", "")
)
def test_every_hostile_file_is_refused_with_one_line(
    tmp_path: Path, build: Callable[[Path], Path], message: str
) -> None:
    with pytest.raises(FileProblem) as refused:
        rows(open_table(build(tmp_path)))
    assert str(refused.value) == message
    assert "\n" not in str(refused.value)


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileProblem, match=r"^no such file$"):
        open_table(tmp_path / "missing.csv")


def test_an_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests may run as root, whom chmod 000 does not stop: the refusal is simulated.
    path = write(tmp_path, b"a,b\n1,2\n")

    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(FileProblem, match=r"^cannot be read: permission denied$"):
        open_table(path)


def test_a_workbook_named_csv_is_refused(tmp_path: Path) -> None:
    book = hostile.customers_workbook(tmp_path)
    path = book.rename(tmp_path / "export.csv")
    with pytest.raises(FileProblem, match=r"zip archive \(an Excel workbook\?\)"):
        open_table(path)


def test_sheet_is_only_for_workbooks(tmp_path: Path) -> None:
    with pytest.raises(FileProblem, match=r"^--sheet is for Excel workbooks; this file is a CSV$"):
        open_table(write(tmp_path, b"a,b\n1,2\n"), sheet="Customers")


# -- 7. workbooks ----------------------------------------------------------------------


def test_workbook_cells_come_back_as_the_text_they_stand_for(tmp_path: Path) -> None:
    table = open_table(hostile.typed_cells(tmp_path))
    assert table.describe() == 'Excel workbook, sheet "Data"'
    assert table.columns[:3] == ["id", "price", "sum"]
    assert rows(table) == [
        (
            2,
            [
                "7601",
                "12.5",
                "0.3",
                "2025-03-04",
                "2025-03-04T09:30:00",
                "true",
                "=SUM(A2:B2)",
                "007",
                "",
            ],
        ),
        (4, ["7602", "100000000000000000000", "", "", "", "", "", "", ""]),
    ]


def test_the_active_sheet_is_read_unless_one_is_named(tmp_path: Path) -> None:
    path = hostile.customers_workbook(tmp_path)
    assert sheet_names(path) == ["Customers", "Notes"]
    active = open_table(path)
    assert active.describe() == 'Excel workbook, sheet "Notes"'
    assert rows(active) == [(2, ["call on Mondays"])]
    named = open_table(path, sheet="Customers")
    assert named.describe() == 'Excel workbook, sheet "Customers"'
    assert rows(named) == [(2, ["W-1", "Ada", "Oslo"])]


def test_an_unknown_sheet_lists_the_sheets(tmp_path: Path) -> None:
    with pytest.raises(FileProblem) as refused:
        open_table(hostile.customers_workbook(tmp_path), sheet="Clients")
    assert (
        str(refused.value)
        == 'the workbook has no sheet "Clients"; its sheets: "Customers", "Notes"'
    )


PEAK_MEMORY_PROBE = """
import sys
from pathlib import Path

def peak_kib():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])

from console.services.transfer.table_file import open_table

before = peak_kib()
table = open_table(Path(sys.argv[1]))
rows = sum(len(frame) for frame in table.chunks())
print(rows, table.estimated_rows(), peak_kib() - before)
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="peak memory read from /proc")
def test_a_workbook_claiming_a_huge_size_costs_no_memory(tmp_path: Path) -> None:
    path = hostile.huge_dimension(tmp_path)
    assert path.stat().st_size < 10_000
    probe = subprocess.run(
        [sys.executable, "-c", PEAK_MEMORY_PROBE, str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    read, estimated, grown_kib = map(int, probe.stdout.split())
    assert read == 1
    assert estimated == 2  # the rows really in the sheet, not the million it claims
    assert grown_kib < 16 * 1024


def test_a_header_wider_than_500_columns_is_refused(tmp_path: Path) -> None:
    header: list[object] = [f"c{n}" for n in range(501)]
    path = hostile.workbook(tmp_path, {"Wide": [header, ["x"]]})
    with pytest.raises(FileProblem) as refused:
        open_table(path)
    assert (
        str(refused.value) == 'sheet "Wide": the header is 501 columns wide; at most 500 are read'
    )


def test_workbook_row_numbers_are_the_sheets(tmp_path: Path) -> None:
    path = hostile.workbook(tmp_path, {"S": [[], ["a", "b"], ["1", None], [], [None, "2"]]})
    assert rows(open_table(path)) == [(3, ["1", ""]), (5, ["", "2"])]


# -- 8. headers ------------------------------------------------------------------------


def test_empty_header_names_are_called_by_their_position(tmp_path: Path) -> None:
    table = open_table(write(tmp_path, b"external_id,,name\nC-1,x,Ada\n"))
    assert table.source_columns == ["external_id", "column 2", "name"]
    assert table.columns == ["external_id", "column 2", "name"]
    mapped = open_table(table.path, {"column_2": "phone"})
    assert mapped.columns == ["external_id", "phone", "name"]


# -- 10. the row estimate --------------------------------------------------------------


def test_the_row_estimate_needs_no_second_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = open_table(write(tmp_path, b"a,b\n" + b"1,2\n" * 5_000))

    def no_reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("estimated_rows read the file")

    monkeypatch.setattr(Path, "open", no_reading)
    assert table.estimated_rows() == 5_000


def test_the_module_keeps_its_public_names() -> None:
    for name in ("FileProblem", "TableFile", "open_table", "normalise_header", "parse_mapping"):
        assert hasattr(table_file, name)
