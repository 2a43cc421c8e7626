"""Which encoding a text file is in, decided from every byte of it, never from a sample.

A file is read as UTF-8 when all of it is UTF-8; as one legacy encoding (Windows-1252, else
Latin-1) only when it is not UTF-8 anywhere. A file that mixes real UTF-8 characters with
bytes that are not UTF-8 was damaged or stitched together, and any single reading of it would
store wrong letters somewhere, so it is refused. A file holding characters no text table
has (control codes, and in a UTF-16 or UTF-32 file code points that are private or not
characters at all) is binary data, whatever its first bytes claim. The scan reads the file in
blocks.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

BLOCK_BYTES = 1 << 20
# Bytes Windows-1252 leaves undefined: a file holding one is Latin-1 if anything.
CP1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
# Byte-order marks, longest first: UTF-32's little-endian mark begins like UTF-16's.
MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)
# What surrogateescape makes of a byte that does not decode.
UNDECODED = re.compile("[\udc80-\udcff]")
# Characters beyond ASCII that did decode: proof of real UTF-8 in the file.
DECODED_BEYOND_ASCII = re.compile("[^\x00-\x7f\udc80-\udcff]")
# Control codes a text table never holds: C0 and DEL, less tab, line ends, vertical tab and
# form feed (some exports break lines inside a cell with them), Ctrl-Z (old DOS end mark),
# escape (colour codes copied from a terminal, shown escaped) and the four separators
# (file, group, record, unit: data exports use them); NUL is told apart, as damage in an
# otherwise good file.
TEXT_CONTROLS = "\t\n\r\x0b\x0c\x1a\x1b\x1c\x1d\x1e\x1f"
BINARY_CONTROL = re.compile("[\x01-\x08\x0e-\x19\x7f]")


def control_refusal(text: str) -> str | None:
    """Why a cell holding a control code no table has is refused; None when it holds none."""
    found = BINARY_CONTROL.search(text)
    if found is None:
        return None
    return f"holds the control character 0x{ord(found.group()):02x}, which no text table has"


def mostly_binary(controls: int, characters: int) -> bool:
    """Whether control codes are too many for stray bytes in a text table: binary data has
    them everywhere, a legacy export or a pasted note leaves one here and there."""
    return controls > max(3, characters // 200)


# The planes Unicode has not yet filled, where no decoded text can land.
UNUSED_PLANES = range(0x40000, 0xE0000)


@dataclass(frozen=True)
class TextEncoding:
    """How to decode a text file, and what the scan saw on the way."""

    codec: str
    label: str
    line_breaks: int
    # What is wrong with the text, when something is: "binary", "nul", "mixed", "invalid", or
    # "control" for a control code here and there (the rows holding one are refused).
    fault: str | None = None
    # The legacy encoding a mixed file would otherwise have been read in.
    legacy: str = ""


def unicode_mark(head: bytes) -> tuple[str, str] | None:
    """(codec, label) when the file starts with a UTF-16 or UTF-32 byte-order mark."""
    for mark, codec, label in MARKS:
        if head.startswith(mark):
            return codec, label
    return None


def scan_encoding(path: Path) -> TextEncoding:
    """Read the whole file once and decide how to decode it."""
    with path.open("rb") as source:
        head = source.read(4)
    marked = unicode_mark(head)
    if marked is not None:
        return _scan_unicode(path, *marked)
    return _scan_bytes(path)


def _scan_bytes(path: Path) -> TextEncoding:
    decoder = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")
    undecoded = beyond_ascii = nul = False
    controls = characters = 0
    fits_cp1252 = True
    breaks = 0
    with path.open("rb") as source:
        while True:
            block = source.read(BLOCK_BYTES)
            text = decoder.decode(block, final=not block)
            breaks += _line_ends(text)
            nul = nul or "\x00" in text
            controls += len(BINARY_CONTROL.findall(text))
            characters += len(text)
            # Every block is checked: a character split across blocks decodes in the next one.
            fits_cp1252 = fits_cp1252 and not any(byte in block for byte in CP1252_UNDEFINED)
            if not text.isascii():
                undecoded = undecoded or UNDECODED.search(text) is not None
                beyond_ascii = beyond_ascii or DECODED_BEYOND_ASCII.search(text) is not None
            if not block:
                break
    legacy = ("cp1252", "Windows-1252") if fits_cp1252 else ("latin-1", "Latin-1")
    # A mixed file is refused whole before any stray control code is looked at: no reading of
    # it is right, and the rows around a control code would be stored misread.
    fault = (
        "binary"
        if mostly_binary(controls, characters)
        else "nul"
        if nul
        else "mixed"
        if undecoded and beyond_ascii
        else "control"
        if controls
        else None
    )
    if not undecoded:
        return TextEncoding("utf-8-sig", "UTF-8", breaks, fault)
    return TextEncoding(legacy[0], legacy[1], breaks, fault, legacy=legacy[1])


def _scan_unicode(path: Path, codec: str, label: str) -> TextEncoding:
    decoder = codecs.getincrementaldecoder(codec)()
    breaks, fault = 0, None
    with path.open("rb") as source:
        while fault is None:
            block = source.read(BLOCK_BYTES)
            try:
                text = decoder.decode(block, final=not block)
            except UnicodeDecodeError:
                fault = "invalid"
                break
            breaks += _line_ends(text)
            if "\x00" in text or BINARY_CONTROL.search(text) or _not_text(set(text)):
                fault = "binary"
            if not block:
                break
    return TextEncoding(codec, label, breaks, fault)


def _not_text(characters: set[str]) -> bool:
    """Whether any of a UTF-16 or UTF-32 file's characters is one no text holds.

    Binary data read as UTF-16 decodes to code points at random: private-use ones, C1
    controls, noncharacters, unassigned ones. Each distinct character is looked at once.
    Beyond the first plane only the unused planes count, so a character newer than this
    Python's Unicode tables never refuses a real file.
    """
    for char in characters:
        point = ord(char)
        category = unicodedata.category(char)
        if category in ("Cc", "Co", "Cs") and char not in TEXT_CONTROLS:
            return True
        if (point < 0x10000 and category == "Cn") or point in UNUSED_PLANES:
            return True
    return False


def binary_refusal(path: Path) -> str:
    """The refusal for a file that holds binary data, naming it."""
    return f"{path.name} is not a CSV or XLSX table: it holds binary data"


def _line_ends(text: str) -> int:
    """Line ends in a piece of text: LF, or CR alone as old Mac files have them."""
    return max(text.count("\n"), text.count("\r"))


def locating(encoding: TextEncoding) -> tuple[str, str, re.Pattern[str]]:
    """(codec, error handler, pattern) that decode a faulty file and find its first fault."""
    if encoding.fault == "nul":
        return encoding.codec, "replace", re.compile("\x00")
    if encoding.fault == "invalid":
        # UTF-16 and UTF-32 cannot escape a bad byte; a replacement character marks it.
        return encoding.codec, "replace", re.compile("\ufffd")
    return "utf-8-sig", "surrogateescape", UNDECODED


def describe_fault(encoding: TextEncoding, found: str) -> str:
    """The refusal for a faulty file, once the first offending character is found."""
    if encoding.fault == "nul":
        return "holds a NUL byte, which no text table has; the file is damaged or not a table"
    if encoding.fault == "invalid":
        return f"the text is not valid {encoding.label}"
    byte = f"byte 0x{ord(found) - 0xDC00:02x}" if UNDECODED.fullmatch(found) else "a byte"
    return (
        f"the text is not UTF-8 ({byte}); the rest of the file is UTF-8, "
        f"so it was not read as {encoding.legacy}"
    )
