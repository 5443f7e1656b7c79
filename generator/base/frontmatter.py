"""Split the leading `---` YAML block from the Markdown body, reporting problems at the real file
line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from generator.base import yamlio
from generator.base.errors import BuildFailed, SiteError, error, warning

_FENCE = re.compile(r"^\s*([-－—─━]{3,}|[-－—─━](\s*[-－—─━]){2,})\s*$")
_FULLWIDTH_COLON = re.compile(r"^(\s*-?\s*[A-Za-z_\u4e00-\u9fff][\w\u4e00-\u9fff-]*)\s*：\s?")
_LEADING_TAB = re.compile(r"^ *\t")


@dataclass
class FrontMatter:
    """A file's parsed header: values, the file line of each key, and the body after the block."""

    data: dict
    positions: dict[tuple, tuple[int, int]]
    body: str
    body_line: int  # file line where the body starts
    warnings: list[SiteError] = field(default_factory=list)

    def line_of(self, path: tuple) -> int:
        """The file line of a key path (or of its nearest parent, or the first line)."""
        while path and path not in self.positions:
            path = path[:-1]
        return self.positions.get(path, (1, 1))[0]


def split(text: str, path: Path | str) -> FrontMatter:
    """Separate and parse the front matter; raise BuildFailed with the file line of every problem.
    """
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None:
        raise BuildFailed([error(path, 1, "文件是空的", "用 make new 生成一个带文件头的新文件。")])
    if not _FENCE.match(lines[start]):
        raise BuildFailed([error(path, start + 1, "文件开头缺少文件头（--- 包起来的文章信息）",
                                 "第一行写 ---，接着写 title: 标题 等信息，再写一行 --- 结束，然后才是正文。")])
    end = next((i for i in range(start + 1, len(lines)) if _FENCE.match(lines[i])), None)
    if end is None:
        raise BuildFailed([error(path, start + 1, "文件头没有结束：找不到第二行 ---",
                                 "在文章信息和正文之间加一行 ---。")])
    notes = _fence_warnings(path, lines, (start, end))
    header, fixes = _repair_colons(lines[start + 1:end])
    notes += [warning(path, start + 2 + i, "这里用了中文冒号 “：”，已当作英文冒号处理",
                      "文件头里 字段 和 值 之间请用英文冒号加空格，例如 title: 标题。", code="frontmatter.colon")
              for i in fixes]
    _refuse_tabs(path, header, start + 2)
    try:
        doc = yamlio.parse("\n".join(header), line_offset=start + 1)
    except yamlio.YamlProblem as exc:
        raise BuildFailed([error(path, exc.line, exc.message, exc.hint, exc.col)]) from None
    if doc.data is None:
        doc.data = {}
    if not isinstance(doc.data, dict):
        kind = "列表" if isinstance(doc.data, list) else "一段文字"
        raise BuildFailed([error(path, start + 2, f"文件头应该是若干 “字段: 值”，现在是{kind}",
                                 "每行写一个 字段: 值，例如 title: 标题。")])
    body = "\n".join(lines[end + 1:])
    return FrontMatter(doc.data, doc.positions, body, end + 2, notes)


def _fence_warnings(path, lines: list[str], fence_indexes: tuple[int, int]) -> list[SiteError]:
    return [warning(path, i + 1, "分隔线用了中文破折号或全角减号", "请用三个英文减号 ---。", code="frontmatter.fence")
            for i in fence_indexes if lines[i].strip() != "---"]


def _repair_colons(header: list[str]) -> tuple[list[str], list[int]]:
    """Accept `title：标题` (full-width colon after a field name), which Chinese input methods produce.
    """
    fixed, where = [], []
    for index, line in enumerate(header):
        if ":" not in line.split("：", 1)[0] and _FULLWIDTH_COLON.match(line):
            line = _FULLWIDTH_COLON.sub(lambda m: m.group(1) + ": ", line, count=1)
            where.append(index)
        fixed.append(line)
    return fixed, where


def _refuse_tabs(path, header: list[str], first_line: int) -> None:
    problems = [error(path, first_line + i, "文件头里用了制表符（Tab）缩进",
                      "YAML 只能用空格缩进：把这一行开头的 Tab 换成两个空格。")
                for i, line in enumerate(header) if _LEADING_TAB.match(line)]
    if problems:
        raise BuildFailed(problems)
