"""The one place URLs and output paths are decided, and where two pages claiming one URL are
caught."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import quote, urlsplit

from generator.config import SiteConfig
from generator.model.content import Page, Site
from generator.base.errors import BuildFailed, error
from generator.base.slugs import slugify

LIST_FOLDERS = {"story": "stories", "activity": "activities", "letter": "letters"}
# Names the site itself writes at the top of the output folder: a plain page may not take one as
# its slug.
OWN_NAMES = {
    "index.html",
    "404.html",
    "feed.xml",
    "sitemap.xml",
    "robots.txt",
    "static",
    "media",
    "search",
    "tags",
    "archive",
    "dashboard",
    "honour",
    "led",
    "wechat",
    "showcase",
    "page",
    *LIST_FOLDERS.values(),
}


@dataclass(frozen=True)
class Routes:
    """URL rules for one site: everything is addressed under the base URL's path."""

    base_url: str  # always ends with "/"

    @property
    def base_path(self) -> str:
        """The path part of the base URL, e.g. "/changshan/"."""
        return urlsplit(self.base_url).path or "/"

    @property
    def origin(self) -> str:
        """Scheme and host of the base URL, e.g. "https://example.gov.cn"."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    def url(self, output_path: str) -> str:
        """The root-relative URL of an output file ("stories/x/index.html" → "/base/stories/x/")."""
        return _url(self.base_url, output_path)

    def absolute(self, output_path: str) -> str:
        """The full https URL of an output file, for feeds, sitemaps and WeChat."""
        return self.origin + self.url(output_path)

    def page_path(self, page: Page) -> str:
        """Where a page's HTML is written: stories/<slug>/index.html, or <slug>/index.html for
        plain pages."""
        if page.type == "page":
            return f"{page.slug}/index.html"
        return f"{page.folder}/{page.slug}/index.html"

    def list_path(self, page_type: str, number: int = 1) -> str:
        """A type's list page; page 1 lives at the folder itself."""
        folder = LIST_FOLDERS[page_type]
        return f"{folder}/index.html" if number == 1 else f"{folder}/page/{number}/index.html"

    def archive_path(self, year: int | None = None) -> str:
        """The archive index, or one year's archive."""
        return "archive/index.html" if year is None else f"archive/{year}/index.html"

    def media_path(self, content_dir: Path, source: Path) -> str:
        """Where a content image is published: media/<its path under content/>; an approved
        snapshot's copy (named by its SHA-256) as media/approved/<name>, so the live and the working
        bytes of one file never collide.
        """
        rel = source.resolve().relative_to(content_dir.resolve()).as_posix()
        return "media/approved/" + source.name if rel.startswith("_review/") else "media/" + rel

    def wechat_path(self, page: Page) -> str:
        """The folder of a page's WeChat bundle."""
        return f"wechat/{page.slug}/"


def _url(base_url: str, output_path: str) -> str:
    # Not memoised: at 1,000 pages a memo saved no measurable CPU time (docs/notes/keys.md).
    if output_path.endswith("index.html"):
        output_path = output_path[: -len("index.html")]
    return (urlsplit(base_url).path or "/") + quote(output_path)


def tag_slug(tag: str, spell: Callable[[str], str] = slugify) -> str:
    """A tag's folder name: pinyin (`spell`: a build's Speller.slug), falling back to the escaped
    tag itself."""
    return spell(tag) or quote(tag, safe="")


def make_routes(cfg: SiteConfig) -> Routes:
    """Routes for a config (the base URL always ends with a slash)."""
    base = cfg.site.base_url if cfg.site.base_url.endswith("/") else cfg.site.base_url + "/"
    return Routes(base)


def _slug_line(page: Page) -> int:
    """The line of the page's slug, or 1 when its URL comes from the file name."""
    return page.line_of("slug") if ("slug",) in page.positions else 1


def check_unique(site: Site, routes: Routes) -> None:
    """Fail before anything is written when two pages claim the same URL (case-insensitively) or
    escape the output."""
    claimed: dict[str, Page] = {}
    problems = []
    for page in site.pages:
        if page.type == "page" and page.slug.lower() in OWN_NAMES and page.goes_to("site"):
            problems.append(error(site.content_dir / page.source, page.line_of("slug"),
                                  f"网址名（slug）“{page.slug}” 和网站自己生成的 /{page.slug} 同名",
                                  "换一个 slug，例如在后面加上 -page。", code="slug.reserved"))
            continue
        targets = [routes.page_path(page)] if page.goes_to("site") else []
        if page.goes_to("wechat"):
            targets.append(routes.wechat_path(page))
        for target in targets:
            normal = posixpath.normpath(target)
            if normal.startswith("..") or normal.startswith("/"):
                problems.append(error(site.content_dir / page.source, page.line_of("slug"),
                                      f"网址 “{target}” 会跑到输出文件夹外面", "换一个只含字母、数字和 - 的 slug。"))
                continue
            key = target.lower()
            if key in claimed and claimed[key] is not page:
                other = claimed[key]
                problems.append(error(site.content_dir / page.source, _slug_line(page),
                                      f"网址 /{target.removesuffix('index.html')} 和 {other.source} 第 "
                                      f"{_slug_line(other)} 行重复",
                                      f"两篇文章都要用这个网址：{other.source} 第 {_slug_line(other)} 行和 "
                                      f"{page.source} 第 {_slug_line(page)} 行。给其中一篇写一个不同的 slug。",
                                      code="route.duplicate"))
                break  # (its WeChat folder clashes too: once is enough)
            claimed.setdefault(key, page)
    if problems:
        raise BuildFailed(problems)
