"""The orchestrator: load → check → route → render site, LED and WeChat → publish atomically (layer 6)."""
from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Callable
from zoneinfo import ZoneInfo

from . import __version__, content, routes as routing
from .checks import run_checks, mask_site
from .config import SiteConfig
from .content import Page, Site
from .errors import BuildFailed, Problems, Severity, SiteError, error
from .images import ImageProblem, MediaLibrary
from .led import render_led
from .markdown import MarkdownRenderer, Rendered
from .site_pages import SiteInput, render_site
from .templates import Templates
from .wechat import render_wechat
from .writer import Publication, UnsafeOutputPath, write_file

CHINA = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class BuildOptions:
    """Where to read and write, and how: the CLI and the preview server fill these in."""

    content_dir: Path
    out_dir: Path
    templates_dir: Path
    now: datetime
    preview: bool = False
    cache_dir: Path | None = None
    ledger: Path | None = None  # where to write the 审核台账 CSV; None for previews and tests
    progress: Callable[[str], None] | None = None  # called with short status lines on long builds


@dataclass
class BuildReport:
    """What a build did: files, pages, findings and timings."""

    out_dir: Path
    preview: bool
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    warnings: list[SiteError] = field(default_factory=list)
    published: int = 0
    held_back: list[str] = field(default_factory=list)  # unreviewed sources kept out of a real build
    frames_drawn: int = 0
    freshness: list = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


def build_time(environ: dict | None = None) -> datetime:
    """The build's clock: SOURCE_DATE_EPOCH when set (reproducible builds), else now, in China time, naive."""
    environ = os.environ if environ is None else environ
    epoch = environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), CHINA) if epoch else datetime.now(CHINA)
    return moment.replace(tzinfo=None, microsecond=0)


def build(cfg: SiteConfig, opts: BuildOptions) -> BuildReport:
    """Build every output into opts.out_dir, or raise BuildFailed and leave the old output untouched."""
    report = BuildReport(opts.out_dir, opts.preview)
    clock = _Stopwatch(report.timings, opts.progress)
    problems = Problems()
    with clock("读取内容"):
        site = content.load_site(cfg, opts.content_dir, include_drafts=opts.preview)
        problems.extend(list(site.warnings))
    with clock("审核与检查"):
        checks = run_checks(site, cfg, today=opts.now.date())
        report.freshness = checks.freshness
        if cfg.privacy.mask:
            site, _same_warnings_as_checks = mask_site(site, cfg)
        site, unreviewed = _select(site, cfg, checks.unreviewed, opts.preview, report)
        problems.extend(_soften_held_back(checks.problems, site.content_dir, report.held_back))
        routes = routing.make_routes(cfg)
        routing.check_unique(site, routes)
    problems.raise_if_errors()  # nothing has been written yet
    publication = Publication(opts.out_dir)
    try:
        _render_all(cfg, opts, site, routes, unreviewed, problems, publication, report, clock)
        problems.raise_if_errors()
        with clock("发布"):
            written = publication.commit()
    except BaseException:
        publication.abort()
        raise
    report.written, report.unchanged, report.removed = written.written, written.unchanged, written.removed
    if opts.ledger is not None and not opts.preview:
        write_file(opts.ledger, checks.ledger_csv)
    report.warnings = problems.warnings
    report.published = len(site.pages)
    return report


def _select(site: Site, cfg: SiteConfig, unreviewed: frozenset[str], preview: bool, report: BuildReport):
    """Keep unreviewed pages out of a real build (when review is required); a preview shows them, marked."""
    if preview:
        return site, unreviewed
    if not cfg.publish.require_review:
        return site, frozenset()
    report.held_back = sorted(p.source for p in site.pages if p.source in unreviewed)
    kept = tuple(p for p in site.pages if p.source not in unreviewed)
    return replace(site, pages=kept), frozenset()


def _soften_held_back(found: list[SiteError], content_dir: Path, held_back: list[str]) -> list[SiteError]:
    """Findings in pages that are not being published cannot leak: report them, but let the rest of the site go out."""
    held = {str(content_dir / source) for source in held_back}
    return [replace(p, severity=Severity.WARNING) if p.path in held else p for p in found]


def _render_all(cfg, opts, site, routes, unreviewed, problems, publication, report, clock) -> None:
    templates = Templates(opts.templates_dir)
    media = MediaLibrary(site, cfg, routes, opts.cache_dir / "images" if opts.cache_dir else None)
    with clock("排版正文"):
        rendered, images = _render_bodies(site, media, problems)
    with clock("LED 画面"):
        led = render_led(site, cfg, now=opts.now, build_id=_build_id(site, cfg),
                         unreviewed=unreviewed, cache_dir=opts.cache_dir / "led" if opts.cache_dir else None)
        problems.extend(led.problems)
        report.frames_drawn = led.frames_drawn
        _add_all(publication, led.files.items())
    with clock("公众号文章"):
        for page in site.pages:
            if page.goes_to("wechat") and page.type != "slide":
                result = render_wechat(page, rendered[page.source], site, cfg,
                                       page_url=routes.absolute(routes.page_path(page)),
                                       preview_mark=page.source in unreviewed)
                problems.extend(result.problems)
                _add_all(publication, result.files.items())
    with clock("网站页面"):
        inp = SiteInput(site, cfg, routes, templates, rendered, images, opts.now, unreviewed, tuple(led.loops),
                        opts.templates_dir / "static")
        _add_all(publication, render_site(inp))
        _add_all(publication, sorted(media.files.items()))


def _render_bodies(site: Site, media: MediaLibrary, problems: Problems):
    """Render every body once (site and WeChat share it) and publish every image pages use."""
    renderer = MarkdownRenderer()
    rendered: dict[str, Rendered] = {}
    images: dict[tuple[str, str], str] = {}
    for page in site.pages:
        failures: dict[str, ImageProblem] = {}
        rendered[page.source] = renderer.render(page.body, _resolver(page, media, failures), page.body_line)
        path = site.content_dir / page.source
        for ref in rendered[page.source].images:
            if ref.src in failures:
                problems.add(error(path, ref.line, failures[ref.src].message, failures[ref.src].hint, code="image.missing"))
            if not ref.alt:
                problems.add(error(path, ref.line, f"图片 “{ref.src}” 缺少说明文字", "写成 ![说明文字](图片路径)，方便读屏软件朗读。",
                                   code="image.alt"))
        for src, alt, keys in _front_matter_images(page):
            _publish_front_image(page, src, alt, keys, media, images, problems)
    return rendered, images


def _resolver(page: Page, media: MediaLibrary, failures: dict[str, ImageProblem]):
    def resolve(src: str) -> str | None:
        try:
            return media.publish(page, src)
        except ImageProblem as problem:
            failures[src] = problem
            return None
    return resolve


def _front_matter_images(page: Page) -> list[tuple[str, str, tuple]]:
    meta = page.meta
    found = [(meta.cover, meta.cover_alt, ("cover",))] if meta.cover else []
    if page.type == "story" and meta.photo:
        found.append((meta.photo, meta.photo_alt, ("photo",)))
    if page.type == "activity":
        found += [(p.src, p.alt, ("photos", i)) for i, p in enumerate(meta.photos)]
    return found


def _publish_front_image(page, src, alt, keys, media, images, problems) -> None:
    path = media.site.content_dir / page.source
    line = page.line_of(*keys)
    if not alt.strip():
        field_name = {"cover": "cover_alt", "photo": "photo_alt"}.get(keys[0], "alt")
        problems.add(error(path, line, f"图片 “{src}” 缺少说明文字（{field_name}）",
                           f"在文件头里加一行 {field_name}: 图片内容的简短描述。", code="image.alt"))
    try:
        images[(page.source, src)] = media.publish(page, src)
    except ImageProblem as problem:
        problems.add(error(path, line, problem.message, problem.hint, code="image.missing"))


def _add_all(publication: Publication, files) -> None:
    for rel, data in files:
        try:
            publication.add(rel, data)
        except UnsafeOutputPath as exc:
            raise BuildFailed([error(rel, 1, str(exc), "检查 slug 和屏幕名称是否重复。")]) from None


def _build_id(site: Site, cfg: SiteConfig) -> str:
    """A short id that changes exactly when the published input changes (no clock: builds stay identical)."""
    digest = hashlib.sha256(f"{__version__}|{replace(cfg, root=Path())!r}".encode())
    for page in site.pages:
        digest.update(page.source.encode() + b"\0" + page.source_text.encode() + b"\0")
    return digest.hexdigest()[:12]


class _Stopwatch:
    """Times named phases into a dict and reports progress lines."""

    def __init__(self, timings: dict[str, float], progress):
        self.timings, self.progress = timings, progress

    def __call__(self, name: str):
        stopwatch = self

        class _Phase:
            def __enter__(self):
                self.start = time.perf_counter()
                if stopwatch.progress:
                    stopwatch.progress(name)

            def __exit__(self, *exc):
                stopwatch.timings[name] = round(time.perf_counter() - self.start, 4)

        return _Phase()
