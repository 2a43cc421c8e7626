"""The files the console ships with are found through the package, wherever it is installed."""

from __future__ import annotations

import json
import struct
from importlib.resources import as_file, files

import pytest

from console.paths import RESOURCES_PACKAGE, resource
from console.services.briefing.fonts import register_fonts
from console.services.demo import vocabulary

FONTS = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DroidSansFallbackFull.ttf")
TRUETYPE_MAGIC = b"\x00\x01\x00\x00"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("name", FONTS)
def test_each_briefing_font_is_a_readable_truetype_file(name: str) -> None:
    font = files(RESOURCES_PACKAGE).joinpath("fonts", name)

    assert font.read_bytes()[:4] == TRUETYPE_MAGIC
    with as_file(font) as path:
        assert path.stat().st_size > 100_000


@pytest.mark.parametrize(
    ("licence", "grant"),
    [
        ("LICENSE-DejaVu.txt", "Permission is hereby granted"),
        ("LICENSE-DroidSansFallback.txt", "Apache"),
    ],
)
def test_the_font_licences_ship_beside_the_fonts(licence: str, grant: str) -> None:
    assert grant in resource("fonts", licence).read_text(encoding="utf-8")


def test_briefing_fonts_register_from_the_package_and_cover_names_in_many_scripts() -> None:
    covered = register_fonts()

    assert {ord(char) for char in "Łódź Ærø Ωμέγα Дмитрий"} - {ord(" ")} <= covered


def test_demo_vocabulary_is_read_from_the_package() -> None:
    shipped = json.loads(resource("demo", "vocabulary.json").read_text(encoding="utf-8"))

    assert vocabulary() == shipped
    assert shipped["first_names"] and shipped["towns"]


@pytest.mark.parametrize("size", [16, 24, 32, 48, 64, 128, 256, 512])
def test_the_application_icon_ships_at_every_size(size: int) -> None:
    data = resource("icons", f"dispatch-console-{size}.png").read_bytes()

    assert data[:8] == PNG_MAGIC
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk follows the signature
    assert (width, height) == (size, size)


def test_the_icon_ships_for_windows_and_macos_and_as_its_vector_source() -> None:
    assert resource("icons", "dispatch-console.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"
    assert resource("icons", "dispatch-console.icns").read_bytes()[:4] == b"icns"
    assert b"<svg" in resource("icons", "dispatch-console.svg").read_bytes()
