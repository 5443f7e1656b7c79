"""Placeholders and leftovers are reported and never published: bare image names, CMS debris, the scaffold's
prompts and data marked as sample; bylines stay fine. `make fix` shows its changes and asks first."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from generator import config
from generator.build.pipeline import BuildOptions, build
from generator.checks import run_checks
from generator.cli import main
from generator.model import content, scaffold
from tests.conftest import MINIMAL_CONFIG

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
HEAD = "---\ntitle: 球川镇垃圾分类积分兑换日\ndate: 2024-10-12\nsummary: 村民用积分换来了米和油。\n---\n"
CLEAN = ("本报讯（通讯员 周建平）10月12日上午，球川镇岭下村文化礼堂前排起了长队，村民们拿着垃圾分类积分卡，"
         "兑换大米、食用油和洗衣液。\n\n“以前觉得分类麻烦，现在习惯了，还能换东西。”村民说。\n")


def findings(make_site, body: str, config_text: str = MINIMAL_CONFIG, extra: dict | None = None):
    root = make_site({"content/activities/a.md": HEAD + body, **(extra or {})}, config_text)
    cfg = config.load(root / "site_config.yaml")
    result = run_checks(content.load_site(cfg, root / "content"), cfg, today=date(2024, 10, 13))
    return [p for p in result.problems if p.code.startswith("placeholder.")]


def test_a_clean_report_with_a_byline_has_no_finding(make_site):
    assert findings(make_site, CLEAN) == []


@pytest.mark.parametrize("paragraph, code", [
    ("图片", "placeholder.leftover"),
    ("tem.png", "placeholder.leftover"),
    ("IMG_20241012_093512.jpg", "placeholder.leftover"),
    ("【图片】", "placeholder.leftover"),
    ("责任编辑：郑敏", "placeholder.leftover"),
    ("编辑: 王芳 审核: 刘建国", "placeholder.leftover"),
    ("【打印】 【关闭窗口】", "placeholder.leftover"),
    ("在这里写正文。段落之间空一行。", "placeholder.scaffold"),
    ("本次共兑换积分 3260 分（样例）。", "placeholder.sample"),
    ("参与农户 ××× 户，兑换物资价值 XXX 元。", "placeholder.sample"),
])
def test_each_kind_of_leftover_is_an_error_at_its_line(make_site, paragraph, code):
    found = findings(make_site, CLEAN + "\n" + paragraph + "\n")
    assert found and {p.code for p in found} == {code}
    assert all(p.is_error and p.line == 10 for p in found), [(p.line, p.message) for p in found]


def test_a_picture_word_inside_a_sentence_is_not_a_leftover(make_site):
    body = CLEAN + "\n志愿者把活动图片贴在了宣传栏上，照片里是排队兑换的村民。\n\n来源：常山县融媒体中心\n"
    assert findings(make_site, body) == []


def test_the_letter_scaffold_left_in_is_reported(make_site):
    body = scaffold._BODY["letter"]
    root = make_site({"content/letters/a.md": "---\ntitle: 移风易俗倡议书\ndate: 2026-01-05\n---\n" + body})
    cfg = config.load(root / "site_config.yaml")
    result = run_checks(content.load_site(cfg, root / "content"), cfg, today=date(2026, 1, 6))
    assert sum(p.code == "placeholder.scaffold" for p in result.problems) == 4


def test_a_new_article_still_titled_like_the_scaffold_is_reported(make_site):
    assert [p.code for p in findings(make_site, CLEAN).copy()] == []
    root = make_site({"content/stories/a.md": "---\ntitle: 新文章\ndate: 2024-10-12\n---\n正文写好了。\n"})
    cfg = config.load(root / "site_config.yaml")
    result = run_checks(content.load_site(cfg, root / "content"), cfg, today=date(2024, 10, 13))
    assert [p.line for p in result.problems if p.code == "placeholder.scaffold"] == [2]


def test_the_setting_warn_only_warns(make_site):
    [found] = findings(make_site, CLEAN + "\n图片\n", MINIMAL_CONFIG + "checks:\n  placeholders: warn\n")
    assert not found.is_error


TOTALS = """\
# 注释里写（样例）没有关系：注释不发布。
totals:
  - {label: 注册志愿者, value: 91860, unit: 人, source: 志愿浙江平台（样例）, as_of: 2026-10-31}
  - {label: 志愿服务队伍, value: 1128, unit: 支, source: 常山县文明办备案, as_of: 2026-10-31}
"""


def _build(root: Path):
    cfg = config.load(root / "site_config.yaml")
    return build(cfg, BuildOptions(root / "content", root / "public", TEMPLATES, datetime(2024, 10, 13, 9)))


def test_a_page_with_a_leftover_is_held_back_and_the_rest_goes_out(make_site):
    other = HEAD.replace("积分兑换日", "文明劝导") + CLEAN
    root = make_site({"content/activities/a.md": HEAD + CLEAN + "\ntem.png\n", "content/activities/b.md": other})
    report = _build(root)
    assert report.withheld == ["activities/a.md"] and report.published == 1
    assert any(w.code == "placeholder.leftover" for w in report.warnings)
    everything = "".join(p.read_text(encoding="utf-8", errors="ignore") for p in (root / "public").rglob("*.html"))
    assert "文明劝导" in everything and "tem.png" not in everything


def test_sample_totals_are_reported_and_never_shown_on_the_dashboard(make_site):
    found = findings(make_site, CLEAN, extra={"content/_data/volunteers.yaml": TOTALS})
    assert [(Path(p.path).name, p.line, p.is_error) for p in found] == [("volunteers.yaml", 3, True)]
    root = make_site({"content/activities/a.md": HEAD + CLEAN, "content/_data/volunteers.yaml": TOTALS})
    _build(root)
    html = (root / "public/dashboard/index.html").read_text(encoding="utf-8")
    assert "1,128" in html and "常山县文明办备案" in html and "截至" in html
    assert "91,860" not in html and "样例" not in html


def test_the_shipped_content_has_no_sample_data():
    root = Path(__file__).resolve().parents[2]
    cfg = config.load(root / "site_config.yaml")
    result = run_checks(content.load_site(cfg, root / "content"), cfg, today=date(2026, 11, 20))
    assert [p.message for p in result.problems if p.code.startswith("placeholder.")] == []


def test_make_fix_shows_the_diff_and_writes_only_after_yes(make_site, capsys, monkeypatch):
    body = "10月12日上午,岭下村村民用积分兑换大米.\n"
    root = make_site({"content/activities/a.md": HEAD + body})
    path, args = root / "content/activities/a.md", ["check", "--fix", "--config", str(root / "site_config.yaml")]
    monkeypatch.setattr("builtins.input", lambda question: "n")
    main(args)
    shown = capsys.readouterr().out
    assert "+10月12日上午，岭下村村民用积分兑换大米。" in shown and "没有改动任何文件" in shown
    assert path.read_text(encoding="utf-8").endswith(body)
    monkeypatch.setattr("builtins.input", lambda question: "y")
    main(args)
    assert path.read_text(encoding="utf-8").endswith("10月12日上午，岭下村村民用积分兑换大米。\n")


def test_make_fix_yes_writes_without_asking(make_site, monkeypatch):
    root = make_site({"content/activities/a.md": HEAD + "积分卡,兑换大米.\n"})
    monkeypatch.setattr("builtins.input", lambda question: pytest.fail("asked"))
    main(["check", "--fix", "--yes", "--config", str(root / "site_config.yaml")])
    assert (root / "content/activities/a.md").read_text(encoding="utf-8").endswith("积分卡，兑换大米。\n")
