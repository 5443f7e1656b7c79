"""Wording dictionary: wrong and discouraged words are reported with file and line, never rewritten."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from generator import config
from generator.model import content
from generator.checks import run_checks
from generator.checks.wording import Entry, find, load_dictionary

SHIPPED = Path(__file__).resolve().parents[2] / "content" / "_data" / "wording.yaml"
DICTIONARY = """\
wrong:
  扫黑险恶: 扫黑除恶
  领导小姐: 领导小组
discouraged:
  - terms: [瞎子, 聋子]
    suggest: 盲人、聋人
    reason: 对残疾人不用蔑称
  - terms: 最好
    suggest: 改为客观表述
    except: [最好不要]
"""
PAGE = """\
---
title: 创文领导小姐会议召开
date: 2023-09-11
summary: 会议部署扫黑险恶工作。
---
第一段。

请大家最好不要迟到，这是最好的安排。
志愿者帮助瞎子过马路。
"""
CONFIG = """\
site:
  title: 测试站
  base_url: https://example.gov.cn/
wording:
  dictionary: content/_data/words.yaml
  block: {block}
"""


def run(make_site, block: bool = False, dictionary: str = DICTIONARY):
    root = make_site({"content/_data/words.yaml": dictionary, "content/letters/a.md": PAGE},
                     config=CONFIG.format(block=str(block).lower()))
    cfg = config.load(root / "site_config.yaml")
    result = run_checks(content.load_site(cfg, root / "content"), cfg, today=date(2023, 9, 12))
    return root, [p for p in result.problems if p.code.startswith("wording.")]


def test_findings_have_file_line_and_suggestion(make_site):
    root, found = run(make_site)
    assert [(p.line, p.col, p.code) for p in found] == [
        (2, 1, "wording.wrong"), (4, 1, "wording.wrong"), (8, 13, "wording.discouraged"), (9, 6, "wording.discouraged")]
    assert found[0].message == "标题里有错字 “领导小姐”，应为 “领导小组”"
    assert found[3].message == "正文里有慎用词 “瞎子”：对残疾人不用蔑称" and "盲人、聋人" in found[3].hint
    assert all(Path(p.path) == root / "content/letters/a.md" and not p.is_error for p in found)


def test_findings_block_only_when_configured(make_site):
    _, found = run(make_site, block=True)
    assert len(found) == 4 and all(p.is_error for p in found)


def test_source_is_never_rewritten(make_site):
    root, _ = run(make_site, block=True)
    assert (root / "content/letters/a.md").read_text(encoding="utf-8") == PAGE


def test_exceptions_only_cover_their_own_phrase():
    entry = Entry("最好", "discouraged", "", exceptions=("最好不要",))
    assert [m.start for m in find("最好不要去，最好的办法，最好", [entry])] == [6, 12]


def test_missing_dictionary_is_a_warning_not_a_crash(make_site):
    root = make_site({"content/letters/a.md": PAGE}, config=CONFIG.format(block="true"))
    cfg = config.load(root / "site_config.yaml")
    result = run_checks(content.load_site(cfg, root / "content"), cfg, today=date(2023, 9, 12))
    [problem] = [p for p in result.problems if p.code.startswith("wording.")]
    assert problem.code == "wording.dictionary" and not problem.is_error


@pytest.mark.parametrize("broken, line", [("wrong: [扫黑险恶]\n", 1), ("discouraged:\n  - suggest: 无词\n", 2)])
def test_malformed_dictionary_is_reported_at_its_line(tmp_path, broken, line):
    path = tmp_path / "words.yaml"
    path.write_text(broken, encoding="utf-8")
    entries, problems = load_dictionary(path)
    assert entries == [] and [(p.line, p.code, p.is_error) for p in problems] == [(line, "wording.dictionary", True)]


def test_shipped_dictionary_loads_and_covers_the_known_cases():
    entries, problems = load_dictionary(SHIPPED)
    assert problems == []
    by_term = {e.term: e for e in entries}
    assert by_term["扫黑险恶"].suggest == "扫黑除恶" and by_term["领导小姐"].suggest == "领导小组"
    for term in ("瞎子", "聋子", "弱智", "亲自", "隆重召开", "最佳", "最好"):
        assert by_term[term].kind == "discouraged" and by_term[term].reason
    assert find("诚信最好不要丢", entries) == []
