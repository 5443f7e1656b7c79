"""Glyph metrics of an LED font at one size: each character's hinted advance and ink box, measured
once.

The layout composes lines from these (layout.GlyphMeter), so fitting a slide costs time linear in
its text
instead of asking Pillow to measure every candidate line. Pillow's basic layout applies no kerning
to
Chinese, so the sum matches the drawing; the LED output still checks the result and falls back to
measuring
whole lines when a font disagrees.
"""

from __future__ import annotations

from PIL import ImageFont

from generator.formats.led.layout import Ink


class GlyphMeasure:
    """A font at one size, as the layout measures it: per-glyph (advance, ink box), and ink of
    whole strings."""

    def __init__(self, font: ImageFont.FreeTypeFont, smooth: bool):
        self.font, self.mode = font, ("L" if smooth else "1")
        self._glyphs: dict[str, tuple[int, Ink]] = {}

    def glyph(self, char: str) -> tuple[int, Ink]:
        """The hinted advance and ink box of one character drawn at the left end of the baseline."""
        found = self._glyphs.get(char)
        if found is None:
            box = self.font.getbbox(char, mode=self.mode, anchor="ls")
            found = (int(self.font.getlength(char, mode=self.mode)),
                     (int(box[0]), int(box[1]), int(box[2]), int(box[3])))
            self._glyphs[char] = found
        return found

    def ink(self, text: str) -> Ink:
        """Left, top, right, bottom of a string, composed from its glyphs (as the layout does)."""
        left = top = right = bottom = pen = 0
        for char in text:
            advance, (l, t, r, b) = self.glyph(char)
            left, top, right, bottom = (
                min(left, pen + l),
                min(top, t),
                max(right, pen + r),
                max(bottom, b),
            )
            pen += advance
        return (left, top, max(right, pen), bottom)
