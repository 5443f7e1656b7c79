"""The 审核台账 CSV: Excel-ready bytes, one row per page with reviewers, dates, hash and status, stable order."""
from __future__ import annotations

import codecs
import csv
import io
from datetime import date

from generator import config
from generator.model import content
from generator.checks import STAGES, run_checks, sign

PAGES = {
    "content/stories/b.md": "---\ntitle: =好人故事\ndate: 2023-09-11\n---\n正文。\n",
    "content/activities/a.md": "---\ntitle: 志愿活动\ndate: 2023-09-15\noutputs: [site, wechat]\n---\n正文。\n",
    "content/pages/about.md": "---\ntitle: 关于我们\ndate: 2023-09-11\n---\n正文。\n",
}


def ledger(root):
    cfg = config.load(root / "site_config.yaml")
    result = run_checks(content.load_site(cfg, root / "content"), cfg, today=date(2023, 9, 20))
    return result, result.ledger_csv


def parse(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(codecs.BOM_UTF8)
    return list(csv.DictReader(io.StringIO(data[len(codecs.BOM_UTF8):].decode("utf-8"), newline="")))


def test_ledger_rows_carry_reviewers_dates_hash_and_status(make_site):
    root = make_site(PAGES)
    for stage, name in zip(STAGES, ["张琳", "周建平", "王五", "李晓燕", "郑敏", "刘洋"]):
        sign(root / "content/activities/a.md", stage, name, date(2023, 9, 14))
    sign(root / "content/stories/b.md", "初审", "张琳", date(2023, 9, 10))
    result, data = ledger(root)
    rows = parse(data)
    assert [r["文件"] for r in rows] == ["activities/a.md", "pages/about.md", "stories/b.md"]
    first = rows[0]
    assert (first["标题"], first["类型"], first["发布渠道"]) == ("志愿活动", "志愿服务", "网站、公众号")
    assert (first["终审人"], first["终审日期"], first["三校人"]) == ("王五", "2023-09-14", "刘洋")
    assert first["文本指纹"] == result.statuses["activities/a.md"].text_hash and len(first["文本指纹"]) == 16
    assert (first["发布日期"], first["状态"]) == ("2023-09-15", "已审定")
    assert rows[2]["状态"] == "待签：复审、终审、一校、二校、三校" and rows[2]["初审人"] == "张琳"
    assert rows[2]["复审人"] == "" and rows[1]["状态"].startswith("待签：初审")


def test_ledger_is_excel_friendly_and_safe(make_site):
    _, data = ledger(make_site(PAGES))
    text = data[len(codecs.BOM_UTF8):].decode("utf-8")
    assert text.startswith("标题,类型,发布渠道,初审人,初审日期,复审人,") and "\r\n" in text
    assert parse(data)[2]["标题"] == "'=好人故事"  # a leading = would run as a formula in Excel


def test_ledger_is_stable_across_runs(make_site):
    root = make_site(PAGES)
    assert ledger(root)[1] == ledger(root)[1]


def test_stale_pages_show_which_stages_to_redo(make_site):
    root = make_site(PAGES)
    path = root / "content/activities/a.md"
    for stage in STAGES:
        sign(path, stage, "张琳", date(2023, 9, 14))
    path.write_text(path.read_text(encoding="utf-8").replace("正文。", "正文！"), encoding="utf-8")
    row = parse(ledger(root)[1])[0]
    assert row["状态"] == "审后修改，需重审：初审、复审、终审、一校、二校、三校"
