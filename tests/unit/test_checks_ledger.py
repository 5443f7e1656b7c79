"""The 审核台账 CSV: Excel-ready bytes, one row per article with the live revision's signers and dates, both
fingerprints and a status, in a stable order; made from the signed history."""
from __future__ import annotations

import codecs
import csv
import io
from datetime import date

from generator import config
from generator.model import content
from generator.checks import review, run_checks
from tests.approvals import REVIEWERS, approve, make_roster, sign
from generator.checks import ledger as ledger_module  # the function the build writes the ledger with

PAGES = {
    "content/stories/b.md": "---\ntitle: =好人故事\ndate: 2023-09-11\n---\n正文。\n",
    "content/activities/a.md": "---\ntitle: 志愿活动\ndate: 2023-09-15\noutputs: [site, wechat]\n---\n正文。\n",
    "content/pages/about.md": "---\ntitle: 关于我们\ndate: 2023-09-11\n---\n正文。\n",
}



def ledger(root):
    cfg = config.load(root / "site_config.yaml")
    site = content.load_site(cfg, root / "content", include_drafts=True)
    result = run_checks(site, cfg, today=date(2023, 9, 20), **review.for_check(site, cfg))
    return result, ledger_module.ledger_csv(result.pages, result.statuses)


def parse(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(codecs.BOM_UTF8)
    return list(csv.DictReader(io.StringIO(data[len(codecs.BOM_UTF8):].decode("utf-8"), newline="")))


def _site(make_site):
    root = make_site(PAGES)
    make_roster(root)
    return root


def test_ledger_rows_carry_reviewers_dates_fingerprints_and_status(make_site):
    root = _site(make_site)
    approve(root, "activities/a.md")
    sign(root, "stories/b.md", "初审")
    result, data = ledger(root)
    rows = parse(data)
    assert [r["文件"] for r in rows] == ["activities/a.md", "pages/about.md", "stories/b.md"]
    first = rows[0]
    assert (first["标题"], first["类型"], first["发布渠道"]) == ("志愿活动", "志愿服务", "网站、公众号")
    assert (first["终审人"], first["三校人"]) == (REVIEWERS["终审"], REVIEWERS["三校"])
    assert first["终审日期"] == "2023-09-10"
    status = result.statuses["activities/a.md"]
    assert first["在线版本指纹"] == first["当前版本指纹"] == status.live and status.live.startswith("sha256:")
    assert (first["发布日期"], first["状态"]) == ("2023-09-15", "已审定")
    assert rows[2]["状态"] == "未审定：待一校" and rows[2]["初审人"] == ""  # only the live revision's signers
    assert rows[2]["在线版本指纹"] == "" and rows[1]["状态"] == "未审定：待初审"


def test_ledger_is_excel_friendly_and_safe(make_site):
    _, data = ledger(_site(make_site))
    text = data[len(codecs.BOM_UTF8):].decode("utf-8")
    assert text.startswith("标题,类型,发布渠道,初审人,初审日期,一校人,") and "\r\n" in text
    assert parse(data)[2]["标题"] == "'=好人故事"  # a leading = would run as a formula in Excel


def test_ledger_is_stable_across_runs(make_site):
    root = _site(make_site)
    assert ledger(root)[1] == ledger(root)[1]


def test_an_edited_page_keeps_its_live_signers_and_waits(make_site):
    root = _site(make_site)
    approve(root, "activities/a.md")
    path = root / "content/activities/a.md"
    path.write_text(path.read_text(encoding="utf-8").replace("正文。", "正文！"), encoding="utf-8")
    row = parse(ledger(root)[1])[0]
    assert row["状态"] == "审后修改，待重审：待初审"
    assert row["终审人"] == REVIEWERS["终审"] and row["在线版本指纹"] != row["当前版本指纹"]
