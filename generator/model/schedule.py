"""Scheduled publishing and expiry: which pages are live at the build time.

A page whose `date` is later than the build day waits (it goes out with the first build on or after
that day); a page with `expires: 2025-06-30` is live through that day and off every channel after
it. The build time is passed in, never read from the clock here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from generator.model.content import Page, Site


@dataclass(frozen=True)
class Schedule:
    """The live site, and the pages kept back because they are not due yet or have expired."""

    site: Site
    scheduled: tuple[Page, ...] = ()
    expired: tuple[Page, ...] = ()


def is_scheduled(page: Page, now: datetime) -> bool:
    """True when the page's date is still to come."""
    return page.date > now.date()


def is_expired(page: Page, now: datetime) -> bool:
    """True when the page's expiry day has passed."""
    expires: date | None = page.meta.expires
    return expires is not None and now.date() > expires


def apply(site: Site, now: datetime, future: bool = False) -> Schedule:
    """Split the site at the build time; with `future`, pages not due yet stay in (previews of what
    is coming)."""
    scheduled = tuple(p for p in site.pages if is_scheduled(p, now))
    expired = tuple(p for p in site.pages if is_expired(p, now))
    held = {p.source for p in expired} | (set() if future else {p.source for p in scheduled})
    kept = tuple(p for p in site.pages if p.source not in held) if held else site.pages
    return Schedule(replace(site, pages=kept) if held else site, scheduled, expired)


def report_lines(schedule: Schedule) -> list[str]:
    """Chinese lines for `check` and `build`: what is waiting for its day and what has been taken
    off."""
    lines = []
    if schedule.scheduled:
        lines.append(f"定时发布：{len(schedule.scheduled)} 篇还没到发布日期，到期后重新生成时自动发布：")
        lines += [f"  - content/{p.source}：{p.date:%Y-%m-%d} 发布《{p.title}》"
                  for p in sorted(schedule.scheduled, key=lambda p: (p.date, p.source))]
    if schedule.expired:
        lines.append(f"已下线：{len(schedule.expired)} 篇过了下线日期（expires），网站、公众号和 LED 都不再发布：")
        lines += [f"  - content/{p.source}：{p.meta.expires:%Y-%m-%d} 下线《{p.title}》"
                  for p in sorted(schedule.expired, key=lambda p: (p.meta.expires, p.source))]
    return lines
