"""The public website format: home, lists, detail pages, tags, archive, feed, sitemap, 404 (layer 5)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterator

from .config import SiteConfig
from .content import TYPE_NAMES, Page, Site
from .markdown import Rendered
from .routes import LIST_FOLDERS, Routes
from .search import build_search_index
from .showcase import render_showcase, showcase_links
from .templates import Templates

Output = Iterator[tuple[str, bytes]]


@dataclass(frozen=True)
class SiteInput:
    """Everything the site format needs, decided upstream by the build."""

    site: Site
    cfg: SiteConfig
    routes: Routes
    templates: Templates
    rendered: dict[str, Rendered]  # body HTML by page.source
    images: dict[tuple[str, str], str]  # (page.source, src) → published URL
    now: datetime
    unreviewed: frozenset[str] = frozenset()
    led_loops: tuple = ()
    static_dir: Path | None = None


def render_site(inp: SiteInput) -> Output:
    """Yield (output path, bytes) for every file of the public website."""
    pages = [p for p in inp.site.pages if p.goes_to("site") and p.type != "slide"]
    yield from _static_files(inp)
    yield _page(inp, "index.html", "home.html", "首页", home=_home(inp, pages))
    for page_type in LIST_FOLDERS:
        yield from _lists(inp, page_type, [p for p in _newest(pages) if p.type == page_type])
    searchable = []
    for page in _newest(pages):  # newest first: the search ranks ties in this order
        path, data = _page(inp, inp.routes.page_path(page), f"{page.type}.html", page.title, page=_view(inp, page))
        searchable.append((inp.routes.url(path), page.title, data.decode()))
        yield path, data
    yield from render_showcase(inp, _page)
    yield from sorted(build_search_index(searchable, inp.routes.base_path).items())
    yield from _tags(inp, pages)
    yield from _archive(inp, pages)
    yield _page(inp, "led/index.html", "led.html", "LED 屏幕预览", loops=inp.led_loops)
    yield _page(inp, "404.html", "404.html", "页面没有找到")
    yield "feed.xml", inp.templates.render("feed.xml", _feed_context(inp, pages)).encode()
    yield "sitemap.xml", inp.templates.render("sitemap.xml", {"urls": _sitemap(inp, pages)}).encode()
    yield "robots.txt", f"User-agent: *\nAllow: /\nSitemap: {inp.routes.absolute('sitemap.xml')}\n".encode()


def _page(inp: SiteInput, path: str, template: str, title: str, **extra) -> tuple[str, bytes]:
    context = {"site": _site_view(inp), "title": title, "path": path, "url": inp.routes.url(path),
               "canonical": inp.routes.absolute(path), "preview": False, **extra}
    page = extra.get("page")
    if page is not None:
        context["preview"] = page["unreviewed"]
    return path, inp.templates.render(template, context).encode()


def _site_view(inp: SiteInput) -> dict:
    info = inp.cfg.site
    menu = sorted((p for p in inp.site.pages if p.type == "page" and p.meta.menu is not None and p.goes_to("site")),
                  key=lambda p: (p.meta.menu, p.slug))
    nav = [("首页", inp.routes.url("index.html"))]
    nav += [(TYPE_NAMES[t], inp.routes.url(inp.routes.list_path(t))) for t in LIST_FOLDERS]
    nav += [("归档", inp.routes.url(inp.routes.archive_path()))]
    nav += showcase_links(inp.routes)
    nav += [(p.title, inp.routes.url(inp.routes.page_path(p))) for p in menu]
    return {"title": info.title, "description": info.description, "organisation": info.organisation,
            "contact": info.contact, "icp": info.icp, "root": inp.routes.base_path, "year": inp.now.year,
            "nav": nav, "feed": inp.routes.url("feed.xml"), "static": inp.routes.url("static/")}


def _view(inp: SiteInput, page: Page) -> dict:
    """The read-only view of a page that templates see (never the model itself)."""
    meta = page.meta
    image = lambda src: inp.images.get((page.source, src)) if src else None  # noqa: E731
    view = {
        "type": page.type, "type_name": TYPE_NAMES[page.type], "title": meta.title, "date": meta.date,
        "summary": meta.summary, "author": meta.author, "source": meta.source, "editor": meta.editor,
        "url": inp.routes.url(inp.routes.page_path(page)),
        "tags": [(t, inp.routes.url(inp.routes.tag_path(t))) for t in meta.tags],
        "cover": image(meta.cover), "cover_alt": meta.cover_alt,
        "html": inp.rendered[page.source].html if page.source in inp.rendered else "",
        "unreviewed": page.source in inp.unreviewed, "meta": meta,
    }
    if page.type == "story":
        view["photo"] = image(meta.photo)
    if page.type == "activity":
        view["photos"] = [(image(p.src), p.alt, p.caption) for p in meta.photos]
    if page.type == "letter":
        view["salutation"] = meta.salutation.rstrip("：:") + "：" if meta.salutation else ""
        view["signed"] = meta.signed or meta.date
    return view


def _newest(pages: list[Page]) -> list[Page]:
    return sorted(pages, key=lambda p: (-p.date.toordinal(), p.slug))


def _home(inp: SiteInput, pages: list[Page]) -> dict:
    by_type = defaultdict(list)
    for page in _newest(pages):
        by_type[page.type].append(page)
    featured = [p for p in by_type["story"] if p.meta.honour][: inp.cfg.site.featured_stories]
    return {"featured": [_view(inp, p) for p in featured],
            "sections": [(TYPE_NAMES[t], inp.routes.url(inp.routes.list_path(t)), [_view(inp, p) for p in by_type[t][:4]])
                         for t in LIST_FOLDERS]}


def _lists(inp: SiteInput, page_type: str, pages: list[Page]) -> Output:
    size = inp.cfg.site.per_page
    chunks = [pages[i:i + size] for i in range(0, len(pages), size)] or [[]]
    for number, chunk in enumerate(chunks, start=1):
        pager = {"number": number, "total": len(chunks),
                 "prev": inp.routes.url(inp.routes.list_path(page_type, number - 1)) if number > 1 else None,
                 "next": inp.routes.url(inp.routes.list_path(page_type, number + 1)) if number < len(chunks) else None}
        title = TYPE_NAMES[page_type] + (f"（第 {number} 页）" if number > 1 else "")
        yield _page(inp, inp.routes.list_path(page_type, number), "list.html", title,
                    items=[_view(inp, p) for p in chunk], pager=pager, heading=TYPE_NAMES[page_type])


def _tags(inp: SiteInput, pages: list[Page]) -> Output:
    tagged = defaultdict(list)
    for page in _newest(pages):
        for tag in page.meta.tags:
            tagged[tag].append(page)
    summary = [(tag, inp.routes.url(inp.routes.tag_path(tag)), len(tagged[tag])) for tag in sorted(tagged)]
    yield _page(inp, "tags/index.html", "tags.html", "全部标签", tags=summary)
    for tag in sorted(tagged):
        yield _page(inp, inp.routes.tag_path(tag), "list.html", f"标签：{tag}", heading=f"标签：{tag}",
                    items=[_view(inp, p) for p in tagged[tag]], pager=None)


def _archive(inp: SiteInput, pages: list[Page]) -> Output:
    years = defaultdict(lambda: defaultdict(list))
    for page in _newest(pages):
        years[page.date.year][page.date.month].append(page)
    overview = [(y, inp.routes.url(inp.routes.archive_path(y)), [(m, len(ps)) for m, ps in sorted(years[y].items(), reverse=True)])
                for y in sorted(years, reverse=True)]
    yield _page(inp, inp.routes.archive_path(), "archive.html", "归档", years=overview)
    for year in sorted(years):
        months = [(m, [_view(inp, p) for p in ps]) for m, ps in sorted(years[year].items(), reverse=True)]
        yield _page(inp, inp.routes.archive_path(year), "archive_year.html", f"{year}年归档", year=year, months=months)


def _feed_context(inp: SiteInput, pages: list[Page]) -> dict:
    latest = _newest(pages)[:20]
    entries = [{"title": p.title, "url": inp.routes.absolute(inp.routes.page_path(p)), "date": p.date,
                "summary": p.meta.summary, "html": inp.rendered[p.source].html if p.source in inp.rendered else ""}
               for p in latest]
    updated = latest[0].date if latest else inp.now.date()  # the newest item, not the clock: keeps builds identical
    return {"site": _site_view(inp), "feed_url": inp.routes.absolute("feed.xml"), "home": inp.routes.absolute("index.html"),
            "entries": entries, "updated": updated}


def _sitemap(inp: SiteInput, pages: list[Page]) -> list[tuple[str, str]]:
    urls = [(inp.routes.absolute("index.html"), "")]
    urls += [(inp.routes.absolute(inp.routes.list_path(t)), "") for t in LIST_FOLDERS]
    urls += [(inp.routes.absolute(inp.routes.page_path(p)), p.date.isoformat()) for p in _newest(pages)]
    return urls


def _static_files(inp: SiteInput) -> Output:
    if inp.static_dir is None or not inp.static_dir.is_dir():
        return
    for path in sorted(inp.static_dir.rglob("*")):
        if path.is_file():
            yield "static/" + path.relative_to(inp.static_dir).as_posix(), path.read_bytes()
