"""The documented examples/ site: every finding its README promises is reported, and nothing else."""
from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from generator import config
from generator.model import content
from generator.checks import fix_file, mask_site, pending_report, run_checks
from generator.checks import review
from generator.checks.privacy import find

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TODAY = date(2023, 9, 20)
EXPECTED = {
    "_data/volunteer-captains.yaml": {"privacy.phone"},
    "activities/2023-09-孝老长廊义诊.md": {"privacy.landline"},
    "activities/2023-09-敲门行动招募志愿者.md": {"privacy.phone"},
    "activities/2023-09-文明积分兑换.md": {"punct.halfwidth", "punct.quotes", "punct.repeat", "punct.ellipsis",
                                       "punct.dash"},
    "activities/2023-09-礼让斑马线.md": {"privacy.plate"},
    "activities/2023-09-网格员排查.md": {"review.missing"},
    "letters/2023-09-平安常山倡议书.md": {"wording.wrong", "wording.discouraged"},
    "slides/2023-09-创文标语.md": {"review.missing"},
    "stories/2023-09-拾金不昧的环卫工.md": {"privacy.id"},
    "stories/2023-09-新时代好少年.md": {"consent.guardian"},
    "stories/2023-09-柚见好邻里工作室.md": {"review.stale"},
    "stories/2023-09-热心邻居.md": {"privacy.address"},
    "stories/2023-09-爱心接力救助.md": {"privacy.bankcard"},
    "stories/2023-09-白石镇创文联络员.md": {"consent.missing"},
}
CLEAN = "stories/2023-09-送餐奶奶徐秀英.md"


def load(root: Path = EXAMPLES):
    cfg = config.load(root / "site_config.yaml")
    return cfg, content.load_site(cfg, root / "content")


@pytest.fixture(scope="module")
def checked():
    cfg, site = load()
    return cfg, site, run_checks(site, cfg, today=TODAY, **review.for_check(site, cfg))


def test_every_documented_finding_is_reported_and_nothing_else(checked):
    cfg, site, result = checked
    found: dict[str, set[str]] = {}
    for problem in result.problems:
        found.setdefault(Path(problem.path).relative_to(site.content_dir).as_posix(), set()).add(problem.code)
    assert found == EXPECTED


def test_privacy_and_consent_findings_block_publishing(checked):
    _, _, result = checked
    blocking = {p.code for p in result.problems if p.is_error}
    assert blocking == {"privacy.id", "privacy.phone", "privacy.landline", "privacy.bankcard", "privacy.address",
                        "privacy.plate", "consent.missing", "consent.guardian"}


def test_the_readme_documents_every_example_file_and_code():
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    for source, codes in EXPECTED.items():
        assert f"`{source}`" in readme and all(f"`{code}`" in readme for code in codes)
    assert f"`{CLEAN}`" in readme


def test_only_the_unsigned_and_edited_pages_are_unreviewed(checked):
    _, site, result = checked
    waiting = {source for source, status in result.statuses.items() if not status.complete}
    assert waiting == {"activities/2023-09-网格员排查.md", "slides/2023-09-创文标语.md",
                       "stories/2023-09-柚见好邻里工作室.md"}
    assert len(result.statuses) == len(site.pages) == 14


def test_report_lists_waiting_stages_findings_and_freshness(checked):
    cfg, site, result = checked
    report = pending_report(site, cfg, result, today=TODAY)
    assert "三审三校：共 14 篇，已审定 11 篇，待审 3 篇" in report
    assert "  slides/2023-09-创文标语.md《创建省示范文明县城标语》\n    在线版本：无（未发布）" in report
    assert "等待：初审（张琳）" in report
    assert "activities/2023-09-网格员排查.md" in report and "等待：二校（郑敏）" in report
    assert "在线版本：3623c5073018　当前版本：7f07ddcd8b38　审后修改，待重审" in report
    assert "content/stories/2023-09-拾金不昧的环卫工.md:15:29: 错误：正文里有身份证号" in report
    assert "339999198506151239" not in report and "13800138000" not in report.replace(" ", "")
    assert "网站：最近一次更新是 2023年9月19日《“柚见好邻里”工作室：居民的事有人管》，已经 1 天" in report


@pytest.mark.parametrize("today, level, words", [
    (date(2023, 9, 28), "ok", "已经 9 天"), (date(2023, 9, 29), "warn", "超过 10 天了"),
    (date(2023, 10, 3), "alert", "超过 14 天没有更新"),
])
def test_freshness_levels(checked, today, level, words):
    cfg, site, _ = checked
    lines = run_checks(site, cfg, today=today, **review.for_check(site, cfg)).freshness
    assert [line.channel for line in lines] == ["site", "wechat", "led"]
    assert lines[0].level == level and words in str(lines[0])


def test_masking_the_examples_leaves_no_personal_data_in_pages(checked):
    cfg, site, _ = checked
    masked, notes = mask_site(site, cfg)
    assert len(notes) == 7  # two phones (body and LED text), landline, card, ID, address, plate
    for page in masked.pages:
        texts = [page.body, page.title, page.source_text, *page.meta.led.text]
        texts += [t for p in getattr(page.meta, "photos", ()) for t in (p.alt, p.caption)]
        assert all(find(t, frozenset({"05705012345", "05705028899"})) == [] for t in texts), page.source


def test_fix_on_the_punctuation_example_changes_only_punctuation(tmp_path):
    copy = tmp_path / "examples"
    shutil.copytree(EXAMPLES, copy)
    (tmp_path / "content/_data").mkdir(parents=True)
    shutil.copy(EXAMPLES.parent / "content/_data/wording.yaml", tmp_path / "content/_data/wording.yaml")
    path = copy / "content/activities/2023-09-文明积分兑换.md"
    old, new = fix_file(path, write=True)
    assert "村民们拿着积分卡，兑换" in new and "“积分是自己一点一滴攒的，换到东西特别开心！”" in new
    assert "早上8:30持续到中午，共有210位村民参加——不少人" in new and "笑着说……" in new
    cfg, site = load(copy)
    found = run_checks(site, cfg, today=TODAY, **review.for_check(site, cfg)).problems
    codes = {p.code for p in found if p.path.endswith(path.name)}
    assert codes == {"review.stale"}  # the fix is a change to the text, so the sign-off must be renewed
    assert len(old.split("\n")) == len(new.split("\n"))
