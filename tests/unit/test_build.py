"""The build as a whole: the review gate decides what is published, previews are marked, outputs stay clean."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from generator import config
from generator.build.pipeline import BuildOptions, build
from generator.base.dates import build_time
from tests.approvals import approve, make_roster
from generator.base.errors import BuildFailed
from tests.conftest import MINIMAL_CONFIG, STORY

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
NOW = datetime(2024, 6, 1, 9, 0)
REVIEWED_CONFIG = MINIMAL_CONFIG.replace("require_review: false", "require_review: true")
OTHER = STORY.replace("好人张三", "好人李四").replace("person: 张三", "person: 李四").replace("who: 张三", "who: 李四")


def _build(root: Path, preview: bool = False, out: str = "public"):
    cfg = config.load(root / "site_config.yaml")
    opts = BuildOptions(root / "content", root / out, TEMPLATES, NOW, preview=preview, ledger=root / "reports/ledger.csv")
    return build(cfg, opts)


def _approved(make_site, files: dict, *articles: str) -> Path:
    root = make_site(files, REVIEWED_CONFIG)
    make_roster(root)
    approve(root, *articles)
    return root


def test_only_reviewed_content_is_published_and_the_ledger_stays_outside(make_site):
    root = _approved(make_site, {"content/stories/reviewed.md": STORY, "content/stories/waiting.md": OTHER},
                     "stories/reviewed.md")
    report = _build(root)
    assert report.held_back == ["stories/waiting.md"]
    everything = "".join(p.read_text(encoding="utf-8", errors="ignore") for p in (root / "public").rglob("*") if p.is_file())
    assert "好人张三" in everything and "好人李四" not in everything
    assert not list((root / "public").rglob("*waiting*"))
    ledger = (root / "reports/ledger.csv").read_bytes().decode("utf-8-sig")
    assert "好人张三" in ledger and "终审己" in ledger


def test_an_edit_after_sign_off_waits_while_the_approved_revision_stays_live(make_site):
    root = _approved(make_site, {"content/stories/a.md": STORY})
    assert _build(root).held_back == []
    path = root / "content/stories/a.md"
    path.write_text(path.read_text(encoding="utf-8").replace("热心人", "热心肠"), encoding="utf-8")
    report = _build(root)
    assert report.held_back == ["stories/a.md"]
    assert any(w.code == "review.stale" for w in report.warnings)
    page = (root / "public/stories/a/index.html").read_text(encoding="utf-8")
    assert "热心人" in page and "热心肠" not in page, "the approved revision stays live"


def test_preview_marks_every_output_and_never_writes_public(make_site):
    root = make_site({"content/stories/a.md": STORY}, REVIEWED_CONFIG)
    _build(root, preview=True, out=".preview")
    out, staff = root / ".preview", root / ".preview-staff"
    assert not (root / "public").exists()
    assert "未审定 · 仅供预览" in (out / "stories/a/index.html").read_text(encoding="utf-8")
    assert "未审定 · 仅供预览" in (staff / "wechat/a/article.html").read_text(encoding="utf-8")
    assert "未审定 · 仅供预览" in (staff / "wechat/a/index.html").read_text(encoding="utf-8")
    frames = sorted((staff / "led/gate").rglob("*.png"))
    assert frames, "the unreviewed story still gets LED frames in a preview"


def test_unreviewed_led_frames_differ_from_reviewed_ones(make_site):
    root = make_site({"content/stories/a.md": STORY}, REVIEWED_CONFIG)
    make_roster(root)
    _build(root, preview=True, out=".preview")
    marked = {p.name for p in (root / ".preview-staff/led/gate").rglob("*.png")}
    approve(root)
    _build(root, preview=True, out=".preview")
    clean = {p.name for p in (root / ".preview-staff/led/gate").rglob("*.png")}
    assert marked and clean and marked.isdisjoint(clean)


def test_deleted_source_disappears_and_a_failed_build_changes_nothing(make_site):
    root = make_site({"content/stories/a.md": STORY, "content/stories/b.md": OTHER})
    _build(root)
    assert (root / "public/stories/b/index.html").exists()
    (root / "content/stories/b.md").unlink()
    report = _build(root)
    assert not (root / "public/stories/b").exists()
    assert "stories/b/index.html" in report.removed
    before = {p: p.read_bytes() for p in (root / "public").rglob("*") if p.is_file()}
    (root / "content/stories/a.md").write_text("---\ntitle: 坏\ndate: 2024-02-30\n---\n", encoding="utf-8")
    with pytest.raises(BuildFailed):
        _build(root)
    assert {p: p.read_bytes() for p in (root / "public").rglob("*") if p.is_file()} == before


def test_source_date_epoch_fixes_the_clock():
    assert build_time({"SOURCE_DATE_EPOCH": "1700000000"}) == datetime(2023, 11, 15, 6, 13, 20)


def test_the_clock_needs_no_time_zone_database():
    """Windows has no IANA database and no tzdata package here: the build's clock must still work."""
    code = ("from generator.base.dates import build_time; "
            "print(build_time({'SOURCE_DATE_EPOCH': '1700000000'}).isoformat())")
    env = {**os.environ, "PYTHONTZPATH": os.devnull}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[2])
    assert (done.returncode, done.stdout.strip()) == (0, "2023-11-15T06:13:20"), done.stderr


LONG_TITLE_STORY = """\
---
title: 常山县白石镇红旗岗村网格员何桂英十年如一日照顾村里十二位独居老人的故事
date: 2024-05-20
person: 何桂英
honour: 常山好人
summary: 何桂英十年如一日照顾村里的独居老人。
consent: {who: 何桂英, date: 2024-05-01}
---
何桂英每天走访独居老人。
"""


def test_a_wechat_limit_holds_back_only_that_articles_wechat_version(make_site):
    root = make_site({"content/stories/long.md": LONG_TITLE_STORY, "content/stories/zhang.md": STORY})
    report = _build(root)
    public = root / "public"
    assert (root / "staff/wechat/zhang/article.html").is_file()
    long_page = next(p for p in (public / "stories").rglob("index.html") if "何桂英" in p.read_text(encoding="utf-8"))
    assert long_page.is_file()
    assert not [p for p in (root / "staff/wechat").rglob("*") if p.is_file() and "何桂英" in p.read_text("utf-8", "ignore")]
    assert any("何桂英" in p.read_text("utf-8", "ignore") for p in (root / "staff/led").rglob("playlist.json"))
    [held] = [w for w in report.warnings if w.code == "wechat.title"]
    assert held.path.endswith("long.md") and held.line == 2
    assert "公众号版本暂不生成" in held.message and "wechat: {title:" in held.hint


def test_a_wechat_title_override_lets_the_article_out_with_its_own_title(make_site):
    fixed = LONG_TITLE_STORY.replace("summary:", "wechat: {title: 网格员何桂英：十年照顾村里独居老人, author: 周晓燕}\nsummary:")
    root = make_site({"content/stories/long.md": fixed})
    report = _build(root)
    assert not [w for w in report.warnings if w.code == "wechat.title"]
    [bundle] = (root / "staff/wechat").glob("*/article.json")
    import json
    data = json.loads(bundle.read_text(encoding="utf-8"))
    assert data["title"] == "网格员何桂英：十年照顾村里独居老人" and data["author"] == "周晓燕"
    pages = [p.read_text("utf-8").replace("<wbr>", "") for p in (root / "public/stories").rglob("index.html")]
    assert any(">常山县白石镇红旗岗村网格员何桂英十年如一日照顾村里十二位独居老人的故事</h1>" in p for p in pages)
