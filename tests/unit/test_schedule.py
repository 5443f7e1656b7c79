"""Scheduled publishing and expiry, with an injected build time, on every channel."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from generator import config
from generator.base.errors import BuildFailed
from generator.build.pipeline import BuildOptions, build
from generator.model import content, schedule
from tests.conftest import STORY

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
LATER = STORY.replace("好人张三", "春节志愿者王二").replace("date: 2023-09-11", "date: 2027-03-01") \
    .replace("person: 张三", "person: 王二").replace("who: 张三", "who: 王二")
SHORT = STORY.replace("好人张三", "夏季活动李四").replace("date: 2023-09-11", "date: 2025-06-01\nexpires: 2025-06-30") \
    .replace("person: 张三", "person: 李四").replace("who: 张三", "who: 李四")


def _build(root: Path, now: datetime, **extra):
    cfg = config.load(root / "site_config.yaml")
    return build(cfg, BuildOptions(root / "content", root / "public", TEMPLATES, now, **extra))


def _everything(root: Path) -> str:
    """Every published text file of every channel (site, WeChat, LED), whichever folder it went to."""
    skip = {root / "content", root / "site_config.yaml"}
    texts = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not any(path.is_relative_to(s) for s in skip) and path.suffix in (".html", ".xml", ".json", ".txt"):
            texts.append(path.read_text(encoding="utf-8", errors="ignore"))
    return "\n".join(texts)


@pytest.fixture
def site(make_site):
    return make_site({"content/stories/now.md": STORY, "content/stories/later.md": LATER,
                      "content/stories/short.md": SHORT})


def test_a_page_dated_later_waits_and_an_expired_page_is_off_every_channel(site):
    report = _build(site, datetime(2025, 7, 1, 8, 0))
    text = _everything(site)
    assert "好人张三" in text
    assert "春节志愿者王二" not in text, "not due yet: not on the site, the feed, the sitemap, WeChat or LED"
    assert "夏季活动李四" not in text, "expired the day before"
    assert not (site / "public/stories/later").exists() and not (site / "public/stories/short").exists()
    assert [p.source for p in report.schedule.scheduled] == ["stories/later.md"]
    assert [p.source for p in report.schedule.expired] == ["stories/short.md"]


def test_an_expiring_page_is_live_through_its_last_day_then_removed(site):
    _build(site, datetime(2025, 6, 30, 23, 0))
    assert "夏季活动李四" in (site / "public/stories/short/index.html").read_text(encoding="utf-8")
    assert "夏季活动李四" in (site / "public/feed.xml").read_text(encoding="utf-8")
    _build(site, datetime(2025, 7, 1, 0, 5))
    assert not (site / "public/stories/short/index.html").exists(), "its address now answers 404"
    for listing in ("feed.xml", "sitemap.xml", "stories/index.html", "index.html"):
        assert "夏季活动李四" not in (site / "public" / listing).read_text(encoding="utf-8"), listing


def test_a_scheduled_page_goes_out_on_its_day(site):
    _build(site, datetime(2027, 2, 28, 23, 59))
    assert "春节志愿者王二" not in (site / "public/feed.xml").read_text(encoding="utf-8")
    _build(site, datetime(2027, 3, 1, 6, 0))
    assert "春节志愿者王二" in (site / "public/stories/later/index.html").read_text(encoding="utf-8")
    assert "春节志愿者王二" in (site / "public/feed.xml").read_text(encoding="utf-8")


def test_future_and_previews_show_what_is_coming(site):
    _build(site, datetime(2025, 7, 1), future=True)
    assert (site / "public/stories/later/index.html").exists()
    assert not (site / "public/stories/short/index.html").exists(), "expired stays off even then"


def test_report_lines_name_files_and_days(site):
    cfg = config.load(site / "site_config.yaml")
    loaded = content.load_site(cfg, site / "content")
    lines = schedule.report_lines(schedule.apply(loaded, datetime(2025, 7, 1)))
    assert any("content/stories/later.md：2027-03-01 发布《春节志愿者王二》" in line for line in lines)
    assert any("content/stories/short.md：2025-06-30 下线《夏季活动李四》" in line for line in lines)


def test_an_expiry_before_the_date_is_refused(make_site):
    root = make_site({"content/stories/x.md": STORY.replace("date: 2023-09-11", "date: 2023-09-11\nexpires: 2023-09-01")})
    with pytest.raises(BuildFailed) as failed:
        _build(root, datetime(2024, 1, 1))
    problem = failed.value.problems[0]
    assert "下线日期（expires）不能早于发布日期" in problem.message and problem.line == 4


def test_check_lists_what_is_scheduled_and_what_expired(site, monkeypatch, capsys):
    from generator.cli import main

    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(datetime(2025, 7, 1, 8).timestamp())))
    main(["check", "--config", str(site / "site_config.yaml")])
    out = capsys.readouterr().out
    assert "定时发布：1 篇还没到发布日期" in out and "content/stories/later.md：2027-03-01 发布《春节志愿者王二》" in out
    assert "已下线：1 篇过了下线日期" in out and "content/stories/short.md：2025-06-30 下线《夏季活动李四》" in out
