"""Markdown to safe HTML: the one place Python-Markdown is configured and nh3 cleans its output."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable
from xml.etree import ElementTree

import markdown as md
import nh3
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor

EXTENSIONS = ["tables", "footnotes", "attr_list", "toc", "sane_lists", "fenced_code"]

_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}
_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "ol": {"start"},
}
_SCHEMES = {"http", "https", "mailto", "tel"}

ImageResolver = Callable[[str], "str | None"]


@dataclass(frozen=True)
class ImageRef:
    """An image the body refers to: what was written, where it resolved to, its alt text and body
    line."""

    src: str
    url: str | None
    alt: str
    line: int


@dataclass
class Rendered:
    """The HTML of one body, its headings (level, id, text) and the images it uses."""

    html: str
    toc: list[tuple[int, str, str]] = field(default_factory=list)
    images: list[ImageRef] = field(default_factory=list)

    # Pickled with the HTML as UTF-8 bytes: pickling a str keeps a UTF-8 copy inside it for the
    # rest of its
    # life, which across a whole site's cache doubles the memory its Chinese text takes.
    def __getstate__(self) -> dict:
        return {**self.__dict__, "html": self.html.encode()}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, html=state["html"].decode())


class _Images(Treeprocessor):
    """Rewrite image sources through the resolver and remember each image (with lazy loading)."""

    def __init__(self, md_instance):
        super().__init__(md_instance)
        self.resolve: ImageResolver = lambda src: src
        self.found: list[tuple[str, str | None, str]] = []

    def run(self, root: ElementTree.Element) -> None:
        for img in root.iter("img"):
            src = img.get("src", "")
            url = self.resolve(src)
            self.found.append((src, url, img.get("alt", "").strip()))
            img.set("src", url or src)
            img.set("loading", "lazy")


class MarkdownRenderer:
    """A reusable Markdown converter (reset between pages, which is faster than building one per
    page)."""

    def __init__(self):
        self._md = md.Markdown(extensions=EXTENSIONS, extension_configs={
            "toc": {"slugify": slugify_unicode, "toc_depth": "2-3"},
            "tables": {"use_align_attribute": True},
            "footnotes": {"BACKLINK_TEXT": "↩", "BACKLINK_TITLE": "返回正文第 %d 处"},
        })
        self._images = _Images(self._md)
        self._md.treeprocessors.register(self._images, "wenming_images", 1)

    def render(
        self, text: str, resolve_image: ImageResolver | None = None, first_line: int = 1
    ) -> Rendered:
        """Convert Markdown to sanitized HTML; `first_line` is the file line of the body's first
        line."""
        self._md.reset()
        self._images.resolve = resolve_image or (lambda src: src)
        self._images.found = []
        html = clean(self._md.convert(text))
        toc = [(t["level"], t["id"], t["name"]) for t in _flatten(self._md.toc_tokens)]
        images = [
            ImageRef(src, url, alt, first_line + _line_in(text, src))
            for src, url, alt in self._images.found
        ]
        return Rendered(html, toc, images)


def clean(html: str) -> str:
    """Remove scripts, event handlers, styles and unsafe URLs from HTML, keeping ordinary article
    markup."""
    return nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes=_SCHEMES, link_rel=None,
                     strip_comments=True)


def _flatten(tokens: list[dict]) -> list[dict]:
    out = []
    for token in tokens:
        out.append(token)
        out.extend(_flatten(token.get("children", [])))
    return out


def _line_in(text: str, src: str) -> int:
    index = text.find(f"]({src}")
    if index < 0:
        index = text.find(src)
    return text.count("\n", 0, index) if index >= 0 else 0
