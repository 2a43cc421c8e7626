"""The import wizard refuses a file that is not a table on its first page, naming the file,
rather than showing binary data as columns to match; a UTF-16 table with its mark is read."""

from __future__ import annotations

import codecs
from pathlib import Path

from pytestqt.qtbot import QtBot

from console.views.context import DeskContext
from tests.services.transfer import hostile
from tests.views.test_import_wizard_reading import customer_count, wizard_for

# What an image looks like behind a UTF-16 mark: private-use code points and controls.
BINARY_AS_UTF16 = codecs.BOM_UTF16_LE + b"\x00\xe0\x01\xe0\r\x00\n\x00\x03\x00\x9b\x00"


def test_binary_behind_a_utf16_mark_is_refused_on_the_first_page(
    qtbot: QtBot, context: DeskContext, tmp_path: Path
) -> None:
    before = customer_count(context)
    path = hostile.text_file(tmp_path, "scan.csv", BINARY_AS_UTF16)
    wizard = wizard_for(qtbot, context, tmp_path, path, "customers")
    wizard.next()
    assert wizard.currentPage() is wizard.choose_page
    assert wizard.choose_page.error.text() == (
        "scan.csv is not a CSV or XLSX table: it holds binary data"
    )
    assert customer_count(context) == before


def test_a_utf16_table_with_its_mark_reaches_the_columns(
    qtbot: QtBot, context: DeskContext, tmp_path: Path
) -> None:
    text = "external_id,name,city\r\nW-1,Zoë Ærø,Москва\r\n"
    path = hostile.text_file(tmp_path, "export.csv", codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    wizard = wizard_for(qtbot, context, tmp_path, path, "customers")
    wizard.next()
    assert wizard.currentPage() is wizard.mapping_page
    assert wizard.mapping_page.read_as.text() == "Read as CSV, comma-separated, UTF-16."
