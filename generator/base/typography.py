"""Chinese typography facts shared by the LED line breaker and the punctuation report."""
from __future__ import annotations

import unicodedata

# GB/T 15834-2011 §5.1 and W3C clreq: marks that may not start a line (closing marks and 点号) …
NO_LINE_START = frozenset("。，、；：？！）】》」』”’〕〗〙〛｝］〉>％%‰·・…—～.,;:?!)]}")
# … and marks that may not end a line: opening marks, and the dash and ellipsis (GB/T 15834 §5.1 keeps
# —— and …… off both ends of a line).
NO_LINE_END = frozenset("（【《「『“‘〔〖〘〚｛［〈(<[{—…")
# Marks written as a doubled pair that must never be split across lines.
UNSPLITTABLE_PAIRS = ("——", "……")
CHINESE_PUNCTUATION = frozenset("，。、；：？！“”‘’（）《》〈〉【】「」『』……——·")


def is_cjk(char: str) -> bool:
    """True for Han characters and CJK symbols (full-width letters count as CJK too)."""
    if not char:
        return False
    code = ord(char)
    return (0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x2FFFF
            or 0x3000 <= code <= 0x303F or 0xFF00 <= code <= 0xFFEF or 0xF900 <= code <= 0xFAFF)


def is_han(char: str) -> bool:
    """True for Han ideographs only (not punctuation)."""
    return bool(char) and unicodedata.name(char, "").startswith("CJK UNIFIED IDEOGRAPH")


def count_characters(text: str) -> int:
    """Count characters as WeChat does for titles and digests: every code point, spaces included."""
    return len(text)
