"""Chinese typography facts shared by the LED line breaker and the punctuation report."""
from __future__ import annotations

import unicodedata

# GB/T 15834-2011 §5.1 and W3C clreq: marks that may not start a line (closing marks and 点号) …
NO_LINE_START = frozenset("。，、；：？！）】》」』”’〕〗〙〛｝］〉>％%‰·・…—～.,;:?!)]}")
# … and marks that may not end a line: opening marks, and the dash and ellipsis (GB/T 15834 §5.1
# keeps
# —— and …… off both ends of a line).
NO_LINE_END = frozenset("（【《「『“‘〔〖〘〚｛［〈(<[{—…")
# Marks written as a doubled pair that must never be split across lines.
UNSPLITTABLE_PAIRS = ("——", "……")
CHINESE_PUNCTUATION = frozenset("，。、；：？！“”‘’（）《》〈〉【】「」『』……——·")


def is_han(char: str) -> bool:
    """True for Han ideographs only (not punctuation)."""
    return bool(char) and unicodedata.name(char, "").startswith("CJK UNIFIED IDEOGRAPH")


def count_characters(text: str) -> int:
    """Count characters as WeChat does for titles and digests: every code point, spaces included."""
    return len(text)
