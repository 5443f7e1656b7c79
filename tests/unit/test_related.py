"""Feeds per type beside the site feed, related articles and previous/next within a type."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

from generator import config
from generator.build.pipeline import BuildOptions, build
from tests.conftest import STORY

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
ATOM = "{http://www.w3.org/2005/Atom}"


def _story(name: str, day: str, tags: str = "[]", community: str = "") -> str:
    return (STORY.replace("好人张三", f"好人{name}").replace("person: 张三", f"person: {name}")
            .replace("who: 张三", f"who: {name}").replace("date: 2023-09-11", f"date: {day}\ntags: {tags}"
                                                         + (f"\ncommunity: {community}" if community else "")))


ACTIVITY = """\
---
title: 清洁家园活动
date: 2023-09-20
place: 柚苑社区
---
大家一起打扫。
"""


def _site(make_site) -> Path:
    root = make_site({
        "content/stories/a.md": _story("甲", "2023-09-01", "[孝老爱亲, 助人为乐]"),
        "content/stories/b.md": _story("乙", "2023-09-05", "[孝老爱亲, 助人为乐]"),
        "content/stories/c.md": _story("丙", "2023-09-10", "[孝老爱亲]"),
        "content/stories/d.md": _story("丁", "2023-09-15", "[]", community="柚苑社区"),
        "content/stories/e.md": _story("戊", "2023-09-20", "[]", community="柚苑社区"),
        "content/activities/x.md": ACTIVITY,
    })
    build(config.load(root / "site_config.yaml"), BuildOptions(root / "content", root / "public", TEMPLATES,
                                                               datetime(2024, 1, 1)))
    return root


def _titles(feed: Path) -> list[str]:
    return [e.findtext(f"{ATOM}title") for e in ET.parse(feed).getroot().iter(f"{ATOM}entry")]


def test_each_type_has_its_feed_linked_from_its_list(make_site):
    root = _site(make_site)
    public = root / "public"
    assert _titles(public / "stories/feed.xml") == ["好人戊", "好人丁", "好人丙", "好人乙", "好人甲"]
    assert _titles(public / "activities/feed.xml") == ["清洁家园活动"]
    assert _titles(public / "letters/feed.xml") == []
    assert len(_titles(public / "feed.xml")) == 6, "the site feed keeps every type"
    listing = (public / "stories/index.html").read_text(encoding="utf-8")
    assert '<link rel="alternate" type="application/atom+xml" title="榜样人物" href="/wenming/stories/feed.xml">' in listing
    assert 'href="/wenming/stories/feed.xml" type="application/atom+xml">订阅本栏目' in listing
    root_feed = ET.parse(public / "stories/feed.xml").getroot()
    assert root_feed.findtext(f"{ATOM}title").endswith("榜样人物")


def _related(html: str) -> list[str]:
    block = html.split('<aside class="related"')[1].split("</aside>")[0]
    return re.findall(r'<a href="[^"]+">([^<]+)</a>', block)


def test_related_articles_share_tags_first_then_the_place_then_the_date(make_site):
    public = _site(make_site) / "public"
    a = (public / "stories/a/index.html").read_text(encoding="utf-8")
    assert _related(a)[:2] == ["好人乙", "好人丙"], "two shared tags, then one"
    d = (public / "stories/d/index.html").read_text(encoding="utf-8")
    assert _related(d)[0] == "好人戊", "same community"
    assert "好人甲" not in _related(a)[2:] and len(_related(a)) == 3


def test_previous_and_next_stay_within_the_type(make_site):
    public = _site(make_site) / "public"
    c = (public / "stories/c/index.html").read_text(encoding="utf-8")
    assert re.search(r'rel="prev"><span>上一篇</span>好人乙</a>', c)
    assert re.search(r'rel="next"><span>下一篇</span>好人丁</a>', c)
    newest = (public / "stories/e/index.html").read_text(encoding="utf-8")
    assert 'rel="next"' not in newest and "清洁家园活动" not in newest.split('class="prev-next"')[1].split("</nav>")[0]


def _cached_build(root: Path) -> Path:
    build(config.load(root / "site_config.yaml"),
          BuildOptions(root / "content", root / "public", TEMPLATES, datetime(2024, 1, 1),
                       cache_dir=root / ".cache"))
    return root / "public"


def test_kept_related_articles_follow_title_and_tag_edits(make_site):
    """The related lists are kept between builds: a kept list still shows a renamed article's new
    title, and a changed tag is worked out again."""
    root = _site(make_site)
    public = _cached_build(root)
    assert _related((public / "stories/a/index.html").read_text(encoding="utf-8"))[:2] == [
        "好人乙", "好人丙"]
    b = root / "content/stories/b.md"
    b.write_text(b.read_text(encoding="utf-8").replace("title: 好人乙", "title: 好人乙改名"),
                 encoding="utf-8")
    public = _cached_build(root)
    assert _related((public / "stories/a/index.html").read_text(encoding="utf-8"))[:2] == [
        "好人乙改名", "好人丙"]
    c = root / "content/stories/c.md"
    c.write_text(c.read_text(encoding="utf-8").replace("tags: [孝老爱亲]", "tags: [孝老爱亲, 助人为乐]"),
                 encoding="utf-8")
    public = _cached_build(root)
    assert _related((public / "stories/a/index.html").read_text(encoding="utf-8"))[:2] == [
        "好人丙", "好人乙改名"], "now both share two tags with a, and the newer comes first"
