"""Markdown to safe HTML: the one place Python-Markdown is configured and nh3 cleans its output."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable
from xml.etree import ElementTree

import markdown as md
import nh3
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor

from generator.render.images import COLUMN

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
    "picture",
    "pre",
    "q",
    "s",
    "small",
    "source",
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
# Attributes kept only with the values the image step wrote (see _Images and clean).
_MADE_ATTRIBUTES = {"img": ("srcset", "sizes", "decoding"),
                    "source": ("srcset", "sizes", "type")}
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
    """Rewrite image sources through the resolver and remember each image (with lazy loading).

    An image the resolver knows the size and copies of (an images.ImageURL) becomes a <picture>:
    a WebP <source> and the JPEG <img>, each with `srcset`, plus width and height so nothing jumps
    while it loads. WeChat keeps only the <img> and its `src` (wechat/transform.py). A width the
    author wrote stays and sets `sizes` to it ("300px"): how transform.py tells it from the
    image's own width.
    """

    def __init__(self, md_instance):
        super().__init__(md_instance)
        self.resolve: ImageResolver = lambda src: src
        self.found: list[tuple[str, str | None, str]] = []
        self.made: dict[str, set[str]] = {}  # attribute → the values made here (nh3 keeps those)

    def run(self, root: ElementTree.Element) -> None:
        parents = {child: parent for parent in root.iter() for child in parent}
        for img in list(root.iter("img")):
            src = img.get("src", "")
            url = self.resolve(src)
            self.found.append((src, url, img.get("alt", "").strip()))
            img.set("src", url or src)
            img.set("loading", "lazy")
            if hasattr(url, "parts") and img in parents:
                self._picture(img, url, parents[img])

    def _picture(self, img: ElementTree.Element, url, parent: ElementTree.Element) -> None:
        wanted = img.get("width", "").strip()
        sizes = f"{wanted}px" if wanted.isdigit() and int(wanted) > 0 else None
        parts = url.parts(img.get("alt", ""), sizes=sizes or COLUMN)
        if sizes and parts[0][0] != "picture":
            return  # no copies to choose from: the author's width, as written
        shown = img if parts[0][0] != "picture" else ElementTree.Element("img")
        shown.attrib.update({k: v for k, v in img.attrib.items() if k in _KEPT})
        shown.attrib.update(parts[-1][1])
        if sizes:
            shown.set("width", wanted)
            shown.set("height", str(max(1, round(url.height * int(wanted) / url.width))))
        outer = shown
        if parts[0][0] == "picture":
            outer = ElementTree.Element("picture")
            for name, attrs in parts[1:-1]:
                ElementTree.SubElement(outer, name, attrs)
            outer.append(shown)
            outer.tail = img.tail
            parent[list(parent).index(img)] = outer
        for element in outer.iter():
            for name in ("srcset", "sizes", "type", "decoding"):
                if name in element.attrib:
                    self.made.setdefault(name, set()).add(element.get(name))


_KEPT = ("title", "class", "id", "lang")  # what an author may write on an image, besides its size


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
        self._images.found, self._images.made = [], {}
        html = clean(self._md.convert(text), self._images.made)
        toc = [(t["level"], t["id"], t["name"]) for t in _flatten(self._md.toc_tokens)]
        images = [
            ImageRef(src, url, alt, first_line + _line_in(text, src))
            for src, url, alt in self._images.found
        ]
        return Rendered(html, toc, images)


def clean(html: str, made: dict[str, set[str]] | None = None) -> str:
    """Remove scripts, event handlers, styles and unsafe URLs from HTML, keeping ordinary article
    markup; `made` are the srcset, sizes, type and decoding values this renderer wrote itself (an
    author's own are dropped: a srcset could load pictures from anywhere)."""
    made = made or {}
    values = {tag: {name: made.get(name, set()) for name in names}
              for tag, names in _MADE_ATTRIBUTES.items()}
    return nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes=_SCHEMES, link_rel=None,
                     strip_comments=True, tag_attribute_values=values)


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
