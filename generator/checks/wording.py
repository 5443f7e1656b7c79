"""Report wrong and discouraged words from the project's wording dictionary; never rewrite them."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from generator.base import source, yamlio
from generator.model.content import Page
from generator.base.errors import BuildFailed, SiteError, error, warning
from generator.checks.privacy import page_texts


# Quotations: “…” 「…」 and the inner ‘…’ 『…』 (a quotation may run over several lines of a paragraph).
_QUOTED = re.compile(r"“[^”]*”|「[^」]*」|‘[^’]*’|『[^』]*』")


@dataclass(frozen=True)
class Entry:
    """One dictionary entry: a wrong word and its right form, or a discouraged word with reason and
    suggestion."""

    term: str
    kind: str  # "wrong" or "discouraged"
    suggest: str
    reason: str = ""
    exceptions: tuple[str, ...] = ()  # longer phrases containing the term that are fine, e.g. 最好不要


@dataclass(frozen=True)
class Match:
    """A dictionary term found at an offset of a text."""

    start: int
    entry: Entry


def load_dictionary(path: Path) -> tuple[list[Entry], list[SiteError]]:
    """Read the wording dictionary; return its entries and any problems (a missing file is a
    warning)."""
    if not path.is_file():
        return [], [
            warning(
                path,
                1,
                "找不到用词词典，本次没有检查错别字和慎用词",
                "在 site_config.yaml 的 wording.dictionary 写对词典路径。",
                code="wording.dictionary",
            )
        ]
    try:
        doc = yamlio.parse(source.read_text(path)[0])
    except BuildFailed as failed:
        return [], failed.problems
    except yamlio.YamlProblem as exc:
        return [], [
            error(path, exc.line, exc.message, exc.hint, exc.col, code="wording.dictionary")
        ]
    data = doc.data if isinstance(doc.data, dict) else {}
    problems: list[SiteError] = []
    entries = _wrong_pairs(data.get("wrong"), path, doc, problems)
    entries += _discouraged(data.get("discouraged"), path, doc, problems)
    return entries, problems


def _wrong_pairs(
    data: object, path: Path, doc: yamlio.YamlDoc, problems: list[SiteError]
) -> list[Entry]:
    if data is None:
        return []
    if not isinstance(data, dict):
        problems.append(_bad(path, doc, ("wrong",), "wrong 应该写成 “错误写法: 正确写法” 的若干行"))
        return []
    entries = []
    for term, right in data.items():
        if not isinstance(right, str) or not term.strip():
            problems.append(_bad(path, doc, ("wrong", term), f"“{term}” 后面要写正确的写法"))
        else:
            entries.append(Entry(term.strip(), "wrong", right.strip()))
    return entries


def _discouraged(
    data: object, path: Path, doc: yamlio.YamlDoc, problems: list[SiteError]
) -> list[Entry]:
    if data is None:
        return []
    if not isinstance(data, list):
        problems.append(
            _bad(
                path,
                doc,
                ("discouraged",),
                "discouraged 应该是一个列表，每项写 terms、suggest、reason",
            )
        )
        return []
    entries = []
    for index, item in enumerate(data):
        terms = item.get("terms") if isinstance(item, dict) else None
        terms = [terms] if isinstance(terms, str) else terms
        if not terms or not all(isinstance(t, str) and t.strip() for t in terms):
            problems.append(_bad(path, doc, ("discouraged", index), "这一项缺少 terms（要提示的词）"))
            continue
        exceptions = item.get("except") or []
        exceptions = tuple([exceptions] if isinstance(exceptions, str) else map(str, exceptions))
        entries += [
            Entry(
                t.strip(),
                "discouraged",
                str(item.get("suggest") or ""),
                str(item.get("reason") or ""),
                exceptions,
            )
            for t in terms
        ]
    return entries


def _bad(path: Path, doc: yamlio.YamlDoc, key: tuple, message: str) -> SiteError:
    line, col = doc.where(key)
    return error(path, line, f"用词词典格式不对：{message}", "参考词典开头的说明。", col, "wording.dictionary")


def find(text: str, entries: list[Entry]) -> list[Match]:
    """Every occurrence of every dictionary term in a text, by position, skipping listed exceptions.
    """
    found = []
    for entry in entries:
        start = text.find(entry.term)
        while start >= 0:
            if not _excepted(text, start, entry):
                found.append(Match(start, entry))
            start = text.find(entry.term, start + 1)
    return sorted(found, key=lambda m: (m.start, m.entry.term))


def _excepted(text: str, start: int, entry: Entry) -> bool:
    """True when the hit lies inside one of the entry's allowed longer phrases."""
    for phrase in entry.exceptions:
        offset = phrase.find(entry.term)
        while offset >= 0:
            if text.startswith(phrase, start - offset):
                return True
            offset = phrase.find(entry.term, offset + 1)
    return False


def page_findings(page: Page, path: Path, entries: list[Entry], block: bool) -> list[SiteError]:
    """One problem per dictionary hit in a page's texts, at its real file line."""
    make = error if block else warning
    found = []
    for text in page_texts(page):
        quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(text.text)]
        for match in find(text.text, entries):
            entry = match.entry
            if entry.kind == "discouraged" and any(a < match.start < b for a, b in quoted):
                # someone else's words, quoted: not the writer's own claim (a typo is still
                # reported)
                continue
            if entry.kind == "wrong":
                message = f"{text.label}里有错字 “{entry.term}”，应为 “{entry.suggest}”"
                hint = "用词检查不会自动改正，请核对后自己修改。"
            else:
                message = f"{text.label}里有慎用词 “{entry.term}”" + (
                    f"：{entry.reason}" if entry.reason else ""
                )
                hint = f"建议：{entry.suggest}。" if entry.suggest else "请结合上下文斟酌。"
            found.append(
                make(
                    path,
                    text.line_at(match.start),
                    message,
                    hint,
                    text.col_at(match.start),
                    f"wording.{entry.kind}",
                )
            )
    return found
