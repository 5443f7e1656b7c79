"""Where Chinese text may break between lines: between phrases (BudouX), never inside a word or a
kept name.

BudouX (Google's phrase segmenter, Simplified Chinese model) proposes the phrase boundaries. Its
Chinese model alone splits common words (照|顾, 瘫|痪, 十|年), so a boundary is kept only where
jieba's dictionary also ends a word (the words jieba would cut without guessing, from the compact
copy of its dictionary in base.lexicon), and never inside a word the caller keeps whole (a person's
name, an issuer, a place, a team, an honour title) or one of the campaign's common words below.
Every output (LED frames, WeChat covers, site headings) asks this module, so they all break alike.
GB/T 15834 punctuation rules are applied by the callers on top.
"""

from __future__ import annotations

import functools
import html
import re

import budoux

from generator.base import lexicon

# Common words of the office's texts that the model splits (新|时代, 最|美…); kept whole everywhere.
COMMON_WORDS = (
    "新时代", "文明实践", "实践站", "实践所", "志愿者", "志愿服务", "网格员", "垃圾分类", "移风易俗", "道德模范",
    "常山", "常山县", "最美", "好人", "身边好人", "中国好人", "常山人", "有礼常山人", "最美常山人", "倡议书", "文明城市", "文明办",
    "见义勇为", "助人为乐", "诚实守信", "敬业奉献", "孝老爱亲", "学雷锋", "好儿媳", "好少年", "山塘",
)
NAME_LENGTH = 4  # kept words up to this long are names, never split even when a line is narrower
_NUMBER_UNIT = re.compile(r"\d+(?:\.\d+)?[年月日号时分秒岁人名个户次场元万亿%％]")
_HAN = re.compile(r"[\u3400-\u9fff]")


@functools.cache
def _parser() -> budoux.Parser:
    """The Simplified Chinese model, loaded once per process (it is read-only)."""
    return budoux.load_default_simplified_chinese_parser()


def _inside_words(text: str) -> set[int]:
    """Offsets that fall inside a dictionary word (no guessing of unknown words: names come from
    `keep`)."""
    inside, position = set(), 0
    for word in lexicon.default().cut(text):
        inside.update(range(position + 1, position + len(word)))
        position += len(word)
    return inside


# a pure function: every screen of a build asks for the same slides
@functools.lru_cache(maxsize=4096)
def boundaries(text: str, keep: tuple[str, ...] = ()) -> frozenset[int]:
    """Offsets in `text` (0 < n < len) where a line may break between phrases."""
    if not _HAN.search(text):
        # no Chinese: the callers' own rules (spaces, units) decide
        return frozenset(range(1, len(text)))
    cuts, position = set(), 0
    for chunk in _parser().parse(text):
        position += len(chunk)
        cuts.add(position)
    cuts.difference_update(_inside_words(text))
    spans = _kept_spans(text, keep)
    for start, end in spans:  # a kept word is a phrase of its own …
        cuts.update((start, end))
    # … and never cut inside (a longer kept word wins over a shorter one in it)
    for start, end in spans:
        cuts.difference_update(range(start + 1, end))
    cuts.discard(0)
    cuts.discard(len(text))
    return frozenset(cuts)


@functools.lru_cache(maxsize=4096)
def word_boundaries(text: str, keep: tuple[str, ...] = ()) -> frozenset[int]:
    """Offsets between dictionary words (a finer choice than `boundaries`, for a phrase wider than a
    line); never inside a name or a number with its unit (a long kept title such as an honour still
    breaks between its words when it is wider than a line)."""
    if not _HAN.search(text):
        return frozenset(range(1, len(text)))
    cuts = set(range(1, len(text))) - _inside_words(text)
    for start, end in _kept_spans(text, keep):
        if end - start <= NAME_LENGTH:
            cuts.difference_update(range(start + 1, end))
    return frozenset(cuts)


def _kept_spans(text: str, keep: tuple[str, ...]) -> list[tuple[int, int]]:
    """(start, end) of every occurrence of a kept word, a common word or a number with its unit
    (10月)."""
    spans = [(m.start(), m.end()) for m in _NUMBER_UNIT.finditer(text)]
    for word in {w.strip() for w in (*keep, *COMMON_WORDS) if len(w.strip()) > 1}:
        start = text.find(word)
        while start >= 0:
            spans.append((start, start + len(word)))
            start = text.find(word, start + 1)
    return spans


def phrases(text: str, keep: tuple[str, ...] = ()) -> list[str]:
    """The text cut at its phrase boundaries (the pieces join back to the text)."""
    cuts = sorted(boundaries(text, keep))
    edges = [0, *cuts, len(text)]
    return [text[a:b] for a, b in zip(edges, edges[1:]) if b > a]


def names_of(*values) -> tuple[str, ...]:
    """Kept words from front-matter values: strings and lists of strings, split at 、，, and
    spaces."""
    found: list[str] = []
    for value in values:
        items = value if isinstance(value, (list, tuple)) else (value,)
        for item in items:
            found += [w for w in re.split(r"[、，,；;\s/]+", str(item or "")) if len(w) > 1]
    return tuple(dict.fromkeys(found))


KEPT_FIELDS = ("person", "honour", "issuer", "place", "team", "organiser", "township", "community")


def kept_words(meta) -> tuple[str, ...]:
    """The words of a page's front matter a line never breaks inside: person, honour, issuers,
    place, team…"""
    return names_of(*(getattr(meta, name, "") for name in KEPT_FIELDS))


def with_wbr(text: str, keep: tuple[str, ...] = ()) -> str:
    """HTML-escaped text with <wbr> at its phrase boundaries, for headings styled `word-break:
    keep-all`."""
    return "<wbr>".join(html.escape(part, quote=False) for part in phrases(text, keep))
