"""Files that are not tables (images, archives, random bytes) are refused as binary data, while
real UTF-16 tables with a byte-order mark are read as text."""

from __future__ import annotations

import codecs
import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.services.transfer.encodings import BINARY_CONTROL
from console.services.transfer.table_file import FileProblem, TableFile, open_table
from tests.services.transfer import hostile

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"
# Control codes a table may hold: tab, line ends, vertical tab, form feed, Ctrl-Z, escape and
# the four separators.
TEXT_CONTROLS = set("\t\n\r\x0b\x0c\x1a\x1b\x1c\x1d\x1e\x1f")


def cells(table: TableFile) -> list[str]:
    """The header and every cell the table gives."""
    found = list(table.source_columns)
    for _lines, rows in table.batches(1000):
        found.extend(cell for row in rows for cell in row)
    return found


def refusal(path: Path) -> str:
    with pytest.raises(FileProblem) as refused:
        cells(open_table(path))
    return str(refused.value)


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "not a workbook")
        archive.writestr("photos/1.jpg", b"\xff\xd8\xff\xe0" + bytes(range(256)))
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["logo.csv", "logo.txt", "logo"])
def test_a_png_is_refused_as_binary_naming_the_file(tmp_path: Path, name: str) -> None:
    path = hostile.text_file(tmp_path, name, PNG)
    assert refusal(path) == f"{name} is not a CSV or XLSX table: it holds binary data"


def test_a_zip_that_is_no_workbook_is_refused_as_binary(tmp_path: Path) -> None:
    path = hostile.text_file(tmp_path, "archive.csv", plain_zip())
    assert refusal(path) == "archive.csv is not a CSV or XLSX table: it holds binary data"


def test_a_zip_that_is_no_workbook_named_xlsx_is_not_read_as_a_workbook(tmp_path: Path) -> None:
    path = hostile.text_file(tmp_path, "archive.xlsx", plain_zip())
    assert refusal(path).startswith("the file is not a readable Excel workbook")


def test_binary_behind_a_utf16_mark_is_refused(tmp_path: Path) -> None:
    """Private-use code points and controls: what an image reads as in UTF-16."""
    content = codecs.BOM_UTF16_LE + b"\x00\xe0\x01\xe0\r\x00\n\x00\x03\x00\x9b\x00"
    path = hostile.text_file(tmp_path, "scan.csv", content)
    assert refusal(path) == "scan.csv is not a CSV or XLSX table: it holds binary data"


def test_a_stray_control_code_leaves_a_text_table_readable_and_says_so(tmp_path: Path) -> None:
    """A legacy export or a pasted note leaves one: the table is text, and its rows are read
    as written, so the row holding it can be refused on its own (see test_skip_invalid)."""
    rows = b"".join(f"C-{n},Name {n},Town\n".encode() for n in range(2, 2000))
    content = hostile.CUSTOMERS.encode() + rows + b"C-X,called \x02 twice,Town\n"
    table = open_table(hostile.text_file(tmp_path, "late.csv", content))
    assert table.stray_controls is True
    assert cells(table)[-3:] == ["C-X", "called \x02 twice", "Town"]


def test_a_table_without_control_codes_says_so(tmp_path: Path) -> None:
    table = open_table(hostile.text_file(tmp_path, "plain.csv", b"external_id,name\nC-1,Ann\n"))
    assert table.stray_controls is False


def test_a_header_whose_quote_never_closes_is_refused_as_a_broken_record(
    tmp_path: Path,
) -> None:
    path = hostile.text_file(tmp_path, "q.csv", b'"external_id,name,phone\nC1,Miller,555\n')
    message = refusal(path)
    assert message.startswith("row 1") and "quote" in message


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_a_utf16_table_with_its_mark_is_read_as_text(tmp_path: Path, codec: str) -> None:
    mark = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    text = "external_id\tname\tcity\r\nU-1\tZoë Ærø\tМосква\r\nU-2\tBo 🙂\t東京\r\n"
    path = hostile.text_file(tmp_path, "export.csv", mark + text.encode(codec))
    table = open_table(path)
    assert table.describe() == "CSV, tab-separated, UTF-16"
    assert table.columns == ["external_id", "name", "city"]
    assert cells(table)[3:] == ["U-1", "Zoë Ærø", "Москва", "U-2", "Bo 🙂", "東京"]


def is_text(cell: str, utf16: bool) -> bool:
    """No control code a table never holds; read as UTF-16, no private-use code point either
    (valid UTF-8 is text by itself, and may carry one)."""
    return all(
        (ch >= " " and ch != "\x7f" and not (utf16 and 0xE000 <= ord(ch) <= 0xF8FF))
        or ch in TEXT_CONTROLS
        for ch in cell
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    mark=st.sampled_from([b"", codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE]),
    noise=st.binary(min_size=1, max_size=600),
)
def test_random_bytes_are_refused_or_read_as_text_never_as_binary(
    tmp_path_factory: pytest.TempPathFactory, mark: bytes, noise: bytes
) -> None:
    """Whatever the bytes, the file is refused in one line, or every cell is plain text but
    for control codes here and there in a table that says it holds some."""
    path = tmp_path_factory.mktemp("noise") / "noise.csv"
    path.write_bytes(mark + noise)
    try:
        table = open_table(path)
        found = cells(table)
    except FileProblem as refused:
        assert "\n" not in str(refused)
        return
    if table.stray_controls:
        found = [BINARY_CONTROL.sub("", cell) for cell in found]
    assert all(is_text(cell, utf16=bool(mark)) for cell in found), found


@settings(max_examples=100, deadline=None)
@given(noise=st.binary(min_size=64, max_size=600))
def test_random_binary_of_any_length_is_refused(
    tmp_path_factory: pytest.TempPathFactory, noise: bytes
) -> None:
    """Random data holding a control code is binary, whatever mark comes first; with so few
    that they may be stray bytes in a text table, the table says it holds them."""
    for content in (b"\x01\x02" + noise, codecs.BOM_UTF16_LE + b"\x03\x00" + noise):
        path = tmp_path_factory.mktemp("binary") / "data.csv"
        path.write_bytes(content)
        try:
            table = open_table(path)
            cells(table)
        except FileProblem:
            continue
        assert table.stray_controls and not content.startswith(codecs.BOM_UTF16_LE)


def test_a_mixed_file_is_refused_whole_even_with_a_control_code_in_it(tmp_path: Path) -> None:
    """No reading of it is right: a control code must not let its other rows in, misread."""
    content = (
        b"external_id,name,city\n"
        b"C-1,Ren\xc3\xa9e,Montr\xc3\xa9al\n"
        b"C-2,Jos\xe9,Laval\n"
        b"C-3,Ann\x07,Quebec\n"
    )
    path = hostile.text_file(tmp_path, "mixed.csv", content)
    assert refusal(path) == (
        "row 3: the text is not UTF-8 (byte 0xe9); the rest of the file is UTF-8,"
        " so it was not read as Windows-1252"
    )


def test_a_header_holding_a_control_code_is_refused_naming_its_column(tmp_path: Path) -> None:
    """Its column would match no field and be left out without a word."""
    content = b"external_id,name,no\x07tes,city\nC-1,Ann,gate,Salem\n"
    path = hostile.text_file(tmp_path, "header.csv", content)
    assert refusal(path) == (
        "row 1 (the header), column 3: holds the control character 0x07, which no text table has"
    )
