"""三审三校: signing records a hash, any later edit makes the sign-off stale, and signing keeps the file intact."""
from __future__ import annotations

import codecs
from datetime import date
from pathlib import Path

import pytest

from generator import config
from generator.model import content
from generator.checks import STAGES, run_checks, sign
from generator.checks.review import text_hash
from generator.base.errors import BuildFailed

PAGE = """\
---
title: 柚苑社区为老人办集体生日宴
date: 2023-09-20
# 作者自己写的注释，签署时要原样保留
summary: 二十三位高龄老人一起过生日。
tags: [孝老爱亲, 柚苑社区]
---

9月20日，柚苑社区为本季度出生的二十三位高龄老人办了集体生日宴。

志愿者们一早就来布置场地，  挂上了红灯笼。
"""
TODAY = date(2023, 9, 21)
NAMES = dict(zip(STAGES, ["张琳", "周建平", "王五", "李晓燕", "郑敏", "刘洋"]))


def write(root: Path, text: str = PAGE, encoding: str = "utf-8", newline: str = "\n", bom: bytes = b"") -> Path:
    path = root / "content" / "activities" / "a.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bom + text.replace("\n", newline).encode(encoding))
    return path


def check(root: Path):
    cfg = config.load(root / "site_config.yaml")
    return run_checks(content.load_site(cfg, root / "content"), cfg, today=TODAY)


def sign_all(path: Path, on: date = date(2023, 9, 12)) -> None:
    for stage in STAGES:
        sign(path, stage, NAMES[stage], on)


def review_problems(result):
    return [p for p in result.problems if p.code.startswith("review.")]


def test_fully_signed_page_is_reviewed(make_site):
    root = make_site({})
    sign_all(write(root))
    result = check(root)
    assert result.unreviewed == frozenset() and review_problems(result) == []
    status = result.statuses["activities/a.md"]
    assert status.complete and status.stages["终审"].name == "王五" and status.stages["终审"].date == date(2023, 9, 12)


def test_one_character_edit_makes_every_sign_off_stale(make_site):
    root = make_site({})
    path = write(root)
    sign_all(path)
    sign(path, "终审", "王五", date(2023, 9, 13))  # the latest sign-off is the one the message names
    path.write_text(path.read_text(encoding="utf-8").replace("二十三位高龄老人办", "二十四位高龄老人办"), encoding="utf-8")
    result = check(root)
    assert result.unreviewed == {"activities/a.md"}
    [problem] = review_problems(result)
    assert problem.code == "review.stale" and not problem.is_error
    assert problem.message == "终审（王五，2023年9月13日）之后内容又被修改过，需要重新审核"
    lines = path.read_text(encoding="utf-8").split("\n")
    assert problem.line == next(n for n, line in enumerate(lines, 1) if line.startswith("  终审"))
    assert set(result.statuses["activities/a.md"].stale) == set(STAGES)


@pytest.mark.parametrize("edit", [
    lambda t: t.replace("title: 柚苑社区", "title: 柚苑小区"),
    lambda t: t.replace("summary: 二十三位", "summary: 二十四位"),
    lambda t: t.replace("红灯笼。", "红灯笼！"),
])
def test_title_summary_and_body_edits_are_all_detected(make_site, edit):
    root = make_site({})
    path = write(root)
    sign_all(path)
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    assert check(root).unreviewed == {"activities/a.md"}


def test_whitespace_and_line_breaks_do_not_make_a_sign_off_stale(make_site):
    root = make_site({})
    path = write(root)
    sign_all(path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("，  挂上", "， 挂上").replace("生日宴。\n", "生日宴。\n\n") + "\n\n", encoding="utf-8")
    assert check(root).unreviewed == frozenset()
    assert text_hash("标题", "", "a\n\nb") == text_hash("标题", "", " a b ") != text_hash("标题", "", "ab")


def test_missing_stages_are_reported_and_block_publication(make_site):
    root = make_site({})
    path = write(root)
    sign(path, "初审", "张琳", date(2023, 9, 12))
    sign(path, "一校", "李晓燕", date(2023, 9, 12))
    result = check(root)
    [problem] = review_problems(result)
    assert problem.code == "review.missing" and "复审、终审、二校、三校" in problem.message
    assert result.unreviewed == {"activities/a.md"}
    assert result.statuses["activities/a.md"].waiting_for == ("复审", "终审", "二校", "三校")


def test_sign_changes_only_the_front_matter(make_site):
    root = make_site({})
    path = write(root)
    before = path.read_bytes()
    sign(path, "复审", "周建平", date(2023, 9, 12))
    after = path.read_bytes()
    header, body = before.split(b"---\n")[1], before.split(b"\n---\n", 1)[1]
    assert after.endswith(b"\n---\n" + body)
    assert after.startswith(b"---\n" + header)  # every original header line, comment included, unchanged
    added = after[len(b"---\n" + header):-len(b"---\n" + body)].decode("utf-8")
    assert added.startswith("review:\n  复审: {name: 周建平, date: 2023-09-12, hash: ") and added.count("\n") == 2


def test_resigning_replaces_the_stage_and_keeps_the_others(make_site):
    root = make_site({})
    path = write(root)
    sign_all(path)
    sign(path, "复审", "赵六", date(2023, 9, 14))
    text = path.read_text(encoding="utf-8")
    assert text.count("复审:") == 1 and "复审: {name: 赵六, date: 2023-09-14" in text
    assert text.index("初审:") < text.index("复审:") < text.index("终审:") < text.index("proof:")
    assert check(root).unreviewed == frozenset()


@pytest.mark.parametrize("encoding, newline, bom", [
    ("utf-8", "\r\n", b""), ("utf-8", "\n", codecs.BOM_UTF8), ("gb18030", "\r\n", b""),
    ("utf-16-le", "\n", codecs.BOM_UTF16_LE),
])
def test_sign_keeps_encoding_line_endings_and_body_bytes(make_site, encoding, newline, bom):
    root = make_site({})
    path = write(root, encoding=encoding, newline=newline, bom=bom)
    body = PAGE.split("\n---\n", 1)[1].replace("\n", newline).encode(encoding)
    sign_all(path)
    after = path.read_bytes()
    assert after.startswith(bom) and after.endswith(body)
    text = after[len(bom):].decode(encoding)
    assert text.count(newline) == text.count("\n") and "终审: {name: 王五" in text
    assert check(root).unreviewed == frozenset()


def test_sign_updates_a_flow_style_block_written_by_hand(make_site):
    root = make_site({})
    path = write(root, PAGE.replace("tags:", "review: {初审: {name: 张琳, date: 2023-09-10}}\ntags:"))
    sign(path, "复审", "周建平", date(2023, 9, 12))
    text = path.read_text(encoding="utf-8")
    assert "  初审: {name: 张琳, date: 2023-09-10}\n  复审: {name: 周建平" in text and "tags: [孝老爱亲" in text
    [problem] = [p for p in review_problems(check(root)) if p.code == "review.stale"]
    assert "初审（张琳，2023年9月10日）没有记录文本指纹" in problem.message


def test_sign_confirms_in_one_line_and_warns_about_skipped_stages(make_site):
    path = write(make_site({}))
    message = sign(path, "终审", "王五", date(2023, 9, 12))
    assert "\n" not in message and message.startswith("已签署终审：王五，2023年9月12日")
    assert "初审、复审 还没有签" in message


@pytest.mark.parametrize("stage, name, expected", [("四审", "王五", "不认识的审核环节 “四审”"), ("终审", "  ", "姓名不能为空")])
def test_sign_refuses_bad_stage_or_name(make_site, stage, name, expected):
    path = write(make_site({}))
    before = path.read_bytes()
    with pytest.raises(BuildFailed) as failed:
        sign(path, stage, name, date(2023, 9, 12))
    assert expected in str(failed.value) and path.read_bytes() == before


def test_sign_refuses_unreadable_files(tmp_path):
    with pytest.raises(BuildFailed, match="无法读取文件"):
        sign(tmp_path / "nope.md", "初审", "张琳", date(2023, 9, 12))
    docx = tmp_path / "a.md"
    docx.write_bytes(b"PK\x03\x04 word")
    with pytest.raises(BuildFailed, match="Word"):
        sign(docx, "初审", "张琳", date(2023, 9, 12))
