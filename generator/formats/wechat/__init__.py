"""The WeChat (公众号 「文明常山」) output: one paste-ready bundle per page under wechat/<slug>/."""
from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import datetime
from html import escape
from pathlib import Path

from generator.checks.placeholders import lead_text
from generator.config import SiteConfig, Wechat, WechatLimits
from generator.model.content import Page, Site
from generator.base.dates import chinese_date
from generator.base.errors import Severity, SiteError, error, warning
from generator.render import salutation
from generator.render.credits import source_parts
from generator.render.markdown import Rendered
from generator.render.templates import Templates
from generator.formats.led.slides import kept_words
from generator.formats.wechat import covers as cover_images, lint, preview, style, transform

__all__ = ["WechatResult", "render_wechat"]
PREVIEW_MARK = "未审定 · 仅供预览"


@dataclass
class WechatResult:
    """The files of one article bundle (paths relative to the output root) and what the build should
    report."""

    files: dict[str, bytes] = field(default_factory=dict)
    problems: list[SiteError] = field(default_factory=list)


# A limit of the 公众号 alone: breaking it holds back this article's WeChat bundle, never the site or
# LED.
CHANNEL_LIMITS = frozenset(
    {"wechat.title", "wechat.digest", "wechat.author", "wechat.body", "wechat.source_url"}
)


def title_of(page: Page) -> str:
    """The article's WeChat title: wechat.title when the editor set one, else the page's title."""
    return page.meta.wechat.title.strip() or page.title


def digest_of(page: Page, fallback: int = WechatLimits().digest_fallback) -> str:
    """The digest: wechat.digest, else the summary, else the body's first words, never a
    placeholder, byline or source line (left empty, WeChat would take them)."""
    return page.meta.wechat.digest.strip() or page.meta.summary.strip() or lead_text(page, fallback)


def author_of(page: Page) -> str:
    """The author shown in the editor: wechat.author, else the page's author."""
    return page.meta.wechat.author.strip() or page.meta.author.strip()


def render_wechat(page: Page, rendered: Rendered, site: Site, cfg: SiteConfig, *, page_url: str,
                  templates: Templates, preview_mark: bool = False,
                  cutter: cover_images.Cutter | None = None) -> WechatResult:
    """Build article.html, article.json, index.html (preview) and the covers of one page; when the
    article breaks a limit of the 公众号 itself, no files and one warning per limit saying its WeChat
    version is held back.

    `cutter` is the build's cover cutter (covers from the site's copies of the photos); without
    one, the cover photo is prepared here.
    """
    if cutter is None:
        cutter = cover_images.Cutter.alone(cfg.images.max_width, cfg.images.jpeg_quality)
    result = _render(page, rendered, site, cfg, page_url, templates, preview_mark, cutter)
    held = [p for p in result.problems if p.is_error and p.code in CHANNEL_LIMITS]
    if not held:
        return result
    kept = [p for p in result.problems if p not in held]
    return WechatResult({}, kept + [_held_back(page, p) for p in held])


def _held_back(page: Page, problem: SiteError) -> SiteError:
    """A channel limit as a warning: this article's WeChat version is not made; the rest of the
    build goes on."""
    return replace(problem, severity=Severity.WARNING, code=problem.code,
                   message=f"{problem.message}——这篇的公众号版本暂不生成，网站和 LED 照常发布",
                   hint=problem.hint)


def _render(page: Page, rendered: Rendered, site: Site, cfg: SiteConfig, page_url: str,
            templates: Templates, preview_mark: bool, cutter: cover_images.Cutter) -> WechatResult:
    path = site.content_dir / page.source
    greeting, html = page.meta.salutation if page.type == "letter" else "", rendered.html
    # a salutation written in the body, as real letters do
    if page.type == "letter" and not greeting.strip():
        greeting, html = salutation.split(html)
    body = transform.transform_body(html, cfg.site.base_url, page_url, letter=page.type == "letter")
    fragment = transform.with_guards(compose(page, body, cfg.wechat, preview_mark, greeting))
    article = style.inline(fragment, style.stylesheet(cfg.wechat))
    problems = [_located(path, page.body_line, f) for f in body.findings]
    problems += lint.check_article(page, path, article, page_url, cfg.wechat.limits)
    covers, cover_problems = _covers(page, rendered, site, cfg, path, cutter)
    problems += cover_problems
    folder = f"wechat/{page.slug}/"
    files = {folder + "article.html": article.encode("utf-8"),
             folder + "article.json": article_json(page, article, page_url, covers)}
    files.update({folder + name: data for name, data in (covers.files.items() if covers else ())})
    context = _preview_context(page, cfg, article, page_url, covers, problems, preview_mark)
    files[folder + "index.html"] = preview.render(context, templates)
    return WechatResult(files, problems)


def _located(path: Path, line: int, finding: transform.Finding) -> SiteError:
    make = error if finding.blocking else warning
    return make(path, line, finding.message, finding.hint, code="wechat.body")


def compose(
    page: Page, body: transform.Body, wx: Wechat, preview_mark: bool = False, greeting: str = ""
) -> str:
    """The article inside one styled section: brand, lead-in by type, body, notes, credits, footer.
    """
    parts = [f'<p class="wx-mark-preview">{PREVIEW_MARK}</p>'] if preview_mark else []
    parts += _brand("wx-head", wx.header)
    parts += _lead(page, greeting or getattr(page.meta, "salutation", ""))
    parts.append(f'<section class="wx-body">{body.html}</section>')
    parts += _signoff(page)
    parts += [body.footnotes, body.references]
    parts += _credits(page)
    parts += _brand("wx-foot", wx.footer)
    classes = "wx-article wx-letter" if page.type == "letter" else "wx-article"
    return f'<section class="{classes}">{"".join(parts)}</section>'


def _brand(cls: str, text: str) -> list[str]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return []
    return [
        f'<section class="{cls}">'
        + "".join(f"<p>{escape(line)}</p>" for line in lines)
        + "</section>"
    ]


def _lead(page: Page, greeting: str = "") -> list[str]:
    """What comes before the body: the 倡议书 title and salutation, a story's profile, an activity's
    facts."""
    meta = page.meta
    if page.type == "letter":
        parts = [f'<h1 class="wx-letter-title">{escape(page.title)}</h1>']
        salutation = greeting.strip().rstrip(":：")
        if salutation:  # a 称呼 always ends with a full-width colon (research §6)
            parts.append(f'<p class="wx-salutation">{escape(salutation)}：</p>')
        return parts
    if page.type == "story":
        level = meta.honour_level + ("" if meta.honour_level in ("", "中国好人榜") else "级好人")
        honour = meta.honour or level  # the honour's full name already says its level
        items = [meta.person, meta.category, honour, meta.township + meta.community]
        text = " · ".join(escape(i) for i in items if i)
        return [f'<p class="wx-profile">{text}</p>'] if text else []
    if page.type == "activity":
        return _facts(page)
    return []


def _facts(page: Page) -> list[str]:
    meta = page.meta
    when = _span(meta.start, meta.end) if meta.start else ""
    rows = [("时间", when), ("地点", meta.place), ("组织", meta.organiser), ("队伍", meta.team),
            ("参与", f"{meta.participants} 人" if meta.participants is not None else ""),
            ("服务时长", f"{meta.service_hours:g} 小时" if meta.service_hours is not None else "")]
    lines = [
        f'<p><span class="wx-label">{label}：</span>{escape(value)}</p>'
        for label, value in rows
        if value
    ]
    return [f'<section class="wx-facts">{"".join(lines)}</section>'] if lines else []


def _span(start: datetime, end: datetime | None) -> str:
    """An activity's time: “2024年3月5日 08:30 至 11:30” when it ends the same day."""
    if end is None:
        return _when(start)
    return (
        f"{_when(start)} 至 {end:%H:%M}"
        if end.date() == start.date()
        else f"{_when(start)} 至 {_when(end)}"
    )


def _when(moment: datetime) -> str:
    text = chinese_date(moment.date())
    return text + (f" {moment:%H:%M}" if moment.hour or moment.minute else "")


def _signoff(page: Page) -> list[str]:
    """The 倡议书 落款: issuers, then the date, each on its own right-aligned line."""
    if page.type != "letter":
        return []
    meta = page.meta
    lines = [*meta.issuer, chinese_date(meta.signed or page.date)]
    return [
        '<section class="wx-signoff">'
        + "".join(f"<p>{escape(line)}</p>" for line in lines)
        + "</section>"
    ]


def _credits(page: Page) -> list[str]:
    meta = page.meta
    # A pasted URL shows as its label: the editor refuses outside links, and a raw URL overflows a
    # phone.
    items = [("来源", source_parts(meta.source)[0]), ("作者", author_of(page)), ("责任编辑", meta.editor)]
    text = "　".join(f"{label}：{escape(value)}" for label, value in items if value.strip())
    return [f'<p class="wx-credits">{text}</p>'] if text else []


def _covers(page: Page, rendered: Rendered, site: Site, cfg: SiteConfig, path: Path,
            cutter: cover_images.Cutter):
    """Cut the covers from the page's picture, or draw a branded one; warn when neither is possible.
    """
    problems: list[SiteError] = []
    source, keys = cover_images.choose_source(page, rendered, site)
    if source is not None:
        try:
            made = cutter.from_image(source, page.meta.cover_focus)
        except ValueError as exc:
            problems.append(warning(path, page.line_of(*keys), f"{exc}，公众号封面改用文字封面",
                                    "换一张能正常打开的 JPG 或 PNG 图片。", code="wechat.cover"))
        else:
            if made.upscaled:
                problems.append(warning(path, page.line_of(*keys), "封面图太小，公众号封面会有点模糊",
                                        "换一张宽度至少 900 像素的照片。", code="wechat.cover"))
            return made, problems
    font = cover_images.find_font((cfg.resolve(cfg.led.font),) if cfg.led.font else ())
    if font is None:
        problems.append(warning(path, page.line_of("cover"), "没有封面图，也找不到中文字体来生成文字封面",
                                "在文件头里写 cover: 图片路径，或安装中文字体（make fonts）。", code="wechat.cover"))
        return None, problems
    return cover_images.drawn(title_of(page), cfg.wechat.account, cfg.wechat.accent_colour, font,
                              cfg.images.jpeg_quality, kept_words(page)), problems


def article_json(
    page: Page, article: str, page_url: str, covers: cover_images.Covers | None
) -> bytes:
    """The draft API's article object (plus local cover file names), with stable bytes."""
    data = {
        "article_type": "news",
        "title": title_of(page),
        "author": author_of(page),
        "digest": digest_of(page),
        "content": article,
        "content_source_url": page_url,
        "thumb_media_id": "",  # filled in by whoever uploads cover.jpg as permanent material
        "need_open_comment": 0,
        "only_fans_can_comment": 0,
        "pic_crop_235_1": covers.crop_235_1 if covers else "",
        "pic_crop_1_1": covers.crop_1_1 if covers else "",
        # Not an API field: the files next to this one. The crop strings describe regions of
        # "thumb".
        "cover_files": (
            {"thumb": "cover.jpg", "2.35:1": "cover-235.jpg", "1:1": "cover-1.jpg"}
            if covers
            else {}
        ),
    }
    return (json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")


def _preview_context(page: Page, cfg: SiteConfig, article: str, page_url: str,
                     covers: cover_images.Covers | None, problems: list[SiteError],
                     preview_mark: bool) -> preview.PreviewContext:
    covers_view: list[preview.CoverView] = []
    if covers:
        covers_view = [{"label": "上传用原图", "file": "cover.jpg", "size": "裁剪参数以它为准"},
                       {"label": "大图 2.35:1", "file": "cover-235.jpg", "size": "900×383"},
                       {"label": "小图 1:1", "file": "cover-1.jpg", "size": "500×500"}]
    limits = cfg.wechat.limits
    return {
        "title": title_of(page),
        "account": cfg.wechat.account,
        "author": author_of(page),
        "digest": digest_of(page, limits.digest_fallback),
        "digest_fallback": limits.digest_fallback,
        "date": chinese_date(page.date),
        "source_url": page_url,
        "covers": covers_view,
        "crops": {
            "pic_crop_235_1": covers.crop_235_1 if covers else "",
            "pic_crop_1_1": covers.crop_1_1 if covers else "",
        },
        "view_html": preview.local_view(article, cfg.site.base_url),
        "source_json": preview.source_json(article),
        "preview_mark": preview_mark,
        "problems": [
            {"level": p.severity.value, "message": p.message, "line": p.line} for p in problems
        ],
        "chars": len(article),
        "size": len(article.encode("utf-8")),
        "limit_chars": limits.body_chars,
        "limit_bytes": limits.body_bytes,
    }
