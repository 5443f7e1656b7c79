"""Snapshots of signed revisions: the exact source bytes and the bytes of every image, kept under
content/_review/revisions/ so that a later edit of the file or of an image cannot change what is
live.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Callable

from generator.base.hashing import digest, file_sha256
from generator.base.slugs import slugify
from generator.base.errors import BuildFailed, Problems, SiteError, error
from generator.config import SiteConfig
from generator.model import content
from generator.model.content import Page
from generator.checks.review import fingerprint
from generator.checks.review.records import article_id

FOLDER = "revisions"


def folder_of(review_dir: Path, article: str, revision: str) -> Path:
    """The folder that keeps one revision of an article."""
    return review_dir / FOLDER / article_id(article) / revision.removeprefix("sha256:")


def keep(review_dir: Path, page: Page, rev: fingerprint.Revision, raw: bytes) -> Path:
    """Store a revision (source bytes `raw` and its images) unless it is kept already; return its
    folder."""
    folder = folder_of(review_dir, page.source, rev.fingerprint)
    if (folder / "article.md").is_file():
        return folder
    (folder / "images").mkdir(parents=True, exist_ok=True)
    names = {}
    for src, (sha, path) in sorted(rev.images.items()):
        name = f"{sha}{path.suffix.lower()}"
        (folder / "images" / name).write_bytes(path.read_bytes())
        names[src] = f"images/{name}"
    (folder / "images.json").write_text(
        json.dumps(names, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8"
    )
    (folder / "article.md").write_bytes(raw)  # last: a folder with article.md is complete
    return folder


def load(
    review_dir: Path, article: str, revision: str, cfg: SiteConfig,
    spell: Callable[[str], str] = slugify,
) -> tuple[Page | None, list[SiteError]]:
    """The Page of a kept revision, its images resolving to the kept bytes; None with a problem when
    the snapshot is missing or does not match its fingerprint any more."""
    folder = folder_of(review_dir, article, revision)
    path = folder / "article.md"
    if not path.is_file():
        return None, [error(path, 1, f"《{article}》已审定的版本 {fingerprint.short(revision)} 的存档不见了，无法发布",
                            "存档在 content/_review/revisions/ 里，请从备份或版本库恢复。", code="review.snapshot")]
    try:
        names = json.loads((folder / "images.json").read_text(encoding="utf-8"))
        images = {
            str(src): str(folder / rel)
            for src, rel in names.items()
            if "/" in rel and ".." not in rel
        }
        problems = Problems()
        page = content.load_page(cfg, path, article, problems, path.read_bytes(), spell)
    except (OSError, ValueError, AttributeError, BuildFailed):
        page = None
    if page is None or _tampered(page, images, revision):
        return None, [
            error(
                path,
                1,
                f"《{article}》已审定的版本 {fingerprint.short(revision)} 的存档被改动过，不予发布",
                "请从备份或版本库恢复 content/_review/revisions/ 里的原样文件。",
                code="review.snapshot",
            )
        ]
    return replace(page, key=digest("approved", article, revision), images=images), []


def _tampered(page: Page, images: dict[str, str], revision: str) -> bool:
    for src, kept in images.items():
        name = Path(kept).name.split(".")[0]
        if not Path(kept).is_file() or file_sha256(kept) != name:
            return True
    kept_page = replace(page, images=images)
    return fingerprint.revision(kept_page, _finder).fingerprint != revision


def _finder(page: Page, src: str) -> Path | None:
    return content.find_image(Path("."), page, src)
