"""Read dates and times the way staff write them (2023-09-11, 2023年9月11日, 2023/9/11, 2023.9.11)."""
from __future__ import annotations

import os
import re
from datetime import date, datetime, time, timedelta, timezone

_FULLWIDTH = str.maketrans("０１２３４５６７８９：／．－", "0123456789:/.-")
_DATE = re.compile(r"^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?$")
_NO_YEAR = re.compile(r"^(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?$")
_TIME = re.compile(r"^(\d{1,2})\s*(?::|时|点)\s*(\d{1,2})?\s*分?$")

FORMATS_HINT = "日期请写成 2023-09-11、2023年9月11日、2023/9/11 或 2023.9.11。"


def parse_date(text: str) -> date:
    """Parse a calendar date; raise ValueError with a Chinese message for missing years or
    impossible dates."""
    raw = str(text).strip()
    clean = raw.translate(_FULLWIDTH)
    match = _DATE.match(clean)
    if not match:
        if _NO_YEAR.match(clean):
            raise ValueError(f"日期 “{raw}” 缺少年份。{FORMATS_HINT}")
        raise ValueError(f"看不懂日期 “{raw}”。{FORMATS_HINT}")
    year, month, day = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"日期 “{raw}” 不存在（{year}年没有{month}月{day}日）。") from None


def parse_time(text: str) -> time:
    """Parse a clock time such as 08:30, 8时30分 or 20点."""
    raw = str(text).strip()
    match = _TIME.match(raw.translate(_FULLWIDTH))
    if not match:
        raise ValueError(f"看不懂时间 “{raw}”，请写成 08:30 这样的形式。")
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour == 24 and minute == 0:
        return time(23, 59, 59)  # "until 24:00" means the end of the day
    if hour > 23 or minute > 59:
        raise ValueError(f"时间 “{raw}” 不存在。")
    return time(hour, minute)


def parse_datetime(text: str) -> datetime:
    """Parse a date with an optional time (2023-09-11 08:30, 2023年9月11日 8时30分, 2023-09-11T08:30)."""
    raw = str(text).strip()
    clean = raw.translate(_FULLWIDTH).replace("T", " ")
    split = re.match(r"^(.*?日|\S+)\s*(.*)$", clean)
    day_part, time_part = (split.group(1), split.group(2)) if split else (clean, "")
    day = parse_date(day_part)
    if not time_part:
        return datetime.combine(day, time(0, 0))
    return datetime.combine(day, parse_time(time_part))


def chinese_date(day: date) -> str:
    """Format a date the way Chinese public notices do: 2023年9月11日."""
    return f"{day.year}年{day.month}月{day.day}日"


# China time is UTC+8 all year (no daylight saving since 1991). A fixed offset needs no time-zone
# database: Windows has none, and zoneinfo there would need the tzdata package.
CHINA = timezone(timedelta(hours=8), "北京时间")


def build_time(environ: dict | None = None) -> datetime:
    """The build's clock: SOURCE_DATE_EPOCH when set (reproducible builds), else now, in China time,
    naive."""
    environ = os.environ if environ is None else environ
    epoch = environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), CHINA) if epoch else datetime.now(CHINA)
    return moment.replace(tzinfo=None, microsecond=0)
