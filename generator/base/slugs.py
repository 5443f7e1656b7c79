"""Readable, stable URL slugs from file names: Chinese becomes pinyin, phrase-aware."""
from __future__ import annotations

import gc
import re
import sys
import unicodedata


_UNSAFE = re.compile(r"[^a-z0-9]+")
MAX_LENGTH = 60


def slugify(text: str) -> str:
    """Turn a file stem or title into lowercase ASCII words joined by '-'; Chinese is spelled in
    pinyin."""
    text = unicodedata.normalize("NFKC", text)
    if text.isascii():
        words = [text]
    else:
        # imported here: its phrase dictionary takes 0.15 s to load
        from pypinyin import Style, lazy_pinyin

        words = lazy_pinyin(text, style=Style.NORMAL, errors=lambda chars: [chars])
    joined = "-".join(_UNSAFE.sub("-", w.lower()).strip("-") for w in words)
    slug = re.sub(r"-{2,}", "-", joined).strip("-")[:MAX_LENGTH].rstrip("-")
    return slug + "-1" if slug in WINDOWS_RESERVED else slug  # "con" cannot be a folder on Windows


class Speller:
    """One build's spellings in pinyin (file names and tags, see `slugify`), each kept in the
    cache between builds under its text.

    pypinyin's dictionaries take 58 MB and 0.3 s to load. A build spells every name it needs right
    after reading the content, and then `release()` lets them go, so the photos, LED frames and
    WeChat covers are made without them in memory; an edit that brings no new name loads them
    not at all.
    """

    NAMESPACE = "slugs"

    def __init__(self, cache=None):
        self._cache = cache  # a base.cache.Cache, or None to spell afresh each time
        # this build's own: a Cache without a folder remembers nothing, not even within a build
        self._spelled: dict[str, str] = {}

    def slug(self, text: str) -> str:
        """`slugify(text)`, from this build's spellings or the cache when it has it."""
        if text not in self._spelled:
            self._spelled[text] = (
                self._cache.memo(self.NAMESPACE, text, lambda: slugify(text))
                if self._cache is not None else slugify(text)
            )
        return self._spelled[text]

    def keep(self, texts) -> None:
        """Keep these spellings for later builds though this build did not ask for them (pages
        not read again)."""
        if self._cache is not None:
            self._cache.retain(self.NAMESPACE, texts)

    @staticmethod
    def release() -> None:
        """Unload pypinyin, freeing its dictionaries (a later `slugify` loads it again). Only a
        process with one thread does it: another thread might be using it."""
        from generator.base.parallel import alone  # (multiprocessing: not for every slug's import)

        loaded = [name for name in sys.modules if name.partition(".")[0] == "pypinyin"]
        if not loaded or not alone():
            return
        for name in loaded:
            del sys.modules[name]
        gc.collect()  # its functions and module dicts refer to each other: only gc frees them


# a folder name may have 255 bytes on most file systems; room is left for what goes inside
MAX_BYTES = 200
# Names Windows cannot create (staff copy public/ to Windows machines), with or without an
# extension.
WINDOWS_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{n}" for n in range(1, 10)),
    *(f"lpt{n}" for n in range(1, 10)),
}
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_WINDOWS_CHARS = re.compile(r'[<>:"|?*]')
_LOW_CONTROL = re.compile(r"[\x00-\x1f]")


def is_safe(slug: str) -> bool:
    """True for a slug that stays one folder deep and can exist on Windows (see `problem`)."""
    return problem(slug) is None


def problem(name: str, check_length: bool = True) -> str | None:
    """Why a slug or file name cannot be a folder of the site on every system, in Chinese; None when
    it can."""
    if not name:
        return "是空的"
    if name.startswith(".") or "/" in name or "\\" in name:
        return "不安全：不能以 . 开头，也不能含有 / 或 \\"
    if _CONTROL.search(name):
        return "含有看不见的控制字符"
    bad = _WINDOWS_CHARS.search(name)
    if bad:
        return f"含有 Windows 不允许的字符 “{bad.group(0)}”"
    if name[-1] in ". ":
        return "以点或空格结尾，Windows 上建不了这个文件夹"
    if name.split(".")[0].strip().lower() in WINDOWS_RESERVED:
        return f"“{name.split('.')[0]}” 是 Windows 的保留名，建不了这个文件夹"
    if check_length and len(name.encode()) > MAX_BYTES:
        return f"太长（{len(name.encode())} 字节，文件系统上限约 {MAX_BYTES} 字节）"
    return None


def windows_name_ok(name: str) -> bool:
    """True when Windows can hold a file or folder of this name: none of <>:"|?* or control
    characters, no reserved device name (CON, NUL, COM1 …, with or without an extension), no
    trailing dot or space.
    """
    if _LOW_CONTROL.search(name) or _WINDOWS_CHARS.search(name) or name.endswith((".", " ")):
        return False
    return name.split(".")[0].strip().lower() not in WINDOWS_RESERVED


def shown(name: str) -> str:
    """A name fit to print: control characters as \\uXXXX, and cut short."""
    text = _CONTROL.sub(lambda m: f"\\u{ord(m.group(0)):04x}", name)
    return text if len(text) <= 80 else text[:77] + "…"
