"""The public website format: home, lists, detail pages, tags, archive, feed, sitemap, 404."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator, Mapping, Protocol

from generator.base.cache import Cache, is_missing
from generator.base.hashing import digest
from generator.formats import keys as output_keys
from generator.base.phrases import kept_words, with_wbr
from generator.base.slugs import slugify
from generator.render import salutation
from generator.render.credits import source_parts
from generator.config import SiteConfig
from generator.model.content import TYPE_NAMES, Page, Site
from generator.render.bodies import Bodies
from generator.render.markdown import Rendered
from generator.base.parallel import imap_chunks
from generator.render.routes import LIST_FOLDERS, Routes, tag_slug
from generator.formats.site.search import SearchIndex, article_text, digest_of, page_text
from generator.formats.site import related
from generator.formats.site.showcase import render_showcase, showcase_links
from generator.render.templates import Templates

# (output path, bytes or None for "the published file is current", key of the inputs or None)
Output = Iterator[tuple[str, "bytes | None", "str | None"]]


class Published(Protocol):
    """What is published already (build.writer.TwoRoots): a page whose key matches is current."""

    def is_current(self, path: str, key: str) -> bool:
        """True when the published file at `path` was made from inputs with this key."""

    def read_current(self, path: str, key: str) -> "bytes | None":
        """The published bytes at `path` when current, else None."""


class NothingPublished:
    """No output folder yet (tests, a cold build): nothing is current."""

    def is_current(self, path: str, key: str) -> bool:
        """Never current."""
        return False

    def read_current(self, path: str, key: str) -> "bytes | None":
        """Nothing to read."""
        return None


@dataclass(frozen=True)
class SiteInput:
    """Everything the site format reads, decided upstream by the build (render_site's state is its
    own: see _Render)."""

    site: Site
    cfg: SiteConfig
    routes: Routes
    templates: Templates
    # body HTML by page.source: a bodies.Bodies (a plain dict is wrapped in one)
    rendered: Mapping[str, Rendered]
    images: dict[tuple[str, str], str]  # (page.source, src) → published URL
    now: datetime
    unreviewed: frozenset[str] = frozenset()
    # page.source → what it waits for (previews)
    review_marks: dict[str, str] = field(default_factory=dict)
    led_loops: tuple = ()
    static_dir: Path | None = None
    published: Published = NothingPublished()
    cache: Cache = field(default_factory=lambda: Cache(None, ""))  # the search index, titles
    salt: str = ""  # see formats.keys.salt: part of every page key
    jobs: int = 1  # worker processes for detail pages
    spell: Callable[[str], str] = slugify  # a tag in pinyin (the build's Speller.slug)


class _Render:
    """One render_site call's own state, made once from its inputs: the bodies, the site view, the
    tag URLs, each page's related articles, and the page views made so far (a page appears in many
    lists). Any other attribute is the input's (`run.cfg` is `run.inputs.cfg`)."""

    def __init__(self, inputs: SiteInput, pages: list[Page]):
        self.inputs = inputs
        self.rendered = Bodies.of(inputs.rendered)
        self.tag_folders = _tag_folders(sorted({t for p in pages for t in p.meta.tags}),
                                        inputs.spell)
        self.tag_urls = {
            t: inputs.routes.url(f + "index.html") for t, f in self.tag_folders.items()
        }
        self.neighbours = related.kept_neighbours(
            [p for p in pages if p.type in LIST_FOLDERS], inputs.cache
        )
        self.views: dict[tuple[str, bool], dict] = {}
        self.site_view = _site_view(self)

    def __getattr__(self, name: str):
        if name == "inputs":  # not set yet (a copy being made)
            raise AttributeError(name)
        return getattr(self.inputs, name)


def render_site(inp: SiteInput) -> Output:
    """Yield (output path, bytes or None, key) for every file of the public website.

    A page whose inputs (template, context) match what is already published is not rendered again.
    """
    # Sorted once, newest first: every list, the feed, the sitemap and the search take them in this
    # order.
    pages = _newest([p for p in inp.site.pages if p.goes_to("site") and p.type != "slide"])
    run = _Render(inp, pages)
    yield from _static_files(run)
    yield _page(run, "index.html", "home.html", "首页", home=_home(run, pages))
    for page_type in LIST_FOLDERS:
        yield from _lists(run, page_type, [p for p in pages if p.type == page_type])
        yield from _type_feed(run, page_type, [p for p in pages if p.type == page_type])
    searchable = []
    # newest first: the search ranks ties in this order
    for page, output, text in _detail_pages(run, pages):
        searchable.append(_Searchable(page, run.routes.url(output[0]), output[2], text))
        yield output
    yield from render_showcase(run, _page)
    yield from _search_index(run, searchable)
    yield from _tags(run, pages)
    yield from _archive(run, pages)
    # the LED review page is a staff page (the writer puts led/ in the staff folder): no public URL
    # of its own
    yield _page(run, "led/index.html", "led.html", "LED 屏幕预览", loops=run.led_loops, canonical="")
    yield _page(run, "404.html", "404.html", "页面没有找到")
    yield "feed.xml", run.templates.render("feed.xml", _feed_context(run, pages)).encode(), None
    yield "sitemap.xml", run.templates.render(
        "sitemap.xml", {"urls": _sitemap(run, pages)}
    ).encode(), None
    robots = f"User-agent: *\nAllow: /\nSitemap: {run.routes.absolute('sitemap.xml')}\n"
    yield "robots.txt", robots.encode(), None


def _page(run: _Render, path: str, template: str, title: str, **extra):
    """Render one page with the base context, unless the published copy was made from the same
    inputs."""
    context = _context(run, path, title, extra)
    key = output_keys.page(run.salt, template, context)
    if key and run.published.is_current(path, key):
        return path, None, key
    return path, run.templates.render(template, context).encode(), key


def _context(run: _Render, path: str, title: str, extra: dict) -> dict:
    context = {
        "site": run.site_view,
        "title": title,
        "path": path,
        "url": run.routes.url(path),
        "canonical": run.routes.absolute(path),
        "preview": False,
        "review_mark": "",
        **extra,
    }
    page = extra.get("page")
    if page is not None:
        context["preview"], context["review_mark"] = page["unreviewed"], page["review_mark"]
    return context


def _detail_pages(run: _Render, pages: list[Page]) -> Iterator[tuple[Page, tuple, str | None]]:
    """(page, output, searchable text or None) for every detail page, in order; those not current
    are rendered in worker processes (they are most of a cold build's pages), while the pages before
    them are being written.
    """
    plans, todo = [], []
    for page in pages:
        path, template = run.routes.page_path(page), f"{page.type}.html"
        context = _context(run, path, page.title, _detail_extra(run, page))
        key = output_keys.page(run.salt, template, context)
        current = key is not None and run.published.is_current(path, key)
        plans.append((page, path, key, current))
        if not current:
            todo.append((template, context))
    for template in sorted({template for template, _ in todo}):
        run.templates.load(template)  # compiled once here, not once in every worker
    # pages are written as they come
    made = imap_chunks(_DetailRenderer(run.templates).render, todo, run.jobs, chunk=64)
    for page, path, key, current in plans:
        if current:
            yield page, (path, None, key), None
        else:
            data, text = next(made)
            yield page, (path, data, key), text


def _detail_extra(run: _Render, page: Page) -> dict:
    """A detail page's own context: the page, its related articles and its previous and next of the
    same type."""
    near = (run.neighbours or {}).get(page.source)
    if near is None:
        return {"page": _view(run, page, body=True), "related": [], "previous": None, "next": None}
    return {"page": _view(run, page, body=True), "related": [_view(run, p) for p in near.related],
            "previous": _view(run, near.previous) if near.previous else None,
            "next": _view(run, near.next) if near.next else None}


@dataclass(frozen=True)
class _DetailRenderer:
    """Renders detail pages and takes their searchable text, a chunk at a time (in a worker process
    when many)."""

    templates: Templates

    def render(self, chunk: list[tuple[str, dict]]) -> list[tuple[bytes, str]]:
        """(page bytes, searchable text) of each (template, context)."""
        return [_with_text(self.templates.render(template, context)) for template, context in chunk]


def _rendered_text(run: _Render, page: Page) -> str:
    """The searchable text of a current detail page, by rendering it again (its published copy is
    kept)."""
    context = _context(run, run.routes.page_path(page), page.title, _detail_extra(run, page))
    return _with_text(run.templates.render(f"{page.type}.html", context))[1]


def _with_text(html: str) -> tuple[bytes, str]:
    """A rendered page's bytes and the text of its article, which the search index takes."""
    start, end = html.find("<article"), html.rfind("</article>")
    text = (
        article_text(html[start : end + len("</article>")]) if 0 <= start < end else page_text(html)
    )
    return html.encode(), text


@dataclass
class _Searchable:
    """One detail page as the search index sees it; `text` is None until needed when the page was
    not rendered."""

    page: Page
    url: str
    page_key: str | None
    text: str | None

    def key(self) -> str:
        """Changes exactly when the page's index document changes (its page key covers the text)."""
        return self.page_key or digest_of(self.doc())  # the page key covers its URL, title and text

    def doc(self) -> tuple[str, str, str]:
        """(url, title, text) for the index."""
        return self.url, self.page.title, self.text


def _search_index(run: _Render, found: list[_Searchable]) -> Output:
    """The search index files: updated in place when a few pages changed, built afresh otherwise."""
    state = output_keys.search_index(run.salt, run.routes.base_path)
    index = run.cache.get("search-index", state)
    keys = [item.key() for item in found]
    if _can_update(run, index, keys, found):
        files = index.update(keys, {n: found[n].doc() for n in index.changed(keys)},
                             run.published.read_current)
        run.cache.put("search-index", state, index, changed=bool(files))
        yield from ((path, files.get(path), key) for path, key in sorted(index.file_keys.items()))
        return
    missing = {item.page_key for item in found if item.text is None}
    known = (
        index.texts(missing, run.published.read_current)
        if isinstance(index, SearchIndex) and missing
        else {}
    )
    for item in found:
        if item.text is None:
            item.text = known.get(item.page_key) or _rendered_text(run, item.page)
    index = SearchIndex(run.routes.base_path)
    for path, data in index.rebuild([item.doc() for item in found], keys):
        yield path, data, index.file_keys[path]
    for item in found:
        item.text = None  # the index is made: 10,000 pages' texts need not stay in memory
    run.cache.put("search-index", state, index)


def _can_update(run: _Render, index, keys: list[str], found: list[_Searchable]) -> bool:
    """An index from the last build can be updated when few pages changed and its files are still
    published."""
    if is_missing(index) or not isinstance(index, SearchIndex) or not index.can_update(keys):
        return False
    if any(found[n].text is None for n in index.changed(keys)):
        return False  # a changed page that was not rendered now: its text is unknown
    return all(run.published.is_current(path, key) for path, key in index.file_keys.items())


def _site_view(run: _Render) -> dict:
    info = run.cfg.site
    menu = sorted(
        (
            p
            for p in run.site.pages
            if p.type == "page" and p.meta.menu is not None and p.goes_to("site")
        ),
        key=lambda p: (p.meta.menu, p.slug),
    )
    nav = [("首页", run.routes.url("index.html"))]
    nav += [(TYPE_NAMES[t], run.routes.url(run.routes.list_path(t))) for t in LIST_FOLDERS]
    nav += [("归档", run.routes.url(run.routes.archive_path()))]
    nav += showcase_links(run.routes)
    nav += [(p.title, run.routes.url(run.routes.page_path(p))) for p in menu]
    view = {
        "title": info.title,
        "description": info.description,
        "organisation": info.organisation,
        "contact": info.contact,
        "icp": info.icp,
        "root": run.routes.base_path,
        "year": run.now.year,
        "nav": nav,
        "feed": run.routes.url("feed.xml"),
        "static": run.routes.url("static/"),
    }
    view["fp"] = output_keys.site_view(view)  # stands in for the whole view in page keys
    return view


def _view(run: _Render, page: Page, body: bool = False) -> dict:
    """The read-only view of a page that templates see (never the model itself), made once per
    build."""
    key = (page.source, body)
    if key not in run.views:
        run.views[key] = _make_view(run, page, body)
    return run.views[key]


def _make_view(run: _Render, page: Page, body: bool) -> dict:
    if body:  # a detail page's view: the list view plus the body
        view, html = dict(_view(run, page)), None
        if page.source in run.rendered:
            view["html"] = run.rendered.html(page.source)
            # written in the body, as real letters do
            if page.type == "letter" and not view["salutation"]:
                found, rest = salutation.split(str(view["html"]))
                if found:
                    view["salutation"], view["html"] = found + "：", rest
            # The body HTML is made from the page's text and its images' URLs.
            html = (
                [ref.url for ref in run.rendered.images(page.source)]
                if page.key
                else run.rendered[page.source].html
            )
        view["fp"] = output_keys.with_body(view["fp"], page.identity, html)
        return view
    meta = page.meta
    image = lambda src: run.images.get((page.source, src)) if src else None  # noqa: E731
    view = {
        "type": page.type,
        "type_name": TYPE_NAMES[page.type],
        "title": meta.title,
        "date": meta.date,
        "summary": meta.summary,
        "author": meta.author,
        "editor": meta.editor,
        "source": source_parts(meta.source)[0],
        "source_url": source_parts(meta.source)[1],
        "url": run.routes.url(run.routes.page_path(page)),
        "tags": [(t, (run.tag_urls or {}).get(t, "")) for t in meta.tags],
        "cover": image(meta.cover),
        "cover_alt": meta.cover_alt,
        "html": "",
        "unreviewed": page.source in run.unreviewed,
        "meta": meta,
        "title_html": _title_html(run, meta),
        "review_mark": (
            run.review_marks.get(page.source, "") if page.source in run.unreviewed else ""
        ),
    }
    if page.type == "story":
        view["photo"] = image(meta.photo)
    if page.type == "activity":
        view["photos"] = [(image(p.src), p.alt, p.caption) for p in meta.photos]
    if page.type == "letter":
        view["salutation"] = meta.salutation.rstrip("：:") + "：" if meta.salutation else ""
        view["signed"] = meta.signed or meta.date
    # stands in for the whole view in page keys: much cheaper than pickling the model every time
    view["fp"] = output_keys.view(view)
    return view


def _title_html(run: _Render, meta) -> str:
    """The title escaped, with <wbr> between its phrases (kept between builds: segmenting loads a
    dictionary)."""
    keep = kept_words(meta)
    return run.cache.memo(
        "title-html", repr((meta.title, keep)), lambda: with_wbr(meta.title, keep)
    )


def _newest(pages: list[Page]) -> list[Page]:
    return sorted(pages, key=lambda p: (-p.date.toordinal(), p.slug))


def _home(run: _Render, pages: list[Page]) -> dict:
    by_type = defaultdict(list)
    for page in pages:
        by_type[page.type].append(page)
    featured = [p for p in by_type["story"] if p.meta.honour][: run.cfg.site.featured_stories]
    shown = {p.source for p in featured}  # the sections below do not repeat the featured stories
    sections = [
        (
            TYPE_NAMES[t],
            run.routes.url(run.routes.list_path(t)),
            [_view(run, p) for p in [p for p in by_type[t] if p.source not in shown][:4]],
            bool(by_type[t]),
        )
        for t in LIST_FOLDERS
    ]
    return {"featured": [_view(run, p) for p in featured], "sections": sections}


def _lists(run: _Render, page_type: str, pages: list[Page]) -> Output:
    yield from _paginated(
        run,
        TYPE_NAMES[page_type],
        pages,
        lambda n: run.routes.list_path(page_type, n),
        feed=run.routes.url(_type_feed_path(page_type)),
    )


def _type_feed_path(page_type: str) -> str:
    return f"{LIST_FOLDERS[page_type]}/feed.xml"


def _type_feed(run: _Render, page_type: str, pages: list[Page]) -> Output:
    """The feed of one type (/stories/feed.xml …), beside the site's feed, linked from its list
    pages."""
    path = _type_feed_path(page_type)
    context = _feed_context(run, pages, path, f"{run.cfg.site.title} · {TYPE_NAMES[page_type]}",
                            run.routes.list_path(page_type))
    yield path, run.templates.render("feed.xml", context).encode(), None


def _paginated(run: _Render, heading: str, pages: list[Page], path_of: Callable[[int], str],
               feed: str | None = None) -> Output:
    """List pages of `per_page` cards each, so no page grows with the size of the site."""
    size = run.cfg.site.per_page
    chunks = [pages[i:i + size] for i in range(0, len(pages), size)] or [[]]
    for number, chunk in enumerate(chunks, start=1):
        pager = {"number": number, "total": len(chunks),
                 "prev": run.routes.url(path_of(number - 1)) if number > 1 else None,
                 "next": run.routes.url(path_of(number + 1)) if number < len(chunks) else None}
        title = heading + (f"（第 {number} 页）" if number > 1 else "")
        yield _page(
            run,
            path_of(number),
            "list.html",
            title,
            items=[_view(run, p) for p in chunk],
            pager=pager,
            heading=heading,
            feed=feed,
        )


def _tags(run: _Render, pages: list[Page]) -> Output:
    tagged = defaultdict(list)
    for page in pages:
        for tag in page.meta.tags:
            tagged[tag].append(page)
    folders = run.tag_folders
    summary = [
        (tag, run.routes.url(folders[tag] + "index.html"), len(tagged[tag]))
        for tag in sorted(tagged)
    ]
    yield _page(run, "tags/index.html", "tags.html", "全部标签", tags=summary)
    for tag in sorted(tagged):
        folder = folders[tag]
        yield from _paginated(
            run,
            f"标签：{tag}",
            tagged[tag],
            lambda n, f=folder: f + ("index.html" if n == 1 else f"page/{n}/index.html"),
        )


def _tag_folders(tags: list[str], spell: Callable[[str], str]) -> dict[str, str]:
    """Each tag's folder: its pinyin, plus a short hash when two tags sound alike (志愿 and 智远)."""
    folders, used = {}, set()
    for tag in tags:
        slug = tag_slug(tag, spell)
        if slug in used:
            slug += "-" + digest(tag)[:6]
        used.add(slug)
        folders[tag] = f"tags/{slug}/"
    return folders


def _archive(run: _Render, pages: list[Page]) -> Output:
    years = defaultdict(lambda: defaultdict(list))
    for page in pages:
        years[page.date.year][page.date.month].append(page)
    overview = [
        (
            y,
            run.routes.url(run.routes.archive_path(y)),
            [(m, len(ps)) for m, ps in sorted(years[y].items(), reverse=True)],
        )
        for y in sorted(years, reverse=True)
    ]
    yield _page(run, run.routes.archive_path(), "archive.html", "归档", years=overview)
    for year in sorted(years):
        months = [
            (m, [_view(run, p) for p in ps]) for m, ps in sorted(years[year].items(), reverse=True)
        ]
        yield _page(
            run,
            run.routes.archive_path(year),
            "archive_year.html",
            f"{year}年归档",
            year=year,
            months=months,
        )


def _feed_context(run: _Render, pages: list[Page], path: str = "feed.xml", title: str = "",
                  home: str = "index.html") -> dict:
    latest = pages[:20]
    entries = [
        {
            "title": p.title,
            "url": run.routes.absolute(run.routes.page_path(p)),
            "date": p.date,
            "summary": p.meta.summary,
            "html": run.rendered[p.source].html if p.source in run.rendered else "",
        }
        for p in latest
    ]
    # the newest item, not the clock: keeps builds identical
    updated = latest[0].date if latest else run.now.date()
    return {
        "site": _site_view(run),
        "feed_url": run.routes.absolute(path),
        "home": run.routes.absolute(home),
        "entries": entries,
        "updated": updated,
        "feed_title": title or run.cfg.site.title,
    }


def _sitemap(run: _Render, pages: list[Page]) -> list[tuple[str, str]]:
    urls = [(run.routes.absolute("index.html"), "")]
    urls += [(run.routes.absolute(run.routes.list_path(t)), "") for t in LIST_FOLDERS]
    urls += [(run.routes.absolute(run.routes.page_path(p)), p.date.isoformat()) for p in pages]
    return urls


def _static_files(run: _Render) -> Output:
    if run.static_dir is None or not run.static_dir.is_dir():
        return
    for path in sorted(run.static_dir.rglob("*")):
        if path.is_file():
            yield "static/" + path.relative_to(run.static_dir).as_posix(), path.read_bytes(), None
