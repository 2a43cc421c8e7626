"""Hostile import files, generated: each one breaks a reader in a way real exports have.

Every builder writes its file into the given folder and returns its path, so the same corpus
serves the reader's tests, the command line's and the wizard's.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook

CUSTOMERS = "external_id,name,city\n"


def text_file(folder: Path, name: str, content: bytes) -> Path:
    path = folder / name
    path.write_bytes(content)
    return path


def trailing_delimiters(folder: Path) -> Path:
    """Each data row ends with one more delimiter than the header (pandas' index trap)."""
    return text_file(
        folder, "trailing.csv", b"external_id,name,city\nT-1,Ada,Oslo,\nT-2,Bo,Rome,\n"
    )


def extra_field(folder: Path) -> Path:
    """Row 3 has a value past the header: its values have moved, it is not read."""
    content = b"external_id,name,city\nX-1,Ada,Oslo\nX-2,Bo,Rome,Italy\n"
    return text_file(folder, "extra.csv", content)


def quoted_separators(folder: Path) -> Path:
    """Semicolon-separated, with commas inside quoted cells of the header and the rows."""
    content = b'"Name, Inc";"Phone"\n"Acme, Ltd";"555-0100"\n'
    return text_file(folder, "quoted.csv", content)


def mixed_encodings(folder: Path) -> Path:
    """UTF-8 accents on rows 2 to 6, then one Windows-1252 byte (ë) on row 7."""
    good = "".join(f"M-{n},Zoë {n},Málaga\n" for n in range(2, 7)).encode()
    return text_file(folder, "mixed.csv", CUSTOMERS.encode() + good + b"M-7,No\xebl,Oslo\n")


def nul_after_a_mebibyte(folder: Path) -> Path:
    """A NUL byte on the last row, well past the first MiB."""
    rows = b"".join(f"N-{n},Name {n},Town\n".encode() for n in range(2, 60_002))
    return text_file(folder, "nul.csv", CUSTOMERS.encode() + rows + b"N-X,Bad\x00,Town\n")


def multiline_then_error(folder: Path) -> Path:
    """A three-line cell on row 2, a blank line, and a broken record starting on line 6."""
    content = (
        b'external_id,name,city\nL-1,"Line one\nline two\nline three",Oslo\n\nL-2,Bo,Rome,Italy\n'
    )
    return text_file(folder, "multiline.csv", content)


def blank_lines(folder: Path) -> Path:
    content = b"external_id,name,city\n\nB-1,Ada,Oslo\n\n\nB-2,Bo,Rome\n,,\n"
    return text_file(folder, "blank.csv", content)


def unbalanced_quote(folder: Path) -> Path:
    """The quote opened in row 3's name is never closed."""
    content = b'external_id,name,city\nU-1,Ada,Oslo\nU-2,"Bo,Rome\nU-3,Cy,Bern\n'
    return text_file(folder, "unbalanced.csv", content)


def long_cell(folder: Path) -> Path:
    """A quoted cell of more than a mebibyte on row 2."""
    content = b'external_id,name,city\nG-1,"' + b"x" * (1 << 20) + b'y",Oslo\n'
    return text_file(folder, "long.csv", content)


def binary(folder: Path) -> Path:
    return text_file(folder, "photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")


def old_workbook(folder: Path) -> Path:
    return text_file(folder, "old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64)


def damaged_workbook(folder: Path) -> Path:
    path = folder / "damaged.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook>")
    return path


def csv_named_xlsx(folder: Path) -> Path:
    return text_file(folder, "really-a-csv.xlsx", CUSTOMERS.encode() + b"C-1,Ada,Oslo\n")


def empty(folder: Path) -> Path:
    return text_file(folder, "empty.csv", b"")


def directory(folder: Path) -> Path:
    path = folder / "a-folder.csv"
    path.mkdir()
    return path


def workbook(
    folder: Path, sheets: dict[str, list[list[object]]], active: str | None = None
) -> Path:
    """A workbook with the given sheets and rows; `active` is the sheet open when saved."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    if active is not None:
        book.active = book.sheetnames.index(active)
    path = folder / "book.xlsx"
    book.save(path)
    return path


def customers_workbook(folder: Path) -> Path:
    """Two sheets; the one open when saved is not the customers."""
    return workbook(
        folder,
        {
            "Customers": [["external_id", "name", "city"], ["W-1", "Ada", "Oslo"]],
            "Notes": [["text"], ["call on Mondays"]],
        },
        active="Notes",
    )


def _patched_sheet(path: Path, patch: Callable[[str], str]) -> Path:
    """The workbook with its first sheet's XML rewritten by `patch`."""
    patched = path.with_name(f"patched-{path.name}")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(patched, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = patch(data.decode()).encode()
            target.writestr(item, data)
    return patched


def huge_dimension(folder: Path) -> Path:
    """Two real rows, a `<dimension>` claiming A1:XFD1048576, and one cell at XFD1048576."""
    path = workbook(folder, {"Sheet": [["external_id", "name"], ["H-1", "Ada"]]})
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>far</t></is></c></row>'

    def patch(xml: str) -> str:
        xml = xml.replace('<dimension ref="A1:B2"/>', '<dimension ref="A1:XFD1048576"/>')
        return xml.replace("</sheetData>", f"{far}</sheetData>")

    return _patched_sheet(path, patch)


def row_past_the_limit(folder: Path) -> Path:
    """A row numbered beyond Excel's 1,048,576."""
    path = workbook(folder, {"Sheet": [["external_id", "name"], ["P-1", "Ada"]]})
    late = '<row r="1048577"><c r="A1048577" t="inlineStr"><is><t>P-2</t></is></c></row>'
    return _patched_sheet(path, lambda xml: xml.replace("</sheetData>", f"{late}</sheetData>"))


def typed_cells(folder: Path) -> Path:
    """One row of each kind of value a spreadsheet stores."""
    header: list[object] = [
        "id",
        "price",
        "sum",
        "when",
        "at",
        "active",
        "formula",
        "code",
        "blank",
    ]
    row: list[object] = [
        7601,
        12.5,
        0.1 + 0.2,
        dt.date(2025, 3, 4),
        dt.datetime(2025, 3, 4, 9, 30),
        True,
        "=SUM(A2:B2)",
        "007",
        None,
    ]
    return workbook(folder, {"Data": [header, row, [], [7602.0, 1e20]]})


# The refusals every reader must make, with their one-line message.
REFUSALS: list[tuple[Callable[[Path], Path], str]] = [
    (extra_field, "row 3: has 4 fields, the header has 3"),
    (
        mixed_encodings,
        "row 7: the text is not UTF-8 (byte 0xeb); the rest of the file is UTF-8, "
        "so it was not read as Windows-1252",
    ),
    (
        nul_after_a_mebibyte,
        "row 60002: holds a NUL byte, which no text table has; the file is damaged or not a table",
    ),
    (multiline_then_error, "row 6: has 4 fields, the header has 3"),
    (unbalanced_quote, "row 3, column name: a quote opened here is never closed"),
    (long_cell, "row 2, column name: a cell longer than 1 MiB; an unclosed quote?"),
    (binary, "photo.csv is not a CSV or XLSX table: it holds binary data"),
    (
        old_workbook,
        "old .xls workbooks are not read; open it in a spreadsheet and save it as .xlsx",
    ),
    (
        damaged_workbook,
        "the file is not a readable Excel workbook "
        "(There is no item named '[Content_Types].xml' in the archive)",
    ),
    (
        csv_named_xlsx,
        "the file is not a readable Excel workbook: it holds text (a CSV?); rename it to .csv",
    ),
    (empty, "the file is empty"),
    (directory, "is a folder, not a file"),
    (row_past_the_limit, "row 1048577: a sheet has at most 1,048,576 rows"),
]
