"""The LED output: every screen's frames, playlist.json, playlist.txt and offline player, from the
site's pages."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from functools import partial
from datetime import date, datetime
from pathlib import Path
from typing import Callable

import PIL

from generator.base import hashing
from generator.base.cache import read_sealed, secret, write_sealed
from generator.config import Screen, SiteConfig
from generator.model.content import Page, Site
from generator.base.errors import SiteError, error, warning
from generator.model.fields import parse_window
from generator.formats.led import raster
from generator.formats.led.fonts import FontBook, FontChoice, find_font
from generator.formats.led.metrics import GlyphMeasure
from generator.formats.led.layout import LAYOUT_VERSION, Box, Fitted, Unfittable, fit, fit_many
from generator.formats.led.player import render_player
from generator.formats.led.playlist import (
    LED_COLOUR_NAMES,
    LoopItem,
    ScreenLoop,
    ScrollImage,
    loop_total,
    playlist_data,
    playlist_json,
    playlist_text,
)
from generator.formats.led.slides import Expired, SlideSpec, collect, screens_for
from generator.render.templates import Templates

__all__ = ["LedResult", "LoopItem", "ScreenLoop", "ScrollImage", "render_led"]


@dataclass
class LedResult:
    """What the LED output produced: files under the output root, one loop per screen, problems and
    work done."""

    files: dict[str, bytes] = field(default_factory=dict)
    loops: list[ScreenLoop] = field(default_factory=list)
    problems: list[SiteError] = field(default_factory=list)
    frames_drawn: int = 0  # frames actually drawn this build (not found in this build or the cache)
    # pages that left the loops, for the playlist report
    expired: list[Expired] = field(default_factory=list)


@dataclass
class _Run:
    """What one render shares across screens: the site, loaded fonts, the frame cache and the
    result so far."""

    site: Site
    unreviewed: frozenset[str]
    cache_dir: Path | None
    result: LedResult
    templates: Templates
    max_share: float = 0.25
    # this build's frames by key: one drawing per key
    frames: dict[str, bytes] = field(default_factory=dict)
    # the slide photos, each decoded once and fitted for every screen (see raster.Photos)
    photos: raster.Photos = field(default_factory=raster.Photos)
    secret: bytes = field(default_factory=secret)  # seals the cache files (see base/cache.py)


@dataclass(frozen=True)
class _Target:
    """One screen being rendered, with its font and palette."""

    screen: Screen
    font: FontChoice
    palette: raster.Palette
    book: FontBook
    # (size, exact) → GlyphMeasure or PillowMeasure, whose memory of glyphs and lines is reused
    measures: dict = field(default_factory=dict)

    def font_at(self, size: int):
        """The Pillow font at a pixel size."""
        return self.book.get(self.font.face_for(size), size)

    def measure_at(self, size: int, exact: bool = False):
        """The layout's measure at a pixel size, shared by every slide of this screen: glyph
        metrics measured once per size, or (exact) Pillow's measurement of whole strings.

        No font is kept open here: the book closes sizes not in use (see fonts.FontBook), and the
        measure does not refer back to the target, so the screen's glyphs go with it. The fitting
        asks a size for the characters it needs all at once (layout.fit_many).
        """
        key = (size, exact)
        found = self.measures.get(key)
        if found is None:
            found = self.measures[key] = (
                raster.PillowMeasure(self.font_at(size), self.palette.smooth, True)
                if exact
                else GlyphMeasure(partial(self.font_at, size), self.palette.smooth)
            )
        return found

    def fit(self, paragraphs: tuple[str, ...], box: Box, keep: tuple[str, ...] = ()) -> Fitted:
        """Lay out one slide (see fit_all); Unfittable when it cannot fit."""
        fitted = self.fit_all([(paragraphs, box, keep)])[0]
        if isinstance(fitted, Unfittable):
            raise fitted
        return fitted

    def fit_all(self, slides: list[tuple[tuple[str, ...], Box, tuple[str, ...]]]
                ) -> list[Fitted | Unfittable]:
        """Lay out slides (paragraphs, box, kept names) together, each size visited once.

        Each layout is then checked against Pillow's own measurement of its lines, and laid out
        again exactly where they differ. While the font of its size is open for that check, the
        glyphs its frames will paste are drawn too, so the drawing opens no font again. A slide is
        checked as soon as it is fitted when its size is still open, the others at the end, one
        size at a time.
        """
        screen, checked = self.screen, {}

        def check(number: int, fitted: Fitted | Unfittable) -> None:
            if isinstance(fitted, Fitted) and self.book.is_open(self.font.face_for(fitted.size),
                                                                 fitted.size):
                checked[number] = self._checked(slides[number], fitted)

        results = fit_many([(list(p), box, keep) for p, box, keep in slides], self.measure_at,
                           screen.font_size, screen.min_font_size, check)
        later = [n for n, fitted in enumerate(results) if isinstance(fitted, Fitted)
                 and n not in checked]
        for number in sorted(later, key=lambda n: -results[n].size):
            checked[number] = self._checked(slides[number], results[number])
        return [checked.get(number, fitted) for number, fitted in enumerate(results)]

    def _checked(self, slide: tuple[tuple[str, ...], Box, tuple[str, ...]], fitted: Fitted
                 ) -> Fitted | Unfittable:
        """The layout when Pillow measures its lines within the box too (its glyphs drawn for the
        frames), else the slide laid out exactly."""
        lines = tuple(line for frame in fitted.frames for line in frame)
        if not raster.lines_fit(self.font_at(fitted.size), self.palette, lines, slide[1].width):
            return self._exact(*slide)
        if self.palette.smooth:
            self.measure_at(fitted.size).masks("".join(lines))
        return fitted

    def _exact(self, paragraphs: tuple[str, ...], box: Box, keep: tuple[str, ...]
               ) -> Fitted | Unfittable:
        """A slide laid out with Pillow measuring every string (when glyph sums were off)."""
        screen = self.screen
        try:
            return fit(list(paragraphs), lambda size: self.measure_at(size, exact=True), box,
                       screen.font_size, screen.min_font_size, keep)
        except Unfittable as exc:
            return exc


def render_led(site: Site, cfg: SiteConfig, *, now: datetime, build_id: str,
               templates: Templates, unreviewed: frozenset[str] = frozenset(),
               cache_dir: Path | None = None) -> LedResult:
    """Draw every screen's frames and write its playlists and player; content problems come back as
    SiteErrors."""
    result = LedResult()
    specs, problems = collect(site, cfg, now.date(), result.expired)
    result.problems.extend(problems)
    wanted = _screens_by_page(specs, site, cfg, result.problems)
    fonts: dict[tuple[str, str], FontChoice | SiteError] = {}
    screens = []
    for screen in cfg.led.screens:
        key = (screen.font, cfg.led.font)
        if key not in fonts:
            fonts[key] = find_font(screen, cfg)
            if isinstance(fonts[key], SiteError):
                result.problems.append(fonts[key])
        if isinstance(fonts[key], FontChoice):
            shown = [
                s
                for s in specs
                if screen.name in wanted[s.page.source] and (screen.full_letters or not s.full_text)
            ]
            screens.append((screen, fonts[key], shown))
    # The largest screen first: it decodes each photo at the size it needs, and the smaller
    # screens get their copies from that decode. The loops are listed in the config's order.
    order = {screen.name: number for number, (screen, _, _) in enumerate(screens)}
    screens.sort(key=lambda s: -s[0].width * s[0].height)
    each = [_photo_areas(site, screen, shown, unreviewed) for screen, _, shown in screens]
    coming = [_union(each[number:]) for number in range(len(each) + 1)]
    photos = raster.Photos(coming[0])
    run = _Run(site, unreviewed, cache_dir, result, templates, cfg.led.max_share, photos=photos)
    for number, (screen, font, shown) in enumerate(screens):
        photos.keep_only(coming[number], coming[number + 1])
        # Each screen loads its own sizes: a CJK face costs 2–3 MB, and a screen's sizes are
        # needed only while it is drawn (the whole sample site held 600 MB of faces when they
        # were kept for all screens).
        target = _Target(screen, font, raster.palette_for(screen), FontBook())
        _render_screen(run, target, shown, now.date(), build_id)
    result.loops.sort(key=lambda loop: order[loop.name])
    result.files = dict(sorted(result.files.items(),
                               key=lambda item: order[item[0].split("/", 2)[1]]))
    result.problems.sort(key=SiteError.sort_key)
    return result


def _photo_areas(site: Site, screen: Screen, shown: list[SlideSpec], unreviewed: frozenset[str]
                 ) -> dict[Path, set[tuple[int, int]]]:
    """For each slide photo, the size of every photo area this screen will fit it into."""
    areas: dict[Path, set[tuple[int, int]]] = {}
    for spec in shown:
        photo, layout = _slide_layout(site, spec, screen, unreviewed)
        if photo is not None and layout.photo is not None:
            areas.setdefault(photo, set()).add((layout.photo.width, layout.photo.height))
    return areas


def _union(areas: list[dict[Path, set[tuple[int, int]]]]) -> dict[Path, set[tuple[int, int]]]:
    joined: dict[Path, set[tuple[int, int]]] = {}
    for found in areas:
        for photo, sizes in found.items():
            joined.setdefault(photo, set()).update(sizes)
    return joined


def _slide_layout(site: Site, spec: SlideSpec, screen: Screen, unreviewed: frozenset[str]):
    """The slide's photo on this screen (or None) and the frame's layout around it."""
    photo = _photo_path(site, spec, screen)
    layout = raster.plan(screen, photo=raster.photo_size(photo) if photo else None,
                         marked=spec.page.source in unreviewed)
    return photo, layout


def _screens_by_page(
    specs: list[SlideSpec], site: Site, cfg: SiteConfig, problems: list[SiteError]
) -> dict[str, set]:
    """For each page with slides, the names of the screens it shows on (unknown names reported once)
    ."""
    wanted: dict[str, set] = {}
    for spec in specs:
        if spec.page.source not in wanted:
            screens, found = screens_for(spec.page, cfg, site.content_dir)
            problems.extend(found)
            wanted[spec.page.source] = {s.name for s in screens}
    return wanted


def _render_screen(
    run: _Run, target: _Target, specs: list[SlideSpec], today: date, build_id: str
) -> None:
    """One screen's frames, scrolling image, playlist files and player, added to the result."""
    screen = target.screen
    width, height = screen.size
    loop = ScreenLoop(
        screen.name, screen.title, width, height, screen.colour, rotation=screen.rotation
    )
    files: dict[str, bytes] = {}
    # every slide laid out first, all together (each font size opened once), then drawn
    planned = [_slide_layout(run.site, spec, screen, run.unreviewed) for spec in specs]
    boxes = [Box(layout.text.width, layout.text.height, one_line=screen.is_strip)
             for _, layout in planned]
    fitted = _fitted(run, target, [(spec.paragraphs, box, spec.keep)
                                   for spec, box in zip(specs, boxes)])
    drawn = [(spec, data) for spec, (photo, layout), laid in zip(specs, planned, fitted)
             for data in _slide_frames(run, target, spec, photo, layout, laid)]
    per_page = Counter(spec.page.source for spec, _ in drawn)
    seen: Counter = Counter()
    for spec, (key, data) in drawn:
        page = spec.page
        seen[page.source] += 1
        name = f"frames/{page.slug}-{seen[page.source]}-{key[:10]}.png"
        files[name] = data
        total = per_page[page.source]
        title = page.title if total == 1 else f"{page.title}（{seen[page.source]}/{total}）"
        loop.items.append(_loop_item(name, title, page, screen))
    loop.total_ms = loop_total(loop.items)
    run.result.problems.extend(_hogs(run, screen, loop))
    loop.scroll = _scroll(run, target, specs, today, files)
    data = playlist_data(loop, files, build_id)
    files["playlist.json"] = playlist_json(data)
    gone = [(e.page.title, e.page.source, e.ended, e.reason) for e in run.result.expired]
    files["playlist.txt"] = playlist_text(loop, data, _colour_note(screen), gone)
    files["index.html"] = render_player(loop, data, run.templates)
    run.result.files.update({f"led/{screen.name}/{rel}": files[rel] for rel in sorted(files)})
    run.result.loops.append(loop)


def _hogs(run: _Run, screen: Screen, loop: ScreenLoop) -> list[SiteError]:
    """A warning for each article that takes more than led.max_share of a loop (when others share
    the loop); a slogan file is many short slides by design, not one article."""
    slogans = {p.source for p in run.site.pages if p.type == "slide"}
    ordinary = [item for item in loop.items if not item.emergency and item.source not in slogans]
    by_page = Counter()
    for item in ordinary:
        by_page[item.source] += item.duration_ms
    if len(by_page) + bool(slogans) < 2 or not loop.total_ms:
        return []
    share = run.max_share
    found = []
    for source, ms in sorted(by_page.items()):
        if ms > share * loop.total_ms:
            count = sum(1 for item in ordinary if item.source == source)
            found.append(
                warning(
                    run.site.content_dir / source,
                    1,
                    f"“{source}” 在屏幕 “{screen.title or screen.name}” 上有 {count} 幅、{ms / 1000:g} 秒，"
                    f"占一轮 {loop.total_ms / 1000:g} 秒的 {ms * 100 // loop.total_ms}%"
                    f"（上限 {share * 100:g}%）",
                    "在文件头写 led: {text: [...]} 只放一两句，或用 led.screens 不上这块屏；"
                    "上限在 site_config.yaml 的 led.max_share。",
                    code="led.share",
                )
            )
    return found


def _slide_frames(run: _Run, target: _Target, spec: SlideSpec, photo: Path | None,
                  layout: raster.Layout, fitted: Fitted | Unfittable) -> list[tuple[str, bytes]]:
    """The frames of one laid-out slide on one screen as (content key, PNG bytes); none, with a
    problem, when it cannot fit."""
    screen, palette = target.screen, target.palette
    if isinstance(fitted, Unfittable):
        run.result.problems.append(_unfittable(run.site, spec, screen, fitted))
        return []
    face = target.font.face_for(fitted.size)
    common = (
        screen.width,
        screen.height,
        screen.rotation,
        palette,
        face.digest,
        face.index,
        fitted.size,
        fitted.ink_top,
        fitted.ink_bottom,
        fitted.gap,
        layout,
        hashing.file_sha256(photo) if photo else "",
    )
    out, start = [], 0
    for lines in fitted.frames:
        heading = max(0, min(len(lines), fitted.heading_lines - start))
        start += len(lines)
        draw = (lambda lines=lines, heading=heading: raster.draw_frame(
            screen, palette, target.measure_at, layout, fitted, lines, heading, photo,
            run.photos))
        key = _key(common, lines, heading)
        out.append((key, _cached(run, key, draw)))
    if photo is not None and layout.photo is not None:
        run.photos.done(photo, layout.photo)
    return out


def _fitted(run: _Run, target: _Target,
            slides: list[tuple[tuple[str, ...], Box, tuple[str, ...]]]) -> list[Fitted | Unfittable]:
    """Slides' layouts: from the cache folder when this exact text, box and font were laid out
    before, the rest laid out together (and stored)."""
    screen, font = target.screen, target.font
    paths: list[Path | None] = []
    found: list[Fitted | Unfittable | None] = []
    for paragraphs, box, keep in slides:
        inputs = (
            LAYOUT_VERSION,
            paragraphs,
            keep,
            box,
            screen.font_size,
            screen.min_font_size,
            target.palette.smooth,
            font.regular,
            font.bold,
        )
        key = hashing.sha256_hex(repr(inputs))
        path = run.cache_dir / "layout" / f"{key}.json" if run.cache_dir else None
        paths.append(path)
        found.append(_saved_layout(path, run.secret) if path is not None else None)
    missing = [number for number, fitted in enumerate(found) if fitted is None]
    for number, fitted in zip(missing, target.fit_all([slides[n] for n in missing])):
        found[number] = fitted
        if paths[number] is not None and isinstance(fitted, Fitted):
            write_sealed(paths[number],
                         json.dumps(asdict(fitted), ensure_ascii=False).encode("utf-8"),
                         run.secret)
    return found  # type: ignore[return-value]


def _saved_layout(path: Path, key: bytes) -> Fitted | None:
    """A layout from the cache folder, or None (a damaged entry is simply laid out again)."""
    saved = read_sealed(path, key)
    if saved is None:
        return None
    try:
        saved = json.loads(saved.decode("utf-8"))
        return Fitted(**{**saved, "frames": tuple(tuple(frame) for frame in saved["frames"])})
    except (ValueError, TypeError, KeyError):
        return None


def _scroll(run: _Run, target: _Target, specs: list[SlideSpec], today: date,
            files: dict[str, bytes]) -> ScrollImage | None:
    """The strip screen's long scrolling image of its steady items (no dates to come, no weekdays
    or windows)."""
    screen, palette = target.screen, target.palette
    if not (screen.scroll and screen.is_strip):
        return None
    pieces = [(text, number == 0) for spec in specs if _steady(spec.page, today)
              for number, text in enumerate(spec.paragraphs)]
    size = _scroll_size(target, pieces)
    if not pieces or size is None:
        return None
    font = target.font_at(size)
    face = target.font.face_for(size)
    key = _key(
        (
            screen.width,
            screen.height,
            screen.rotation,
            screen.margins,
            palette,
            face.digest,
            face.index,
            size,
            "scroll",
        ),
        tuple(pieces),
        0,
    )
    name = f"scroll-{key[:10]}.png"
    files[name] = _cached(run, key, lambda: raster.draw_scroll(screen, palette, font, pieces))
    length = raster.scroll_width(screen, palette, font, pieces)
    width, height = (
        (screen.height, length) if screen.rotation in ("90", "270") else (length, screen.height)
    )
    speed = max(1, screen.scroll_speed)
    return ScrollImage(name, width, height, speed, round(length * 1000 / speed))


def _scroll_size(target: _Target, pieces: list[tuple[str, bool]]) -> int | None:
    """The largest allowed font size whose ink fits the strip's height, or None."""
    screen = target.screen
    inner = screen.height - screen.margins.top - screen.margins.bottom
    text = "".join(t for t, _ in pieces) + "国"
    for size in range(screen.font_size, screen.min_font_size - 1, -1):
        ink = target.measure_at(size).ink(text)
        if ink[3] - ink[1] <= inner:
            return size
    return None


def _steady(page: Page, today: date) -> bool:
    led = page.meta.led
    return not (led.emergency or led.weekdays or led.time or (led.start and led.start > today))


def _loop_item(file: str, title: str, page: Page, screen: Screen) -> LoopItem:
    led = page.meta.led
    duration = led.duration if led.duration is not None else screen.duration
    return LoopItem(
        file,
        round(duration * 1000),
        title,
        page.source,
        led.start,
        led.end,
        tuple(sorted(set(led.weekdays))),
        tuple(parse_window(w) for w in led.time),
        led.priority,
        led.emergency,
    )


def _key(common: tuple, lines: tuple, heading: int) -> str:
    """A content key of everything that decides a frame's pixels (including the renderer and Pillow
    versions)."""
    text = repr((raster.RENDERER_VERSION, PIL.__version__, common, lines, heading))
    return hashing.sha256_hex(text)


def _cached(run: _Run, key: str, draw: Callable[[], bytes]) -> bytes:
    """A frame from this build, else from the cache folder, else drawn now (and stored in the cache)
    ."""
    if key in run.frames:
        return run.frames[key]
    path = run.cache_dir / f"{key}.png" if run.cache_dir else None
    # a damaged or forged frame is drawn again
    data = read_sealed(path, run.secret) if path is not None else None
    if data is None:
        data = draw()
        run.result.frames_drawn += 1
        if path is not None:
            write_sealed(path, data, run.secret)
    run.frames[key] = data
    return data


def _photo_path(site: Site, spec: SlideSpec, screen: Screen) -> Path | None:
    """The slide's photo when the screen can show one and the file is a readable image (the build
    reports bad ones)."""
    if not spec.photo or screen.colour != "full" or screen.is_strip:
        return None
    path = site.find_image(spec.page, spec.photo)
    return path if path is not None and raster.photo_size(path) else None


def _unfittable(site: Site, spec: SlideSpec, screen: Screen, exc: Unfittable) -> SiteError:
    where = f"“{spec.page.source}” 的第 {spec.number} 张 LED 幻灯片"
    name = f"屏幕 “{screen.title or screen.name}”（{screen.name}，{screen.width}×{screen.height}）"
    if exc.reason == "tall":
        return error(site.content_dir / spec.page.source, spec.line,
                     f"{where}在{name}上用最小字号 {screen.min_font_size}px 也放不下一行字的高度",
                     "在 site_config.yaml 里调小这块屏幕的 min_font_size 或上下边距。", code="led.fit")
    return error(site.content_dir / spec.page.source, spec.line,
                 f"{where}里的 “{exc.unit}” 不能拆开，在{name}上用最小字号 {screen.min_font_size}px 也放不下",
                 "把这段改短或在中间加空格；也可以在 led.text 里自己分行，或用 led.screens 不上这块屏。",
                 code="led.fit")


def _colour_note(screen: Screen) -> str:
    if screen.colour == "mono":
        return f"（{LED_COLOUR_NAMES[screen.led_colour]}色{'，带灰度' if screen.greyscale else ''}）"
    return "（带灰度）" if screen.greyscale and screen.colour == "dual" else ""
