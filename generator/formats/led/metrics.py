"""Glyphs of an LED font at one size: each character's hinted advance, ink box and coverage, asked
of FreeType once.

The layout composes lines from the metrics (layout.GlyphMeter), so fitting a slide costs time linear
in its text instead of asking Pillow to measure every candidate line. Pillow's basic layout applies
no kerning to Chinese, so the sum matches the drawing; the LED output still checks the result and
falls back to measuring whole lines when a font disagrees. The drawing pastes lines together from
the glyphs' coverage (raster.draw_frame): a slide's text repeats glyphs across its frames and the
screen's other slides.
"""

from __future__ import annotations

from typing import Callable, Iterable

from PIL import Image, ImageChops, ImageDraw, ImageFont

from generator.formats.led.layout import Ink

Font = ImageFont.FreeTypeFont | Callable[[], ImageFont.FreeTypeFont]


def composed_ink(glyphs: Iterable[tuple[int, Ink]]) -> Ink:
    """The ink box of glyphs (advance, box) set one after the other from the pen at 0."""
    left = top = right = bottom = pen = 0
    for advance, (l, t, r, b) in glyphs:
        left, top = min(left, pen + l), min(top, t)
        right, bottom = max(right, pen + r), max(bottom, b)
        pen += advance
    return (left, top, max(right, pen), bottom)


class GlyphMeasure:
    """A font at one size, as the layout measures it and the drawing paints it: per glyph its
    hinted advance, ink box and coverage, each asked of FreeType once.

    `font` is the font itself or a function giving it: with a function the measure keeps no font
    open (see fonts.FontBook) and asks for it only for a glyph it has not seen. A screen's fitting
    asks for all the glyphs it needs at a size in one go (`measure`, `masks`), so a size is opened
    once, not once per slide. An advance costs FreeType one glyph load, an ink box two more: the
    fitting rules most sizes out from the advances alone (layout.Need).
    """

    def __init__(self, font: Font, smooth: bool):
        self._font, self.mode = font, ("L" if smooth else "1")
        self._advances: dict[str, int] = {}
        self._glyphs: dict[str, tuple[int, Ink]] = {}
        self._masks: dict[str, Image.Image | None] = {}

    @property
    def font(self) -> ImageFont.FreeTypeFont:
        """The Pillow font at this size."""
        return self._font() if callable(self._font) else self._font

    def measure(self, chars: Iterable[str], boxes: bool = True) -> None:
        """Measure these characters' advances (and, with `boxes`, their ink boxes) that are not
        known yet, with the font opened once."""
        known = self._glyphs if boxes else self._advances
        missing = [c for c in dict.fromkeys(chars) if c not in known and c not in self._glyphs]
        if not missing:
            return
        font, mode = self.font, self.mode
        for char in missing:
            advance = self._advances.get(char)
            if advance is None:
                advance = self._advances[char] = int(font.getlength(char, mode=mode))
            if boxes:
                box = font.getbbox(char, mode=mode, anchor="ls")
                self._glyphs[char] = (advance, (int(box[0]), int(box[1]), int(box[2]),
                                                int(box[3])))

    def advance(self, char: str) -> int:
        """The hinted advance of one character (what the pen moves by)."""
        found = self._advances.get(char)
        if found is None:
            found = self._advances[char] = int(self.font.getlength(char, mode=self.mode))
        return found

    def glyph(self, char: str) -> tuple[int, Ink]:
        """The hinted advance and ink box of one character drawn at the left end of the baseline."""
        found = self._glyphs.get(char)
        if found is None:
            self.measure(char)
            found = self._glyphs[char]
        return found

    def masks(self, chars: Iterable[str]) -> None:
        """Draw these characters' coverage that is not drawn yet, with the font opened once."""
        missing = [c for c in dict.fromkeys(chars) if c not in self._masks]
        if missing:
            self.measure(missing)
            font = self.font
            for char in missing:
                self._masks[char] = self._mask(char, font)

    def ink(self, text: str) -> Ink:
        """Left, top, right, bottom of a string, composed from its glyphs (as the layout does)."""
        return composed_ink(self.glyph(char) for char in text)

    def mask(self, char: str) -> Image.Image | None:
        """One glyph's coverage ("L", the size of its ink box), or None for a blank glyph."""
        if char not in self._masks:
            self._masks[char] = self._mask(char, None)
        return self._masks[char]

    def _mask(self, char: str, font: ImageFont.FreeTypeFont | None) -> Image.Image | None:
        _, (left, top, right, bottom) = self.glyph(char)
        if right <= left or bottom <= top:
            return None
        # Pillow's own glyph bitmap, as ImageDraw.text gets it before blending it on (a third
        # faster than drawing it onto a blank image; the same pixels: tested)
        core, _ = (font or self.font).getmask2(char, mode=self.mode, anchor="ls")
        image = Image.Image()._new(core)
        if image.size != (right - left, bottom - top):  # not seen with our fonts
            image = self._drawn(char, (left, top, right, bottom))
        return image

    def _drawn(self, char: str, ink: Ink) -> Image.Image:
        """A glyph's coverage drawn the long way, onto a blank image of its ink box."""
        left, top, right, bottom = ink
        image = Image.new("L", (right - left, bottom - top), 0)
        draw = ImageDraw.Draw(image)
        draw.fontmode = self.mode
        draw.text((-left, -top), char, font=self.font, fill=255, anchor="ls")
        return image

    def coverage(self, text: str) -> tuple[Image.Image, Ink] | None:
        """A line's coverage put together from its glyphs' (each drawn once per size), and its
        ink box; None when nothing is inked.

        The same pixels as Pillow drawing the whole line, except where two glyphs' ink overlaps:
        there the two coverages are combined as light adds up (screen), which differs from
        Pillow's own sum by at most 1 of 255.
        """
        ink = self.ink(text)
        left, top, right, bottom = ink
        if right <= left or bottom <= top:
            return None
        layer = Image.new("L", (right - left, bottom - top), 0)
        pen, inked_to = 0, -(1 << 30)
        for char in text:
            advance, (l, t, r, _) = self.glyph(char)
            image = self.mask(char)
            if image is not None:
                x, y = pen + l - left, t - top
                if x >= inked_to:  # clear of every glyph before it: copy
                    layer.paste(image, (x, y))
                else:
                    box = (x, y, x + image.width, y + image.height)
                    layer.paste(ImageChops.screen(layer.crop(box), image), box)
                inked_to = max(inked_to, pen + r - left)
            pen += advance
        return layer, ink
