"""Broken internal links fail the build with path:line:col; external links are never fetched."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from generator import config
from generator.base.errors import BuildFailed
from generator.build.pipeline import BuildOptions, build
from generator.checks.links import Target, links_in, target_of
from tests.conftest import MINIMAL_CONFIG, STORY

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
OTHER = STORY.replace("好人张三", "好人李四").replace("person: 张三", "person: 李四").replace("who: 张三", "who: 李四") \
    + "\n## 二十年如一日\n\n他天天来。\n"


def _with_body(extra: str, story: str = STORY) -> str:
    return story + "\n" + extra + "\n"


def _build(root: Path, now=datetime(2024, 1, 1)):
    return build(config.load(root / "site_config.yaml"), BuildOptions(root / "content", root / "public", TEMPLATES, now))


def _failure(root: Path):
    with pytest.raises(BuildFailed) as failed:
        _build(root)
    return [p for p in failed.value.problems if p.code == "links.broken"]


def test_a_link_to_a_missing_page_fails_with_its_line_and_column(make_site):
    root = make_site({"content/stories/a.md": _with_body("见[李四的故事](/wenming/stories/li-si/)。"),
                      "content/stories/b.md": OTHER})
    [problem] = _failure(root)
    assert problem.path.endswith("stories/a.md") and (problem.line, problem.col) == (11, 10)
    assert "/wenming/stories/li-si/" in problem.message and problem.is_error
    assert not (root / "public").exists(), "nothing is published"


def test_good_links_pass_and_external_ones_are_not_fetched(make_site):
    body = ("[李四](/wenming/stories/b/) [李四的小标题](/wenming/stories/b/#二十年如一日) [相对](../b/)\n"
            "[列表](/wenming/stories/) [订阅](/wenming/feed.xml) [外站](https://no-such-host.invalid/x) "
            "[邮件](mailto:a@b.cn)\n\n`[代码里的](/nowhere/)`\n\n```\n[块里的](/nowhere/)\n```\n")
    root = make_site({"content/stories/a.md": _with_body(body), "content/stories/b.md": OTHER})
    report = _build(root)
    assert not [w for w in report.warnings if w.code == "links.broken"]


def test_a_missing_anchor_and_a_link_outside_the_base_path(make_site):
    body = "[错锚点](/wenming/stories/b/#没有这节)\n<a href=\"/stories/b/\">少了前缀</a>\n[源文件](../b.md)"
    root = make_site({"content/stories/a.md": _with_body(body), "content/stories/b.md": OTHER})
    found = sorted((p.line, p.col, p.message) for p in _failure(root))
    assert [(line, col) for line, col, _ in found] == [(11, 7), (12, 10), (13, 7)]
    assert "#没有这节" in found[0][2] and "本站的网址都以 /wenming/ 开头" in found[1][2] and ".md" in found[2][2]


def test_a_link_to_a_page_not_published_yet_is_only_a_warning(make_site):
    later = OTHER.replace("date: 2023-09-11", "date: 2030-01-01")
    root = make_site({"content/stories/a.md": _with_body("[李四](/wenming/stories/b/)"), "content/stories/b.md": later})
    report = _build(root)
    [warned] = [w for w in report.warnings if w.code == "links.broken"]
    assert "《好人李四》这次没有发布" in warned.message and not warned.is_error


def test_broken_links_can_be_warnings_by_config(make_site):
    root = make_site({"content/stories/a.md": _with_body("[坏](/wenming/nope/)")},
                     MINIMAL_CONFIG + "links:\n  broken: warn\n")
    assert [w.line for w in _build(root).warnings if w.code == "links.broken"] == [11]


def test_links_in_reads_every_kind_with_positions():
    body = "一[a](/x/) ![图](/media/p.jpg)\n[ref]: /y/\n<img src=\"/z.png\">"
    assert [(l.url, l.line, l.col, l.image) for l in links_in(body, 5)] == [
        ("/x/", 5, 6, False), ("/media/p.jpg", 5, 16, True), ("/y/", 6, 8, False), ("/z.png", 7, 11, False)]


def test_target_of_resolves_relative_and_site_paths():
    page = "/wenming/stories/a/"
    assert target_of("../b/", page, "/wenming/") == Target("stories/b/index.html", "")
    assert target_of("#top", page, "/wenming/") == Target("stories/a/index.html", "top")
    assert target_of("/wenming/about", page, "/wenming/") == Target("about/index.html", "")
    assert target_of("https://x.cn/", page, "/wenming/") is None
    assert isinstance(target_of("../../../../x", page, "/wenming/"), str)


def test_footnote_definitions_are_not_links():
    assert links_in("正文[^1]。\n\n[^1]: 据样例县融媒体中心。\n[ref]: /y/") == [links_in("[ref]: /y/", 4)[0]]


def test_links_in_skips_code_and_reads_an_image_at_the_very_start():
    body = "![图](/a.jpg) `[不是](/b/)`\n```\n[也不是](/c/)\n```\n[是](/d/) 无链接的一行 a=b"
    assert [(l.url, l.line, l.image) for l in links_in(body)] == [("/a.jpg", 1, True), ("/d/", 5, False)]
    assert links_in("纯文字，没有任何链接。\n第二行。") == []
