"""The volunteer dashboard: activity figures by month, place and team, official totals, and
build-time SVG bar charts."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from html import escape
from pathlib import Path

from generator.base import dates, yamlio
from generator.model.content import Page, Site
from generator.base.errors import BuildFailed, SiteError, did_you_mean, error
from generator.checks.placeholders import is_sample

TOTALS_FILE = "_data/volunteers.yaml"
TOTALS_KEYS = ("label", "value", "unit", "source", "as_of")
REQUIRED_KEYS = ("label", "value", "source", "as_of")
_KEY_NAMES = {"label": "指标名称", "value": "数值", "unit": "单位", "source": "来源", "as_of": "截至日期"}
UNKNOWN_PLACE, UNKNOWN_TEAM = "未写明乡镇（街道）", "未写明队伍"

# A place is written "乡镇/街道 + 村/社区 + anything": 紫港街道柚苑社区, 球川镇岭下村, 白石镇集镇.
_COUNTY = re.compile(r"^\S*?县(?=\S+?(?:街道|镇|乡))")  # 常山县白石镇 → 白石镇
_TOWNSHIP = re.compile(r"^(\S{1,6}?(?:街道|镇|乡))")
_COMMUNITY = re.compile(r"^([^各\s]\S{0,8}?(?:社区|村))")


@dataclass(frozen=True)
class Row:
    """One line of a breakdown: how many activities, participants (人次) and service hours."""

    label: str
    activities: int = 0
    participants: int = 0
    hours: float = 0.0


@dataclass(frozen=True)
class Breakdown:
    """Figures grouped one way (by month, township, community or team), with its chart."""

    key: str  # a stable id used for element ids: month, township, community, team
    title: str
    heading: str  # the table's first column
    rows: tuple[Row, ...]
    chart: str  # inline SVG markup


@dataclass(frozen=True)
class Official:
    """An official total from content/_data/volunteers.yaml, with where it comes from and when it
    was counted."""

    label: str
    value: float
    unit: str
    source: str
    as_of: date

    @property
    def display(self) -> str:
        """The value formatted for reading: 91,860."""
        return number(self.value)


@dataclass(frozen=True)
class Dashboard:
    """Everything the dashboard page shows: only aggregates, never a row about one person."""

    total: Row
    breakdowns: tuple[Breakdown, ...]
    official: tuple[Official, ...]
    first: date | None  # the earliest and latest activity counted
    last: date | None
    missing_participants: int  # activities that did not say how many took part
    missing_hours: int


def volunteer_dashboard(site: Site, content_dir: Path, hide_samples: bool = False) -> Dashboard:
    """Aggregate every activity of the site and read the official totals; raise BuildFailed on a
    bad totals file."""
    activities = site.of_type("activity")
    days = sorted(activity_day(p) for p in activities)
    groups = [
        ("month", "按月份", "月份", _by(activities, month_label, chronological=True)),
        (
            "township",
            "按乡镇（街道）",
            "乡镇（街道）",
            _by(activities, lambda p: split_place(p.meta.place)[0]),
        ),
        (
            "community",
            "按村（社区）",
            "村（社区）",
            _by(activities, community_label, skip_empty=True),
        ),
        (
            "team",
            "按服务队伍",
            "服务队伍",
            _by(activities, lambda p: p.meta.team.strip() or UNKNOWN_TEAM),
        ),
    ]
    breakdowns = tuple(
        Breakdown(
            key,
            title,
            heading,
            rows,
            bar_chart(f"chart-{key}", f"{title}统计的服务时长（小时）", rows),
        )
        for key, title, heading, rows in groups
    )
    return Dashboard(
        total=_sum("合计", activities),
        breakdowns=breakdowns,
        official=read_totals(content_dir, hide_samples),
        first=days[0] if days else None,
        last=days[-1] if days else None,
        missing_participants=sum(p.meta.participants is None for p in activities),
        missing_hours=sum(p.meta.service_hours is None for p in activities),
    )


def activity_day(page: Page) -> date:
    """The day an activity took place: its start, else its publication date."""
    return page.meta.start.date() if page.meta.start else page.date


def month_label(page: Page) -> str:
    """The month an activity took place, as 2024年3月."""
    day = activity_day(page)
    return f"{day.year}年{day.month}月"


def split_place(place: str) -> tuple[str, str]:
    """Split a place into (乡镇/街道, 村/社区); either may be unknown: 白石镇各行政村 → (白石镇, "")."""
    text = _COUNTY.sub("", "".join(place.split()))
    township = _TOWNSHIP.match(text)
    if not township:
        return UNKNOWN_PLACE, ""
    community = _COMMUNITY.match(text[township.end():])
    return township.group(1), community.group(1) if community else ""


def community_label(page: Page) -> str:
    """紫港街道 · 柚苑社区, or "" when the place names no village or community."""
    township, community = split_place(page.meta.place)
    return f"{township} · {community}" if community else ""


def _by(
    activities: list[Page], label_of, chronological: bool = False, skip_empty: bool = False
) -> tuple[Row, ...]:
    groups: dict[str, list[Page]] = defaultdict(list)
    for page in activities:
        label = label_of(page)
        if label or not skip_empty:
            groups[label].append(page)
    rows = [_sum(label, pages) for label, pages in groups.items()]
    if chronological:
        return tuple(sorted(rows, key=lambda r: min(activity_day(p) for p in groups[r.label])))
    return tuple(sorted(rows, key=lambda r: (-r.hours, -r.activities, r.label)))


def _sum(label: str, pages: list[Page]) -> Row:
    return Row(label, len(pages), sum(p.meta.participants or 0 for p in pages),
               sum(p.meta.service_hours or 0 for p in pages))


def number(value: float) -> str:
    """A figure with thousands separators and no needless decimals: 1,537,420 or 12.5."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


# ---- official totals -------------------------------------------------------------------------------------------


def read_totals(content_dir: Path, hide_samples: bool = False) -> tuple[Official, ...]:
    """Read content/_data/volunteers.yaml (optional); every mistake is reported at its line, all at
    once.

    With hide_samples, a total marked as sample data (（样例）) is left out: `check` reports it.
    """
    path = content_dir / TOTALS_FILE
    if not path.is_file():
        return ()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise BuildFailed([error(path, 1, "文件不是 UTF-8 编码", "用记事本打开，另存为时把编码选为 UTF-8。")]) from None
    try:
        doc = yamlio.parse(text)
    except yamlio.YamlProblem as problem:
        raise BuildFailed(
            [error(path, problem.line, problem.message, problem.hint, problem.col)]
        ) from None
    problems: list[SiteError] = []
    totals = _totals(doc, path, problems)
    if problems:
        raise BuildFailed(problems)
    return tuple(t for t in totals if not (hide_samples and is_sample([t.label, t.unit, t.source])))


def _totals(doc: yamlio.YamlDoc, path: Path, problems: list[SiteError]) -> tuple[Official, ...]:
    data = doc.data
    if data is None:
        return ()
    if not isinstance(data, dict) or not isinstance(data.get("totals"), list):
        problems.append(error(path, 1, "官方统计数要写在 totals: 下面，每一项以 “- label:” 开头",
                              "参照文件开头的注释：totals: 下面每项写 label、value、unit、source、as_of。"))
        return ()
    for key in data:
        if key != "totals":
            problems.append(
                error(
                    path,
                    doc.where((key,))[0],
                    f"不认识的字段 “{key}”",
                    "这个文件只有 totals 一项。",
                )
            )
    found = [
        _official(item, ("totals", i), doc, path, problems) for i, item in enumerate(data["totals"])
    ]
    return tuple(o for o in found if o is not None)


def _official(
    item: object, where: tuple, doc: yamlio.YamlDoc, path: Path, problems: list[SiteError]
) -> Official | None:
    line = doc.where(where)[0]
    if not isinstance(item, dict):
        problems.append(error(path, line, "每一项统计数都要写成 label、value、unit、source、as_of 几个字段",
                              "例如：- label: 注册志愿者"))
        return None
    before = len(problems)
    for key in item:
        if key not in TOTALS_KEYS:
            hint = did_you_mean(key, TOTALS_KEYS) or f"可用的字段：{'、'.join(TOTALS_KEYS)}"
            problems.append(error(path, doc.where(where + (key,))[0], f"不认识的字段 “{key}”", hint))
    for key in REQUIRED_KEYS:
        if not str(item.get(key) or "").strip():
            problems.append(error(path, line, f"统计数缺少 {key}（{_KEY_NAMES[key]}）",
                                  "每个数字都要写明数值、来源和截至日期，读者才能核对。"))
    value = _value(item.get("value"), doc.where(where + ("value",))[0], path, problems)
    as_of = _as_of(item.get("as_of"), doc.where(where + ("as_of",))[0], path, problems)
    if len(problems) > before or value is None or as_of is None:
        return None
    return Official(
        str(item["label"]).strip(),
        value,
        str(item.get("unit") or "").strip(),
        str(item["source"]).strip(),
        as_of,
    )


def _value(raw: object, line: int, path: Path, problems: list[SiteError]) -> float | None:
    text = str(raw or "").replace(",", "").replace("，", "").strip()
    if not text:
        return None
    if not re.fullmatch(r"\d+(\.\d+)?", text):
        problems.append(
            error(
                path,
                line,
                f"数值 “{raw}” 不是一个数字",
                "value 只写阿拉伯数字，例如 91860；单位写在 unit 里。",
            )
        )
        return None
    return float(text)


def _as_of(raw: object, line: int, path: Path, problems: list[SiteError]) -> date | None:
    if not str(raw or "").strip():
        return None
    try:
        return dates.parse_date(str(raw))
    except ValueError as exc:
        problems.append(error(path, line, str(exc), dates.FORMATS_HINT))
        return None


# ---- charts ----------------------------------------------------------------------------------------------------

# viewBox units; the SVG scales to the column, so text stays about 16px on a 360px phone
CHART_WIDTH = 340
ROW_HEIGHT = 52
LABEL_SIZE = 17
VALUE_ROOM = 96  # room right of the longest bar for its value
# characters; longer labels are cut in the chart (the table beside it has them whole)
MAX_LABEL = 18


def bar_chart(chart_id: str, title: str, rows: tuple[Row, ...]) -> str:
    """A horizontal bar chart of service hours as inline SVG, titled for screen readers (the table
    beside it has the data)."""
    height = max(1, len(rows)) * ROW_HEIGHT + 8
    top = max((r.hours for r in rows), default=0) or 1
    parts = [
        f'<svg class="chart" id="{chart_id}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 '
        f'{CHART_WIDTH} {height}" '
        f'width="100%" role="img" aria-labelledby="{chart_id}-title">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
    ]
    for index, row in enumerate(rows):
        y = index * ROW_HEIGHT
        width = round((CHART_WIDTH - VALUE_ROOM) * row.hours / top, 1)
        label = row.label if len(row.label) <= MAX_LABEL else row.label[:MAX_LABEL - 1] + "…"
        parts += [
            f'<text class="chart-label" x="0" y="{y + 20}" font-size="{LABEL_SIZE}" '
            f'fill="#1f1f1f">{escape(label)}</text>',
            f'<rect class="chart-bar" x="0" y="{y + 28}" width="{max(width, 2)}" height="18" '
            f'rx="3" fill="#a61b1b"/>',
            f'<text class="chart-value" x="{max(width, 2) + 6}" y="{y + 43}" '
            f'font-size="{LABEL_SIZE - 1}" '
            f'fill="#1f1f1f">{number(row.hours)} 小时</text>',
        ]
    if not rows:
        parts.append(f'<text x="0" y="20" font-size="{LABEL_SIZE}" fill="#555">暂无活动数据</text>')
    parts.append("</svg>")
    return "".join(parts)
