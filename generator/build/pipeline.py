"""The orchestrator: load → check → route → render site, LED and WeChat → publish atomically."""
from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Iterator

from generator import __version__
from generator.model import content, schedule
from generator.render import routes as routing
from generator.checks import ledger, privacy, review, run_checks, mask_site
from generator.config import SiteConfig
from generator.model.content import Page, Site
from generator.base.errors import BuildFailed, Problems, Severity, SiteError, error
from generator.render.images import ImageProblem, MediaLibrary, describe
from generator.render.bodies import Bodies
from generator.render.markdown import ImageRef, MarkdownRenderer, Rendered
from generator.build import addresses, linkcheck
from generator.build.options import BuildOptions
from generator.formats.site import redirects
from generator.formats.site.pages import SiteInput, render_site
from generator.render.templates import Templates
from generator.build.writer import TwoRoots, UnsafeOutputPath, manifest_path, write_file
from generator.base.cache import Cache, is_missing
from generator.formats import keys as output_keys
from generator.base.parallel import MIN_ITEMS, Beside, alone, beside, map_chunks, workers
from generator.base.slugs import Speller



@dataclass
class BuildReport:
    """What a build did: files, pages, findings and timings."""

    out_dir: Path
    preview: bool
    staff_dir: Path | None = None  # the staff folder (WeChat and LED) written beside out_dir
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    warnings: list[SiteError] = field(default_factory=list)
    published: int = 0
    # unreviewed sources kept out of a real build
    held_back: list[str] = field(default_factory=list)
    # sources with placeholders or leftovers, kept out
    withheld: list[str] = field(default_factory=list)
    frames_drawn: int = 0
    # a dry build: every finding, errors included
    problems: list[SiteError] = field(default_factory=list)
    # a dry build: the CheckResult (review statuses, freshness) for the check report
    checks: object = None
    site: Site | None = None  # a dry build: the site as read
    freshness: list = field(default_factory=list)
    schedule: schedule.Schedule | None = None  # what waits for its date and what has expired
    timings: dict[str, float] = field(default_factory=dict)


def build(cfg: SiteConfig, opts: BuildOptions) -> BuildReport:
    """Build every output into opts.out_dir, or raise BuildFailed and leave the old output
    untouched."""
    report = BuildReport(opts.out_dir, opts.preview, opts.staff)
    clock = _Stopwatch(report.timings, opts.progress)
    problems = Problems()
    # Previews and real builds differ in every entry (drafts, marks): apart, neither evicts the
    # other's cache.
    folder = (
        opts.cache_dir / ("data-preview" if opts.preview else "data") if opts.cache_dir else None
    )
    cache = (
        Cache.kept(folder, _salt(cfg, opts))
        if folder and opts.keep_cache
        else Cache(folder, _salt(cfg, opts))
    )
    jobs = opts.jobs or workers()
    if opts.preview and not opts.dry and not alone():
        # The preview server's rebuilds run beside its watcher and web threads: a forked worker
        # could inherit a lock one of them holds. Its first build (and `build --preview`) runs
        # before any thread starts, so a large site's first preview still gets every core.
        jobs = 1
    speller = Speller(cache)
    with clock("读取内容"):
        working = content.load_site(
            cfg, opts.content_dir, include_drafts=True, cache=cache, speller=speller
        )
        problems.extend(list(working.warnings))
        loaded = working
    with clock("三审三校"):
        selection = _select(working, cfg, opts, report, cache, speller)
        _finish_spelling(selection.site, speller)
        site, unreviewed = selection.site, selection.unreviewed
        problems.extend(selection.notes)
        report.schedule = schedule.apply(site, opts.now, future=opts.future or opts.preview)
        site = report.schedule.site  # not due yet or expired: on no channel at all
    with clock("检查"):
        checks = run_checks(
            site, cfg, today=opts.now.date(), cache=cache, jobs=jobs, statuses=selection.statuses
        )
        report.freshness = checks.freshness
        if cfg.privacy.mask:
            site, _same_warnings_as_checks = mask_site(site, cfg)
        site, found = _withhold(site, checks.problems, opts.preview, report)
        problems.extend(found)
        routes = routing.make_routes(cfg)
        routing.check_unique(site, routes)
        problems.extend(addresses.moved_warnings(site, routes, opts))
    # a dry run goes on rendering, so `check` also reports what only the renderers find
    if not opts.dry:
        problems.raise_if_errors()  # nothing has been written yet
    publication = _publication(opts)
    try:
        work = _Work(
            cfg,
            opts,
            site,
            routes,
            unreviewed,
            problems,
            publication,
            report,
            cache,
            jobs,
            selection.marks,
            working,
            speller,
        )
        _render_all(work, clock)
        if opts.dry:
            report.site = loaded
            return _dry_report(report, problems, checks, publication, cache)
        problems.raise_if_errors()
        with clock("发布"):
            written = _commit(publication, opts.only)
    except BaseException:
        publication.abort()
        raise
    if opts.published is not None:
        opts.published()  # the pages are out: what follows is for the next build
    # made from the verified history and the working files
    if opts.ledger is not None and not opts.preview:
        write_file(
            opts.ledger,
            ledger.ledger_csv(working.pages, selection.statuses, _ledger_hide(cfg, working)),
        )
    addresses.save(site, routes, opts)
    cache.save()
    report.written, report.unchanged, report.removed = (
        written.written,
        written.unchanged,
        written.removed,
    )
    # Records that do not verify are errors, yet only their articles are held back: the rest of the
    # site goes out.
    report.warnings = sorted(problems.warnings + selection.problems, key=SiteError.sort_key)
    report.published = len(site.pages)
    return report


def _dry_report(
    report: BuildReport, problems: Problems, checks, publication: TwoRoots, cache: Cache
):
    """End a dry run: throw the staged files away, keep the cache, hand back every finding."""
    publication.abort()
    cache.save()
    report.problems = sorted(dict.fromkeys(problems.items), key=SiteError.sort_key)
    report.warnings = [p for p in report.problems if not p.is_error]
    report.checks = checks
    return report


def _select(working: Site, cfg: SiteConfig, opts: BuildOptions, report: BuildReport,
            cache: Cache, speller: Speller) -> review.Selection:
    """The review gate: each article's approved revision (a preview shows the working files, marked
    未审定)."""
    if not cfg.publish.require_review:
        pages = tuple(p for p in working.pages if opts.preview or not p.meta.draft)
        return review.Selection(replace(working, pages=pages), (), [])
    store = review.ReviewStore.for_config(cfg, working.content_dir, now=opts.now)
    selection = review.select(
        working, store, preview=opts.preview, cfg=cfg, cache=cache, spell=speller.slug
    )
    report.held_back = list(selection.waiting)
    return selection


def _withhold(site: Site, found: list[SiteError], preview: bool, report: BuildReport):
    """A real build leaves out the pages with placeholders or leftovers (and the dashboard the
    sample totals): their errors are reported as warnings, and the rest of the site goes out."""
    if preview:
        return site, found
    blocked = {p.path for p in found if p.is_error and p.code.startswith("placeholder.")}
    report.withheld = sorted(
        p.source for p in site.pages if str(site.content_dir / p.source) in blocked
    )
    softened = [
        replace(p, severity=Severity.WARNING) if p.code.startswith("placeholder.") else p
        for p in found
    ]
    return (
        replace(site, pages=tuple(p for p in site.pages if p.source not in report.withheld)),
        softened,
    )


@dataclass
class _Work:
    """One build's shared state while rendering (kept together so each step reads like the flow
    above)."""

    cfg: SiteConfig
    opts: BuildOptions
    site: Site
    routes: routing.Routes
    unreviewed: frozenset[str]
    problems: Problems
    publication: TwoRoots
    report: BuildReport
    cache: Cache
    jobs: int
    marks: dict = field(default_factory=dict)  # page.source → what a page shown 未审定 waits for
    # every page read, before the review gate and scheduling (for the link check)
    loaded: Site | None = None
    speller: Speller = field(default_factory=Speller)  # its names and tags spelled already


def _render_all(work: _Work, clock) -> None:
    opts, cfg, site = work.opts, work.cfg, work.site
    media = MediaLibrary(
        site, cfg, work.routes, partial(_add_all, work.publication), work.publication.is_current,
        opts.cache_dir / "images" if opts.cache_dir else None, work.cache
    )
    with clock("排版正文"):
        rendered, images = _render_bodies(work, media)
    staff = opts.only != "site"  # (the website never shows what these draw)
    media.finish()
    # The frames are drawn in a worker process while this one makes the WeChat articles (their
    # covers in two threads): both are mostly one core's work, and neither needs the other.
    led = _start_led(work) if staff else None
    try:
        with clock("公众号文章"):
            for files, problems in _wechat_bundles(work, rendered, media) if staff else ():
                work.problems.extend(problems)
                _add_all(work.publication, files)
        with clock("LED 画面"):
            loops = _take_led(work, led.result()) if led else ()
    finally:
        if led:
            led.stop()  # the build stopped before it asked for the frames
    with clock("网站页面"):
        inp = SiteInput(
            site,
            cfg,
            work.routes,
            Templates(opts.templates_dir, opts.cache_dir / "jinja" if opts.cache_dir else None),
            rendered,
            images,
            opts.now,
            work.unreviewed,
            work.marks,
            loops,
            opts.templates_dir / "static",
            published=work.publication,
            cache=work.cache,
            salt=work.cache.salt,
            jobs=work.jobs,
            spell=work.speller.slug,
        )
        _add_all(work.publication, render_site(inp))
        _add_all(work.publication, redirects.outputs(site, work.routes))
    work.problems.extend(
        linkcheck.check(
            cfg, work.loaded, site, work.routes, work.publication.has, rendered, opts.templates_dir
        )
    )


def _finish_spelling(site: Site, speller: Speller) -> None:
    """Spell every tag now, after the file names, then let pypinyin go before the photos and
    frames are made (see Speller)."""
    tags = sorted({tag for page in site.pages for tag in page.meta.tags})
    for tag in tags:
        speller.slug(tag)
    speller.release()


def _start_led(work: _Work) -> Beside | None:
    """Start drawing every screen's frames and playlists beside this process (see parallel.beside);
    None for a site without screens or slides, where the LED package (and Pillow) is not
    loaded."""
    site, cfg, opts = work.site, work.cfg, work.opts
    if not cfg.led.screens and not any(p.goes_to("led") or p.type == "slide" for p in site.pages):
        return None
    return beside(
        _draw_led, site, cfg, opts.now, _build_id(site, cfg), opts.templates_dir, work.unreviewed,
        opts.cache_dir / "led" if opts.cache_dir else None, jobs=work.jobs
    )


def _draw_led(site: Site, cfg: SiteConfig, now, build_id: str, templates_dir: Path,
              unreviewed: frozenset[str], cache_dir: Path | None):
    """The LED output (what a worker process runs: its arguments pickle)."""
    from generator.formats.led import render_led

    return render_led(site, cfg, now=now, build_id=build_id, templates=Templates(templates_dir),
                      unreviewed=unreviewed, cache_dir=cache_dir)


def _take_led(work: _Work, led) -> tuple:
    """Add the LED output's files and problems to the build; its loops, for the website's LED
    page."""
    work.problems.extend(led.problems)
    work.report.frames_drawn = led.frames_drawn
    _add_all(work.publication, led.files.items())
    return tuple(led.loops)


@dataclass(frozen=True)
class _BodyRenderer:
    """Renders page bodies in a worker process: image sources become their published URLs
    (publishing comes later)."""

    content_dir: Path
    routes: routing.Routes
    max_width: int = 1080  # images.max_width: the published size of an image, which pages show

    def render(self, pages) -> list[Rendered]:
        """Render a chunk of pages with one Markdown converter."""
        renderer = MarkdownRenderer()
        return [renderer.render(page.body, self._locator(page), page.body_line) for page in pages]

    def _locator(self, page: Page):
        def locate(src: str) -> str | None:
            found = content.find_image(self.content_dir, page, src)
            if found is None:
                return None
            url = self.routes.url(self.routes.media_path(self.content_dir, found))
            shape = describe(found, self.max_width)  # its size and copies, from the header
            return shape.url(url) if shape else url
        return locate


def _render_bodies(work: _Work, media: MediaLibrary) -> tuple[Bodies, dict]:
    """Render every changed body once (site and WeChat share it) and publish the images of every
    body.

    Unchanged bodies stay in the cache until a page that is made again asks for one (see
    bodies.Bodies); their image references are small and read for every page.
    """
    site, cache = work.site, work.cache
    # a front-matter edit renders the body again: cheap
    keys = {p.source: output_keys.body(p) for p in site.pages}
    refs = {p.source: cache.get("body-images", keys[p.source]) for p in site.pages}
    todo = [p for p in site.pages if is_missing(refs[p.source])]
    renderer = _BodyRenderer(site.content_dir, work.routes, work.cfg.images.max_width)
    fresh = dict(zip((p.source for p in todo), map_chunks(renderer.render, todo, work.jobs)))
    images: dict[tuple[str, str], str] = {}
    media.prepare_ahead(_images_named(site.pages, refs, fresh), work.opts.jobs or workers())
    for page in site.pages:
        source = page.source
        if source in fresh:
            refs[source] = fresh[source].images
        if not _publish_body_images(page, refs[source], media, work.problems):
            # an image appeared or vanished since it was cached
            fresh[source] = renderer.render([page])[0]
            refs[source] = fresh[source].images
            _publish_body_images(page, refs[source], media, work.problems)
        cache.put("body-images", keys[source], refs[source])
        if source in fresh:
            cache.put("bodies", keys[source], fresh[source])
        for src, alt, field_keys in _front_matter_images(page):
            _publish_front_image(page, src, alt, field_keys, media, images, work.problems)
    cache.retain("bodies", keys.values())
    pages = {p.source: p for p in site.pages}

    def fetch(source: str) -> Rendered:
        body = cache.get("bodies", keys[source])
        if is_missing(body) or body.images != refs[source]:  # lost from the cache: render it again
            body = renderer.render([pages[source]])[0]
            cache.put("bodies", keys[source], body)
        return body

    return Bodies(refs, fresh, fetch), images


def _images_named(pages, refs: dict, fresh: dict) -> Iterator[tuple[Page, str]]:
    """(page, src) of every image the pages' bodies and front matter name, in publishing order."""
    for page in pages:
        body = fresh[page.source].images if page.source in fresh else refs[page.source]
        yield from ((page, ref.src) for ref in body)
        yield from ((page, src) for src, _alt, _keys in _front_matter_images(page))


def _publish_body_images(
    page: Page, refs: list[ImageRef], media: MediaLibrary, problems: Problems
) -> bool:
    """Publish a body's images, reporting unusable ones; False when the HTML points elsewhere than
    it should."""
    path = media.site.content_dir / page.source
    found = []
    for ref in refs:
        if not ref.alt:
            found.append(
                error(
                    path,
                    ref.line,
                    f"图片 “{ref.src}” 缺少说明文字",
                    "写成 ![说明文字](图片路径)，方便读屏软件朗读。",
                    code="image.alt",
                )
            )
        try:
            url = media.publish(page, ref.src)
        except ImageProblem as problem:
            url = None
            found.append(error(path, ref.line, problem.message, problem.hint, code="image.missing"))
        if url != ref.url and url is not None:
            return False
    problems.extend(found)
    return True


@dataclass(frozen=True)
class _WechatRenderer:
    """Makes WeChat bundles in a worker process."""

    content_dir: Path
    cfg: SiteConfig
    routes: routing.Routes
    unreviewed: frozenset[str]
    # sent to a worker with the code compiled so far, so no chunk compiles the templates again
    templates: Templates = field(compare=False)
    cutter: object = field(default=None, compare=False)  # the build's covers.Cutter

    def render(self, jobs) -> list:
        """Render a chunk of (page, rendered body) pairs."""
        from generator.formats.wechat import render_wechat

        site = Site((), self.content_dir)
        return [
            render_wechat(
                page,
                body,
                site,
                self.cfg,
                page_url=self.routes.absolute(self.routes.page_path(page)),
                templates=self.templates,
                preview_mark=page.source in self.unreviewed,
                cutter=self.cutter,
            )
            for page, body in jobs
        ]


def _wechat_bundles(work: _Work, rendered: Bodies,
                    media: MediaLibrary) -> list[tuple[list, list[SiteError]]]:
    """Every WeChat bundle as (files as (path, bytes or None, key), problems), made again only when
    its page, body, images or review mark changed.

    The cache keeps each bundle's outline (its file names and findings), not its files: a bundle
    whose files are all published as they are needs nothing more, and one that is not is made
    again (keeping the files cost 140 kB a page and saved nothing on the real workload: see
    docs/notes/keys.md)."""
    pages = [p for p in work.site.pages if p.goes_to("wechat") and p.type != "slide"]
    keys = {
        p.source: output_keys.wechat_bundle(
            p,
            [ref.url for ref in rendered.images(p.source)],
            p.source in work.unreviewed,
            _image_stamps(work.site, p),
        )
        for p in pages
    }
    outlines = {p.source: work.cache.get("wechat-outline", keys[p.source]) for p in pages}
    kept = {p.source: _kept_bundle(work, keys[p.source], outlines[p.source]) for p in pages}
    todo = [(p, rendered[p.source]) for p in pages if kept[p.source] is None]
    templates = Templates(work.opts.templates_dir)
    if todo:  # (only then are the WeChat modules loaded)
        from generator.formats.wechat.preview import TEMPLATE

        templates.load(TEMPLATE)  # compiled once here, not once in every worker's chunk
    renderer = _WechatRenderer(
        work.site.content_dir, work.cfg, work.routes, work.unreviewed, templates,
        _cutter(work, media, todo) if todo else None,
    )
    results = dict(zip((p.source for p, _ in todo), map_chunks(renderer.render, todo, work.jobs))) \
        if todo else {}
    bundles = []
    for page in pages:
        key = keys[page.source]
        if kept[page.source] is not None:
            files, problems = kept[page.source], outlines[page.source][1]
        else:
            result = results[page.source]
            work.cache.put("wechat-outline", key, (sorted(result.files), result.problems))
            files = [(rel, data, output_keys.wechat_file(key, rel))
                     for rel, data in sorted(result.files.items())]
            problems = result.problems
        bundles.append((files, problems))
    return bundles


def _kept_bundle(work: _Work, key: str, outline) -> list | None:
    """A bundle's files as (path, None, key) when its outline is cached and every file of it is
    published as it is; else None (the bundle is made again)."""
    if is_missing(outline):
        return None
    files = [(rel, None, output_keys.wechat_file(key, rel)) for rel in outline[0]]
    return files if all(work.publication.is_current(rel, k) for rel, _, k in files) else None


def _cutter(work: _Work, media: MediaLibrary, todo: list):
    """The build's cover cutter, reading the site's staged copies of the photos; it cuts the
    covers of the bundles made in this process in a thread pool before they are made (worker
    processes, for large sites, cut their own)."""
    from generator.formats.wechat import covers

    cutter = covers.Cutter(media.copies(work.publication.public.staging))
    if len(todo) >= MIN_ITEMS and work.jobs >= 2:
        return cutter
    wanted = []
    for page, body in todo:
        source, _keys = covers.choose_source(page, body, work.site)
        if source is not None:
            wanted.append((source, page.meta.cover_focus))
    cutter.cut_ahead(wanted, work.opts.jobs or workers())
    return cutter


def _image_stamps(site: Site, page: Page) -> list:
    """Size and time of every image a page names in its front matter (covers are cut from them)."""
    stamps = []
    for src, _alt, _keys in _front_matter_images(page):
        found = site.find_image(page, src)
        stat = found.stat() if found else None
        stamps.append((src, stat.st_size, stat.st_mtime_ns) if stat else (src, None))
    return stamps


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


def _add_all(publication: TwoRoots, files) -> None:
    for item in files:
        rel, data, key = item if len(item) == 3 else (*item, None)
        try:
            publication.add(rel, data, key)
        except UnsafeOutputPath as exc:
            raise BuildFailed([error(rel, 1, str(exc), "检查 slug、标签和屏幕名称是否重复。")]) from None


def _commit(publication: TwoRoots, only: str | None):
    """Swap in both trees, or only the website ("site") or only the staff folder ("staff")."""
    if only is None:
        return publication.commit()
    keep, drop = (
        (publication.public, publication.staff)
        if only == "site"
        else (publication.staff, publication.public)
    )
    drop.abort()
    return keep.commit()


def _ledger_hide(cfg: SiteConfig, working: Site):
    """How the ledger shows titles and file names: masked like the published text when masking is
    on."""
    if not cfg.privacy.mask:
        return str
    allowed = privacy.allowed_numbers(cfg, working.content_dir)
    return lambda text: privacy.mask(text, allowed)


def _publication(opts: BuildOptions) -> TwoRoots:
    """The website and the staff folder of this build, each with its manifest (beside the cache)."""
    manifests = tuple(
        manifest_path(opts.cache_dir, d) if opts.cache_dir else None
        for d in (opts.out_dir, opts.staff)
    )
    try:
        return TwoRoots(opts.out_dir, opts.staff, manifests)
    except UnsafeOutputPath as exc:
        raise BuildFailed(
            [error(opts.staff, 1, str(exc), "用 --staff 指定网站输出文件夹以外的另一个文件夹。")]
        ) from None


def _salt(cfg: SiteConfig, opts: BuildOptions) -> str:
    """Changes whenever the generator's code, the templates or the config change: every cache entry
    depends on it."""
    package = Path(__file__).parents[1]
    return output_keys.salt(
        __version__, cfg, opts.now.date(), opts.preview, package, opts.templates_dir
    )


def _build_id(site: Site, cfg: SiteConfig) -> str:
    """A short id that changes exactly when the published input changes (no clock: builds stay
    identical)."""
    return output_keys.build_id(__version__, cfg, (page.identity for page in site.pages))


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
