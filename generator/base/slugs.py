"""Readable, stable URL slugs from file names: Chinese becomes pinyin, phrase-aware."""
from __future__ import annotations

import re
import unicodedata


_UNSAFE = re.compile(r"[^a-z0-9]+")
MAX_LENGTH = 60
_WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)),
                               *(f"lpt{n}" for n in range(10))})


def slugify(text: str) -> str:
    """Turn a file stem or title into lowercase ASCII words joined by '-'; Chinese is spelled in pinyin."""
    text = unicodedata.normalize("NFKC", text)
    if text.isascii():
        words = [text]
    else:
        from pypinyin import Style, lazy_pinyin  # imported here: its phrase dictionary takes 0.15 s to load

        words = lazy_pinyin(text, style=Style.NORMAL, errors=lambda chars: [chars])
    joined = "-".join(_UNSAFE.sub("-", w.lower()).strip("-") for w in words)
    slug = re.sub(r"-{2,}", "-", joined).strip("-")[:MAX_LENGTH].rstrip("-")
    return slug + "-1" if slug in _WINDOWS_RESERVED else slug  # "con" cannot be a folder on Windows


def is_safe(slug: str) -> bool:
    """True for a slug that stays one folder deep: no slashes, dots-only names or control characters, and a
    valid folder name on Windows too."""
    return bool(slug) and slug not in (".", "..") and not re.search(r"[/\\\x00-\x1f]", slug) \
        and not slug.startswith(".") and windows_name_ok(slug)


def windows_name_ok(name: str) -> bool:
    """True when Windows can hold a file or folder of this name: none of <>:"|?* and no reserved device name
    (CON, NUL, COM1 …, with or without an extension), no trailing dot or space."""
    if re.search(r'[<>:"|?*\x00-\x1f]', name) or name.endswith((".", " ")):
        return False
    return name.split(".")[0].lower() not in _WINDOWS_RESERVED
