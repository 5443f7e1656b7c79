"""Typing slips are reported (a doubled word, spaces between Chinese characters), and the wording dictionary
leaves quoted words alone: a villager's “最好” is not the writer's claim."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from generator import config
from generator.checks import run_checks
from generator.checks.spacing import doubled, spaces
from generator.model import content

ROOT = Path(__file__).resolve().parents[2]
HEAD = "---\ntitle: 芳村镇召开 文明村创建推进会\ndate: 2025-04-08\nsummary: 各村交流了创建经验。\n---\n"


def problems(make_site, body: str, prefix: str = "text."):
    files = {"content/activities/a.md": HEAD + body,
             "content/_data/wording.yaml": (ROOT / "content/_data/wording.yaml").read_text(encoding="utf-8")}
    root = make_site(files, "site:\n  title: 测试站\n  base_url: https://example.gov.cn/\nwording:\n"
                     "  dictionary: content/_data/wording.yaml\n")
    cfg = config.load(root / "site_config.yaml")
    result = run_checks(content.load_site(cfg, root / "content"), cfg, today=date(2025, 4, 9))
    return [p for p in result.problems if p.code.startswith(prefix)]


@pytest.mark.parametrize("text, found", [
    ("4月8日，芳村镇召开文明村创建推进会会议会议。", ["会议会议"]),
    ("志愿者志愿者们早早来到了现场。", ["志愿者志愿者"]),
    ("大家一起研究研究下一步怎么干。", []),
    ("村民们一步一步把垃圾分类做成了习惯。", []),
    ("孩子们笑得哈哈哈哈的。", []),
    ("天空雪白雪白的。", []),
])
def test_doubled_words(text, found):
    assert [word for _, word in doubled(text)] == found


def test_spaces_between_chinese_characters_but_not_in_a_quoted_sign():
    text = "村里在塘边竖起了“水深危险 禁止游泳”的牌子，柚苑 社区的志愿者　每天都来巡查。Wi-Fi 密码 贴在门口。"
    assert [text[i - 2:i + 3] for i in spaces(text)] == ["柚苑 社区", "愿者　每天", "密码 贴在"]


def test_a_doubled_word_is_a_warning_at_its_line(make_site):
    [found] = problems(make_site, "第一段。\n\n各村代表参加了会议会议。\n")
    assert (found.code, found.line, found.is_error) == ("text.doubled", 8, False)
    assert "会议会议" in found.message


def test_stray_spaces_make_one_warning_per_file_and_a_title_may_use_a_space(make_site):
    body = "各村 代表参加了会议。\n\n会上，球川镇 介绍了经验。\n\n`npm 安装 命令` 不算。\n"
    [found] = problems(make_site, body)
    assert found.code == "text.space" and found.line == 6
    assert found.message.startswith("本文 2 处汉字之间有空格（第 6、8 行）")


def test_a_discouraged_word_inside_a_quotation_is_not_the_writers_claim(make_site):
    body = "村民王大伯说：“这是我们村最好的一年。”\n\n这是全县最好的志愿服务队伍。\n\n他说：“要学雷峰。”\n"
    found = problems(make_site, body, "wording.")
    assert [(p.code, p.line) for p in found] == [("wording.discouraged", 8), ("wording.wrong", 10)]
