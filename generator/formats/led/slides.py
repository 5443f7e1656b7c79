"""Turn pages into LED slide specs: the text of each slide, per-type defaults, slogan files and
schedules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from generator.base import dates
from generator.base import phrases
from generator.config import Expiry, Screen, SiteConfig
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
    """One slide of a page: its paragraphs (each drawn from a new line), where it was written, and
    its photo."""

    page: Page
    number: int  # 1-based, within the page
    paragraphs: tuple[str, ...]
    line: int
    photo: str = ""  # an image reference on the page, shown beside the text on full-colour screens
    full_text: bool = False  # a letter's numbered point: only on screens that opt in (full_letters)
    # names and titles never split across lines (person, issuer, place, team …)
    keep: tuple[str, ...] = ()


@dataclass(frozen=True)
class Expired:
    """A page left out of the loops because it is over: by its led.end, or by its type's default."""

    page: Page
    ended: date  # the last day it played
    reason: str  # in Chinese, for the playlist report


def collect(site: Site, cfg: SiteConfig, today: date,
            expired_out: list[Expired] | None = None) -> tuple[list[SlideSpec], list[SiteError]]:
    """Every slide of every page that goes to LED and has not expired, in loop order, with problems
    found; the pages that expired are appended to `expired_out` when given."""
    specs: list[SlideSpec] = []
    problems: list[SiteError] = []
    for page in sorted((p for p in site.pages if p.goes_to("led")), key=loop_order):
        over = expiry(page, today, cfg.led.expiry)
        if over is not None:
            if expired_out is not None:
                expired_out.append(over)
            continue
        found = slides_of(page)
        if not found:
            problems.append(warning(site.content_dir / page.source, page.body_line,
                                    f"“{page.source}” 要上 LED 屏，但找不到可以显示的文字",
                                    "在文件头写 led: {text: [第一行, 第二行]}，或写好标题和正文。", code="led.empty"))
        specs.extend(found)
    return specs, problems


def loop_order(page: Page) -> tuple:
    """Higher priority first, then by type (slogans, stories, activities, letters), newest first,
    then by file."""
    return (
        -page.meta.led.priority,
        TYPE_ORDER.get(page.type, 9),
        -page.date.toordinal(),
        page.source,
    )


def expired(page: Page, today: date, rules: Expiry = Expiry()) -> bool:
    """True when the page has left the loops (see `expiry`)."""
    return expiry(page, today, rules) is not None


def expiry(page: Page, today: date, rules: Expiry = Expiry()) -> Expired | None:
    """Why a page no longer plays, or None: its led.end has passed (an overnight window still runs
    into the next morning), or, without led.end, its type's default (an activity N days after it
    ends, a story or a letter N days after its date; 0 days = never)."""
    led = page.meta.led
    if led.end is not None:
        overnight = any(a > b for a, b in (parse_window(w) for w in led.time))
        last = led.end + timedelta(days=1 if overnight else 0)
        return (
            Expired(page, last, f"led.end 是 {dates.chinese_date(led.end)}")
            if last < today
            else None
        )
    start, days, what = _default_end(page, rules)
    if not days:
        return None
    last = start + timedelta(days=days)
    reason = f"{what} {days} 天后自动下屏（site_config.yaml 的 led.expiry）"
    return Expired(page, last, reason) if last < today else None


def _default_end(page: Page, rules: Expiry) -> tuple[date, int, str]:
    """(date counted from, days, what is counted) of a page type's default expiry."""
    meta = page.meta
    if page.type == "activity":
        moment = meta.end or meta.start
        return (moment.date() if moment else page.date), rules.activity_days, "活动结束"
    if page.type == "story":
        return page.date, rules.story_days, "发布"
    if page.type == "letter":
        return page.date, rules.letter_days, "发布"
    return page.date, 0, ""


def screens_for(page: Page, cfg: SiteConfig, content_dir) -> tuple[list[Screen], list[SiteError]]:
    """The screens a page shows on (all of them unless led.screens names some), with unknown names
    reported."""
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
    keep = kept_words(page)
    for number, (paragraphs, line) in enumerate(found):
        kept = tuple(p for p in (plain(t) for t in paragraphs) if p)
        full = page.type == "letter" and number > 0 and not page.meta.led.text
        if kept:
            slides.append(
                SlideSpec(
                    page,
                    len(slides) + 1,
                    kept,
                    line,
                    _photo(page) if not slides else "",
                    full,
                    keep,
                )
            )
    return slides


def kept_words(page: Page) -> tuple[str, ...]:
    """The words a line never breaks inside: the page's person, honour, issuers, place, team and
    township."""
    return phrases.kept_words(page.meta)


def plain(text: str) -> str:
    """Markdown markup removed and whitespace collapsed, leaving the words a screen shows."""
    text = str(text)
    for pattern, replacement in _MARKUP:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())


def one_line(text: str, limit: int = ONE_LINE_LIMIT) -> str:
    """The first sentence of a text; when longer than `limit` characters, its first clauses (or a
    cut) plus ……."""
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


# Without led.text, a slide is made only of fields an editor set for the page, never of its body: a
# body
# may hold what an outdoor screen must not show (a birth date, party membership, a newspaper byline)
# .
def _story(page: Page) -> list[tuple[list[str], int]]:
    meta = page.meta
    # a title often names the person
    person = "" if meta.person and meta.person in meta.title else meta.person
    who = " ".join(part for part in (person, meta.honour or meta.category) if part)
    return [([meta.title, who or one_line(meta.summary)], page.line_of("title"))]


def _activity(page: Page) -> list[tuple[list[str], int]]:
    meta = page.meta
    when = dates.chinese_date(meta.start.date() if meta.start else meta.date)
    if meta.start and (meta.start.hour or meta.start.minute):
        when += f" {meta.start:%H:%M}"
    place = f"地点：{meta.place}" if meta.place else ""
    return [([meta.title, f"时间：{when}", place], page.line_of("title"))]


def _letter(page: Page) -> list[tuple[list[str], int]]:
    """The title (and summary); the numbered points follow, shown only on screens that take full
    letters."""
    first = [page.title, one_line(page.meta.summary)] if page.meta.summary else [page.title]
    return [(first, page.line_of("title"))] + [([text], line) for text, line in _points(page)]


def _slide_file(page: Page) -> list[tuple[list[str], int]]:
    found = []
    for offset, block in _body_blocks(page.body):
        lines = [line for line in block if line.strip()]
        if lines:
            found.append((lines, page.body_line + offset))
    return found


def _plain_page(page: Page) -> list[tuple[list[str], int]]:
    return [([page.title, one_line(page.meta.summary)], page.line_of("title"))]


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
    return [
        (" ".join(parts) if _is_latin_join(parts) else "".join(parts), line)
        for parts, line in points
    ]


def _is_latin_join(parts: list[str]) -> bool:
    """Chinese continuation lines join without a space; Latin ones need one."""
    return any(a[-1:].isascii() and a[-1:].isalnum() and b[:1].isascii() and b[:1].isalnum()
               for a, b in zip(parts, parts[1:]))


def _body_blocks(body: str) -> list[tuple[int, list[str]]]:
    """A slogan file's body split at lines of ---, each block with the offset of its first written
    line."""
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
