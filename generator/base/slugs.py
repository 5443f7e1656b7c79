"""Readable, stable URL slugs from file names: Chinese becomes pinyin, phrase-aware."""
from __future__ import annotations

import re
import unicodedata


_UNSAFE = re.compile(r"[^a-z0-9]+")
MAX_LENGTH = 60


def slugify(text: str) -> str:
    """Turn a file stem or title into lowercase ASCII words joined by '-'; Chinese is spelled in pinyin."""
    text = unicodedata.normalize("NFKC", text)
    if text.isascii():
        words = [text]
    else:
        from pypinyin import Style, lazy_pinyin  # imported here: its phrase dictionary takes 0.15 s to load

        words = lazy_pinyin(text, style=Style.NORMAL, errors=lambda chars: [chars])
    joined = "-".join(_UNSAFE.sub("-", w.lower()).strip("-") for w in words)
    slug = re.sub(r"-{2,}", "-", joined).strip("-")
    return slug[:MAX_LENGTH].rstrip("-")


def is_safe(slug: str) -> bool:
    """True for a slug that stays one folder deep: no slashes, dots-only names or control characters."""
    return bool(slug) and slug not in (".", "..") and not re.search(r"[/\\\x00-\x1f]", slug) \
        and not slug.startswith(".") and ":" not in slug
