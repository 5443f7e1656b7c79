"""Broken internal links: a link in a body to a page, file or anchor of this site that the build
does not make.

Links are read from the Markdown source (inline links and images, reference definitions, raw HTML
href/src), so each finding names the file, line and column where the address was written. External
links are never fetched. Relative images are checked where they are published (see render.images),
not here.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Callable, Iterator
from urllib.parse import unquote, urlsplit

from generator.base.errors import SiteError, error, warning
from generator.model.content import Page, Site

_FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,}).*?^(?P=fence)[ \t]*$", re.M | re.S)
_CODE = re.compile(r"(`+)(?:.+?)\1", re.S)
# starts with its literal "[" (so the regex engine skips to each "[" at C speed); an image's "!"
# is the character before the match
_INLINE = re.compile(
    r"\[(?:[^\[\]\\]|\\.|\[[^\[\]]*\])*\]\(\s*<?(?P<url>[^)\s>]*)>?(?:\s+[\"'(][^)]*)?\)"
)
_REFERENCE = re.compile(r"^[ ]{0,3}\[(?!\^)[^\]]+\]:[ \t]*<?(?P<url>[^\s>]+)>?", re.M)
_HTML = re.compile(r"""\b(?:href|src)\s*=\s*["'](?P<url>[^"']*)["']""", re.I)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_IDS = re.compile(r"""\bid\s*=\s*["']([^"']+)["']""")


@dataclass(frozen=True)
class Link:
    """One address written in a body, where it was written, and whether it is an image."""

    url: str
    line: int
    col: int
    image: bool = False


@dataclass(frozen=True)
class Target:
    """What a site-relative link needs: the output file it names and the anchor in it."""

    path: str
    anchor: str


def links_in(body: str, first_line: int = 1) -> list[Link]:
    """Every address a Markdown body writes (outside code), with its file line and column (1-based)
    ."""
    masked = _mask(body)
    # most bodies have no raw HTML and many no link at all: a substring test costs far less than
    # running the pattern over the whole body
    patterns = [
        pattern for pattern, mark in ((_INLINE, "]("), (_REFERENCE, "]:"), (_HTML, "="))
        if mark in masked
    ]
    found = []
    for pattern in patterns:
        for match in pattern.finditer(masked):
            start = match.start("url")
            url = body[start:match.end("url")]
            line_start = body.rfind("\n", 0, start) + 1
            image = pattern is _INLINE and masked[match.start() - 1:match.start()] == "!"
            found.append(
                Link(url, first_line + body.count("\n", 0, start), start - line_start + 1, image)
            )
    return sorted(found, key=lambda link: (link.line, link.col))


def _mask(body: str) -> str:
    """The body with code blocks and code spans blanked out (same length, so positions stay)."""
    if "`" not in body and "~~~" not in body:
        return body
    blank = lambda m: re.sub(r"[^\n]", " ", m.group(0))  # noqa: E731
    return _CODE.sub(blank, _FENCE.sub(blank, body))


def target_of(url: str, page_url: str, base_path: str) -> Target | str | None:
    """The output file and anchor a link names; None for external links; a Chinese reason when it
    cannot name a file of this site at all."""
    if not url or _SCHEME.match(url) or url.startswith("//"):
        return None
    parts = urlsplit(url)
    path, anchor = unquote(parts.path), unquote(parts.fragment)
    if not path:
        path = page_url
    elif not path.startswith("/"):
        path = posixpath.join(posixpath.dirname(page_url.rstrip("/") + "/x"), path)
    elif base_path != "/" and not (path + "/").startswith(base_path):
        return f"本站的网址都以 {base_path} 开头"
    normal = posixpath.normpath(path) + ("/" if path.endswith("/") else "")
    if not (normal + "/").startswith(base_path):
        return "这个地址跑到了网站外面"
    rel = normal[len(base_path):]
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    elif not posixpath.splitext(rel)[1]:
        rel += "/index.html"
    return Target(rel, anchor)


@dataclass(frozen=True)
class LinkSite:
    """What the link check knows of the built site: which files exist, anchors of detail pages,
    pages withheld."""

    exists: Callable[[str], bool]
    # ids in an output page; None when unknown (not checked)
    anchors: Callable[[str], "set[str] | None"]
    # output path → the title of a page that exists in content but is not published now
    withheld: dict
    base_path: str
    page_url: Callable[[Page], str]


def broken_links(site: Site, known: LinkSite, severity: str = "error") -> list[SiteError]:
    """A finding for every link of every page's body to something this site does not publish."""
    found = []
    for page in site.pages:
        found += _page_findings(site, page, known, severity)
    return found


def _page_findings(site: Site, page: Page, known: LinkSite, severity: str) -> Iterator[SiteError]:
    path = site.content_dir / page.source
    make = error if severity == "error" else warning
    for link in links_in(page.body, page.body_line):
        if link.image and not link.url.startswith("/") and not _SCHEME.match(link.url):
            continue  # a relative image is found beside the page and checked when published
        target = target_of(link.url, known.page_url(page), known.base_path)
        if target is None:
            continue
        problem = _problem(link, target, known)
        if problem is None:
            continue
        message, hint, withheld = problem
        report = warning if withheld else make
        yield report(path, link.line, message, hint, link.col, code="links.broken")


def _problem(link: Link, target: "Target | str", known: LinkSite) -> tuple[str, str, bool] | None:
    if isinstance(target, str):
        return f"链接 “{link.url}” 打不开：{target}", "站内链接写成 /stories/文章网址/ 这样，或直接复制浏览器里的地址。", False
    if target.path.endswith(".md"):
        return (f"链接 “{link.url}” 指向 .md 源文件，读者打不开", "链接要写文章的网址（例如 /stories/zhang-san/），不是文件名。",
                False)
    if not known.exists(target.path):
        if target.path in known.withheld:
            return (f"链接 “{link.url}” 指向的《{known.withheld[target.path]}》这次没有发布（未审定、未到日期或已下线）",
                    "等那篇文章发布后链接就能打开；也可以先删掉这个链接。", True)
        return f"链接 “{link.url}” 指向的页面或文件不存在", "检查网址是否写错；文章的网址见它的页面地址栏。", False
    if target.anchor:
        ids = known.anchors(target.path)
        if ids is not None and target.anchor not in ids:
            return (f"链接 “{link.url}” 里的 #{target.anchor} 在那个页面上找不到",
                    "#后面要写小标题的锚点，可在页面上点小标题复制链接。", False)
    return None


def ids_in(html: str) -> set[str]:
    """The id attributes of an HTML text."""
    return set(_IDS.findall(html))
