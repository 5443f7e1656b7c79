"""Check a WeChat article against the editor's rules (inline CSS allow-list, links, images) and the
API limits."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from generator.config import WechatLimits
from generator.model.content import Page
from generator.base.errors import SiteError, error, warning
from generator.base.typography import count_characters
from generator.checks.placeholders import lead_text

_LENGTH = re.compile(r"^-?(\d+(\.\d+)?|\.\d+)(px|em|rem|%)?$")
_HEX = re.compile(r"^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_BORDER_STYLES = {"none", "solid", "dashed", "dotted", "double"}
_WORDS = {"auto", "normal", "0", "none"}
# Keyword-valued properties and the values the editor keeps (research §3 and §8 req. 2).
_KEYWORDS = {
    "display": {"block", "inline-block"},
    "font-weight": {"normal", "bold", "bolder", "lighter", "400", "500", "600", "700"},
    "font-style": {"normal", "italic"},
    "text-align": {"left", "right", "center", "justify"},
    "overflow-x": {"auto", "scroll", "hidden", "visible"},
    "white-space": {"normal", "nowrap", "pre-wrap", "pre-line"},
    "word-break": {"normal", "break-all", "keep-all", "break-word"},
    "vertical-align": {
        "baseline",
        "middle",
        "top",
        "bottom",
        "super",
        "sub",
        "text-top",
        "text-bottom",
    },
    "box-sizing": {"border-box", "content-box"},
    "border-collapse": {"collapse", "separate"},
}
_LENGTHS = {
    "font-size",
    "line-height",
    "letter-spacing",
    "text-indent",
    "width",
    "max-width",
    "border-radius",
    "margin",
    "margin-top",
    "margin-right",
    "margin-bottom",
    "margin-left",
    "padding",
    "padding-top",
    "padding-right",
    "padding-bottom",
    "padding-left",
}
_COLOURS = {"color", "background-color"}
_BORDERS = {"border", "border-top", "border-right", "border-bottom", "border-left",
            "border-width", "border-style", "border-color"}
ALLOWED = frozenset(_KEYWORDS) | _LENGTHS | _COLOURS | _BORDERS | {"font-family"}
_FORBIDDEN_TAGS = {"style", "script", "link"}


def declarations(style: str) -> list[tuple[str, str]]:
    """Split a style attribute into (property, value) pairs, lower-cased property names."""
    pairs = []
    for part in style.split(";"):
        if ":" in part:
            name, value = part.split(":", 1)
            pairs.append((name.strip().lower(), value.strip()))
        elif part.strip():
            pairs.append((part.strip().lower(), ""))
    return pairs


def check_declaration(name: str, value: str) -> str:
    """Why one inline declaration would be dropped or misrendered by the editor ("" when it is fine)
    ."""
    if name not in ALLOWED:
        return f"属性 {name} 不在公众号允许的样式清单里"
    if "!important" in value.lower() or "(" in value:
        return f"{name}: {value} 用了 !important 或 CSS 函数（var、calc、url、rgb 等），编辑器会丢掉整条样式"
    if name in _COLOURS:
        if not _HEX.match(value):
            return f"{name}: {value} 颜色要写成十六进制，例如 #333333"
        if name == "color" and _is_black(value):
            return f"color: {value} 是纯黑色，编辑器会把它吞掉（请用 #333333 这类深灰）"
        return ""
    tokens = value.split()
    if not tokens:
        return f"{name} 没有值"
    if name in _KEYWORDS:
        ok = len(tokens) == 1 and tokens[0].lower() in _KEYWORDS[name]
        return "" if ok else f"{name}: {value} 不是公众号能保留的写法"
    if name in _BORDERS:
        bad = [
            t
            for t in tokens
            if not (_LENGTH.match(t) or _HEX.match(t) or t.lower() in _BORDER_STYLES | _WORDS)
        ]
        return f"{name}: {value} 里的 “{bad[0]}” 不行（颜色要写成十六进制）" if bad else ""
    if name in _LENGTHS:
        bad = [t for t in tokens if not (_LENGTH.match(t) or t.lower() in _WORDS)]
        return f"{name}: {value} 里的 “{bad[0]}” 不是长度" if bad else ""
    return ""


def _is_black(hex_colour: str) -> bool:
    value = hex_colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    # #000000 up to #1a1a1a counts as black
    return max(int(value[i:i + 2], 16) for i in (0, 2, 4)) <= 0x1A


class _Elements(HTMLParser):
    """Collect (tag, attributes) of every start tag."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, {k: v or "" for k, v in attrs}))

    handle_startendtag = handle_starttag


def check_html(html: str) -> list[str]:
    """Every way an article fragment breaks the editor's rules, as Chinese sentences (empty when
    clean)."""
    parser = _Elements()
    parser.feed(html)
    parser.close()
    problems = []
    for tag, attrs in parser.found:
        problems.extend(_check_element(tag, attrs))
    return problems


def _check_element(tag: str, attrs: dict[str, str]) -> list[str]:
    problems = []
    if tag in _FORBIDDEN_TAGS:
        problems.append(f"<{tag}> 会被编辑器删掉")
    if "id" in attrs:
        problems.append(f"<{tag}> 带有 id，编辑器会删掉")
    if any(name.startswith("on") for name in attrs):
        problems.append(f"<{tag}> 带有脚本事件")
    if tag == "a" and "href" in attrs and urlsplit(attrs["href"]).hostname != "mp.weixin.qq.com":
        problems.append(f"链接 {attrs['href'][:80]} 不是 mp.weixin.qq.com 的文章，编辑器不接受")
    if tag == "img" and not attrs.get("src", "").startswith("https://"):
        problems.append(f"图片地址 “{attrs.get('src', '')[:80]}” 不是 https:// 开头的完整网址")
    if tag == "img" and ("width" in attrs or "height" in attrs):
        problems.append("图片的 width/height 要写进 style")
    for name, value in declarations(attrs.get("style", "")):
        reason = check_declaration(name, value)
        if reason:
            problems.append(f"<{tag}> {reason}")
    return problems


def check_article(
    page: Page, path: Path, html: str, page_url: str, limits: WechatLimits
) -> list[SiteError]:
    """The field-length limits of the draft API and the editor's markup rules, located in the page's
    front matter."""
    problems = _check_title(page, path, limits) + _check_author(page, path, limits)
    problems += _check_digest(page, path, limits) + _check_body(page, path, html, limits)
    if len(page_url.encode("utf-8")) > limits.source_url_bytes:
        problems.append(
            error(
                path,
                page.line_of("slug"),
                f"原文链接有 {len(page_url.encode())} 字节，超过 "
                f"{limits.source_url_bytes} 字节",
                "把 slug 改短一些。",
                code="wechat.source_url",
            )
        )
    for reason in dict.fromkeys(check_html(html)):  # same reason on many elements: report it once
        problems.append(error(path, 1, f"公众号排版不合规：{reason}",
                              "样式来自 site_config.yaml 的 wechat: 部分；检查颜色和字距的写法。", code="wechat.css"))
    return problems


def _field(page: Page, name: str, fallback: str) -> tuple[str, str, int]:
    """(value, how the writer names it, line) of a WeChat field: wechat.<name> when set, else the
    page's own."""
    own = getattr(page.meta.wechat, name).strip()
    if own:
        return own, f"wechat.{name}", page.line_of("wechat", name)
    return getattr(page.meta, fallback).strip(), fallback, page.line_of(fallback)


def _check_title(page: Page, path: Path, limits: WechatLimits) -> list[SiteError]:
    title, named, line = _field(page, "title", "title")
    length = count_characters(title)
    if length <= limits.title:
        return []
    hint = (f"在文件头加一行 wechat: {{title: 不超过 {limits.title} 个字的公众号标题}}，网站标题不用改"
            "（标点和空格也算字数；新加的字段和其他字段一样要审核）。") if named == "title" else \
        f"把 wechat.title 改短到 {limits.title} 个字以内（标点和空格也算字数）。"
    return [error(path, line, f"公众号标题（{named}）有 {length} 个字，最多 {limits.title} 个", hint,
                  code="wechat.title")]


def _check_author(page: Page, path: Path, limits: WechatLimits) -> list[SiteError]:
    author, named, line = _field(page, "author", "author")
    length = count_characters(author)
    if length > limits.author_max:
        return [error(path, line, f"作者有 {length} 个字，公众号最多 {limits.author_max} 个",
                      "只写作者或通讯员的名字。", code="wechat.author")]
    if length > limits.author:
        return [warning(path, line, f"作者有 {length} 个字，公众号编辑器里只能填 {limits.author} 个",
                        f"接口可以接受 {limits.author_max} 个字，手动粘贴时要删短。", code="wechat.author")]
    return []


def _check_digest(page: Page, path: Path, limits: WechatLimits) -> list[SiteError]:
    digest, named, line = _field(page, "digest", "summary")
    length = count_characters(digest)
    if not digest:
        lead = lead_text(page, limits.digest_fallback)
        return [warning(path, line, f"没有摘要（summary），公众号摘要将用正文前 {limits.digest_fallback} 个字："
                        f"“{lead}”" if lead else "没有摘要（summary），正文里也没有可以用作摘要的段落",
                        "在文件头里写一行 summary: 一两句话的摘要。", code="wechat.digest")]
    if length > limits.digest:  # the editor takes 120 (the API 128): a longer one cannot be pasted
        return [error(path, line, f"公众号摘要（{named}）有 {length} 个字，编辑器里最多 {limits.digest} 个",
                      _digest_hint(named, limits), code="wechat.digest")]
    return []


def _digest_hint(named: str, limits: WechatLimits) -> str:
    if named == "summary":
        return f"在文件头加 wechat: {{digest: 不超过 {limits.digest} 个字的公众号摘要}}，网站摘要不用改。"
    return f"把 wechat.digest 改短到 {limits.digest} 个字以内。"


def _check_body(page: Page, path: Path, html: str, limits: WechatLimits) -> list[SiteError]:
    # The API counts the whole HTML string, tags and inline styles included (research §2).
    chars, size = len(html), len(html.encode("utf-8"))
    problems = []
    if chars >= limits.body_chars:
        problems.append(error(path, page.body_line, f"公众号正文（含排版代码）有 {chars} 个字符，要少于 "
                              f"{limits.body_chars} 个", "把文章分成上下两篇，或删减内容。", code="wechat.body"))
    if size >= limits.body_bytes:
        problems.append(error(path, page.body_line, f"公众号正文有 {size} 字节，要小于 {limits.body_bytes} 字节",
                              "把文章分成上下两篇，或删减内容。", code="wechat.body"))
    return problems
