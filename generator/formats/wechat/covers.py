"""Cover images for the 公众号: a 2.35:1 and a 1:1 crop around the focus point, plus the API's crop
strings."""

from __future__ import annotations

import io
import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError

from generator.model.content import Page, Site
from generator.render.images import Copies, image_threads
from generator.render.markdown import Rendered
from generator.formats.led import layout
from generator.formats.led.layout import Unfittable

WIDE = (900, 383)  # 2.35:1, the size the editor's big cover crop produces
SQUARE = (500, 500)  # the small 1:1 cover, at the largest size reported for it (research §2)
DRAWN = (900, 500)  # a drawn cover: both crops share its central 500×383 area, where the title goes
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "C:/Windows/Fonts/msyhbd.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)


@dataclass(frozen=True)
class Covers:
    """The cover files (name → JPEG bytes) and the crop strings that describe them inside
    `cover.jpg`."""

    files: dict[str, bytes]
    crop_235_1: str
    crop_1_1: str
    drawn: bool = False
    upscaled: bool = False  # the source was smaller than a crop: the cover will look soft


Box = tuple[int, int, int, int]


def crop_box(size: tuple[int, int], ratio: float, focus: tuple[float, float]) -> Box:
    """The largest box of the given width/height ratio inside `size`, centred on `focus` and kept
    inside the image."""
    width, height = size
    if width / height > ratio:
        box_w, box_h = round(height * ratio), height
    else:
        box_w, box_h = width, round(width / ratio)
    left = _clamp(round(focus[0] * width - box_w / 2), 0, width - box_w)
    top = _clamp(round(focus[1] * height - box_h / 2), 0, height - box_h)
    return left, top, left + box_w, top + box_h


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(value, high))


def crop_string(box: Box, size: tuple[int, int]) -> str:
    """A box as the API's normalized X1_Y1_X2_Y2, at most 6 decimals and no trailing zeros."""
    width, height = size
    values = (box[0] / width, box[1] / height, box[2] / width, box[3] / height)
    return "_".join(_decimal(v) for v in values)


def _decimal(value: float) -> str:
    text = f"{min(max(value, 0.0), 1.0):.6f}".rstrip("0").rstrip(".")
    return text or "0"


def choose_source(page: Page, rendered: Rendered, site: Site) -> tuple[Path | None, tuple]:
    """The picture covers are cut from: the cover, else a story's photo, an activity's first photo,
    the first body image."""
    meta = page.meta
    candidates = [(meta.cover, ("cover",))]
    if page.type == "story":
        candidates.append((meta.photo, ("photo",)))
    if page.type == "activity" and meta.photos:
        candidates.append((meta.photos[0].src, ("photos", 0)))
    candidates += [(ref.src, ()) for ref in rendered.images[:1]]
    for src, keys in candidates:
        found = site.find_image(page, src) if src else None
        if found is not None:
            return found, keys
    return None, ("cover",)


def default_focus(size: tuple[int, int]) -> tuple[float, float]:
    """Where to centre crops when the page sets no cover_focus: the middle, or the upper third of
    an upright photo."""
    width, height = size
    return (0.5, 1 / 3) if height > width else (0.5, 0.5)


@dataclass
class Cutter:
    """The cover cutter of one build: it cuts each page's covers from the site's published copy of
    the page's photo (`copies`), so a phone photo is decoded at draft scale once for the site and
    its covers, and it hands out the covers `cut_ahead` has cut in threads.

    A copy sent to a worker process leaves the covers cut ahead behind (they belong to this
    process's threads); the copies it reads are files, which a forked or spawned worker reads too.
    """

    copies: Copies
    # (photo, focus) → [the cut, how many pages still want it] (pages may share a photo)
    _ahead: dict[tuple, list] = field(default_factory=dict, init=False, repr=False)

    @classmethod
    def alone(cls, max_width: int, quality: int) -> "Cutter":
        """A cutter with no build behind it: each photo is prepared as the site would publish it."""
        return cls(Copies(max_width, quality))

    def __getstate__(self) -> dict:
        return {"copies": self.copies, "_ahead": {}}

    def cut_ahead(self, wanted: list[tuple[Path, tuple[float, ...]]], jobs: int) -> None:
        """Cut the covers of these (photo, focus) pairs `jobs` at a time in threads of this
        process, for from_image to hand out: Pillow lets go of the GIL while it decodes, resizes
        and encodes. The covers are those from_image cuts alone, and its errors are raised when it
        asks."""
        todo = Counter((source, tuple(focus)) for source, focus in wanted)
        if jobs < 2 or len(todo) < 2:
            return
        with image_threads(min(jobs, len(todo))) as pool:
            self._ahead.update(
                ((source, focus), [pool.submit(self._cut_photo, source, focus), uses])
                for (source, focus), uses in todo.items())

    def from_image(self, source: Path, focus: tuple[float, ...]) -> Covers:
        """Cut both covers from a photo; `cover.jpg` is the site's published copy of it (upright,
        at most images.max_width wide, EXIF removed), which the crop strings refer to.

        A JPEG copy is `cover.jpg` byte for byte, and the crops come from decoding that small
        copy."""
        key = (source, tuple(focus))
        ahead = self._ahead.get(key)
        if ahead is None:
            return self._cut_photo(source, focus)
        ahead[1] -= 1
        if ahead[1] <= 0:
            del self._ahead[key]
        return ahead[0].result()

    def _cut_photo(self, source: Path, focus: tuple[float, ...]) -> Covers:
        try:
            data = self.copies.of(source)
        except (ValueError, OSError) as exc:
            raise ValueError(f"封面图 {source.name} 太大" if "太大" in str(exc)
                             else f"打不开封面图 {source.name}") from None
        base = _open(data, source.name)
        point = (focus[0], focus[1]) if len(focus) == 2 else default_focus(base.size)
        thumb = data if data[:2] == b"\xff\xd8" else None
        return _cut(base, point, self.copies.quality, drawn=False, thumb=thumb)


def _open(data: bytes, name: str) -> Image.Image:
    """Decode a published copy (already upright and without metadata) flattened onto white RGB."""
    try:
        with Image.open(io.BytesIO(data)) as raw:
            raw.load()
            image = raw.copy() if raw.mode in ("RGB", "RGBA", "LA", "P") else raw.convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as exc:
        raise ValueError(f"打不开封面图 {name}") from exc
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        flat = Image.new("RGB", image.size, "#ffffff")
        flat.paste(image, mask=image.getchannel("A"))
        return flat
    return image


def _cut(base: Image.Image, focus: tuple[float, float], quality: int, drawn: bool,
         thumb: bytes | None = None) -> Covers:
    wide_box = crop_box(base.size, WIDE[0] / WIDE[1], focus)
    square_box = crop_box(base.size, 1.0, focus)
    files = {
        "cover.jpg": thumb or _jpeg(base, quality),
        "cover-235.jpg": _jpeg(_resized(base.crop(wide_box), WIDE), quality),
        "cover-1.jpg": _jpeg(_resized(base.crop(square_box), SQUARE), quality),
    }
    upscaled = wide_box[2] - wide_box[0] < WIDE[0] or square_box[2] - square_box[0] < SQUARE[0]
    return Covers(
        files, crop_string(wide_box, base.size), crop_string(square_box, base.size), drawn, upscaled
    )


def _resized(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    return image if image.size == size else image.resize(size, Image.Resampling.LANCZOS)


def _jpeg(image: Image.Image, quality: int) -> bytes:
    """Encode without EXIF, ICC or comments; the same pixels always give the same bytes."""
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True, progressive=True, subsampling=2)
    return out.getvalue()


def find_font(extra: tuple[Path, ...] = ()) -> Path | None:
    """The first CJK font available: the configured one first, then common system fonts."""
    for candidate in (*extra, *(Path(p) for p in FONT_CANDIDATES)):
        if candidate.is_file():
            return candidate
    return None


def drawn(
    title: str, account: str, accent: str, font: Path, quality: int, keep: tuple[str, ...] = ()
) -> Covers:
    """A plain branded cover for pages without a picture: the title in white on the account colour,
    broken between phrases (never inside a name in `keep`)."""
    image = Image.new("RGB", DRAWN, accent)
    draw = ImageDraw.Draw(image)
    safe_left, safe_top = (DRAWN[0] - SQUARE[0]) // 2 + 30, (DRAWN[1] - WIDE[1]) // 2 + 30
    safe_w, safe_h = SQUARE[0] - 60, WIDE[1] - 60  # inside both crops, with a margin
    size, lines = _fit_title(title, font, safe_w, safe_h - 60, keep)
    face = ImageFont.truetype(str(font), size)
    line_h = round(size * 1.35)
    top = safe_top + (safe_h - 60 - line_h * len(lines)) // 2
    for number, line in enumerate(lines):
        draw.text(
            (DRAWN[0] // 2, top + number * line_h), line, font=face, fill="#ffffff", anchor="ma"
        )
    small = ImageFont.truetype(str(font), 24)
    draw.line(
        (safe_left + 150, safe_top + safe_h - 48, safe_left + safe_w - 150, safe_top + safe_h - 48),
        fill="#ffffff",
        width=2,
    )
    draw.text(
        (DRAWN[0] // 2, safe_top + safe_h - 34), account, font=small, fill="#ffffff", anchor="ma"
    )
    return _cut(image, (0.5, 0.5), quality, drawn=True)


def _fit_title(
    title: str, font: Path, width: int, height: int, keep: tuple[str, ...] = ()
) -> tuple[int, list[str]]:
    """The largest font size (56 down to 24 px) at which the wrapped title fits the box."""
    lines: list[str] = [title]
    for size in range(56, 23, -4):
        face = ImageFont.truetype(str(font), size)
        try:
            lines = wrap(title, lambda text: face.getlength(text), width, keep)
        except Unfittable:
            continue
        if len(lines) * round(size * 1.35) <= height:
            return size, lines
    return 24, lines[: height // round(24 * 1.35)]


def wrap(text: str, measure, width: float, keep: tuple[str, ...] = ()) -> list[str]:
    """Break a title into even lines no wider than `width`, between phrases (the LED breaker: GB/T
    15834 punctuation rules, names in `keep` and common words whole)."""
    return layout.wrap(text, lambda part: math.ceil(measure(part)), int(width), keep=keep)
