"""The finding-and-showing pages of the site: volunteer dashboard, honour wall and search page."""
from __future__ import annotations

from datetime import datetime
from typing import Callable, Iterator, Protocol

from generator.config import SiteConfig
from generator.model.content import Page, Site
from generator.formats.site.dashboard import number, volunteer_dashboard
from generator.formats.site.honour import honour_wall, level_name
from generator.render.routes import Routes
from generator.formats.site.search import INDEX_DIR

DASHBOARD_PATH = "dashboard/index.html"
HONOUR_PATH = "honour/index.html"
SEARCH_PATH = "search/index.html"


class ShowcaseInput(Protocol):
    """The parts of the site format's inputs these pages read (a protocol, so this module need not
    import pages)."""

    site: Site
    cfg: SiteConfig
    routes: Routes
    images: dict[tuple[str, str], str]
    now: datetime


# pages._page: (run, output path, template, title, **context) → (path, bytes or None, key),
# with the base context.
RenderPage = Callable[..., tuple]


def render_showcase(inp: ShowcaseInput, render_page: RenderPage) -> Iterator[tuple]:
    """Yield (output path, bytes or None, key) of dashboard/index.html, honour/index.html and
    search/index.html."""
    board = volunteer_dashboard(
        inp.site, inp.site.content_dir, inp.cfg.checks.placeholders == "error"
    )
    yield render_page(inp, DASHBOARD_PATH, "dashboard.html", "志愿服务数据", board=board, number=number)
    wall = honour_wall(
        inp.site,
        inp.cfg.types.categories,
        lambda p: inp.routes.url(inp.routes.page_path(p)),
        lambda p, src: _image(inp, p, src),
    )
    yield render_page(inp, HONOUR_PATH, "honour.html", "好人榜", wall=wall, level_name=level_name)
    yield render_page(
        inp,
        SEARCH_PATH,
        "search.html",
        "搜索",
        index_url=inp.routes.url(INDEX_DIR),
        archive_url=inp.routes.url(inp.routes.archive_path()),
        tags_url=inp.routes.url("tags/index.html"),
    )


def showcase_links(routes: Routes) -> list[tuple[str, str]]:
    """(name, URL) of the three pages, for the main menu."""
    return [
        ("好人榜", routes.url(HONOUR_PATH)),
        ("志愿数据", routes.url(DASHBOARD_PATH)),
        ("搜索", routes.url(SEARCH_PATH)),
    ]


def _image(inp: ShowcaseInput, page: Page, src: str) -> str | None:
    return inp.images.get((page.source, src))
