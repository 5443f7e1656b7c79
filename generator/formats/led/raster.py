"""Draw LED frames with Pillow: exact pixel size after rotation, only the screen's colours, dark
background."""

from __future__ import annotations

import ctypes
import io
import struct
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError

from generator.config import Screen
from generator.render.images import orientation_of
from generator.formats.led.layout import Fitted, Ink
from generator.formats.led.metrics import GlyphMeasure, composed_ink

RENDERER_VERSION = "4"  # bump whenever the drawing changes, so cached frames are redrawn
MARK_TEXT = "未审定 · 仅供预览"
MARK_SHORT = "未审定"
SCROLL_GAP = "　　"  # two ideographic spaces between slides on the scrolling image

LED_RGB = {"red": (255, 0, 0), "green": (0, 255, 0), "yellow": (255, 255, 0), "blue": (0, 0, 255),
           "white": (255, 255, 255)}
# off, red, green, red+green = yellow
DUAL_RGB = ((0, 0, 0), (255, 0, 0), (0, 255, 0), (255, 255, 0))
FULL_BACKGROUND, FULL_HEADING, FULL_BODY, FULL_MARK = (
    (0, 0, 0),
    (255, 214, 90),
    (240, 240, 240),
    (200, 30, 30),
)
# shades per ink on a full-colour frame without a photo: black + 3 inks × 85 = 256 palette entries
SHADES = 85
# EXIF orientation → the turn that makes the photo upright (as ImageOps.exif_transpose does)
_EXIF_TURNS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_ROTATE = {
    "90": Image.Transpose.ROTATE_270,
    "180": Image.Transpose.ROTATE_180,
    "270": Image.Transpose.ROTATE_90,
}

GlyphsAt = Callable[[int], GlyphMeasure]


@dataclass(frozen=True)
class Palette:
    """How a screen shows colour: the image mode, the palette, and the ink for each kind of text."""

    mode: str  # "P" for palette screens, "RGB" for full colour and dual with greyscale
    # the palette (P) or the allowed colours (RGB dual/full)
    colours: tuple[tuple[int, int, int], ...]
    background: int | tuple[int, int, int]
    heading: int | tuple[int, int, int]
    body: int | tuple[int, int, int]
    mark: int | tuple[int, int, int]
    mark_text: int | tuple[int, int, int]
    smooth: bool  # anti-aliased text; only where the screen can show in-between shades


def palette_for(screen: Screen) -> Palette:
    """The palette of a screen profile: 1-bit mono, 4-colour dual, greyscale variants, or full
    colour."""
    if screen.colour == "mono":
        led = LED_RGB[screen.led_colour]
        if screen.greyscale:
            ramp = tuple(tuple(round(c * level / 255) for c in led) for level in range(256))
            return Palette("P", ramp, 0, 255, 255, 255, 0, True)
        return Palette("P", ((0, 0, 0), led), 0, 1, 1, 1, 0, False)
    if screen.colour == "dual":
        if screen.greyscale:
            return Palette(
                "RGB",
                DUAL_RGB,
                (0, 0, 0),
                (255, 255, 0),
                (255, 0, 0),
                (255, 255, 0),
                (0, 0, 0),
                True,
            )
        return Palette("P", DUAL_RGB, 0, 3, 1, 3, 0, False)
    return Palette(
        "RGB",
        (FULL_BACKGROUND, FULL_HEADING, FULL_BODY, FULL_MARK),
        FULL_BACKGROUND,
        FULL_HEADING,
        FULL_BODY,
        FULL_MARK,
        (255, 255, 255),
        True,
    )


class PillowMeasure:
    """The layout's view of a Pillow font: ink boxes measured with the same hinting the drawing
    uses.

    By default a string's box is put together from its characters' boxes and hinted advances, which
    is what Pillow's basic layout does without kerning and is far faster than measuring every
    candidate line; `exact` asks Pillow for each string instead (the fallback when a check of the
    result fails).
    """

    def __init__(self, font: ImageFont.FreeTypeFont, smooth: bool, exact: bool = False):
        self.font, self.mode, self.exact = font, ("L" if smooth else "1"), exact
        self._seen: dict[str, Ink] = {}  # line breaking measures the same strings again and again
        self._glyphs: dict[str, tuple[int, Ink]] = {}

    def ink(self, text: str) -> Ink:
        """Left, top, right, bottom of the text drawn at the left end of the baseline."""
        if text not in self._seen:
            self._seen[text] = (
                self._pillow(text) if self.exact or len(text) < 2 else self._composed(text)
            )
        return self._seen[text]

    def _pillow(self, text: str) -> Ink:
        box = self.font.getbbox(text, mode=self.mode, anchor="ls")
        return (int(box[0]), int(box[1]), int(box[2]), int(box[3]))

    def _composed(self, text: str) -> Ink:
        for char in text:
            if char not in self._glyphs:
                self._glyphs[char] = (
                    int(self.font.getlength(char, mode=self.mode)),
                    self._pillow(char),
                )
        return composed_ink(self._glyphs[char] for char in text)


def lines_fit(
    font: ImageFont.FreeTypeFont, palette: Palette, lines: tuple[str, ...], width: int
) -> bool:
    """Check laid-out lines against Pillow's own measurement: every line's ink within the width."""
    boxes = (font.getbbox(line, mode=_mode(palette), anchor="ls") for line in lines)
    return all(box[2] - box[0] <= width for box in boxes)


@dataclass(frozen=True)
class Area:
    """A rectangle of the (unrotated) frame."""

    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class Layout:
    """Where things go on a frame: the text area, the photo area (if any) and the preview band (if
    any)."""

    text: Area
    photo: Area | None = None
    band: Area | None = None
    band_size: int = 0


def mark_size(screen: Screen) -> int:
    """The font size of the 「未审定」 band: a tenth of the height, 12 to 40 px."""
    return max(12, min(40, screen.height // 10))


def photo_size(path: Path) -> tuple[int, int] | None:
    """The upright size of a photo (phones store rotation in EXIF), or None when it cannot be
    read."""
    try:
        with Image.open(path) as image:
            width, height = image.size
            # orientations that swap the sides
            turned = orientation_of(image) in (5, 6, 7, 8)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        return None
    if width * height > 50_000_000:  # an image bomb (the build reports it with the page's images)
        return None
    return (height, width) if turned else (width, height)


def plan(screen: Screen, *, photo: tuple[int, int] | None, marked: bool) -> Layout:
    """Split the screen's inner area (inside the margins) between the preview band, the photo and
    the text."""
    m = screen.margins
    inner = Area(m.left, m.top, screen.width - m.left - m.right, screen.height - m.top - m.bottom)
    band = None
    size = mark_size(screen)
    if marked:
        band_h = size + 2
        # Too short for a band above the text: the band then covers the bottom of the frame.
        # A text line needs about 1.5 × its font size; strip screens never have room for both.
        roomy = not screen.is_strip and inner.height - band_h - 1 >= screen.min_font_size * 3 // 2
        band = Area(
            inner.x, inner.y if roomy else inner.y + inner.height - band_h, inner.width, band_h
        )
        if roomy:
            inner = Area(inner.x, inner.y + band_h + 1, inner.width, inner.height - band_h - 1)
    if not photo or screen.colour != "full" or screen.is_strip:
        return Layout(inner, None, band, size)
    gap = max(4, inner.width // 40)
    # At most two fifths of the width; narrower for a portrait photo, so the text gets what it
    # leaves.
    width = max(1, min(inner.width * 2 // 5, inner.height * photo[0] // max(1, photo[1])))
    photo_area = Area(inner.x, inner.y, width, inner.height)
    text = Area(
        inner.x + photo_area.width + gap,
        inner.y,
        inner.width - photo_area.width - gap,
        inner.height,
    )
    return Layout(text, photo_area, band, size)


def draw_frame(screen: Screen, palette: Palette, glyphs_at: GlyphsAt, layout: Layout,
               fitted: Fitted, lines: tuple[str, ...], heading_lines: int,
               photo: Path | None = None, photos: Photos | None = None) -> bytes:
    """One frame as PNG bytes: the lines centred in the text area, the photo fitted beside them.

    `glyphs_at` gives the screen's glyphs at a size (metrics.GlyphMeasure); on a screen with
    in-between shades each line is pasted together from glyph coverage drawn once per size. A
    full-colour frame without a photo is drawn as a palette image of shade ramps (black to each
    ink), which looks the same on the screen and encodes in a third of the time. `photos` holds the
    render's fitted photos (a page's frames and the screens share them).
    """
    photos = Photos() if photos is None else photos
    if screen.colour == "full" and photo is None:
        image = _ramped_frame(palette, glyphs_at, layout, fitted, lines, heading_lines, screen)
        return _finish(image, screen)
    image = _canvas(screen, palette)
    draw = _drawer(image, palette)
    glyphs = glyphs_at(fitted.size)
    for number, (x, y, line, painted) in enumerate(
        _placed(glyphs, palette, layout, fitted, lines)
    ):
        colour = palette.heading if number < heading_lines else palette.body
        if painted is None:
            draw.text((x, y), line, font=glyphs.font, fill=colour, anchor="ls")
        elif painted:
            layer, ink = painted
            draw.bitmap((x + ink[0], y + ink[1]), layer, fill=colour)
    if photo is not None and layout.photo is not None:
        picture = photos.fitted(photo, layout.photo)
        area = layout.photo
        image.paste(picture, (area.x + (area.width - picture.width) // 2,
                              area.y + (area.height - picture.height) // 2))
    if layout.band is not None:
        _draw_band(draw, palette, glyphs_at(layout.band_size), layout.band)
    return _finish(image, screen)


def _finish(image: Image.Image, screen: Screen) -> bytes:
    """The frame turned and encoded, its buffers let go."""
    data = encode(rotate(image, screen))
    del image
    give_back(screen.width * screen.height)
    return data


def _placed(glyphs: GlyphMeasure, palette: Palette, layout: Layout, fitted: Fitted,
            lines: tuple[str, ...]) -> list[tuple[int, int, str, tuple | None]]:
    """Each line's pen position (left end of the baseline), centred in the text area, the block
    centred too; and on a smooth screen its coverage (layer, ink box), () when nothing is inked.
    """
    pitch = fitted.line_height + fitted.gap
    block = len(lines) * pitch - fitted.gap
    top = layout.text.y + (layout.text.height - block) // 2 - fitted.ink_top
    placed = []
    for number, line in enumerate(lines):
        if palette.smooth:
            painted = glyphs.coverage(line) or ()
            ink = painted[1] if painted else glyphs.ink(line)
        else:
            painted = None
            ink = glyphs.font.getbbox(line, mode="1", anchor="ls")
        x = layout.text.x + (layout.text.width - int(ink[2] - ink[0])) // 2 - int(ink[0])
        placed.append((x, top + number * pitch, line, painted))
    return placed


@lru_cache(maxsize=8)
def ramp_palette(palette: Palette) -> list[int]:
    """The 256 colours of a ramped frame: black, then black→heading, black→body and mark→mark
    text."""
    def ramp(start: tuple[int, int, int], end: tuple[int, int, int]) -> list[tuple[int, ...]]:
        return [tuple(round(a + (b - a) * level / (SHADES - 1)) for a, b in zip(start, end))
                for level in range(SHADES)]
    black = palette.background
    colours = [black, *ramp(black, palette.heading)[1:], black, *ramp(black, palette.body)[1:],
               *ramp(palette.mark, palette.mark_text)]
    return [c for rgb in colours for c in rgb]


@lru_cache(maxsize=8)
def _shade_lut(base: int, floor: int = 1) -> tuple[int, ...]:
    """Coverage 0–255 → palette index; any ink at all stays lit (at least the first shade)."""
    return tuple(base + (max(floor, -(-v * (SHADES - 1) // 255)) if v else 0) for v in range(256))


_LIT = [0] + [255] * 255  # coverage → paste mask: every inked pixel takes the layer's index


def _ramped_frame(
    palette: Palette,
    glyphs_at: GlyphsAt,
    layout: Layout,
    fitted: Fitted,
    lines: tuple[str, ...],
    heading_lines: int,
    screen: Screen,
) -> Image.Image:
    """A full-colour frame as a palette image: each line drawn as coverage, mapped onto its ink's
    ramp."""
    image = Image.new("P", (screen.width, screen.height), 0)
    image.putpalette(ramp_palette(palette))
    glyphs = glyphs_at(fitted.size)
    for number, (x, y, _, painted) in enumerate(_placed(glyphs, palette, layout, fitted, lines)):
        if painted:
            _stamp(image, painted, (x, y), _shade_lut(0 if number < heading_lines else SHADES))
    if layout.band is not None:
        band, base = layout.band, 2 * SHADES
        image.paste(base, (band.x, band.y, band.x + band.width, band.y + band.height))
        small = glyphs_at(layout.band_size)
        text, x, y = _band_text(small, band)
        painted = small.coverage(text)
        if painted:
            _stamp(image, painted, (x, y), _shade_lut(base, 0))
    return image


def _stamp(image: Image.Image, painted: tuple[Image.Image, Ink], at: tuple[int, int],
           lut: tuple[int, ...]) -> None:
    """Paste a line's coverage onto a palette image through a shade table, its pen at `at`."""
    layer, ink = painted
    # The shade indices as a "P" image, so paste() copies them as they are instead of converting
    # colours.
    shaded = Image.frombytes("P", layer.size, layer.point(lut).tobytes())
    image.paste(shaded, (at[0] + ink[0], at[1] + ink[1]), layer.point(_LIT))


class Photos:
    """The slide photos of one LED render: each decoded once, at the largest size any screen
    shows it, and fitted for every screen from that one decode.

    `wanted` gives, per photo, the (width, height) of every photo area it will be asked for; a
    photo not listed is decoded for the area asked. A copy is kept while its slide is drawn and
    while a screen still to be drawn will ask for it (keep_only, done): a few tens of kilobytes on
    a 384×192 screen, about a megabyte on a 1920×1080 one.
    """

    def __init__(self, wanted: dict[Path, set[tuple[int, int]]] | None = None):
        self._wanted = wanted or {}
        self._later: dict[Path, set[tuple[int, int]]] = self._wanted
        self._fitted: dict[tuple[Path, int, int], Image.Image] = {}

    def keep_only(self, wanted: dict[Path, set[tuple[int, int]]],
                  later: dict[Path, set[tuple[int, int]]]) -> None:
        """Start a screen: `wanted` is what it and the screens after it will ask for, `later`
        what only the screens after it will; copies nobody will ask for are let go."""
        self._wanted, self._later = wanted, later
        self._fitted = {key: picture for key, picture in self._fitted.items()
                        if key[1:] in wanted.get(key[0], set())}

    def done(self, photo: Path, area: Area) -> None:
        """A slide's frames are drawn: its copy goes unless a later screen will ask for it."""
        if (area.width, area.height) not in self._later.get(photo, set()):
            self._fitted.pop((photo, area.width, area.height), None)

    def fitted(self, photo: Path, area: Area) -> Image.Image:
        """The photo upright and fitted into the area (never stretched)."""
        key = (photo, area.width, area.height)
        if key not in self._fitted:
            boxes = self._wanted.get(photo, set()) | {(area.width, area.height)}
            for box, picture in _fit_photo(photo, boxes).items():
                self._fitted[(photo, *box)] = picture
        return self._fitted[key]


def fitted_photo(photo: Path, area: Area, photos: Photos) -> Image.Image:
    """The photo upright and fitted into the area, from the render's one decode of it."""
    return photos.fitted(photo, area)


def _fit_photo(photo: Path, boxes: set[tuple[int, int]]) -> dict[tuple[int, int], Image.Image]:
    """The photo fitted into each box, from one decode at the reduced scale (JPEG draft) the
    largest box needs.

    The box the decode was made for is resized with Lanczos straight from it (as when each screen
    decoded its own copy); a smaller box is first reduced by a whole factor to at least twice its
    size (Pillow's reducing_gap), then Lanczos: a quarter of the time, and as close to a
    Lanczos from the full-size photo as the screen's own draft decode was or closer (measured:
    RMS 0.97 and 0.45 against 1.01 and 2.15 on the sample's landscape and portrait photos).
    """
    width, height = max(w for w, _ in boxes), max(h for _, h in boxes)
    with Image.open(photo) as source:
        orientation = orientation_of(source)
        turn = _EXIF_TURNS.get(orientation)
        # orientations 5-8 swap the sides: the draft is asked for the stored (unturned) shape
        source.draft("RGB", (height, width) if orientation in (5, 6, 7, 8) else (width, height))
        # one decoded copy, turned in place of exif_transpose (which copies) when it must be
        picture = source.convert("RGB") if source.mode != "RGB" else source
        picture.load()
        if turn is not None:
            picture = picture.transpose(turn)
    out = {}
    for box in sorted(boxes, reverse=True):
        size = _contained(picture.size, box)
        straight = box == (width, height)
        out[box] = (picture.resize(size, Image.Resampling.LANCZOS,
                                   reducing_gap=None if straight else 2.0)
                    if min(size) > 0 else Image.new("RGB", size))
    return out


def _contained(size: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    """The size ImageOps.contain gives: the largest with the image's aspect ratio inside the box."""
    ratio, box_ratio = size[0] / size[1], box[0] / box[1]
    if ratio > box_ratio:
        return (box[0], round(size[1] / size[0] * box[0]))
    if ratio < box_ratio:
        return (round(size[0] / size[1] * box[1]), box[1])
    return box


def scroll_width(
    screen: Screen, palette: Palette, font: ImageFont.FreeTypeFont, pieces: list[tuple[str, bool]]
) -> int:
    """The width of the scrolling image before rotation: the text plus one blank screen before it
    comes round."""
    return screen.width + sum(
        int(font.getlength(text + SCROLL_GAP, mode=_mode(palette))) for text, _ in pieces
    )


def draw_scroll(screen: Screen, palette: Palette, font: ImageFont.FreeTypeFont,
                pieces: list[tuple[str, bool]]) -> bytes:
    """One long single-line image for continuous left scrolling; pieces are (text, is_heading)."""
    mode = _mode(palette)
    inks = [font.getbbox(text, mode=mode, anchor="ls") for text, _ in pieces]
    top, bottom = min(int(i[1]) for i in inks), max(int(i[3]) for i in inks)
    image = _canvas(screen, palette, (scroll_width(screen, palette, font, pieces), screen.height))
    draw = _drawer(image, palette)
    inner = screen.height - screen.margins.top - screen.margins.bottom
    baseline = screen.margins.top + (inner - (bottom - top)) // 2 - top
    x = screen.width  # the text enters from the right edge, as 走马灯 programs do
    for text, heading in pieces:
        draw.text(
            (x, baseline),
            text,
            font=font,
            fill=palette.heading if heading else palette.body,
            anchor="ls",
        )
        x += int(font.getlength(text + SCROLL_GAP, mode=mode))
    return encode(rotate(image, screen))


def rotate(image: Image.Image, screen: Screen) -> Image.Image:
    """Turn the drawn frame clockwise by the screen's rotation, so the controller gets its own
    pixel grid."""
    return image.transpose(_ROTATE[screen.rotation]) if screen.rotation in _ROTATE else image


def encode(image: Image.Image) -> bytes:
    """PNG bytes with no timestamps or text chunks, so identical frames are identical files.

    Settings chosen by measurement (docs/notes/led.md; lossless all): palette frames of a strip
    screen cost a few microseconds at any level and keep level 6; larger palette frames (the
    shade ramps of a full-colour screen) use zlib's run-length strategy, a third of level 6's time
    on a 384×192 frame and smaller than level 1; RGB frames (those with a photo) are written by
    `_png_rgb`.
    """
    if image.mode == "RGB":
        return _png_rgb(image)
    out = io.BytesIO()
    if image.width * image.height <= SMALL_FRAME:
        image.save(out, format="PNG", optimize=False, compress_level=6)
    else:
        image.save(out, format="PNG", optimize=False, compress_level=1, compress_type=_Z_RLE)
    return out.getvalue()


SMALL_FRAME = 1 << 13  # pixels: a strip screen's frame (192×32, 128×32)
_Z_RLE = 3  # zlib.Z_RLE
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _png_rgb(image: Image.Image) -> bytes:
    """An RGB frame as PNG with no row filter and zlib level 1.

    Pillow's encoder tries all five row filters on every row of an RGB image; on a frame that is
    mostly black text, with one photo, no filter at level 1 takes about half its time for files as
    small (measured on the sample's frames: 384×192 1.6 → 0.8 ms, 1920×1080 30 → 21–28 ms).
    """
    width, height = image.size
    stride = width * 3
    packer = zlib.compressobj(1, zlib.DEFLATED, 15, 9)
    parts = []
    # a band of rows at a time: a whole 1920×1080 frame's bytes would be 6 MB more at the peak
    for top in range(0, height, _BAND_ROWS):
        raw = image.crop((0, top, width, min(height, top + _BAND_ROWS))).tobytes()
        parts.append(packer.compress(
            b"\0" + b"\0".join(raw[at:at + stride] for at in range(0, len(raw), stride))))
    parts.append(packer.flush())
    data = b"".join(parts)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return (_PNG_SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", data)
            + _chunk(b"IEND", b""))


_BAND_ROWS = 64


def _chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk: length, type, data and the CRC of type and data."""
    crc = zlib.crc32(data, zlib.crc32(kind))  # (no copy of a frame's data to sum it)
    return b"".join((struct.pack(">I", len(data)), kind, data, struct.pack(">I", crc)))


def _libc_trim() -> Callable[[], object] | None:
    """glibc's malloc_trim, or None elsewhere (musl, macOS, Windows).

    Looked up in the process's own symbols: ctypes.util.find_library would run `ldconfig -p` in a
    child process, a fork of the whole build.
    """
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError, TypeError):
        return None


_TRIM = _libc_trim()
BIG_FRAME = 1 << 20  # pixels: a hall screen's frame, several megabytes of buffers


def give_back(pixels: int) -> None:
    """After a big frame, hand freed memory back to the system.

    glibc raises its mmap threshold after the first big free, so the next frames' 6 MB buffers come
    from the heap and the holes they leave stay in the process (measured: +25 MB over a hall
    screen's frames, all of it free memory that malloc_trim returns). Trimming costs well under a
    millisecond next to the 15–30 ms of a frame that size.
    """
    if _TRIM is not None and pixels >= BIG_FRAME:
        _TRIM(0)


def _mode(palette: Palette) -> str:
    return "L" if palette.smooth else "1"


def _canvas(screen: Screen, palette: Palette, size: tuple[int, int] | None = None) -> Image.Image:
    size = size or (screen.width, screen.height)
    image = Image.new(palette.mode, size, palette.background)
    if palette.mode == "P":
        image.putpalette([c for rgb in palette.colours for c in rgb])
    return image


def _drawer(image: Image.Image, palette: Palette) -> ImageDraw.ImageDraw:
    draw = ImageDraw.Draw(image)
    # "1" draws glyphs with hard on/off pixels: mono and dual screens have no in-between shades.
    draw.fontmode = "L" if palette.smooth else "1"
    return draw


def _draw_band(
    draw: ImageDraw.ImageDraw, palette: Palette, glyphs: GlyphMeasure, band: Area
) -> None:
    draw.rectangle(
        (band.x, band.y, band.x + band.width - 1, band.y + band.height - 1), fill=palette.mark
    )
    text, x, y = _band_text(glyphs, band)
    painted = glyphs.coverage(text) if palette.smooth else None
    if painted:
        layer, ink = painted
        draw.bitmap((x + ink[0], y + ink[1]), layer, fill=palette.mark_text)
    elif not palette.smooth:
        draw.text((x, y), text, font=glyphs.font, fill=palette.mark_text, anchor="ls")


def _band_text(glyphs: GlyphMeasure, band: Area) -> tuple[str, int, int]:
    """The band's words (long or short, whichever fits) and their pen position, centred in the
    band (on a 1-bit screen by Pillow's measure of the whole string, as it draws it)."""
    advance = sum(glyphs.glyph(char)[0] for char in MARK_TEXT)
    text = MARK_TEXT if advance <= band.width else MARK_SHORT
    smooth = glyphs.mode == "L"
    ink = glyphs.ink(text) if smooth else glyphs.font.getbbox(text, mode="1", anchor="ls")
    x = band.x + (band.width - int(ink[2] - ink[0])) // 2 - int(ink[0])
    y = band.y + (band.height - int(ink[3] - ink[1])) // 2 - int(ink[1])
    return text, x, y
