"""The review gate as a build step: for each article, the page to publish — the newest fully
approved revision read from its snapshot (a real build) or the working file marked 未审定 (a preview) —
and what is held back and why.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from generator.base.cache import Cache, is_missing
from generator.base.hashing import digest
from generator.base.slugs import slugify
from generator.base.errors import SiteError, warning
from generator.config import SiteConfig
from generator.model import content
from generator.model.content import Page, Site
from generator.checks.review import history, roster, snapshots
from generator.checks.review.fingerprint import image_sources, short
from generator.checks.review.store import ArticleStatus, ReviewStore


@dataclass(frozen=True)
class Selection:
    """What the gate decided: the site to publish, the articles held back, and every record that
    did not verify."""

    site: Site
    waiting: tuple[str, ...]  # working files whose revision is not (yet) the live one
    problems: list[SiteError]  # forged or out-of-policy records (errors that do not stop the build)
    # warnings: what each held-back article waits for
    notes: list[SiteError] = field(default_factory=list)
    statuses: dict[str, ArticleStatus] = field(default_factory=dict)  # by article
    unreviewed: frozenset[str] = frozenset()  # pages published marked 未审定 (previews)
    # article → 未审定 mark text with the missing stages
    marks: dict[str, str] = field(default_factory=dict)

    @property
    def pages(self) -> tuple[Page, ...]:
        """The pages to publish."""
        return self.site.pages


def select(site: Site, store: ReviewStore, *, preview: bool, cfg: SiteConfig | None = None,
           cache: Cache | None = None, spell: Callable[[str], str] = slugify) -> Selection:
    """Choose every article's published page. `site` should include drafts; a draft working file
    keeps its live revision up but is itself shown only in previews. Withdrawn and deleted articles
    leave every channel.

    With a cache, an article whose file, images, history, roster and kept revisions are unchanged is
    not verified again (everything it depends on is in the key). `spell` makes a kept revision's
    slug from its file name (the build's Speller.slug)."""
    cfg = cfg or store.config()
    pages, waiting, problems, notes, statuses, marks = [], [], [], [], {}, {}
    # what every article's status reads alike (read once, not once an article)
    common = (preview, store.trust, store.separation, _bytes(store.dir / roster.FILE))
    for page in site.pages:
        status, live_page, found = _decide(store, page, cfg, common, cache, spell)
        statuses[page.source] = status
        problems += status.problems + found
        chosen = page if preview else live_page
        if preview:
            if page.meta.draft or not status.complete:
                marks[page.source] = _mark(status)
        elif status.live != status.working:
            waiting.append(page.source)
            notes.append(_waiting_note(site.content_dir / page.source, status))
        if chosen is not None and (preview or not chosen.meta.draft):
            pages.append(chosen)
    unreviewed = frozenset(marks)
    return Selection(
        replace(site, pages=tuple(pages)),
        tuple(waiting),
        _unique(problems),
        notes,
        statuses,
        unreviewed,
        marks,
    )


def _decide(store: ReviewStore, page: Page, cfg, common: tuple, cache: Cache | None,
            spell: Callable[[str], str]):
    """(status, the live revision's page or None, problems of its snapshot), from the cache when
    nothing changed."""
    preview = common[0]
    key = _key(store, page, common) if cache is not None else None
    if key is not None:
        hit = cache.get("review", key)
        if not is_missing(hit):
            return hit
    status = store.status(page)
    live, found = (None, []) if preview or status.live is None else \
        snapshots.load(store.dir, status.article, status.live, cfg, spell)
    result = (status, live, found)
    if key is not None and not any(p.code == "review.future" for p in status.problems):
        # a record dated later than now may become valid: never kept
        cache.put("review", key, result)
    return result


def _key(store: ReviewStore, page: Page, common: tuple) -> str:
    """Everything an article's status is made from: its text, its images' files, its kept
    revisions, its history and (in `common`) the mode, trust, separation rule and roster."""
    stamps = [_image_stamp(store.content_dir, page, src) for src in image_sources(page)]
    files = []
    for folder, _dirs, names in os.walk(snapshots.folder_of(store.dir, page.source, "x").parent):
        for name in names:
            found = _stat(os.path.join(folder, name))
            if found is not None:
                files.append((os.path.join(folder, name), found[2], found[3]))
    return digest(page.identity, stamps, sorted(files),
                  _bytes(history.path_of(store.dir, page.source)), *common)


def _image_stamp(content_dir: Path, page: Page, src: str) -> tuple:
    """What decides the file `content.find_image` finds for `src`, without resolving paths: each
    place it looks, with the file there (inode, size, time) and the link itself if it is one."""
    if page.images is not None:  # a snapshot's page: only its kept images
        found = content.find_image(content_dir, page, src)
        return (src, str(found), _stat(found)) if found else (src,)
    if not src or "://" in src or src.startswith(("/", "data:")):
        return (src,)
    places = (os.path.join(content_dir, os.path.dirname(page.source), src),
              os.path.join(content_dir, src))
    return (src, *((place, _stat(place), _stat(place, follow=False)) for place in places))


def _stat(path, follow: bool = True) -> tuple | None:
    """(device, inode, size, time) of a file (of a link itself with follow=False), else None."""
    try:
        found = os.stat(path) if follow else os.lstat(path)
    except (OSError, ValueError):
        return None
    if follow and not stat.S_ISREG(found.st_mode):
        return None
    return found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns


def _bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def _mark(status: ArticleStatus) -> str:
    if status.withdrawn and not status.live:
        return f"已由{status.withdrawn.signer}撤稿"
    if status.returned:
        return f"已被{status.returned[-1].signer}退回：{status.returned[-1].reason}"
    missing = "、".join(status.missing)
    return f"待签：{missing}" if missing else "草稿"


def _waiting_note(path: Path, status: ArticleStatus) -> SiteError:
    live = f"网上仍是已审定的版本 {short(status.live)}" if status.live else "还没有已审定的版本，暂不发布"
    if status.withdrawn and not status.live:
        live = f"已由{status.withdrawn.signer}撤稿，所有渠道都已撤下"
    if status.returned:
        wait = f"已被{status.returned[-1].signer}在{status.returned[-1].stage}退回：{status.returned[-1].reason}"
    else:
        wait = f"等待{status.next_stage}" if status.next_stage else "等待审核"
    code = (
        "review.withdrawn"
        if status.withdrawn and not status.live
        else (
            "review.returned"
            if status.returned
            else "review.stale" if status.live else "review.missing"
        )
    )
    return warning(
        path,
        1,
        f"当前版本 {short(status.working)} 未审定（{wait}）；{live}",
        f"签署方法：python -m generator review sign content/{status.article} --stage "
        f"{status.next_stage or '初审'}",
        code=code,
    )


def for_check(site: Site, cfg: SiteConfig) -> dict:
    """What `check` adds to the other checks (as run_checks keywords): every article's status, the
    roster, and a finding for each held-back article and each record that does not verify. Empty
    when review is off.
    """
    if not cfg.publish.require_review:
        return {}
    store = ReviewStore.for_config(cfg, site.content_dir)
    real = select(site, store, preview=False, cfg=cfg)
    return {
        "statuses": real.statuses,
        "people": store.people(),
        "extra": real.problems + real.notes,
    }


def _unique(problems: list[SiteError]) -> list[SiteError]:
    return sorted(dict.fromkeys(problems), key=SiteError.sort_key)
