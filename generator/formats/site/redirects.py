"""Old addresses that keep working: `aliases: [/old/path/]` writes a redirect page at each old URL,
and an nginx map that lets the web server answer them with a real 301.

An alias is a path of this site, as readers saw it, with or without the base path (`/stories/old/`
and `/wenming/stories/old/` mean the same on a site under /wenming/). Aliases of unpublished pages
are not written.
"""

from __future__ import annotations

import html
import posixpath

from generator.base.errors import BuildFailed, SiteError, error, warning
from generator.model.content import Page, Site
from generator.render.routes import Routes


def alias_path(alias: str, routes: Routes) -> str:
    """The output file of an alias: /old/path/ → old/path/index.html; /old.html → old.html."""
    path = alias.strip()
    base = routes.base_path
    if base != "/" and (path + "/").startswith(base):
        path = path[len(base) - 1:]
    path = posixpath.normpath(path).lstrip("/")
    if alias.endswith("/") or not posixpath.splitext(path)[1]:
        return (path + "/index.html").lstrip("/")
    return path


def redirects(site: Site, routes: Routes) -> list[tuple[str, str, Page]]:
    """(alias output path, new URL, page) for every alias of a page on the site; BuildFailed naming
    the file and line when an alias is taken by a page or by another alias."""
    taken = {routes.page_path(p).lower(): p for p in site.pages if p.goes_to("site")}
    found, seen, problems = [], {}, []
    for page in site.pages:
        if not page.goes_to("site"):
            continue
        for alias in page.meta.aliases:
            rel = alias_path(alias, routes)
            where = site.content_dir / page.source, page.line_of("aliases")
            if rel.lower() in taken:
                problems.append(
                    error(
                        *where,
                        f"旧网址 {alias} 现在是《{taken[rel.lower()].title}》的网址，不能再跳转",
                        "删掉这个 aliases 项，或给那篇文章换一个 slug。",
                        code="links.alias",
                    )
                )
            elif rel.lower() in seen and seen[rel.lower()] is not page:
                problems.append(
                    error(
                        *where,
                        f"旧网址 {alias} 也写在 {seen[rel.lower()].source} 的 aliases 里",
                        "一个旧网址只能跳转到一篇文章。",
                        code="links.alias",
                    )
                )
            else:
                seen[rel.lower()] = page
                found.append((rel, routes.url(routes.page_path(page)), page))
    if problems:
        raise BuildFailed(problems)
    return sorted(found, key=lambda item: item[0])


def redirect_page(new_url: str, absolute: str, title: str) -> bytes:
    """A page that sends the reader on at once (meta refresh), tells search engines where the page
    lives now (canonical) and keeps a plain link for readers whose browser does not follow."""
    url, name = html.escape(new_url, quote=True), html.escape(title)
    return (
        f'<!doctype html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f'<title>{name}（已搬到新地址）</title>\n<link rel="canonical" '
        f'href="{html.escape(absolute, quote=True)}">\n'
        f'<meta name="robots" content="noindex">\n<meta http-equiv="refresh" content="0; '
        f'url={url}">\n</head>\n'
        f'<body>\n<p>这篇文章已搬到新地址：<a href="{url}">{name}</a></p>\n</body>\n</html>\n'
    ).encode()


def outputs(site: Site, routes: Routes) -> list[tuple[str, bytes]]:
    """The redirect page of every alias."""
    return [
        (rel, redirect_page(url, routes.origin + url, page.title))
        for rel, url, page in redirects(site, routes)
    ]


def nginx_map(site: Site, routes: Routes) -> bytes:
    """An nginx `map` from each old URL to its new one (include it in the http block; see the
    README)."""
    lines = ["# 文明常山发布工具生成：旧网址 → 新网址。不要手改，每次生成都会重写。",
             "# 用法见 README 的 “nginx 配置”：在 http {} 里 include 本文件，在 server {} 里加",
             "#   if ($wenming_redirect) { return 301 $wenming_redirect; }",
             "map $uri $wenming_redirect {", "    default \"\";"]
    for rel, url, _page in redirects(site, routes):
        old = routes.url(rel)
        lines.append(f"    {_quoted(old)} {_quoted(url)};")
        if old.endswith("/"):
            lines.append(f"    {_quoted(old + 'index.html')} {_quoted(url)};")
    return ("\n".join(lines + ["}"]) + "\n").encode()


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def moved(site: Site, routes: Routes, previous: dict[str, list[str]]) -> list[SiteError]:
    """A warning for each published page whose address changed since an earlier build (its slug was
    edited) while its old address is neither an alias nor another page: readers' bookmarks would
    break."""
    current = {routes.url(routes.page_path(p)) for p in site.pages if p.goes_to("site")}
    current |= {routes.url(rel) for rel, _url, _page in redirects(site, routes)}
    found = []
    for page in site.pages:
        if not page.goes_to("site"):
            continue
        now = routes.url(routes.page_path(page))
        for old in previous.get(page.source, []):
            if old != now and old not in current:
                short = old[len(routes.base_path) - 1:] if old.startswith(routes.base_path) else old
                found.append(warning(site.content_dir / page.source, page.line_of("slug"),
                                     f"这篇文章的网址从 {old} 改成了 {now}，旧网址的收藏和转发会打不开",
                                     f"在文件头加一行 aliases: [{short}]，旧网址就会跳转到新网址。",
                                     code="links.moved"))
    return found


def url_record(site: Site, routes: Routes, previous: dict[str, list[str]]) -> dict[str, list[str]]:
    """Every address each page has had: kept between builds so a later slug change is still
    noticed."""
    record = {source: list(urls) for source, urls in previous.items()}
    for page in site.pages:
        if page.goes_to("site"):
            urls = record.setdefault(page.source, [])
            url = routes.url(routes.page_path(page))
            if url not in urls:
                urls.append(url)
    return dict(sorted(record.items()))
