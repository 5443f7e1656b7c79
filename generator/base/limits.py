"""Limits that real content never reaches, checked before the slow parsers see a file.

Past a limit the build stops at once with an error naming the file and line: a 2,000-level list or
YAML block no longer runs for minutes or overflows the stack. The README lists the figures.
"""

from __future__ import annotations

import re

MAX_FILE_BYTES = 2_000_000  # one article, front matter and body (the longest real ones are ~60 KB)
MAX_LINE_CHARS = 50_000  # one line (a long pasted paragraph is ~5,000 characters)
MAX_NESTING = 16  # lists and quotes inside each other in a body (real articles use 3)
MAX_YAML_DEPTH = 16  # levels of YAML inside each other (front matter uses 3, the config 4)
MAX_TAGS = 30  # tags on one page

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_MARKERS = re.compile(r"(?:[-*+]|\d{1,9}[.)]|>)(?:[ \t]+|(?=>)|$)")


def long_line(text: str) -> tuple[int, int] | None:
    """(line, length) of the first line longer than MAX_LINE_CHARS, or None."""
    if len(text) <= MAX_LINE_CHARS:
        return None
    for number, line in enumerate(text.split("\n"), 1):
        if len(line) > MAX_LINE_CHARS:
            return number, len(line)
    return None


def deepest_nesting(body: str) -> tuple[int, int] | None:
    """(line in the body, depth) of the first line nesting lists or quotes deeper than MAX_NESTING,
    or None.

    A line's depth is its list and quote markers (`- - - x`, `>>> x`) plus, on a list line, its
    indentation in steps of two spaces; fenced code is skipped.
    """
    fenced = False
    for number, line in enumerate(body.split("\n"), 1):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue
        stripped = line.lstrip(" \t")
        indent = len(line) - len(stripped)
        markers, at = 0, 0
        while (found := _MARKERS.match(stripped, at)) and found.end() > at:
            markers, at = markers + 1, found.end()
        depth = markers + (indent // 2 if markers else 0)
        if depth > MAX_NESTING:
            return number, depth
    return None


def yaml_depth(text: str) -> tuple[int, int] | None:
    """(line, depth) of the first line of YAML nested deeper than MAX_YAML_DEPTH, or None.

    Counts block levels (distinct indents still open, and `- ` items on the line) and flow brackets.
    """
    indents: list[int] = []
    flow = 0
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(stripped)
        while indents and indents[-1] >= indent:
            indents.pop()
        indents.append(indent)
        dashes = len(re.match(r"(?:-\s+)*", stripped).group(0).split("-")) - 1
        flow += stripped.count("[") + stripped.count("{")
        if len(indents) + dashes + flow > MAX_YAML_DEPTH:
            return number, len(indents) + dashes + flow
        flow = max(0, flow - stripped.count("]") - stripped.count("}"))
    return None
