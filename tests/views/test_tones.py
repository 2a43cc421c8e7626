"""Meaningful colours read on the palette in use, light or dark."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

from console.views.common.tones import Tone, is_dark, muted, tinted_background, tone, tone_name


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two colours."""

    def luminance(colour: QColor) -> float:
        def channel(value: float) -> float:
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

        return (
            0.2126 * channel(colour.redF())
            + 0.7152 * channel(colour.greenF())
            + 0.0722 * channel(colour.blueF())
        )

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_every_tone_reads_on_a_light_and_on_a_dark_base(qapp, dark_palette: QPalette) -> None:  # type: ignore[no-untyped-def]
    light = QPalette(QColor("#f0f0f0"))
    light.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    assert is_dark(dark_palette) and not is_dark(light)
    for meaning in Tone:
        for colours in (light, dark_palette):
            base = colours.color(QPalette.ColorRole.Base)
            assert contrast(tone(meaning, colours), base) >= 4.5, (meaning, base.name())
    assert tone_name(Tone.DANGER) == tone(Tone.DANGER, dark_palette).name()


def test_muted_text_and_banners_follow_the_palette(qapp, dark_palette: QPalette) -> None:  # type: ignore[no-untyped-def]
    assert muted() == dark_palette.color(QPalette.ColorRole.PlaceholderText)
    banner = tinted_background(Tone.WARNING)
    assert banner.lightness() < 128  # a dark banner on a dark desk, not a bright patch
    text = dark_palette.color(QPalette.ColorRole.Text)
    assert contrast(text, banner) >= 4.5
