"""How a page's 来源 (source) is shown: a pasted URL becomes a short linked label, never a raw
address."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

_URL = re.compile(r"https?://[^\s，。；、）)]+", re.IGNORECASE)


def source_parts(text: str) -> tuple[str, str]:
    """(label, url) of a 来源 field: the words the writer gave, else the site's host name; url is ""
    when none."""
    text = (text or "").strip()
    match = _URL.search(text)
    if match is None:
        return text, ""
    url = match.group()
    words = (text[:match.start()] + text[match.end():]).strip(" 　:：-—|·（）()")
    return (words or host_label(url)), url


def host_label(url: str) -> str:
    """A URL's host without www., e.g. zjnews.zjol.com.cn (原文链接 when there is no host)."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return unquote(host) or "原文链接"
