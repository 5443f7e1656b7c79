"""Punctuation: half-width marks, quotes, repeats, ellipses and dashes are reported; safe fixes leave code alone."""
from __future__ import annotations

import codecs
import difflib
from datetime import date

import pytest

from generator import config
from generator.model import content
from generator.checks import fix_file, run_checks
from generator.checks.punctuation import find, fix_text


@pytest.mark.parametrize("text, fixed, code", [
    ("今天,我们出发", "今天，我们出发", "punct.halfwidth"),
    ("天气很好.", "天气很好。", "punct.halfwidth"),
    ("时间:上午", "时间：上午", "punct.halfwidth"),
    ("真的吗?", "真的吗？", "punct.halfwidth"),
    ("第一;第二", "第一；第二", "punct.halfwidth"),
    ("8:30,人数", "8:30，人数", "punct.halfwidth"),
    ("志愿者(含党员)", "志愿者（含党员）", "punct.halfwidth"),
    ('他说"你好"', "他说“你好”", "punct.quotes"),
    ("他说'你好'", "他说‘你好’", "punct.quotes"),
    ("「文明」礼让", "“文明”礼让", "punct.quotes"),
    ("「他说『好』」", "“他说‘好’”", "punct.quotes"),
    ("太好了！！！", "太好了！", "punct.repeat"),
    ("为什么??", "为什么？", "punct.repeat"),
    ("等等...", "等等……", "punct.ellipsis"),
    ("等等。。。", "等等……", "punct.ellipsis"),
    ("等等…", "等等……", "punct.ellipsis"),
    ("文明--和谐", "文明——和谐", "punct.dash"),
    ("文明──和谐", "文明——和谐", "punct.dash"),
    ("**注意**:带好证件", "**注意**：带好证件", "punct.halfwidth"),
])
def test_each_rule_reports_and_fixes(text, fixed, code):
    assert [f.code for f in find(text)] == [code]
    assert fix_text(text) == fixed
    assert find(fixed) == []


UNCHANGED = [
    "圆周率约为3.14，上午8:30集合，比分3:2。",
    "访问 https://example.gov.cn/a,b.html?x=1&y=2 查看。",
    "网址 www.example.gov.cn/文明,出行 不改。",
    "写信到 wenming@example.gov.cn 即可。",
    "运行 `make check --fix` 命令，代码 `a,b.c` 不改。",
    "```\n代码,不改。\n...\n```",
    "~~~python\nprint('中文,不改')\n~~~",
    "前文。\n\n    缩进代码,不改\n",
    "[链接](https://example.gov.cn/(a),b) 和 ![图](a.jpg \"标题,不改\")",
    "[参考]: https://example.gov.cn/a,b \"标题,不改\"",
    '<span title="属性,值">内容</span><!-- 注释,不改--很长 -->',
    "1. 第一项\n2) 第二项\n- 列表\n\n---\n\n| 名称 | 人数 |\n|:---|---:|\n| 文明 | 3 |",
    "标题 {#id .class}",
    "他说 Hello, world. That's fine...",
    "文件名 通知.docx 和 v2.0 版本",
    "北京—上海的高铁，破折号——正确，省略号……正确。",
    "运行--fix 命令",
    "编号(1)和(A)保持不变",
]


@pytest.mark.parametrize("text", UNCHANGED)
def test_what_must_not_change(text):
    assert fix_text(text) == text
    assert [f for f in find(text) if f.fixable] == []


def test_title_and_summary_are_fixed_and_the_rest_of_the_front_matter_is_never_touched():
    text = ("---\ntitle: 文明,出行  # 标题\nsummary: \"他说:好\"\ntags: [文明,出行]\nreview: {初审: {name: 张琳}}\n"
            "---\n正文,内容。\n")
    assert fix_text(text) == text.replace("正文,内容", "正文，内容").replace("title: 文明,出行", "title: 文明，出行") \
        .replace('"他说:好"', '"他说：好"')


def test_a_summary_on_several_lines_is_left_alone_and_reported_for_a_hand_fix(make_site):
    text = "---\ntitle: 文明出行\ndate: 2023-09-11\nsummary: >\n  今天,我们出发了\n---\n正文。\n"
    assert fix_text(text) == text
    root = make_site({"content/activities/a.md": text})
    cfg = config.load(root / "site_config.yaml")
    result = run_checks(content.load_site(cfg, root / "content"), cfg, today=date(2023, 9, 12))
    [found] = [p for p in result.problems if p.code.startswith("punct.")]
    assert "摘要" in found.message and found.hint == "请手动修改。"


def test_a_broken_front_matter_block_is_left_alone():
    text = "---\ntitle: [文明,出行\n---\n正文,内容。\n"
    assert fix_text(text) == text


def test_fix_reaches_a_fixed_point():
    text = '他说:"太好了"!!大家都笑了...'
    assert fix_text(text) == "他说：“太好了”！大家都笑了……"
    assert fix_text(fix_text(text)) == fix_text(text)


PAGE = "---\ntitle: 文明,出行\ndate: 2023-09-11\n---\n第一段。\n\n今天,我们\"出发\"了!!\n"


def test_site_report_names_field_file_line_and_column(make_site):
    root = make_site({"content/activities/a.md": PAGE})
    cfg = config.load(root / "site_config.yaml")
    result = run_checks(content.load_site(cfg, root / "content"), cfg, today=date(2023, 9, 12))
    found = [(p.line, p.col, p.code, p.message.split("：")[0]) for p in result.problems if p.code.startswith("punct.")]
    assert found == [(2, 1, "punct.halfwidth", "本文 2 处半角标点（第 2、7 行）"), (7, 6, "punct.quotes", "正文"),
                     (7, 11, "punct.repeat", "正文")]
    assert all(not p.is_error for p in result.problems if p.code.startswith("punct."))


def test_many_commas_make_one_warning_per_kind_and_file(make_site):
    body = "".join(f"第{i}段,志愿者们来到社区,为老人理发.\n\n" for i in range(1, 18)) + "他说:\"好\"\n"
    root = make_site({"content/activities/a.md": "---\ntitle: 理发\ndate: 2023-09-11\n---\n" + body})
    cfg = config.load(root / "site_config.yaml")
    result = run_checks(content.load_site(cfg, root / "content"), cfg, today=date(2023, 9, 12))
    found = sorted((p.code, p.message) for p in result.problems if p.code.startswith("punct."))
    assert [code for code, _ in found] == ["punct.halfwidth", "punct.quotes"]
    assert found[0][1].startswith("本文 52 处半角标点（第 5、7、9、11、13、15、17、19… 行）")
    assert "make fix" in [p for p in result.problems if p.code == "punct.halfwidth"][0].hint


def test_punctuation_report_can_be_switched_off(make_site):
    config_text = "site:\n  title: 测试站\n  base_url: https://example.gov.cn/\nwording:\n  punctuation: false\n"
    root = make_site({"content/activities/a.md": PAGE}, config=config_text)
    cfg = config.load(root / "site_config.yaml")
    result = run_checks(content.load_site(cfg, root / "content"), cfg, today=date(2023, 9, 12))
    assert [p for p in result.problems if p.code.startswith("punct.")] == []


def test_fix_file_shows_a_diff_and_writes_only_when_asked(tmp_path):
    path = tmp_path / "a.md"
    raw = codecs.BOM_UTF8 + PAGE.replace("\n", "\r\n").encode("utf-8")
    path.write_bytes(raw)
    old, new = fix_file(path)
    assert path.read_bytes() == raw
    diff = [line for line in difflib.unified_diff(old.split("\n"), new.split("\n"), lineterm="") if line[:1] in "+-"]
    assert diff == ["--- ", "+++ ", "-title: 文明,出行", "+title: 文明，出行", "-今天,我们\"出发\"了!!",
                    "+今天，我们“出发”了！"]
    assert fix_file(path, write=True) == (old, new)
    assert path.read_bytes() == codecs.BOM_UTF8 + new.replace("\n", "\r\n").encode("utf-8")
    assert fix_file(path) is None


def test_fix_file_keeps_gbk_files_in_gbk(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes(PAGE.encode("gb18030"))
    fix_file(path, write=True)
    assert path.read_bytes().decode("gb18030") == PAGE.replace('今天,我们"出发"了!!', "今天，我们“出发”了！") \
        .replace("文明,出行", "文明，出行")
