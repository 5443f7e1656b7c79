"""The honour wall: every person once, in category and level order, photos only with consent, all listed without JS."""
from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest

from generator import config
from generator.model.content import load_site
from generator.formats.site.honour import LEVELS, honour_wall, level_name
from generator.render.routes import make_routes
from generator.formats.site.pages import SiteInput, render_site
from generator.render.templates import Templates

ROOT = Path(__file__).resolve().parents[2]
CATEGORIES = ("助人为乐", "见义勇为", "诚实守信", "敬业奉献", "孝老爱亲")


def _wall(site, images: dict | None = None):
    images = images or {}
    return honour_wall(site, CATEGORIES, lambda p: f"/s/{p.slug}/", lambda p, src: images.get((p.source, src)))


@pytest.fixture(scope="module")
def sample():
    cfg = config.load(ROOT / "site_config.yaml")
    return cfg, load_site(cfg, ROOT / "content")


def _story(name: str, category: str, level: str, *extra: str) -> str:
    lines = ["---", f"title: {name}的故事", "date: 2024-05-01", f"person: {name}", f"category: {category}",
             f"honour_level: {level}", "photo: p.jpg", f"photo_alt: {name}的照片", *extra, "---", "正文。", ""]
    return "\n".join(lines)


def _small_site(make_site, stories: dict[str, str]):
    root = make_site({f"content/stories/{name}.md": text for name, text in stories.items()})
    return load_site(config.load(root / "site_config.yaml"), root / "content")


def test_every_sample_person_appears_once_with_name_category_and_level(sample):
    cfg, site = sample
    wall = _wall(site)
    stories = site.of_type("story")
    assert sorted(e.name for e in wall.entries) == sorted(p.meta.person for p in stories)
    for story in stories:
        (entry,) = [e for e in wall.entries if e.name == story.meta.person]
        assert (entry.category, entry.level, entry.url) == (story.meta.category, story.meta.honour_level, f"/s/{story.slug}/")


def test_groups_follow_the_configured_categories_and_the_highest_level_comes_first(sample):
    wall = _wall(sample[1])
    assert list(wall.categories) == [c for c in CATEGORIES if c in wall.categories]
    assert list(wall.levels) == [lv for lv in LEVELS if lv in wall.levels]
    for category, entries in wall.by_category:
        assert {e.category for e in entries} == {category}
        ranks = [LEVELS.index(e.level) for e in entries]
        assert ranks == sorted(ranks)
    assert sum(len(e) for _, e in wall.by_level) == len([e for e in wall.entries if e.level])


def test_levels_are_written_as_badges_say_them():
    assert [level_name(lv) for lv in LEVELS] == ["中国好人榜", "省级", "市级", "县级"]


def test_photos_come_from_the_published_images(make_site):
    site = _small_site(make_site, {"a": _story("张三", "助人为乐", "县")})
    (entry,) = _wall(site, {("stories/a.md", "p.jpg"): "/media/p.jpg"}).entries
    assert (entry.photo, entry.photo_alt) == ("/media/p.jpg", "张三的照片")


def test_no_photo_when_consent_leaves_photos_out_or_a_child_has_no_guardian_record(make_site):
    site = _small_site(make_site, {
        "a": _story("张三", "助人为乐", "县", "consent: {who: 张三, date: 2024-04-01, scope: [姓名, 事迹]}"),
        "b": _story("李小", "助人为乐", "县", "minor: true", "consent: {who: 李小, date: 2024-04-01}"),
        "c": _story("王五", "见义勇为", "省", "consent: {who: 王五, date: 2024-04-01}"),
    })
    images = {(f"stories/{k}.md", "p.jpg"): f"/media/{k}.jpg" for k in "abc"}
    photos = {e.name: e.photo for e in _wall(site, images).entries}
    assert photos == {"张三": None, "李小": None, "王五": "/media/c.jpg"}


def test_unknown_categories_follow_the_configured_ones_and_other_comes_last(make_site):
    site = _small_site(make_site, {"a": _story("甲", "其他", "县"), "b": _story("乙", "最美邻居", "县"),
                                   "c": _story("丙", "孝老爱亲", "中国好人榜")})
    assert _wall(site).categories == ("孝老爱亲", "最美邻居", "其他")


def test_the_page_lists_everyone_by_category_without_javascript(sample):
    cfg, site = sample
    inp = SiteInput(site, cfg, make_routes(cfg), Templates(ROOT / "templates"), {}, {}, datetime(2026, 11, 20))
    html = {path: data for path, data, _key in render_site(inp)}["honour/index.html"].decode()
    wall = _wall(site)
    cards = re.findall(r'<li class="honour-card" data-category="([^"]*)" data-level="([^"]*)">', html)
    assert cards == [(e.category, e.level) for _, entries in wall.by_category for e in entries]
    assert all(f">{e.name}</a>" in html for e in wall.entries)
    # The filter buttons only appear when the script can make them work.
    assert re.search(r'<div class="filters" data-honour-filters hidden>', html)
    assert html.count('data-filter="category"') == len(wall.categories) + 1
