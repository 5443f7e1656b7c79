"""Report non-standard Chinese punctuation and apply the safe fixes, leaving code, URLs and Markdown
alone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from generator.base import frontmatter
from generator.model.content import Page
from generator.base.errors import BuildFailed, SiteError, warning
from generator.base.typography import CHINESE_PUNCTUATION, is_han
from generator.checks.privacy import page_texts

FULL = {",": "，", ".": "。", ":": "：", ";": "；", "?": "？", "!": "！"}
# emphasis markers are looked through when deciding whether a mark sits in Chinese text
_MARKUP = "*_~"
_QUOTE_PAIRS = str.maketrans("「」『』", "“”‘’")
Edit = tuple[int, int, str]

# Spans that are not prose: code, HTML, link targets, URLs, e-mail addresses, attribute lists, list
# markers,
# table rules. Nothing inside them is reported or changed.
_PROTECT = re.compile(
    r"(?<!`)(`+)(?!`).*?(?<!`)\1(?!`)"
    r"|<!--[\s\S]*?-->|<[A-Za-z/!][^>\n]*>"
    r"|\]\([^)\n]*\)|^ {0,3}\[[^\]\n]+\]:[^\n]*$"
    r"|(?:https?|ftp)://[^\s<>\"'）)，。；！？、]+|www\.[A-Za-z0-9][^\s<>\"'）)，。；！？、]*"
    r"|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
    r"|\{[:#.][^}\n]*\}|^\s*(?:[-*+]|\d+[.)])[ \t]|^[ \t|:\-]+$",
    re.M)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")
_FRONT_FENCE = re.compile(r"\s*[-－—─━][-－—─━ ]{2,}\n")


@dataclass(frozen=True)
class Finding:
    """One punctuation problem: where it starts, a stable code, a Chinese message, and its safe
    edits (if any)."""

    start: int
    code: str
    message: str
    edits: tuple[Edit, ...] = ()

    @property
    def fixable(self) -> bool:
        """True when `fix_text` may apply this finding's edits."""
        return bool(self.edits)


def _protected(text: str, front_matter: bool) -> bytearray:
    """A 0/1 flag per character: 1 where the text is code, markup, a URL or the front matter."""
    flags = bytearray(len(text))
    for m in _PROTECT.finditer(text):
        flags[m.start():m.end()] = b"\x01" * (m.end() - m.start())
    for start, end in _code_blocks(text):
        flags[start:end] = b"\x01" * (end - start)
    head = _front_matter_end(text) if front_matter else 0
    flags[:head] = b"\x01" * head
    return flags


def protected(text: str) -> bytearray:
    """A 0/1 flag per character of a Markdown body: 1 inside code, markup, link targets and URLs."""
    return _protected(text, False)


def _code_blocks(text: str) -> Iterator[tuple[int, int]]:
    """Fenced blocks, and indented blocks after a blank line that do not continue a list item."""
    offset, fence, blank, in_list, in_code = 0, "", True, False, False
    for line in text.split("\n"):
        end, stripped = min(offset + len(line) + 1, len(text)), line.strip()
        indented, opened = line.startswith(("    ", "\t")), _FENCE.match(line)
        if fence:
            yield offset, end
            if stripped.startswith(fence) and not stripped.strip(fence[0]):
                fence = ""
        elif opened:
            fence = opened.group(1)
            yield offset, end
        elif stripped and indented and (in_code or (blank and not in_list)):
            in_code = True
            yield offset, end
        elif stripped:
            in_code = False
            in_list = bool(_LIST_ITEM.match(line)) or (in_list and indented)
        blank = not stripped
        offset += len(line) + 1


def _front_matter_end(text: str) -> int:
    """The offset where the body starts, when the text opens with a front-matter block (all of it if
    broken)."""
    if not _FRONT_FENCE.match(text):
        return 0
    try:
        body_line = frontmatter.split(text, "文本").body_line
    except BuildFailed:
        return len(text)  # a broken header is left entirely alone
    return _offset_of_line(text, body_line)


def _offset_of_line(text: str, line: int) -> int:
    """The offset where file line `line` (1-based) starts."""
    return sum(len(part) + 1 for part in text.split("\n", line - 1)[:line - 1])


def _left(text: str, index: int) -> str:
    index -= 1
    while index >= 0 and text[index] in _MARKUP:
        index -= 1
    return text[index] if index >= 0 else ""


def _right(text: str, index: int) -> str:
    while index < len(text) and text[index] in _MARKUP:
        index += 1
    return text[index] if index < len(text) else ""


def _chinese(char: str) -> bool:
    return bool(char) and (is_han(char) or char in CHINESE_PUNCTUATION or char in "」』】〕")


def _ascii_alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _halfwidth(text: str, flags: bytearray) -> Iterator[Finding]:
    for m in re.finditer(r"([,.;:?!])\1*", text):
        mark, i = m.group(1), m.start()
        left, right = _left(text, i), _right(text, i + 1)
        # 8:30,人数
        between = mark in ",;" and is_han(right) and not (left.isascii() and left.isalpha())
        if m.end() - i != 1 or flags[i] or not (_chinese(left) or between):
            continue  # runs belong to the repeat and ellipsis rules
        if mark == "." and (_ascii_alnum(right) or (right and right in "/\\")):
            continue  # 通知.docx, abbreviations: not a sentence end
        yield Finding(i, "punct.halfwidth", f"中文里用了半角 “{mark}”，应为全角 “{FULL[mark]}”",
                      ((i, i + 1, FULL[mark]),))


def _parentheses(text: str, flags: bytearray) -> Iterator[Finding]:
    for m in re.finditer(r"\(([^()\n]*)\)", text):
        if flags[m.start()] or flags[m.end() - 1] or not any(is_han(c) for c in m.group(1)):
            continue
        yield Finding(m.start(), "punct.halfwidth", "中文里用了半角括号 “( )”，应为全角 “（ ）”",
                      ((m.start(), m.start() + 1, "（"), (m.end() - 1, m.end(), "）")))


def _straight_quotes(text: str, flags: bytearray) -> Iterator[Finding]:
    offset = 0
    for line in text.split("\n"):
        for quote, (opening, closing) in (('"', "“”"), ("'", "‘’")):
            if quote not in line:
                continue
            spots = [offset + i for i, c in enumerate(line) if c == quote and not flags[offset + i]]
            for a, b in zip(spots[::2], spots[1::2]):
                inner = text[a + 1:b]
                if (
                    not any(is_han(c) for c in inner)
                    or _ascii_alnum(_left(text, a))
                    or _ascii_alnum(_right(text, b + 1))
                ):
                    continue
                yield Finding(a, "punct.quotes", f"中文里用了直引号 {quote}…{quote}，应为 {opening}…{closing}",
                              ((a, a + 1, opening), (b, b + 1, closing)))
        offset += len(line) + 1


def _corner_quotes(text: str, flags: bytearray) -> Iterator[Finding]:
    for m in re.finditer(r"「[^「」\n]*」|『[^『』\n]*』|[「」『』]", text):
        if flags[m.start()]:
            continue
        edits = tuple((m.start() + i, m.start() + i + 1, c.translate(_QUOTE_PAIRS))
                      for i, c in enumerate(m.group(0)) if c in "「」『』")
        yield Finding(m.start(), "punct.quotes", "「」『』是竖排和港台用法，大陆横排用 “ ” 和 ‘ ’", edits)


def _repeats(text: str, flags: bytearray) -> Iterator[Finding]:
    for m in re.finditer(r"[!！]{2,}|[?？]{2,}", text):
        run = m.group(0)
        if flags[m.start()] or not (_chinese(_left(text, m.start())) or run.strip("!?")):
            continue
        single = "！" if run[0] in "!！" else "？"
        yield Finding(m.start(), "punct.repeat", f"“{run}” 标点重复，只用一个 “{single}”",
                      ((m.start(), m.end(), single),))


def _ellipses(text: str, flags: bytearray) -> Iterator[Finding]:
    for m in re.finditer(r"\.{3,}|。{3,}|…+|[·・]{3,}", text):
        run, i = m.group(0), m.start()
        if flags[i] or run == "……":
            continue
        if run[0] == "." and not (_chinese(_left(text, i)) or _chinese(_right(text, m.end()))):
            continue  # English "wait..." or a range such as 1...10
        yield Finding(i, "punct.ellipsis", f"省略号 “{run}” 不规范，应为 “……”", ((i, m.end(), "……"),))


def _dashes(text: str, flags: bytearray) -> Iterator[Finding]:
    for m in re.finditer(r"-{2,}|─{2,}|－{2,}", text):
        i, left, right = m.start(), _left(text, m.start()), _right(text, m.end())
        if (
            flags[i]
            or not (_chinese(left) or _chinese(right))
            or (m.group(0)[0] == "-" and _ascii_alnum(right))
        ):
            continue  # command options such as --fix are not dashes
        yield Finding(i, "punct.dash", f"破折号 “{m.group(0)}” 不规范，应为 “——”", ((i, m.end(), "——"),))


_RULES: tuple[Callable[[str, bytearray], Iterator[Finding]], ...] = (
    _halfwidth, _parentheses, _straight_quotes, _corner_quotes, _repeats, _ellipses, _dashes)


def find(text: str, front_matter: bool = False) -> list[Finding]:
    """Every punctuation problem in a Markdown text (skipping a leading front-matter block when
    asked), in order."""
    flags = _protected(text, front_matter)
    found = [finding for rule in _RULES for finding in rule(text, flags)]
    return sorted(found, key=lambda f: (f.start, f.code))


def fix_text(text: str) -> str:
    """Apply the safe punctuation fixes to a Markdown file or body, and to its title and summary;
    the rest of the front matter, code and URLs stay untouched."""
    # a fix can reveal another (“好”!! only reads as Chinese once its quotes are curly)
    for _ in range(3):
        fixed = _apply(
            text, sorted(edit for f in find(text, front_matter=True) for edit in f.edits)
        )
        if fixed == text:
            break
        text = fixed
    return _fix_fields(text)


def fix_prose(text: str) -> str:
    """The safe fixes of a short text that is all prose (a title or a summary)."""
    for _ in range(3):
        fixed = _apply(text, sorted(edit for f in find(text) for edit in f.edits))
        if fixed == text:
            break
        text = fixed
    return text


# A title or summary written on one line: plain, or in quotes, maybe followed by a comment.
_FIELD_LINE = re.compile(
    r"""^(?P<key>title|summary):[ \t]+(?P<v>"[^"\\\n]*"|'[^'\n]*'|[^#\n"'|>\[{&*!%@`][^#\n]*?)"""
    r"(?P<rest>[ \t]+#[^\n]*)?[ \t]*$",
    re.M,
)


def fixable_fields(text: str, body_line: int | None = None) -> set[str]:
    """The front-matter keys (title, summary) that `fix_text` can fix: those written on one line.

    `body_line` is the file line where the body starts, when the text is known to parse (a loaded
    page's): the header is then not parsed again.
    """
    head = _front_matter_end(text) if body_line is None else _offset_of_line(text, body_line)
    return {m.group("key") for m in _FIELD_LINE.finditer(text, 0, head)} if head else set()


def _fix_fields(text: str) -> str:
    head = _front_matter_end(text)
    out = text
    for m in reversed(list(_FIELD_LINE.finditer(text, 0, head)) if head else []):
        value = m.group("v")
        quote = value[0] if value[0] in "\"'" else ""
        inner = fix_prose(value[1:-1] if quote else value)
        if (quote and quote in inner) or (not quote and ": " in inner):
            continue  # the fixed value would read differently as YAML
        out = out[:m.start("v")] + quote + inner + quote + out[m.end("v"):]
    return out if out == text or _only_fields_changed(text, out) else text


def _only_fields_changed(old: str, new: str) -> bool:
    """The fixed file reads as the old one with its title and summary fixed, and nothing else
    changed."""
    try:
        before, after = frontmatter.split(old, "文本").data, frontmatter.split(new, "文本").data
    except BuildFailed:
        return False
    expected = {
        k: fix_prose(v) if k in ("title", "summary") and isinstance(v, str) else v
        for k, v in before.items()
    }
    return after == expected


def _apply(text: str, edits: list[Edit]) -> str:
    parts, position = [], 0
    for start, end, replacement in edits:
        if start < position:
            continue  # two rules touching the same character: keep the first
        parts += [text[position:start], replacement]
        position = end
    return "".join(parts) + text[position:]


KIND_NAMES = {"punct.halfwidth": "半角标点", "punct.quotes": "不规范的引号", "punct.repeat": "重复的标点",
              "punct.ellipsis": "不规范的省略号", "punct.dash": "不规范的破折号"}


def page_findings(page: Page, path: Path) -> list[SiteError]:
    """Punctuation warnings for the prose of a page (body, title, summary, alt texts, captions, LED
    text).

    What `make fix` can mend is counted per kind in one warning per file, at its first place; the
    rest is reported one by one, for the writer to change by hand.
    """
    fields, found, fixable = fixable_fields(page.source_text, page.body_line), [], {}
    for text in (t for t in page_texts(page) if t.prose):
        mendable = not text.key or (len(text.key) == 1 and text.key[0] in fields)
        for f in find(text.text):
            line, col = text.line_at(f.start), text.col_at(f.start)
            if f.fixable and mendable:
                fixable.setdefault(f.code, []).append((line, col, f"{text.label}：{f.message}"))
            else:
                found.append(
                    warning(path, line, f"{text.label}：{f.message}", "请手动修改。", col, f.code)
                )
    for code, places in fixable.items():
        line, col, message = min(places)
        if len(places) > 1:
            lines = "、".join(str(n) for n in sorted({p[0] for p in places})[:8]) + (
                "…" if len(places) > 8 else ""
            )
            message = f"本文 {len(places)} 处{KIND_NAMES.get(code, '标点问题')}（第 {lines} 行）"
        found.append(warning(path, line, message, "运行 make fix 可以自动改正（会先显示改动，确认后才写入）。",
                             col, code))
    return found
