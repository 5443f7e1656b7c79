"""Turn pages into LED slide specs: the text of each slide, per-type defaults, slogan files and schedules."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from generator.base import dates
from generator.config import Screen, SiteConfig
from generator.model.content import Page, Site
from generator.base.errors import SiteError, did_you_mean, error, warning
from generator.model.fields import parse_window

SEPARATOR = re.compile(r"^\s*-{3,}\s*$")
# A numbered point of a 倡议书: 一、 二、 …, (一) …, or an ordered-list item 1. / 1、 / 1）.
POINT = re.compile(r"^\s*(?:[一二三四五六七八九十百]+[、．.]|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、)）．])")
SENTENCE_END = re.compile(r"(?<=[。！？!?])")
CLAUSE_END = re.compile(r"(?<=[，；：,;:])")
ONE_LINE_LIMIT = 30  # characters of a story's summary line before it is shortened with ……
TYPE_ORDER = {"slide": 0, "story": 1, "activity": 2, "letter": 3, "page": 4}
_MARKUP = (
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links keep their text
    (re.compile(r"<[^>]+>"), ""),  # inline HTML
    (re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+)"), ""),  # heading, quote and bullet markers
    (re.compile(r"(\*\*|__|\*|`|~~)"), ""),  # emphasis and code marks
)


@dataclass(frozen=True)
class SlideSpec:
    """One slide of a page: its paragraphs (each drawn from a new line), where it was written, and its photo."""

    page: Page
    number: int  # 1-based, within the page
    paragraphs: tuple[str, ...]
    line: int
    photo: str = ""  # an image reference on the page, shown beside the text on full-colour screens


def collect(site: Site, cfg: SiteConfig, today: date) -> tuple[list[SlideSpec], list[SiteError]]:
    """Every slide of every page that goes to LED and has not expired, in loop order, with problems found."""
    specs: list[SlideSpec] = []
    problems: list[SiteError] = []
    for page in sorted((p for p in site.pages if p.goes_to("led")), key=loop_order):
        if expired(page, today):
            continue
        found = slides_of(page)
        if not found:
            problems.append(warning(site.content_dir / page.source, page.body_line,
                                    f"“{page.source}” 要上 LED 屏，但找不到可以显示的文字",
                                    "在文件头写 led: {text: [第一行, 第二行]}，或写好标题和正文。", code="led.empty"))
        specs.extend(found)
    return specs, problems


def loop_order(page: Page) -> tuple:
    """Higher priority first, then by type (slogans, stories, activities, letters), newest first, then by file."""
    return (-page.meta.led.priority, TYPE_ORDER.get(page.type, 9), -page.date.toordinal(), page.source)


def expired(page: Page, today: date) -> bool:
    """True when the page's LED end date has passed (an overnight window still runs into the next morning)."""
    end = page.meta.led.end
    if end is None:
        return False
    overnight = any(a > b for a, b in (parse_window(w) for w in page.meta.led.time))
    return end + timedelta(days=1 if overnight else 0) < today


def screens_for(page: Page, cfg: SiteConfig, content_dir) -> tuple[list[Screen], list[SiteError]]:
    """The screens a page shows on (all of them unless led.screens names some), with unknown names reported."""
    wanted = page.meta.led.screens
    if not wanted:
        return list(cfg.led.screens), []
    names = [s.name for s in cfg.led.screens]
    problems = [error(content_dir / page.source, page.line_of("led", "screens"),
                      f"led.screens 里的屏幕 “{name}” 不存在（现有：{'、'.join(names) or '无'}）",
                      did_you_mean(name, names) or "屏幕名称写在 site_config.yaml 的 led.screens 里。",
                      code="led.screen")
                for name in wanted if name not in names]
    return [s for s in cfg.led.screens if s.name in wanted], problems


def slides_of(page: Page) -> list[SlideSpec]:
    """The slides of one page: led.text when given, else the defaults of its type."""
    if page.meta.led.text:
        blocks = _split_blocks(list(page.meta.led.text))
        line = page.line_of("led", "text")
        found = [(block, line) for block in blocks]
    else:
        found = _DEFAULTS.get(page.type, _plain_page)(page)
    slides = []
    for paragraphs, line in found:
        kept = tuple(p for p in (plain(t) for t in paragraphs) if p)
        if kept:
            slides.append(SlideSpec(page, len(slides) + 1, kept, line, _photo(page) if not slides else ""))
    return slides


def plain(text: str) -> str:
    """Markdown markup removed and whitespace collapsed, leaving the words a screen shows."""
    text = str(text)
    for pattern, replacement in _MARKUP:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())


def one_line(text: str, limit: int = ONE_LINE_LIMIT) -> str:
    """The first sentence of a text; when longer than `limit` characters, its first clauses (or a cut) plus ……."""
    first = next((s.strip() for s in SENTENCE_END.split(plain(text)) if s.strip()), "")
    if len(first) <= limit:
        return first
    kept = ""
    for clause in CLAUSE_END.split(first):
        if len(kept + clause) > limit - 2:
            break
        kept += clause
    kept = kept or first[: limit - 2]
    return kept.rstrip("，、；：,;: ") + "……"


def _story(page: Page) -> list[tuple[list[str], int]]:
    meta = page.meta
    summary = meta.summary or _first_paragraph(page)
    honour = meta.honour or meta.category
    return [([meta.person or meta.title, honour, one_line(summary)], page.body_line)]


def _activity(page: Page) -> list[tuple[list[str], int]]:
    meta = page.meta
    when = dates.chinese_date(meta.start.date() if meta.start else meta.date)
    if meta.start and (meta.start.hour or meta.start.minute):
        when += f" {meta.start:%H:%M}"
    place = f"地点：{meta.place}" if meta.place else ""
    return [([meta.title, f"时间：{when}", place], page.body_line)]


def _letter(page: Page) -> list[tuple[list[str], int]]:
    return [([page.title], page.body_line)] + [([text], line) for text, line in _points(page)]


def _slide_file(page: Page) -> list[tuple[list[str], int]]:
    found = []
    for offset, block in _body_blocks(page.body):
        lines = [line for line in block if line.strip()]
        if lines:
            found.append((lines, page.body_line + offset))
    return found


def _plain_page(page: Page) -> list[tuple[list[str], int]]:
    return [([page.title, one_line(page.meta.summary or _first_paragraph(page))], page.body_line)]


_DEFAULTS = {"story": _story, "activity": _activity, "letter": _letter, "slide": _slide_file}


def _points(page: Page) -> list[tuple[str, int]]:
    """The numbered points of a letter body, each with the file line it starts on."""
    points: list[tuple[list[str], int]] = []
    open_point = False
    for index, raw in enumerate(page.body.splitlines()):
        if POINT.match(raw):
            points.append(([raw.strip()], page.body_line + index))
            open_point = True
        elif not raw.strip() or raw.lstrip().startswith("#"):
            open_point = False
        elif open_point:
            points[-1][0].append(raw.strip())
    return [(" ".join(parts) if _is_latin_join(parts) else "".join(parts), line) for parts, line in points]


def _is_latin_join(parts: list[str]) -> bool:
    """Chinese continuation lines join without a space; Latin ones need one."""
    return any(a[-1:].isascii() and a[-1:].isalnum() and b[:1].isascii() and b[:1].isalnum()
               for a, b in zip(parts, parts[1:]))


def _first_paragraph(page: Page) -> str:
    for _, block in _paragraphs(page.body):
        text = plain(" ".join(block))
        if text:
            return text
    return ""


def _paragraphs(body: str) -> list[tuple[int, list[str]]]:
    out: list[tuple[int, list[str]]] = []
    current: list[str] = []
    for index, line in enumerate(body.splitlines() + [""]):
        if line.strip() and not line.lstrip().startswith(("#", "!", "|")):
            if not current:
                out.append((index, current))
            current.append(line.strip())
        else:
            current = []
    return out


def _body_blocks(body: str) -> list[tuple[int, list[str]]]:
    """A slogan file's body split at lines of ---, each block with the offset of its first written line."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = None
    for index, line in enumerate(body.splitlines() + ["---"]):
        if SEPARATOR.match(line):
            blocks.append((start or 0, current))
            current, start = [], None
        else:
            start = index if start is None and line.strip() else start
            current.append(line)
    return blocks


def _split_blocks(lines: list[str]) -> list[list[str]]:
    """led.text may hold several slides, separated by an entry of ---."""
    blocks: list[list[str]] = [[]]
    for line in lines:
        if SEPARATOR.match(str(line)):
            blocks.append([])
        else:
            blocks[-1].append(str(line))
    return [b for b in blocks if b]


def _photo(page: Page) -> str:
    meta = page.meta
    if page.type == "story" and meta.photo:
        return meta.photo
    if page.type == "activity" and not meta.cover and meta.photos:
        return meta.photos[0].src
    return meta.cover
