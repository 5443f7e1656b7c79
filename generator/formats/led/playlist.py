"""Per-screen playlists: the loop as data, playlist.json for machines and a Chinese playlist.txt
for staff."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from generator.base import hashing

WEEKDAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
COLOUR_NAMES = {"full": "全彩", "dual": "双色（红、绿、黄）", "mono": "单色"}
LED_COLOUR_NAMES = {"red": "红", "green": "绿", "yellow": "黄", "blue": "蓝", "white": "白"}
FORMAT = "wenming-led-playlist/1"


@dataclass(frozen=True)
class LoopItem:
    """One frame in a screen's loop, with how long it holds and when it may play."""

    file: str  # relative to led/<screen>/
    duration_ms: int
    title: str
    source: str  # the page's path under content/
    start: date | None = None
    end: date | None = None
    weekdays: tuple[int, ...] = ()
    windows: tuple[tuple[str, str], ...] = ()  # daily (from, to) as HH:MM; from > to runs overnight
    priority: int = 0
    emergency: bool = False


@dataclass(frozen=True)
class ScrollImage:
    """The optional long image of a strip screen for continuous left scrolling (走马灯)."""

    file: str
    width: int
    height: int
    speed: int  # pixels per second
    duration_ms: int  # one full pass


@dataclass
class ScreenLoop:
    """What one screen plays: its size after rotation, its colours and its frames in order."""

    name: str
    title: str
    width: int
    height: int
    colour: str
    total_ms: int = 0  # one pass of the ordinary (non-emergency) items
    items: list[LoopItem] = field(default_factory=list)
    rotation: str = "0"
    scroll: ScrollImage | None = None


def loop_total(items: list[LoopItem]) -> int:
    """Milliseconds of one pass through the ordinary items (emergency items interrupt, they are not
    counted)."""
    return sum(item.duration_ms for item in items if not item.emergency)


def playlist_data(loop: ScreenLoop, files: dict[str, bytes], build_id: str) -> dict:
    """The playlist as a JSON-ready dict; `files` maps paths under led/<screen>/ to their bytes."""
    return {
        "format": FORMAT,
        "screen": loop.name,
        "title": loop.title,
        "width": loop.width,
        "height": loop.height,
        "colour": loop.colour,
        "rotation": int(loop.rotation),
        "build_id": build_id,
        "total_ms": loop.total_ms,
        "items": [_item(order, item, files[item.file]) for order, item in enumerate(loop.items, 1)],
        "scroll": _scroll(loop.scroll, files) if loop.scroll else None,
    }


def playlist_json(data: dict) -> bytes:
    """playlist.json bytes: stable key order, readable Chinese, a final newline."""
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _item(order: int, item: LoopItem, data: bytes) -> dict:
    return {
        "order": order,
        "file": item.file,
        "md5": hashing.md5_hex(data),
        "bytes": len(data),
        "duration_ms": item.duration_ms,
        "title": item.title,
        "source": item.source,
        "start": item.start.isoformat() if item.start else None,
        "end": item.end.isoformat() if item.end else None,
        "weekdays": list(item.weekdays),
        "time": [list(w) for w in item.windows],
        "priority": item.priority,
        "emergency": item.emergency,
    }


def _scroll(scroll: ScrollImage, files: dict[str, bytes]) -> dict:
    data = files[scroll.file]
    return {
        "file": scroll.file,
        "md5": hashing.md5_hex(data),
        "bytes": len(data),
        "width": scroll.width,
        "height": scroll.height,
        "speed_px_per_s": scroll.speed,
        "duration_ms": scroll.duration_ms,
    }


def playlist_text(loop: ScreenLoop, data: dict, colour_note: str = "",
                  expired: list[tuple[str, str, date, str]] = ()) -> bytes:
    """playlist.txt: what staff follow when loading the frames into the controller software by hand;
    `expired`
    lists (title, source, last day, reason) of the pages that left the loops, so staff delete them
    too.
    """
    items = data["items"]
    ordinary = sum(1 for i in items if not i["emergency"])
    lines = [
        f"屏幕：{loop.title or loop.name}（{loop.name}）",
        f"尺寸：{loop.width}×{loop.height} 像素 · {COLOUR_NAMES[loop.colour]}{colour_note}"
        + (f" · 画面已顺时针旋转 {loop.rotation}°" if loop.rotation != "0" else ""),
        f"版本：{data['build_id']}",
        f"一轮 {ordinary} 幅，共 {loop.total_ms / 1000:g} 秒（不含紧急插播）。",
        "",
        "怎样导入：在控制卡软件（诺瓦 ViPlex、灰度 HDPlayer、卡莱特 LEDVISION、仰邦 LedshowTW 等）里新建节目，",
        f"节目尺寸设为 {loop.width}×{loop.height}，按下面的顺序逐幅添加图片，“停留时间”照写，特效选“立即显示”。",
        "文件名里带有内容指纹：和上次相同的文件名说明画面没变，不用重新发送。",
        "",
    ]
    for item in items:
        lines.extend(_item_lines(item))
    if data["scroll"]:
        lines.extend(_scroll_lines(data["scroll"]))
    if expired:
        lines += ([] if lines[-1] == "" else [""]) + [f"已下屏（{len(expired)} 篇，控制卡里如果还有它们的画面，请删掉）："]
        lines += [f"    {title}（content/{source}）：{_chinese(last.isoformat())}后不再播放，{reason}"
                  for title, source, last, reason in expired]
    return ("\n".join(lines).rstrip() + "\n").encode("utf-8")


def _item_lines(item: dict) -> list[str]:
    out = [
        f"{item['order']:02d}. {item['title']}（content/{item['source']}）",
        f"    文件：{item['file']}（{item['bytes']} 字节，MD5 {item['md5']}）",
        f"    停留：{item['duration_ms'] / 1000:g} 秒",
        f"    日期：{describe_dates(item['start'], item['end'])}",
        f"    星期：{describe_weekdays(item['weekdays'])}",
        f"    时段：{describe_windows(item['time'])}",
    ]
    if item["priority"]:
        out.append(f"    优先级：{item['priority']}（数字大的排在前面）")
    if item["emergency"]:
        out.append("    ★ 紧急插播：有效时段内只播紧急内容，其余节目暂停")
    return out + [""]


def _scroll_lines(scroll: dict) -> list[str]:
    return [
        "走马灯（可选，代替上面逐幅播放）：",
        f"    文件：{scroll['file']}（{scroll['width']}×{scroll['height']}，MD5 {scroll['md5']}）",
        f"    特效选“连续左移”，速度约 {scroll['speed_px_per_s']} 像素/秒，一遍约 {scroll['duration_ms'] / 1000:g} 秒。",
        "    只包含现在有效、不限星期和时段的普通内容。",
    ]


def describe_dates(start: str | None, end: str | None) -> str:
    """A date range in Chinese: 长期, 从…起, 到…止, or 从…到…."""
    if start and end:
        return f"{_chinese(start)} 至 {_chinese(end)}"
    if start:
        return f"{_chinese(start)} 起"
    return f"到 {_chinese(end)} 止" if end else "长期"


def _chinese(iso: str) -> str:
    """2024-03-01 as 2024年3月1日."""
    year, month, day = (int(part) for part in iso.split("-"))
    return f"{year}年{month}月{day}日"


def describe_weekdays(weekdays: list[int]) -> str:
    """Weekdays 1–7 as 周一、周三, or 每天."""
    return "、".join(WEEKDAY_NAMES[d - 1] for d in sorted(set(weekdays))) if weekdays else "每天"


def describe_windows(windows: list[list[str]]) -> str:
    """Daily windows as 07:00–09:00、22:00–次日02:00, or 全天."""
    if not windows:
        return "全天"
    return "、".join(f"{a}–{'次日' if a > b else ''}{b}" for a, b in windows)
