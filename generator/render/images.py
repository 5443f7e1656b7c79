"""Prepare content images for publishing: resize wide ones, strip EXIF (GPS included), make the
smaller and WebP copies that pages offer in `srcset`, and cache the result."""

from __future__ import annotations

import functools
import io
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Callable, Iterable, Mapping

from generator.base import hashing, slugs
from generator.base.cache import Cache, is_missing, read_sealed, write_sealed
from generator.base.hashing import digest
from generator.config import SiteConfig
from generator.model.content import Page, Site
from generator.render.routes import Routes

PROCESSOR_VERSION = "3"  # bump when the way images are prepared changes, to invalidate the cache
# The smaller copies of a photo (besides the full one, at most images.max_width): a phone at 2×
# needs ~720 px for the text column, a desktop at 1× 800 px, small cards and old phones 480 px.
WIDTHS = (480, 800)
# WebP beside each JPEG: quality 80 with method 2 is a third to a quarter of the JPEG's bytes at an
# SSIM within 0.005 of it; method 4 costs 3× the time for 5 % fewer bytes (docs/notes/photos.md).
WEBP = {"quality": 80, "method": 2}
# What the text column is wide (site.css: .wrap is 52rem with 1rem padding on each side).
COLUMN = "(min-width: 52rem) 50rem, calc(100vw - 2rem)"


class ImageProblem(ValueError):
    """An image reference that cannot be published, with a Chinese message and hint."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.message, self.hint = message, hint


class Html(str):
    """Markup that templates print as it is (Jinja honours `__html__`)."""

    def __html__(self) -> str:
        return str(self)


class ImageURL(str):
    """The URL of a published image that also knows how a page shows it: its size (so nothing
    jumps while it loads), the widths of its smaller copies and whether WebP copies sit beside it.

    It compares equal to another ImageURL only when the size and copies match too, and its repr
    shows them: a body or page made for an image of another size is made again.
    """

    width: int
    height: int
    widths: tuple[int, ...]
    webp: bool

    def __new__(cls, url: str, width: int, height: int, widths: tuple[int, ...] = (),
                webp: bool = False) -> "ImageURL":
        made = super().__new__(cls, url)
        made.width, made.height, made.webp = width, height, webp
        made.widths = tuple(widths) or (width,)
        return made

    def __reduce__(self):
        return ImageURL, (str(self), self.width, self.height, self.widths, self.webp)

    def __repr__(self) -> str:
        return f"ImageURL({str(self)!r}, {self.width}, {self.height}, {self.widths}, {self.webp})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ImageURL):
            return repr(self) == repr(other)
        return str.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = str.__hash__

    def copy_url(self, width: int, kind: str) -> str:
        """The URL of the copy `width` px wide, as JPEG (`kind` "jpg", the file's own format) or
        WebP."""
        stem, dot, suffix = str(self).rpartition(".")
        name = stem if width == self.width else f"{stem}.{width}w"
        return f"{name}.{'webp' if kind == 'webp' else suffix}" if dot else str(self)

    def srcset(self, kind: str = "jpg") -> str:
        """The `srcset` of the JPEG (or WebP) copies: "a.480w.jpg 480w, …, a.jpg 1080w"; a lone
        copy without a width (a width descriptor would need `sizes`)."""
        if len(self.widths) == 1:
            return self.copy_url(self.width, kind)
        return ", ".join(f"{self.copy_url(w, kind)} {w}w" for w in self.widths)

    def parts(self, alt: str, lazy: bool = True, sizes: str | None = None,
              css: str = "") -> list[tuple[str, dict[str, str]]]:
        """The elements that show the image, outermost first: ("picture", {}), ("source", …),
        ("img", …) when there are copies to choose from, else just ("img", …); `sizes` is how wide
        it is shown (default: the text column)."""
        sizes = sizes or COLUMN
        img = {"src": str(self), "alt": alt}
        chosen = len(self.widths) > 1 or self.webp
        if len(self.widths) > 1:
            img.update(srcset=self.srcset(), sizes=sizes)
        img.update(width=str(self.width), height=str(self.height))
        if css:
            img["class"] = css
        if lazy:
            img["loading"] = "lazy"
        img["decoding"] = "async"
        if not chosen:
            return [("img", img)]
        source = {"type": "image/webp", "srcset": self.srcset("webp"), "sizes": sizes}
        if len(self.widths) == 1:
            del source["sizes"]
        return [("picture", {}), ("source", source), ("img", img)]

    def picture(self, alt: str, lazy: bool = True, sizes: str | None = None, css: str = "") -> Html:
        """The HTML of `parts`: a <picture> with a WebP <source> and the JPEG <img>, or an <img>."""
        def tag(name: str, attrs: dict[str, str]) -> str:
            return f"<{name}" + "".join(f' {k}="{escape(v)}"' for k, v in attrs.items()) + ">"
        parts = self.parts(alt, lazy, sizes, css)
        inner = "".join(tag(name, attrs) for name, attrs in parts if name != "picture")
        return Html(f"<picture>{inner}</picture>" if parts[0][0] == "picture" else inner)


@dataclass(frozen=True)
class Plan:
    """What a source image becomes: the published size and the widths of its copies."""

    width: int
    height: int
    widths: tuple[int, ...]  # ascending, the published width last
    webp: bool

    def url(self, url: str) -> ImageURL:
        """The published URL of this image, with what pages need to show it."""
        return ImageURL(url, self.width, self.height, self.widths, self.webp)

    def names(self, rel: str) -> list[tuple[str, str]]:
        """(output path, copy name) of the image published at `rel` (name "") and of each copy;
        the names are prepare_all's."""
        probe = self.url(rel)
        found = [(rel, "")]
        for width in self.widths:
            name = "" if width == self.width else f".{width}w"
            if name:
                found.append((probe.copy_url(width, "jpg"), name + ".jpg"))
            if self.webp:
                found.append((probe.copy_url(width, "webp"), name + ".webp"))
        return found


def plan(size: tuple[int, int], orientation: int | None, fmt: str, max_width: int) -> Plan:
    """The published size of an image of `size` (as stored; EXIF `orientation`) and its copies.

    GIFs are published as they are; JPEGs get smaller copies and WebP copies; PNGs (drawings,
    screenshots, where resampling blurs text) are only capped at `max_width`.
    """
    width, height = size
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    if width > max_width and fmt != "GIF":
        width, height = max_width, max(1, round(height * max_width / width))
    if fmt != "JPEG":
        return Plan(width, height, (width,), False)
    return Plan(width, height, tuple(w for w in WIDTHS if w < width) + (width,), True)


def describe(source: Path, max_width: int) -> Plan | None:
    """The plan of an image file, read from its header only; None when it does not open."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(source) as image:
            return plan(image.size, orientation_of(image), image.format or "", max_width)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError):
        return None


@dataclass(frozen=True)
class Copies:
    """Where a build has staged the published copy of each source image (upright, at most
    `max_width` wide, without metadata), so that WeChat covers start from the site's copy of a
    photo instead of decoding the photo again.

    It names files, not bytes: it is small and picklable, so worker processes (forked or spawned)
    read the copies as the build's own process does.
    """

    max_width: int
    quality: int
    folder: Path | None = None  # the staging tree the build writes the website into
    # source → path in `folder`
    files: Mapping[Path, str] = field(default_factory=dict, hash=False)

    def of(self, source: Path) -> bytes:
        """The published copy of `source`: the file this build staged for it, else prepared now
        (ValueError when it cannot be)."""
        rel = self.files.get(source)
        if rel is not None and self.folder is not None:
            try:
                return (self.folder / rel).read_bytes()
            except OSError:
                pass  # (not staged after all): prepared below, the same bytes
        return prepare(source.read_bytes(), self.max_width, self.quality)


# Files handed to the output tree: (output path, bytes or None when the published file is
# current, key).
Staged = Iterable[tuple[str, bytes | None, str]]


@dataclass
class MediaLibrary:
    """The images a build publishes: each source file prepared once, however many pages use it.

    A source image whose size and time are as the cache last saw them is neither read nor hashed
    again, and its prepared copies are read only when a published one is not current: phone
    photos are megabytes each. An image's files go to the output tree (`stage`) when it is
    published, so the build holds no prepared copy in memory after that.
    """

    site: Site
    cfg: SiteConfig
    routes: Routes
    stage: Callable[[Staged], None]  # writes files into the output tree
    is_current: Callable[[str, str], bool]  # (output path, key): the published file is current
    cache_dir: Path | None = None  # prepared copies, by content key
    cache: Cache = field(default_factory=lambda: Cache(None, ""))  # content keys by file signature
    # output path → (content key, source file, copy name)
    files: dict[str, tuple[str, Path, str]] = field(default_factory=dict)
    _urls: dict[Path, ImageURL] = field(default_factory=dict)
    # (page folder, src) → file
    _found: dict[tuple[str, str], Path | None] = field(default_factory=dict)
    # images prepared and not yet staged: their files by copy name, by source file
    _data: dict[Path, dict[str, bytes]] = field(default_factory=dict)
    # images handed to prepare_ahead's threads (prepared, failed or on their way), by source file
    _ready: dict[Path, Future] = field(default_factory=dict)
    # images prepare_ahead will hand to its threads, in publishing order
    _waiting: dict[Path, None] = field(default_factory=dict)
    _pool: ThreadPoolExecutor | None = None
    _ending: ThreadPoolExecutor | None = None  # every photo handed out: its threads finish them
    _most: int = 0  # how many photos may be handed to the threads and not yet asked for

    def publish(self, page: Page, src: str) -> ImageURL:
        """Publish the image `src` used by `page` and return its URL; raise ImageProblem when it is
        unusable."""
        if "://" in src or src.startswith(("data:", "//")):
            raise ImageProblem(f"图片 “{src[:60]}” 来自外部网站", "把图片下载下来放进 content/images/，再写本地路径。")
        source = self._find(page, src)
        if source is None:
            raise ImageProblem(f"找不到图片 “{src}”", "图片放在文章旁边或 content/images/ 里，路径写成 images/文件名.jpg。")
        if source not in self._urls:
            rel = self.routes.media_path(self.site.content_dir, source)
            bad = next(filter(None, (slugs.problem(part) for part in rel.split("/"))), None)
            if bad:
                self._forget(source)
                raise ImageProblem(f"图片路径 “{slugs.shown(rel.removeprefix('media/'))}” {bad}",
                                   "把图片文件（和它所在的文件夹）改个名字：只用字母、数字、汉字和 -。")
            try:
                key, shape = self._key(source)
            except ValueError as exc:
                raise ImageProblem(f"图片 “{src}” {exc}", "换一张能正常打开的 JPG 或 PNG 图片。") from None
            names = shape.names(rel)
            taken = next((path for path, _ in names
                          if self.files.get(path, ("", source))[1] != source), None)
            if taken:
                self._forget(source)
                raise ImageProblem(f"图片 “{src}” 的缩小版 {taken.rpartition('/')[2]} 和另一张图片同名",
                                   "把那张图片改个名字（文件名里不要有 .480w 这样的部分）。")
            for path, name in names:
                self.files[path] = (key, source, name)
            self._urls[source] = shape.url(self.routes.url(rel))
            self._stage(key, source, names)
        return self._urls[source]

    def prepare_ahead(self, wanted: Iterable[tuple[Page, str]], jobs: int) -> None:
        """Prepare every new or changed image that the (page, src) pairs in `wanted` name, `jobs`
        at a time in threads of this process, so that `publish` finds them ready.

        Pillow lets go of the GIL while it decodes, resizes and encodes, so the threads use every
        core without copying photos into worker processes; each thread prepares one photo at a
        time, so at most `jobs` are decoded at once, and they run at most `jobs` photos ahead of
        `publish`, which hands each one's files to the output tree: memory stays flat however
        many photos a site has. What each prepares does not depend on the others, so the
        bytes are those of a one-thread build; an image that cannot be prepared raises its error
        when `publish` asks for it, in the pages' order, as it would alone.
        """
        if jobs < 2:
            return  # publish prepares them one by one
        todo: dict[Path, str] = {}
        for page, src in wanted:
            if "://" in src or src.startswith(("data:", "//")):
                continue
            source = self._find(page, src)
            if source is None or source in self._urls or source in todo:
                continue
            signature = self._signature(source)
            if signature is not None and not isinstance(
                    self.cache.get("image-keys", signature), tuple):
                todo[source] = signature
        if len(todo) < 2:
            return
        threads = min(jobs, len(todo))
        self._pool, self._most = image_threads(threads), 2 * threads
        self._waiting = dict.fromkeys(todo)
        self._hand_out()

    def _hand_out(self) -> None:
        """Keep the threads busy and at most `jobs` photos ahead of publish (per thread one photo
        in the making and one ready); let the pool go when every photo is handed out."""
        pool = self._pool
        if pool is None:
            return
        while self._waiting and len(self._ready) < self._most:
            source = next(iter(self._waiting))
            del self._waiting[source]
            self._ready[source] = pool.submit(self._fresh, source)
        if not self._waiting:
            pool.shutdown(wait=False)  # its threads finish what they have, then end
            self._pool, self._ending = None, pool

    def finish(self) -> None:
        """Wait until prepare_ahead's threads have ended (once every photo is published they
        have nothing left to do), so that the build runs alone again (see parallel.alone)."""
        if self._ending is not None:
            self._ending.shutdown(wait=True)
            self._ending = None

    def copies(self, folder: Path) -> Copies:
        """Where the published copy of each source published so far lies, `folder` being the
        staging tree `stage` writes into."""
        images = self.cfg.images
        return Copies(images.max_width, images.jpeg_quality, folder,
                      {source: rel for rel, (_key, source, name) in self.files.items() if not name})

    def _stage(self, key: str, source: Path, names: list[tuple[str, str]]) -> None:
        """Hand an image's published file and copies (`names`: output path, copy name) to the
        output tree, reading or preparing them only when one of them is not current."""
        made = self._data.pop(source, None)
        files = []
        for path, name in names:
            own = digest(key, name) if name else key
            if self.is_current(path, own):
                files.append((path, None, own))
            else:
                made = made or self._prepared(key, source)
                files.append((path, made[name], own))
        self.stage(files)

    def _forget(self, source: Path) -> None:
        """Drop what was prepared for an image publish refuses, and give its place in the threads'
        look-ahead to the next photo."""
        self._data.pop(source, None)
        self._waiting.pop(source, None)
        if self._ready.pop(source, None) is not None:
            self._hand_out()

    def _find(self, page: Page, src: str) -> Path | None:
        # pages in one folder share lookups: each costs two resolves
        where = (page.source.rpartition("/")[0], src)
        if where not in self._found:
            self._found[where] = self.site.find_image(page, src)
        return self._found[where]

    def _signature(self, source: Path) -> str | None:
        """What the cache knows a source image's content key by: its path, size and time (and how
        images are prepared); None when it cannot be read."""
        try:
            stat = source.stat()
        except OSError:
            return None
        images = self.cfg.images
        return digest(str(source), stat.st_size, stat.st_mtime_ns, images.max_width,
                      images.jpeg_quality, PROCESSOR_VERSION)

    def _key(self, source: Path) -> tuple[str, Plan]:
        """The content key and plan of a source image, preparing it (and so checking it opens)
        when it is new or changed."""
        signature = self._signature(source)
        if signature is None:
            source.stat()  # raises what it raised before prepare_ahead came
        known = self.cache.get("image-keys", signature)
        self._waiting.pop(source, None)  # (asked for before its turn: prepared below)
        ready = self._ready.pop(source, None)
        self._hand_out()
        if is_missing(known) or not isinstance(known, tuple):
            known = ready.result() if ready is not None else self._fresh(source)
        self.cache.put("image-keys", signature, known)
        return known

    def _fresh(self, source: Path) -> tuple[str, Plan]:
        """Read and prepare a source image: its content key and plan (safe in a thread: it touches
        only this image's entries)."""
        images = self.cfg.images
        raw = source.read_bytes()
        key = hashing.sha256_hex(
            raw + f"|{images.max_width}|{images.jpeg_quality}|{PROCESSOR_VERSION}".encode()
        )
        self._data[source] = self._prepared(key, source, raw)
        return key, _plan_of(raw, images.max_width)

    def _prepared(self, key: str, source: Path, raw: bytes | None = None) -> dict[str, bytes]:
        """An image's published file and copies by copy name: read from the cache folder when it
        holds them, else prepared (and kept there)."""
        cached = self.cache_dir / f"{key}.copies" if self.cache_dir else None
        # a damaged copy is prepared again
        data = read_sealed(cached, self.cache.key) if cached else None
        if data is not None:
            return _unpack(data)
        images = self.cfg.images
        made = prepare_all(source.read_bytes() if raw is None else raw, images.max_width,
                           images.jpeg_quality)
        if cached:
            write_sealed(cached, _pack(made), self.cache.key)
        return made


def image_threads(count: int) -> ThreadPoolExecutor:
    """A pool of `count` threads for Pillow work: its formats registered first (Pillow registers
    its plugins on first use, not safely from several threads) and one C heap (see one_heap)."""
    _load_codecs()
    one_heap()
    return ThreadPoolExecutor(max_workers=count)


@functools.cache
def one_heap() -> None:
    """Have the threads of this process share the C library's one heap (glibc; elsewhere nothing
    changes).

    By default glibc gives each thread a heap of its own, and what a thread frees there stays with
    that heap after the pool is done, where the phases after it (LED frames) cannot reuse it: with
    two threads preparing photos the sample site's peak went from 152 to 160 MB. The threads
    allocate a few large blocks per photo, so sharing the heap's lock costs nothing measurable.
    """
    import ctypes
    import sys

    if sys.platform.startswith("linux"):
        try:
            # the process's own symbols: ctypes.util.find_library would fork the build for ldconfig
            ctypes.CDLL(None).mallopt(-8, 1)  # M_ARENA_MAX
        except (OSError, AttributeError):  # a C library without mallopt (musl)
            pass


def _load_codecs() -> None:
    """Register the Pillow formats images are read and written in."""
    from PIL import GifImagePlugin, Image, JpegImagePlugin, PngImagePlugin, WebPImagePlugin  # noqa

    Image.preinit()


def orientation_of(image) -> int:
    """The EXIF orientation of an opened image (1 when it has none), read without decoding it.

    Pillow's getexif() on a PNG decodes every pixel to look for an eXIf chunk after them (3 ms for a
    640×480 screenshot, 3 s over the 1,000-page corpus): a PNG's orientation is read only from an
    eXIf chunk before its pixels, where PNG writers put it.
    """
    if image.format == "PNG" and "exif" not in image.info:
        return 1
    return image.getexif().get(0x0112, 1)


def _plan_of(raw: bytes, max_width: int) -> Plan:
    from PIL import Image

    with Image.open(io.BytesIO(raw)) as image:
        return plan(image.size, orientation_of(image), image.format or "", max_width)


def _pack(files: dict[str, bytes]) -> bytes:
    """Several named byte strings as one: per file, the name's and the data's length, then both."""
    out = []
    for name, data in sorted(files.items()):
        encoded = name.encode()
        out += [len(encoded).to_bytes(2, "big"), encoded, len(data).to_bytes(8, "big"), data]
    return b"".join(out)


def _unpack(blob: bytes) -> dict[str, bytes]:
    files, i = {}, 0
    while i < len(blob):
        size = int.from_bytes(blob[i:i + 2], "big")
        name = blob[i + 2:i + 2 + size].decode()
        i += 2 + size
        length = int.from_bytes(blob[i:i + 8], "big")
        files[name] = blob[i + 8:i + 8 + length]
        i += 8 + length
    return files


MAX_PIXELS = 50_000_000  # a 50-megapixel photo is already larger than any camera phone's


def prepare(raw: bytes, max_width: int, quality: int) -> bytes:
    """An image ready to publish: without metadata, upright, no wider than `max_width`; ValueError
    if unreadable.

    A JPEG that is upright and narrow enough keeps its compressed data as it is (only the metadata
    segments go, see strip_jpeg), so it loses no quality; a wider one is decoded at a reduced scale
    (JPEG draft mode) first.
    """
    return _prepare(raw, max_width, quality, copies=False)[""]


def prepare_all(raw: bytes, max_width: int, quality: int) -> dict[str, bytes]:
    """The published image (name "") and, for a JPEG, its copies from the same decode: the
    smaller JPEGs (".480w.jpg", named with the source's suffix) and the WebPs (".webp" at full
    width, ".480w.webp" …), as `plan` lists them."""
    return _prepare(raw, max_width, quality, copies=True)


def _prepare(raw: bytes, max_width: int, quality: int, copies: bool) -> dict[str, bytes]:
    # loaded only when an image is prepared (not cached)
    from PIL import Image, UnidentifiedImageError

    if not raw:
        raise ValueError("是空文件")
    try:
        # reads the header only: the size is known before any pixel
        image = Image.open(io.BytesIO(raw))
        if image.width * image.height > MAX_PIXELS:
            raise Image.DecompressionBombError(image.size)
        orientation = orientation_of(image)
        shape = plan(image.size, orientation, image.format or "", max_width)
        kept = None
        if image.format == "JPEG":
            if orientation in (1, None) and image.width <= max_width:
                kept = strip_jpeg(raw)
                if kept is not None and not copies:
                    return {"": kept}
            # one decode for every copy, at the smallest of 1/2, 1/4, 1/8 scale still ≥ the plan
            image.draft(image.mode, _stored(shape, orientation))
        image.load()
    except Image.DecompressionBombError:
        raise ValueError(f"太大（超过 {MAX_PIXELS // 1_000_000} 百万像素），可能是损坏的或恶意的 “图片炸弹”") from None
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise ValueError("打不开（文件损坏或不是图片）") from None
    if image.format == "GIF":
        return {"": raw}  # animated GIFs would lose frames; GIF carries no EXIF
    return _encode_all(image, orientation, shape, quality, kept, copies)


def _stored(shape: Plan, orientation: int | None) -> tuple[int, int]:
    """The plan's size as the file stores it (before EXIF turns it)."""
    turned = orientation in (5, 6, 7, 8)
    return (shape.height, shape.width) if turned else (shape.width, shape.height)


def _encode_all(image, orientation, shape: Plan, quality: int, kept: bytes | None,
                copies: bool) -> dict[str, bytes]:
    """Turn, resize and encode a decoded image into the published file and its copies."""
    from PIL import Image, ImageOps

    fmt = image.format
    if orientation not in (1, None):  # phones store rotation in EXIF, which we are about to drop
        image = ImageOps.exif_transpose(image)
    # the colour profile goes with the copies only where the published file keeps it (lossless)
    icc = image.info.get("icc_profile") if kept is not None else None
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image, icc = image.convert("RGB"), None  # CMYK and YCCK: once, before any resizing
    if fmt == "JPEG":
        # Pillow writes the decoded file's comment and XMP (where phones put places) into what it
        # saves from it: nothing of them may go on. (A PNG keeps its info: its transparency.)
        image.info = {}
    # After draft decoding a photo is at most twice the target: Hamming is as sharp as Lanczos
    # there and costs half as much.
    resample = Image.Resampling.HAMMING if fmt == "JPEG" else Image.Resampling.LANCZOS
    if image.size != (shape.width, shape.height):
        image = image.resize((shape.width, shape.height), resample)
    if fmt != "JPEG":
        out = io.BytesIO()
        image.save(out, "PNG", optimize=True)
        return {"": out.getvalue()}
    files = {"": kept if kept is not None else _jpeg(image, quality)}
    if not copies:
        return files
    for width in shape.widths:
        small = image if width == shape.width else image.resize(
            (width, max(1, round(shape.height * width / shape.width))), resample)
        name = "" if width == shape.width else f".{width}w"
        if name:
            files[name + ".jpg"] = _jpeg(small, quality, icc)
        out = io.BytesIO()
        small.save(out, "WEBP", icc_profile=icc if icc and small.mode == "RGB" else b"", **WEBP)
        files[name + ".webp"] = out.getvalue()
    return files


def _jpeg(image, quality: int, icc: bytes | None = None) -> bytes:
    """Baseline JPEG with optimized Huffman tables: progressive costs twice the time for 1–3 %
    fewer bytes."""
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True, icc_profile=icc or b"")
    return out.getvalue()


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
    when the file does not parse as a JPEG (the caller then decodes and re-encodes it)."""
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
