"""Prepare content images for publishing: resize wide ones, strip EXIF (GPS included), cache the
result."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from generator.base import slugs
from generator.base.cache import Cache, digest, is_missing, read_sealed, write_sealed
from generator.config import SiteConfig
from generator.model.content import Page, Site
from generator.render.routes import Routes

PROCESSOR_VERSION = "2"  # bump when the way images are prepared changes, to invalidate the cache


class ImageProblem(ValueError):
    """An image reference that cannot be published, with a Chinese message and hint."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.message, self.hint = message, hint


@dataclass
class MediaLibrary:
    """The images a build publishes: each source file prepared once, however many pages use it.

    A source image whose size and time are as the cache last saw them is neither read nor hashed
    again, and its
    prepared copy is read only when the published one is not current: phone photos are megabytes
    each.
    """

    site: Site
    cfg: SiteConfig
    routes: Routes
    cache_dir: Path | None = None  # prepared copies, by content key
    cache: Cache = field(default_factory=lambda: Cache(None, ""))  # content keys by file signature
    # output path → (content key, source file)
    files: dict[str, tuple[str, Path]] = field(default_factory=dict)
    _urls: dict[Path, str] = field(default_factory=dict)
    # (page folder, src) → file
    _found: dict[tuple[str, str], Path | None] = field(default_factory=dict)
    # prepared bytes by key, when there is no cache folder
    _data: dict[str, bytes] = field(default_factory=dict)

    def publish(self, page: Page, src: str) -> str:
        """Publish the image `src` used by `page` and return its URL; raise ImageProblem when it is
        unusable."""
        if "://" in src or src.startswith(("data:", "//")):
            raise ImageProblem(f"图片 “{src[:60]}” 来自外部网站", "把图片下载下来放进 content/images/，再写本地路径。")
        # pages in one folder share lookups: each costs two resolves
        where = (page.source.rpartition("/")[0], src)
        if where not in self._found:
            self._found[where] = self.site.find_image(page, src)
        source = self._found[where]
        if source is None:
            raise ImageProblem(f"找不到图片 “{src}”", "图片放在文章旁边或 content/images/ 里，路径写成 images/文件名.jpg。")
        if source not in self._urls:
            rel = self.routes.media_path(self.site.content_dir, source)
            bad = next(filter(None, (slugs.problem(part) for part in rel.split("/"))), None)
            if bad:
                raise ImageProblem(f"图片路径 “{slugs.shown(rel.removeprefix('media/'))}” {bad}",
                                   "把图片文件（和它所在的文件夹）改个名字：只用字母、数字、汉字和 -。")
            try:
                key = self._key(source)
            except ValueError as exc:
                raise ImageProblem(f"图片 “{src}” {exc}", "换一张能正常打开的 JPG 或 PNG 图片。") from None
            self.files[rel] = (key, source)
            self._urls[source] = self.routes.url(rel)
        return self._urls[source]

    def outputs(
        self, is_current: Callable[[str, str], bool]
    ) -> Iterator[tuple[str, bytes | None, str]]:
        """(output path, prepared bytes or None when the published copy is current, key) of every
        image."""
        for rel, (key, source) in sorted(self.files.items()):
            yield rel, None if is_current(rel, key) else self._prepared(key, source), key

    def _key(self, source: Path) -> str:
        """The content key of a source image, preparing it (and so checking it opens) when it is
        new or changed."""
        stat = source.stat()
        signature = digest(str(source), stat.st_size, stat.st_mtime_ns, self.cfg.images.max_width,
                           self.cfg.images.jpeg_quality, PROCESSOR_VERSION)
        key = self.cache.get("image-keys", signature)
        if is_missing(key):
            raw = source.read_bytes()
            key = hashlib.sha256(
                raw + f"|{self.cfg.images.max_width}|{self.cfg.images.jpeg_quality}|"
                f"{PROCESSOR_VERSION}".encode()
            ).hexdigest()
            self._prepared(key, source, raw)
        self.cache.put("image-keys", signature, key)
        return key

    def _prepared(self, key: str, source: Path, raw: bytes | None = None) -> bytes:
        if key in self._data:
            return self._data[key]
        cached = self.cache_dir / f"{key}{source.suffix.lower()}" if self.cache_dir else None
        # a damaged copy is prepared again
        data = read_sealed(cached, self.cache.key) if cached else None
        if data is not None:
            return data
        data = prepare(
            source.read_bytes() if raw is None else raw,
            self.cfg.images.max_width,
            self.cfg.images.jpeg_quality,
        )
        if cached:
            write_sealed(cached, data, self.cache.key)
        else:
            self._data[key] = data
        return data


MAX_PIXELS = 50_000_000  # a 50-megapixel photo is already larger than any camera phone's


def prepare(raw: bytes, max_width: int, quality: int) -> bytes:
    """An image ready to publish: without metadata, upright, no wider than `max_width`; ValueError
    if unreadable.

    A JPEG that is upright and narrow enough keeps its compressed data as it is (only the metadata
    segments go,
    see strip_jpeg), so it loses no quality; a wider one is decoded at a reduced scale (JPEG draft
    mode) first.
    """
    # loaded only when an image is prepared (not cached)
    from PIL import Image, ImageOps, UnidentifiedImageError

    if not raw:
        raise ValueError("是空文件")
    try:
        # reads the header only: the size is known before any pixel
        image = Image.open(io.BytesIO(raw))
        if image.width * image.height > MAX_PIXELS:
            raise Image.DecompressionBombError(image.size)
        if image.format == "JPEG":
            fast = _lossless(image, raw, max_width)
            if fast is not None:
                return fast
            _draft(image, max_width)
        image.load()
    except Image.DecompressionBombError:
        raise ValueError(f"太大（超过 {MAX_PIXELS // 1_000_000} 百万像素），可能是损坏的或恶意的 “图片炸弹”") from None
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise ValueError("打不开（文件损坏或不是图片）") from None
    if image.format == "GIF":
        return raw  # animated GIFs would lose frames; GIF carries no EXIF
    fmt = "PNG" if image.format == "PNG" else "JPEG"
    # phones store rotation in EXIF, which we are about to drop
    image = ImageOps.exif_transpose(image)
    if image.width > max_width:
        height = round(image.height * max_width / image.width)
        # After draft decoding the image is at most twice the target: Hamming is as sharp as
        # Lanczos there
        # and costs half as much.
        image = image.resize((max_width, height), Image.Resampling.HAMMING if fmt == "JPEG" else
                             Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if fmt == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    else:
        image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _upright_width(image) -> tuple[int, bool]:
    """The width the image has when shown upright, and whether EXIF asks for it to be turned or
    mirrored."""
    orientation = image.getexif().get(0x0112, 1)
    return (image.height if orientation in (5, 6, 7, 8) else image.width), orientation not in (
        1,
        None,
    )


def _lossless(image, raw: bytes, max_width: int) -> bytes | None:
    """The JPEG with its metadata removed and its pixels untouched, when it needs neither turning
    nor resizing."""
    width, turned = _upright_width(image)
    if turned or width > max_width:
        return None
    return strip_jpeg(raw)


def _draft(image, max_width: int) -> None:
    """Ask the JPEG decoder for the smallest of 1/2, 1/4, 1/8 scale that is still at least the
    target size."""
    width, _ = _upright_width(image)
    if width > max_width:
        scale = max_width / width
        image.draft(
            image.mode, (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        )


# APPn segments a JPEG still needs without its metadata: JFIF (pixel density), the ICC colour
# profile (kept on
# purpose: without it a wide-gamut phone photo shows the wrong colours; it describes colours, not
# the person or
# place) and Adobe's (which says how CMYK/YCCK colours are stored). Every other APPn (EXIF with GPS,
# XMP, IPTC,
# MPF with its embedded preview, makers' notes) and COM goes, and so does anything after the
# image's end.
_KEEP_APP = {0xE0: (b"JFIF\0", b"JFXX\0"), 0xE2: (b"ICC_PROFILE\0",), 0xEE: (b"Adobe",)}
_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM and RST0–7 carry no length


def strip_jpeg(raw: bytes) -> bytes | None:
    """The JPEG's bytes without metadata segments, its compressed image data copied unchanged; None
    when the file
    does not parse as a JPEG (the caller then decodes and re-encodes it)."""
    if raw[:2] != b"\xff\xd8":
        return None
    out, i, end = [b"\xff\xd8"], 2, len(raw)
    while i + 1 < end:
        if raw[i] != 0xFF:
            return None
        marker = raw[i + 1]
        if marker == 0xFF:  # fill byte before a marker
            i += 1
            continue
        if marker == 0xD9:  # end of image
            out.append(b"\xff\xd9")
            return b"".join(out)
        if marker in _STANDALONE:
            out.append(raw[i:i + 2])
            i += 2
            continue
        if i + 4 > end:
            return None
        length = int.from_bytes(raw[i + 2:i + 4], "big")
        segment_end = i + 2 + length
        if length < 2 or segment_end > end:
            return None
        body = raw[i + 4:segment_end]
        keep = _KEEP_APP.get(marker)
        drop = marker == 0xFE or (0xE0 <= marker <= 0xEF and not (keep and body.startswith(keep)))
        if not drop:
            out.append(raw[i:segment_end])
        i = segment_end
        # start of scan: entropy-coded data up to the next marker (not 00 stuffing, not RST)
        if marker == 0xDA:
            scan_end = _scan_end(raw, i)
            out.append(raw[i:scan_end])
            i = scan_end
    return None


def _scan_end(raw: bytes, i: int) -> int:
    """Where the entropy-coded data that starts at i ends: at the first 0xFF that begins a real
    marker."""
    while True:
        i = raw.find(b"\xff", i)
        if i < 0 or i + 1 >= len(raw):
            return len(raw)
        following = raw[i + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
            i += 1 if following == 0xFF else 2
            continue
        return i
