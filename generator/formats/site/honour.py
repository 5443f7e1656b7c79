"""The 好人榜 (honour wall): every published story's person, grouped by category and by honour
level."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Callable

from generator.model.content import Page, Site

LEVELS = ("中国好人榜", "省", "市", "县")  # highest first: the wall and its filter list them in this order
OTHER_CATEGORY = "其他"


@dataclass(frozen=True)
class Entry:
    """One person on the wall: what a card shows and the two values it is filtered by."""

    name: str
    category: str
    level: str  # one of LEVELS, or "" when the story names no honour level
    level_name: str  # 县级, 省级, 中国好人榜 …
    honour: str
    place: str
    url: str  # the story page
    # published photo URL; None when there is none or the consent does not cover photos
    photo: str | None
    photo_alt: str


@dataclass(frozen=True)
class HonourWall:
    """The entries, and the same entries grouped both ways; every group is in a fixed, meaningful
    order."""

    entries: tuple[Entry, ...]
    by_category: tuple[tuple[str, tuple[Entry, ...]], ...]
    by_level: tuple[tuple[str, tuple[Entry, ...]], ...]

    @property
    def categories(self) -> tuple[str, ...]:
        """The categories that have at least one entry, in display order."""
        return tuple(name for name, _ in self.by_category)

    @property
    def levels(self) -> tuple[str, ...]:
        """The honour levels that have at least one entry, highest first."""
        return tuple(name for name, _ in self.by_level)


def honour_wall(site: Site, categories: tuple[str, ...], url_of: Callable[[Page], str],
                image_of: Callable[[Page, str], str | None]) -> HonourWall:
    """Build the wall from every story that names a person: categories in the configured order,
    highest honours first."""
    stories = [p for p in site.of_type("story") if p.meta.person.strip()]
    order = {level: i for i, level in enumerate(LEVELS)}
    # Newest first within a level (of_type's order), highest level first overall; sorted() is
    # stable.
    stories.sort(key=lambda p: order.get(p.meta.honour_level, len(LEVELS)))
    entries = tuple(_entry(p, url_of, image_of) for p in stories)
    by_category: dict[str, list[Entry]] = defaultdict(list)
    by_level: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_category[entry.category].append(entry)
        if entry.level:
            by_level[entry.level].append(entry)
    category_order = [c for c in categories if c in by_category] + sorted(
        c for c in by_category if c not in categories
    )
    if OTHER_CATEGORY in category_order:  # "其他" reads best at the end
        category_order.remove(OTHER_CATEGORY)
        category_order.append(OTHER_CATEGORY)
    return HonourWall(entries,
                      tuple((c, tuple(by_category[c])) for c in category_order),
                      tuple((lv, tuple(by_level[lv])) for lv in LEVELS if lv in by_level))


def level_name(level: str) -> str:
    """How a level is written on a badge: 县级, 市级, 省级, or 中国好人榜 as is."""
    return level if not level or level == "中国好人榜" else f"{level}级"


def _entry(
    page: Page, url_of: Callable[[Page], str], image_of: Callable[[Page, str], str | None]
) -> Entry:
    meta = page.meta
    photo = image_of(page, meta.photo) if meta.photo and _photo_allowed(page) else None
    return Entry(
        name=meta.person.strip(),
        category=meta.category.strip() or OTHER_CATEGORY,
        level=meta.honour_level,
        level_name=level_name(meta.honour_level),
        honour=meta.honour,
        place=meta.township + meta.community,
        url=url_of(page),
        photo=photo,
        photo_alt=meta.photo_alt,
    )


def _photo_allowed(page: Page) -> bool:
    # The wall repeats the story's photo on a second page: only when the recorded consent covers
    # photos.
    # A child's photo needs a guardian's record; an adult's missing record is the consent check's
    # business.
    meta = page.meta
    if meta.minor:
        return meta.guardian_consent is not None and "照片" in meta.guardian_consent.scope
    record = meta.consent_for(meta.person)
    return record is None or "照片" in record.scope
