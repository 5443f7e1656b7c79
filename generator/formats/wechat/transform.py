"""Turn the site's body HTML into markup the 公众号 editor keeps: link notes, flat lists, safe images,
no ids."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser
from typing import Iterator, Union
from urllib.parse import urljoin, urlsplit, urlunsplit

VOID = frozenset({"img", "br", "hr", "wbr", "col", "source"})
# Inside these, whitespace-only text is layout noise: dropping it keeps the pasted HTML (and its 20,
# 000-character
# budget) small without changing the rendering.
CONTAINERS = frozenset(
    {
        "",
        "section",
        "div",
        "blockquote",
        "ol",
        "ul",
        "li",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "figure",
        "dl",
    }
)
KEPT_ATTRIBUTES = {"td": ("colspan", "rowspan"), "th": ("colspan", "rowspan")}
MAX_LIST_DEPTH = 2  # the editor flattens deeper lists anyway (research §3), so we decide how
MAX_TABLE_COLUMNS = 4  # wider tables need sideways scrolling on a phone
MP_HOST = "mp.weixin.qq.com"  # the only host the editor accepts links to
GUARD = '<p class="wx-guard">&nbsp;</p>'
_DIGITS = "零一二三四五六七八九"
# ①…㊿
_CIRCLED = tuple(
    chr(c) for r in ((0x2460, 0x2474), (0x3251, 0x3260), (0x32B1, 0x32C0)) for c in range(*r)
)
# Tags that only change name (and gain a class the stylesheet styles) on the way to WeChat.
_RENAMED = {
    "div": ("section", ""),
    "figcaption": ("p", "wx-caption"),
    "dl": ("section", ""),
    "dt": ("p", "wx-dt"),
    "dd": ("p", "wx-dd"),
    "mark": ("span", "wx-mark"),
    "kbd": ("code", ""),
}


@dataclass
class Node:
    """A minimal HTML element: tag, attributes in source order, and children (elements or text)."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Union["Node", str]] = field(default_factory=list)

    def iter(self) -> Iterator["Node"]:
        """This element and every element below it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def text(self) -> str:
        """The text content."""
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def classes(self) -> set[str]:
        """The class names on this element."""
        return set(self.attrs.get("class", "").split())


Child = Union[Node, str]


class _TreeBuilder(HTMLParser):
    """Build a Node tree with the standard library parser (entities decoded, void elements closed)
    ."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    """Parse an HTML fragment into a Node whose children are the fragment's top-level nodes."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def serialize(nodes: list[Child], parent: str = "") -> str:
    """Write nodes back as HTML, dropping whitespace-only text inside block containers."""
    out = []
    for node in nodes:
        if isinstance(node, str):
            if parent not in CONTAINERS or node.strip():
                out.append(escape(node, quote=False).replace("\u00a0", "&nbsp;"))
            continue
        attrs = "".join(f' {k}="{escape(v)}"' for k, v in node.attrs.items())
        out.append(f"<{node.tag}{attrs}>")
        if node.tag not in VOID:
            out.append(serialize(node.children, node.tag) + f"</{node.tag}>")
    return "".join(out)


def scrub(html: str) -> str:
    """Drop <style>, <link> and <script> elements and every id: the editor strips them, so nothing
    may rely on them."""
    root = parse(html)
    for node in root.iter():
        node.attrs.pop("id", None)
        node.children = [
            c
            for c in node.children
            if not (isinstance(c, Node) and c.tag in ("style", "link", "script"))
        ]
    return serialize(root.children)


def with_guards(html: str) -> str:
    """Put an empty zero-height paragraph before and after the content (the editor mis-styles a
    bare first block)."""
    return GUARD + html + GUARD


@dataclass(frozen=True)
class Finding:
    """Something about the body the writer should know, in Chinese."""

    message: str
    hint: str = ""
    blocking: bool = False


@dataclass
class Body:
    """The converted body, its 注释 (footnotes) and 参考链接 (link notes) sections, and findings."""

    html: str
    footnotes: str = ""
    references: str = ""
    # (number, url, first link text)
    notes: list[tuple[int, str, str]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


@dataclass
class _Context:
    base_url: str  # images: root-relative paths take this URL's scheme and host
    page_url: str  # links: relative hrefs resolve against the page's public address
    letter: bool
    notes: dict[str, tuple[int, str]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def note(self, url: str, text: str) -> int:
        """The note number of a URL: one number per distinct URL, in order of first use."""
        if url not in self.notes:
            self.notes[url] = (len(self.notes) + 1, text)
        return self.notes[url][0]


def transform_body(html: str, base_url: str, page_url: str, letter: bool = False) -> Body:
    """Convert sanitized body HTML (from markdown.py) into WeChat-safe markup."""
    root = parse(html)
    footnotes = _take_footnotes(root)
    ctx = _Context(base_url, page_url, letter)
    body = serialize(_convert_all(root.children, ctx))
    # after the body: link notes are numbered in reading order
    notes_html = _footnotes(footnotes, ctx)
    notes = [(n, url, text) for url, (n, text) in ctx.notes.items()]
    return Body(body, notes_html, _references(notes), notes, ctx.findings)


def _convert_all(children: list[Child], ctx: _Context) -> list[Child]:
    out: list[Child] = []
    for child in children:
        out.extend(_convert(child, ctx) if isinstance(child, Node) else [child])
    return out


def _convert(node: Node, ctx: _Context) -> list[Child]:
    """Replacement nodes for one element (most keep their tag and lose attributes)."""
    tag = node.tag
    special = {
        "a": _link,
        "img": _image,
        "ul": _list,
        "ol": _list,
        "table": _table,
        "pre": _code_block,
        "sup": _sup,
        "p": _paragraph,
        "figure": _figure,
        "picture": _picture,
    }
    if tag in special:
        return special[tag](node, ctx)
    kids = _convert_all(node.children, ctx)
    if tag in ("abbr", "span", "font"):
        return kids  # no meaning of their own once classes and titles are gone
    if tag == "q":
        return ["“", *kids, "”"]  # browsers add quotes with CSS ::before, which cannot be inlined
    new_tag, cls = _RENAMED.get(tag, (tag, ""))
    attrs = {k: node.attrs[k] for k in KEPT_ATTRIBUTES.get(tag, ()) if k in node.attrs}
    if tag in ("td", "th") and node.attrs.get("align") in ("left", "center", "right"):
        attrs["style"] = f"text-align:{node.attrs['align']}"
    if cls:
        attrs["class"] = cls
    return [Node(new_tag, attrs, kids)]


def _link(node: Node, ctx: _Context) -> list[Child]:
    """Outside links become text plus a [n] note; in-page anchors become plain text; mp.weixin
    links stay."""
    href = node.attrs.get("href", "").strip()
    kids = _convert_all(node.children, ctx)
    if not href or href.startswith("#"):
        return kids
    url = urljoin(ctx.page_url, href)
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.hostname == MP_HOST:
        return [Node("a", {"href": urlunsplit(("https", *parts[1:]))}, kids)]
    text = node.text().strip()
    if parts.scheme in ("mailto", "tel"):
        address = url.split(":", 1)[1].split("?")[0]
        return kids if address in text else [*kids, f"（{address}）"]
    if _same_address(text, url):
        return kids  # the URL is already the visible text; a note would repeat it
    return [*kids, Node("sup", {"class": "wx-note"}, [f"[{ctx.note(url, text)}]"])]


def _same_address(text: str, url: str) -> bool:
    def bare(value: str) -> str:
        return value.split("://", 1)[-1].rstrip("/").lower()
    return bare(text) == bare(url)


def _image(node: Node, ctx: _Context) -> list[Child]:
    src = node.attrs.get("src", "").strip()
    url = _image_url(src, ctx.base_url)
    if url is None:
        # Not blocking: the build has already reported the image itself as an error.
        ctx.findings.append(Finding(f"图片 “{src[:60]}” 没有网址，公众号文章里会缺这张图",
                                    "图片要放在 content/ 里，由网站发布后引用。"))
        return []
    attrs = {"src": url, "alt": node.attrs.get("alt", "")}
    width = node.attrs.get("width", "").strip()
    # markdown.py writes `decoding` with the picture's own width and height, which WeChat does not
    # need; a width the author wrote it also gives as `sizes` ("300px").
    own = "decoding" in node.attrs and node.attrs.get("sizes") != f"{width}px"
    if width.isdigit() and not own:
        # Only the width moves into style: with max-width:100% and no fixed height the picture
        # keeps its shape.
        attrs["style"] = f"width:{width}px"
    return [Node("img", attrs)]


def _image_url(src: str, base_url: str) -> str | None:
    """An absolute URL for an image: root-relative paths take the site's scheme and host; nothing
    else is usable."""
    if src.startswith("/") and not src.startswith("//"):
        parts = urlsplit(base_url)
        return f"{parts.scheme}://{parts.netloc}{src}"
    if src.startswith(("https://", "http://")):
        return src
    return None


def _picture(node: Node, ctx: _Context) -> list[Child]:
    """The site's <picture> (WebP and smaller copies to choose from): WeChat gets its <img> alone,
    the full-width JPEG, since the editor keeps neither <picture> nor `srcset`."""
    return [c for img in _pictures_img(node) for c in _image(img, ctx)]


def _pictures_img(node: Node) -> list[Node]:
    """The <img> of a <picture> (or the <img> itself)."""
    return [node] if node.tag == "img" else [e for e in node.iter() if e.tag == "img"][:1]


def _paragraph(node: Node, ctx: _Context) -> list[Child]:
    """A paragraph holding only images becomes a figure; its first image's title becomes the
    caption."""
    elements = [img for c in node.children if isinstance(c, Node)
                for img in (_pictures_img(c) if c.tag == "picture" else [c])]
    only_images = elements and all(e.tag == "img" for e in elements) and not node.text().strip()
    if not only_images:
        return [Node("p", {}, _convert_all(node.children, ctx))]
    return _make_figure(elements, elements[0].attrs.get("title", ""), ctx)


def _figure(node: Node, ctx: _Context) -> list[Child]:
    images = [e for e in node.iter() if e.tag == "img"]
    captions = [e for e in node.iter() if e.tag == "figcaption"]
    caption = (
        captions[0].text().strip()
        if captions
        else images[0].attrs.get("title", "") if images else ""
    )
    return _make_figure(images, caption, ctx)


def _make_figure(images: list[Node], caption: str, ctx: _Context) -> list[Child]:
    kids: list[Child] = [c for img in images for c in _image(img, ctx)]
    if not kids:
        return []
    if caption.strip():
        kids.append(Node("p", {"class": "wx-caption"}, [caption.strip()]))
    return [Node("section", {"class": "wx-figure"}, kids)]


def _table(node: Node, ctx: _Context) -> list[Child]:
    """Wrap a table in a section that scrolls sideways, so wide tables never squeeze the text."""
    rows = [n for n in node.iter() if n.tag == "tr"]
    columns = max(
        (sum(1 for c in r.children if isinstance(c, Node) and c.tag in ("td", "th")) for r in rows),
        default=0,
    )
    if columns > MAX_TABLE_COLUMNS:
        ctx.findings.append(Finding(f"表格有 {columns} 列，手机上要左右滑动才能看全",
                                    f"公众号文章里的表格最好不超过 {MAX_TABLE_COLUMNS} 列，或者改写成文字。"))
    return [
        Node(
            "section",
            {"class": "wx-table-wrap"},
            [Node("table", {}, _convert_all(node.children, ctx))],
        )
    ]


def _code_block(node: Node, ctx: _Context) -> list[Child]:
    """Preformatted text as one paragraph: spaces become no-break spaces and lines <br>, which the
    editor keeps."""
    kids: list[Child] = []
    for number, line in enumerate(node.text().rstrip("\n").split("\n")):
        if number:
            kids.append(Node("br"))
        kids.append(line.replace("\t", "    ").replace(" ", "\u00a0"))
    return [Node("p", {"class": "wx-code"}, kids)]


def _sup(node: Node, ctx: _Context) -> list[Child]:
    """Footnote references (a link to #fn:…) become a circled number ①, so they never clash with
    link notes [1]."""
    ref = next(
        (e for e in node.iter() if e.tag == "a" and e.attrs.get("href", "").startswith("#fn:")),
        None,
    )
    if ref is None:
        return [Node("sup", {}, _convert_all(node.children, ctx))]
    number = ref.text().strip()
    return [
        Node("sup", {"class": "wx-fn"}, [_circled(int(number)) if number.isdigit() else number])
    ]


def _circled(number: int) -> str:
    return _CIRCLED[number - 1] if 1 <= number <= len(_CIRCLED) else f"({number})"


def _take_footnotes(root: Node) -> list[Node]:
    """Remove Python-Markdown's footnote block from the tree and return its items (back-links
    removed)."""
    for index, child in enumerate(root.children):
        if isinstance(child, Node) and "footnote" in child.classes():
            del root.children[index]
            items = [n for n in child.iter() if n.tag == "li"]
            for item in items:
                _drop_backrefs(item)
            return items
    return []


def _drop_backrefs(node: Node) -> None:
    """Back-links (↩) lead nowhere in WeChat: remove them and the no-break space written before
    them."""
    kept: list[Child] = []
    for child in node.children:
        if isinstance(child, Node) and "footnote-backref" in child.classes():
            if kept and isinstance(kept[-1], str):
                kept[-1] = kept[-1].rstrip("\u00a0 ")
            continue
        if isinstance(child, Node):
            _drop_backrefs(child)
        kept.append(child)
    node.children = kept


def _footnotes(items: list[Node], ctx: _Context) -> str:
    if not items:
        return ""
    kids: list[Child] = [Node("p", {"class": "wx-notes-title"}, ["注释"])]
    for number, item in enumerate(items, start=1):
        paragraphs = [c for c in item.children if isinstance(c, Node) and c.tag == "p"] or [
            Node("p", {}, item.children)
        ]
        for index, para in enumerate(paragraphs):
            lead: list[Child] = [f"{_circled(number)} "] if index == 0 else []
            kids.append(
                Node("p", {"class": "wx-footnote"}, lead + _convert_all(para.children, ctx))
            )
    return serialize([Node("section", {"class": "wx-footnotes"}, kids)])


def _references(notes: list[tuple[int, str, str]]) -> str:
    """The 参考链接 list: “[n] 链接文字：URL”, the URL as plain text (the editor refuses outside links)."""
    if not notes:
        return ""
    kids: list[Child] = [Node("p", {"class": "wx-refs-title"}, ["参考链接"])]
    for number, url, text in notes:
        label = f"{text}：" if text else ""
        kids.append(Node("p", {"class": "wx-ref"}, [f"[{number}] {label}{url}"]))
    return serialize([Node("section", {"class": "wx-refs"}, kids)])


def _list(node: Node, ctx: _Context, level: int = 1) -> list[Child]:
    """A list becomes paragraphs with their markers written as text, nested at most MAX_LIST_DEPTH
    levels deep."""
    ordered = node.tag == "ol"
    start = int(node.attrs["start"]) if node.attrs.get("start", "").isdigit() else 1
    items = [c for c in node.children if isinstance(c, Node) and c.tag == "li"]
    out: list[Child] = []
    for offset, item in enumerate(items):
        out.extend(
            _list_item(item, _marker(ordered, start + offset, level, ctx.letter), level, ctx)
        )
    return out


_ITEM_BLOCKS = frozenset({"blockquote", "table", "pre", "div", "figure", "section", "hr"})


def _list_item(item: Node, marker: str, level: int, ctx: _Context) -> list[Child]:
    """One item: its first paragraph carries the marker, later paragraphs are indented alike,
    sub-lists follow."""
    out: list[Child] = []
    current: Node | None = None  # the paragraph that loose inline content joins
    for child in item.children:
        tag = child.tag if isinstance(child, Node) else ""
        if tag == "p":
            _item_paragraph(out, marker, level, _convert_all(child.children, ctx))
            current = None
        elif tag in ("ul", "ol") or tag in _ITEM_BLOCKS:
            if not out:
                _item_paragraph(out, marker, level, [])
            nested = tag in ("ul", "ol")
            out.extend(
                _list(child, ctx, min(level + 1, MAX_LIST_DEPTH))
                if nested
                else _convert(child, ctx)
            )
            current = None
        elif current is not None or tag or child.strip():
            current = current or _item_paragraph(out, marker, level, [])
            current.children.extend(_convert(child, ctx) if tag else [child])
    if not out:
        _item_paragraph(out, marker, level, [])
    return out


def _item_paragraph(out: list[Child], marker: str, level: int, kids: list[Child]) -> Node:
    """Append a paragraph of the item: the first one gets the marker, the others only the indent."""
    first = not out
    cls = f"wx-li wx-l{level}" if first else f"wx-li-cont wx-l{level}"
    para = Node("p", {"class": cls}, ([marker] if first else []) + kids)
    out.append(para)
    return para


def _marker(ordered: bool, number: int, level: int, letter: bool) -> str:
    """The text marker of a list item; 倡议书 number their points 一、 and （一） as official documents
    do."""
    if not ordered:
        return "• " if level == 1 else "◦ "
    if letter:
        return f"{chinese_numeral(number)}、" if level == 1 else f"（{chinese_numeral(number)}）"
    return f"{number}. " if level == 1 else f"（{number}）"


def chinese_numeral(number: int) -> str:
    """Write 1–99 in Chinese numerals (一, 十, 十一, 二十一); larger numbers stay in digits."""
    if not 1 <= number <= 99:
        return str(number)
    tens, ones = divmod(number, 10)
    if tens == 0:
        return _DIGITS[ones]
    return f"{_DIGITS[tens] if tens > 1 else ''}十{_DIGITS[ones] if ones else ''}"
