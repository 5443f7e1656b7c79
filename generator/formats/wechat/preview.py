"""The preview page of one WeChat article: phone-width view, copy button, fields to fill in,
post-paste checklist."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TypedDict

from generator.formats.wechat import transform
from generator.render.templates import Templates

TEMPLATE = "wechat/preview.html"


class CoverView(TypedDict):
    """One cover file as the preview lists it."""

    label: str
    file: str
    size: str


class ProblemView(TypedDict):
    """One build finding about this article."""

    level: str
    message: str
    line: int


class PreviewContext(TypedDict):
    """Everything the preview template may use (and nothing else)."""

    title: str
    account: str
    author: str
    digest: str
    digest_fallback: int
    date: str
    source_url: str
    covers: list[CoverView]
    crops: dict[str, str]
    # the article with images pointing at the local build, so the page loads nothing from outside
    view_html: str
    source_json: str  # the exact article.html, which the copy button puts on the clipboard
    preview_mark: bool
    problems: list[ProblemView]
    chars: int
    size: int
    limit_chars: int
    limit_bytes: int


def local_view(article_html: str, base_url: str, depth: int = 2) -> str:
    """The article with image URLs under base_url made relative to the preview page (`depth` folders
    below it)."""
    prefix = base_url if base_url.endswith("/") else base_url + "/"
    root = transform.parse(article_html)
    for node in root.iter():
        kept: list[transform.Child] = []
        for child in node.children:
            if isinstance(child, transform.Node) and child.tag == "img":
                src = child.attrs.get("src", "")
                if not src.startswith(prefix):
                    # would load from an outside host
                    kept.append(f"［图片：{child.attrs.get('alt', '')}］")
                    continue
                child.attrs["src"] = "../" * depth + src[len(prefix):]
            kept.append(child)
        node.children = kept
    return transform.serialize(root.children)


def source_json(article_html: str) -> str:
    """The article as a JSON string that is safe inside <script type="application/json">."""
    text = json.dumps(article_html, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render(context: PreviewContext, templates: Templates) -> bytes:
    """Render the preview page through the site's template environment (autoescaped, strict)."""
    return templates.render(TEMPLATE, dict(context)).encode("utf-8")
