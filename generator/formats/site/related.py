"""What a detail page offers next: related articles (shared tags, then the same community or
township, then the newest) and the previous and next article of the same type.

Candidates come from small indexes (tag → pages, place → pages), and from each only the pages
nearest in date are weighed, so a tag that 5,000 pages share costs as little as one that 5 share.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from generator.base.cache import Cache, is_missing
from generator.base.hashing import digest
from generator.model.content import Page

NEAREST = 12  # from each shared tag or place, the pages nearest in date that are weighed


@dataclass(frozen=True)
class Neighbours:
    """A page's previous (older) and next (newer) article of its type, and its related articles."""

    previous: Page | None
    next: Page | None
    related: tuple[Page, ...]


def _places(page: Page) -> list[tuple[str, str]]:
    meta = page.meta
    found = []
    if getattr(meta, "community", ""):
        found.append(("community", meta.community))
    if getattr(meta, "township", ""):
        found.append(("township", meta.township))
    return found


def kept_neighbours(pages: list[Page], cache: Cache, limit: int = 3) -> dict[str, Neighbours]:
    """`neighbours`, kept between builds under a key of all that it reads (each page's source,
    type, tags, places, date and slug, in order): an edit of a body or a title changes none of it,
    and working it out for 1,000 pages costs a quarter of a second."""
    key = digest(limit, *(
        (p.source, p.type, p.meta.tags, _places(p), p.date.toordinal(), p.slug) for p in pages
    ))
    found = cache.get("related", key)
    by_source = {p.source: p for p in pages}
    if not is_missing(found):
        return {
            source: Neighbours(by_source.get(older), by_source.get(newer),
                               tuple(by_source[s] for s in others))
            for source, (older, newer, others) in found.items()
        }
    result = neighbours(pages, limit)
    cache.put("related", key, {
        source: (n.previous and n.previous.source, n.next and n.next.source,
                 tuple(p.source for p in n.related))
        for source, n in result.items()
    })
    return result


def neighbours(pages: list[Page], limit: int = 3) -> dict[str, Neighbours]:
    """For each page (the site's detail pages, newest first) its neighbours in type and its related
    pages."""
    by_key: dict[tuple, list[Page]] = defaultdict(list)
    for page in pages:  # newest first, so each index list is too
        for tag in page.meta.tags:
            by_key[("tag", tag)].append(page)
        for place in _places(page):
            by_key[place].append(page)
        by_key[("type", page.type)].append(page)
    position = {key: {p.source: i for i, p in enumerate(listed)} for key, listed in by_key.items()}
    result = {}
    for page in pages:
        same_type = by_key[("type", page.type)]
        here = position[("type", page.type)][page.source]
        newer = same_type[here - 1] if here > 0 else None
        older = same_type[here + 1] if here + 1 < len(same_type) else None
        result[page.source] = Neighbours(older, newer, _related(page, by_key, position, limit))
    return result


def _related(page: Page, by_key: dict, position: dict, limit: int) -> tuple[Page, ...]:
    keys = [("tag", t) for t in page.meta.tags] + _places(page) + [("type", page.type)]
    scores: dict[str, list] = {}
    for key in keys:
        listed, here = by_key[key], position[key][page.source]
        for other in listed[max(0, here - NEAREST):here + NEAREST + 1]:
            if other.source != page.source:
                scores.setdefault(other.source, [other, set()])[1].add(key)
    ranked = sorted(
        scores.values(),
        key=lambda item: (*_weights(item[1]), -item[0].date.toordinal(), item[0].slug),
    )
    return tuple(other for other, _keys in ranked[:limit])


def _weights(keys: set) -> tuple[int, int, int, int]:
    """Sort keys, smallest first: more shared tags, then same community, same township, same
    type."""
    kinds = [kind for kind, _value in keys]
    return (-kinds.count("tag"), -("community" in kinds), -("township" in kinds),
            -("type" in kinds))
