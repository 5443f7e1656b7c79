"""`check` runs the build dry: it reports what `build` would (the renderers' warnings too) and writes nothing;
the WeChat digest falls back to the body's first words, shown in the warning, never a byline or placeholder."""
from __future__ import annotations

import json

from generator.cli import main
from tests.conftest import MINIMAL_CONFIG

NO_SUMMARY = """\
---
title: 柚苑社区志愿者为老人义务理发
date: 2024-03-05
place: 天马街道柚苑社区
team: 柚苑社区“银发先锋”志愿服务队
---
本报讯（通讯员 徐丽君）

来源：常山县融媒体中心

3月5日上午，柚苑社区新时代文明实践站里坐满了等着理发的老人，二十多名志愿者拿着推子和剪刀忙个不停。

活动持续了一上午，共为四十三位老人理了发，还帮六位行动不便的老人上门服务。
"""
LEAD = ("3月5日上午，柚苑社区新时代文明实践站里坐满了等着理发的老人，二十多名志愿者拿着推子和剪刀忙个不停。"
        "活动持续了一上午")


def _run(capsys, root, *args) -> tuple[int, str]:
    code = main([*args, "--config", str(root / "site_config.yaml")])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_check_reports_the_wechat_digest_warning_that_used_to_appear_only_at_build_time(make_site, capsys):
    root = make_site({"content/activities/2024-03-理发.md": NO_SUMMARY})
    code, shown = _run(capsys, root, "check")
    assert code == 0
    assert f"没有摘要（summary），公众号摘要将用正文前 54 个字：“{LEAD[:54]}”" in shown
    assert not (root / "public").exists() and not (root / ".preview").exists(), "check writes no output"
    assert not (root / "staff").exists() and not (root / ".preview-staff").exists()
    assert not [p for p in root.iterdir() if p.name.startswith((".public-new", ".preview-new"))]


def test_every_warning_of_the_build_is_in_the_check_report(make_site, capsys):
    text = NO_SUMMARY.replace("二十多名", "二十多名志愿者志愿者")  # a doubled word, a check finding too
    root = make_site({"content/activities/2024-03-理发.md": text})
    _, checked = _run(capsys, root, "check")
    code, built = _run(capsys, root, "build")
    assert code == 0
    messages = [line.split("警告：", 1)[1] for line in built.splitlines() if "警告：" in line]
    assert len(messages) >= 2
    assert [m for m in messages if m not in checked] == []


def test_the_digest_skips_byline_and_source_line_and_goes_into_the_article(make_site, capsys):
    root = make_site({"content/activities/2024-03-理发.md": NO_SUMMARY})
    assert _run(capsys, root, "build")[0] == 0
    [bundle] = (root / "staff/wechat").glob("*/article.json")
    digest = json.loads(bundle.read_text(encoding="utf-8"))["digest"]
    assert digest == LEAD[:54]
    assert "本报讯" not in digest and "来源" not in digest


def test_a_summary_is_the_digest_and_no_warning_is_given(make_site, capsys):
    text = NO_SUMMARY.replace("team:", "summary: 志愿者为四十三位老人义务理发。\nteam:")
    root = make_site({"content/activities/2024-03-理发.md": text})
    code, shown = _run(capsys, root, "check")
    assert "没有摘要" not in shown
    assert _run(capsys, root, "build")[0] == 0
    [bundle] = (root / "staff/wechat").glob("*/article.json")
    assert json.loads(bundle.read_text(encoding="utf-8"))["digest"] == "志愿者为四十三位老人义务理发。"


def test_check_exits_1_on_what_would_stop_the_build(make_site, capsys):
    text = NO_SUMMARY.replace("活动持续了一上午", "联系电话 13905701234，活动持续了一上午")
    root = make_site({"content/activities/2024-03-理发.md": text})
    code, shown = _run(capsys, root, "check")
    assert code == 1 and "手机号" in shown
    assert _run(capsys, root, "build")[0] == 1


def test_a_config_without_review_gate_still_checks(make_site, capsys):
    root = make_site({"content/activities/a.md": NO_SUMMARY}, MINIMAL_CONFIG)
    assert _run(capsys, root, "check")[0] == 0
