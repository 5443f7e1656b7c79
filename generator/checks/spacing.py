"""Typing slips in Chinese prose: a word typed twice (会议会议) and spaces between Chinese characters.
"""

from __future__ import annotations

import re
from pathlib import Path

from generator.base.errors import SiteError, warning
from generator.checks.privacy import Text, page_texts
from generator.checks.punctuation import protected
from generator.model.content import Page

_HAN = "\u4e00-\u9fff"
_DOUBLED = re.compile(rf"([{_HAN}]{{2,4}})\1")
# Words said twice on purpose (ABAB): 研究研究, 雪白雪白, 一步一步 …
REDUPLICATED = frozenset((
    "研究 商量 讨论 学习 休息 锻炼 打扫 收拾 整理 考虑 介绍 了解 活动 放松 交流 比划 琢磨 溜达 检查 体验 "
    "雪白 通红 冰凉 火红 笔直 碧绿 漆黑 金黄 热闹 暖和 凉快 干净 明白 加油 谢谢 高兴 开心 走走 看看 "
    "嘀嗒 叮咚 扑通 哗啦 咕咚 滴答 轰隆 咚锵 咚咚 哈哈 嘻嘻 呵呵 嘿嘿").split())
_SPACE = re.compile(rf"(?<=[{_HAN}，。、；：！？”’）》])[ \u3000\u00a0]+(?=[{_HAN}“‘（《])")
_QUOTED = re.compile(r"“[^”\n]*”|「[^」\n]*」|‘[^’\n]*’|『[^』\n]*』")


def doubled(text: str) -> list[tuple[int, str]]:
    """Words typed twice in a row, as (offset, the doubled text); deliberate reduplication is
    skipped."""
    found = []
    for m in _DOUBLED.finditer(text):
        word = m.group(1)
        if word in REDUPLICATED or len(set(word)) == 1 or word.startswith("一"):
            continue
        found.append((m.start(), m.group(0)))
    return found


def spaces(text: str) -> list[int]:
    """Offsets of spaces between Chinese characters (outside quotations, which may quote a sign as
    written)."""
    quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
    return [
        m.start() for m in _SPACE.finditer(text) if not any(a <= m.start() < b for a, b in quoted)
    ]


def page_findings(page: Page, path: Path) -> list[SiteError]:
    """A warning per doubled word, and one per file for the stray spaces (titles and LED texts may
    use a space as a break)."""
    found, gaps = [], []
    for text in (t for t in page_texts(page) if t.prose):
        flags = protected(text.text) if not text.key else bytearray(len(text.text))
        for start, word in doubled(text.text):
            if not flags[start]:
                found.append(
                    warning(
                        path,
                        text.line_at(start),
                        f"{text.label}里 “{word}” 重复了，可能多打了一遍",
                        f"如果不是有意重复，删去一个 “{word[:len(word) // 2]}”。",
                        text.col_at(start),
                        "text.doubled",
                    )
                )
        # headings and screen texts use a space as a break
        if text.key[:1] not in (("title",), ("led",)):
            gaps += [(text, offset) for offset in spaces(text.text) if not flags[offset]]
    if gaps:
        found.append(_gaps(path, gaps))
    return found


def _gaps(path: Path, gaps: list[tuple[Text, int]]) -> SiteError:
    text, offset = gaps[0]
    lines = sorted({t.line_at(o) for t, o in gaps})
    shown = "、".join(map(str, lines[:8])) + ("…" if len(lines) > 8 else "")
    excerpt = text.text[max(0, offset - 4):offset + 5].replace("\n", " ")
    message = (f"{text.label}里汉字之间有空格：“{excerpt}”" if len(gaps) == 1 else
               f"本文 {len(gaps)} 处汉字之间有空格（第 {shown} 行），例如 “{excerpt}”")
    return warning(path, text.line_at(offset), message, "中文词语之间不加空格；从网页或 Word 复制来的文字常带着空格，"
                   "请删掉。", text.col_at(offset), "text.space")
