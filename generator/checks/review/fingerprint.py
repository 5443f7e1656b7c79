"""The fingerprint of a revision: the article's identity, every front-matter field, the body and the
bytes of every image it uses, reduced to one canonical SHA-256."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from generator.base.hashing import file_sha256, sha256_hex
from generator.base import frontmatter
from generator.model.content import Page
from generator.checks.review.records import _plain

_INLINE = re.compile(r"!\[(?:[^\]\\]|\\.)*\]\(\s*<?([^\s)>]+)")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?", re.MULTILINE)
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp")


@dataclass(frozen=True)
class Revision:
    """What a fingerprint was computed from: the fingerprint and the image files (src → bytes'
    SHA-256 and file)."""

    fingerprint: str
    images: dict[str, tuple[str, Path]]  # src → (sha256 hex, file it was read from)


def image_sources(page: Page) -> list[str]:
    """Every image a page names: cover, photo, photos and the body's images (reference links too),
    sorted."""
    meta = page.meta
    found = {meta.cover} if meta.cover else set()
    found.update(s for s in (getattr(meta, "photo", ""),) if s)
    found.update(p.src for p in getattr(meta, "photos", ()) if p.src)
    found.update(_INLINE.findall(page.body))
    found.update(s for s in _REFERENCE.findall(page.body) if s.lower().endswith(_IMAGE_SUFFIXES))
    return sorted(found)


def revision(page: Page, find: Callable[[Page, str], Path | None]) -> Revision:
    """The revision of a page as it stands, with its images looked up by `find` (the content's or a
    snapshot's)."""
    images = {}
    for src in image_sources(page):
        path = find(page, src)
        if path is not None:
            images[src] = (file_sha256(path), path)
    data = frontmatter.split(page.source_text, page.source).data if page.source_text else {}
    return Revision(
        of(page.source, data, page.body, {src: digest for src, (digest, _p) in images.items()}),
        images,
    )


def of(article: str, front: dict, body: str, images: dict[str, str]) -> str:
    """The canonical fingerprint (`sha256:` + 64 hex) of an article's identity, front matter, body
    and images."""
    text = unicodedata.normalize("NFC", body.replace("\r\n", "\n").replace("\r", "\n"))
    doc = {"article": article, "front": front, "body": text, "images": dict(sorted(images.items()))}
    raw = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_plain)
    return "sha256:" + sha256_hex(raw)


def short(fingerprint: str | None) -> str:
    """The first 12 hex digits, as shown to people."""
    return fingerprint.removeprefix("sha256:")[:12] if fingerprint else "—"
