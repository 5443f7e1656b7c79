"""Days since each channel (site, WeChat, LED) last published something: 2 weeks without updates
fails inspection."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from generator.config import Freshness
from generator.model.content import Page
from generator.base.dates import chinese_date
from generator.checks.consent import CHANNEL_NAMES

LEVEL_NAMES = {"ok": "正常", "warn": "提醒", "alert": "警告"}


@dataclass(frozen=True)
class FreshnessLine:
    """One channel's update gap: newest item, days since, and whether that is fine, a warning or an
    alert."""

    channel: str
    newest: date | None
    title: str
    days: int | None
    level: str  # "ok", "warn" or "alert"
    warn_days: int
    alert_days: int

    @property
    def text(self) -> str:
        """The line `make check` prints, in Chinese."""
        name = CHANNEL_NAMES.get(self.channel, self.channel)
        if self.newest is None:
            return f"{name}：还没有发布过内容"
        head = f"{name}：最近一次更新是 {chinese_date(self.newest)}《{self.title}》，已经 {self.days} 天"
        if self.level == "alert":
            return f"{head}——超过 {self.alert_days} 天没有更新，检查时会被判为不合格，请尽快发布"
        if self.level == "warn":
            return f"{head}——超过 {self.warn_days} 天了，请安排更新"
        return head

    def __str__(self) -> str:
        return self.text


def lines(
    published: list[Page] | tuple[Page, ...], limits: Freshness, today: date
) -> list[FreshnessLine]:
    """One line per channel, computed from the pages that are (or will be) published by `today`."""
    return [_line(channel, published, limits, today) for channel in CHANNEL_NAMES]


def _line(channel: str, published, limits: Freshness, today: date) -> FreshnessLine:
    # Plain pages (关于我们) are not news: they do not count as an update.
    items = [p for p in published if p.goes_to(channel) and p.type != "page" and p.date <= today]
    if not items:
        return FreshnessLine(channel, None, "", None, "alert", limits.warn_days, limits.alert_days)
    newest = max(items, key=lambda p: (p.date, p.source))
    days = (today - newest.date).days
    level = "alert" if days >= limits.alert_days else "warn" if days >= limits.warn_days else "ok"
    return FreshnessLine(
        channel, newest.date, newest.title, days, level, limits.warn_days, limits.alert_days
    )
