"""Pages that look finished on real texts: source URLs, salutations in the body, empty facts, headings, home, /led/."""
from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from generator import config
from generator.build.pipeline import BuildOptions, build
from generator.render import salutation
from generator.render.credits import source_parts
from tests.conftest import MINIMAL_CONFIG

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
NOW = datetime(2024, 10, 20, 9, 0)
URL = ("https://zjnews.zjol.com.cn/zjnews/qznews/202410/t20241012_30241586.shtml?from=%E5%B8%B8%E5%B1%B1%E5%8E%BF"
       "%E6%96%87%E6%98%8E%E5%8A%9E%E8%BD%AC%E8%BD%BD%E5%B9%B3%E5%8F%B0")
STORY = """\
---
title: 红旗岗村网格员何桂英十年照顾独居老人
date: 2024-10-12
person: 何桂英
honour: 常山好人
summary: 十年里，何桂英每周走访村里的独居老人。
source: {source}
consent: {{who: 何桂英, date: 2024-10-01}}
---
每周二上午，何桂英都会拎着一袋蔬菜走进村里独居老人的家。
"""
LETTER_ALONE = """\
---
title: 垃圾分类从我做起倡议书
date: 2024-06-05
issuer: [常山县文明办]
---
广大市民朋友：

垃圾分类关系千家万户。我们倡议：

一、学习分类知识。
"""
LETTER_OPENING = """\
---
title: 文明过节倡议书
date: 2024-09-10
issuer: [常山县文明办]
---
尊敬的市民朋友们，中秋、国庆将至，为了让大家过一个文明、祥和的节日，我们发出如下倡议。

一、文明出行，礼让斑马线。
"""
ACTIVITY = """\
---
title: 柚苑社区志愿者清理小广告
date: 2024-10-15
---
十多名志愿者用一个上午清理了楼道里的小广告。
"""


def built(make_site, files: dict[str, str]) -> Path:
    root = make_site(files, MINIMAL_CONFIG)
    cfg = config.load(root / "site_config.yaml")
    build(cfg, BuildOptions(root / "content", root / "public", TEMPLATES, NOW))
    return root / "public"


def page_with(public: Path, folder: str, text: str) -> str:
    return next(p.read_text("utf-8") for p in (public / folder).glob("*/index.html") if text in p.read_text("utf-8"))


def test_a_source_url_becomes_a_short_linked_label(make_site):
    assert source_parts(URL) == ("zjnews.zjol.com.cn", URL)
    assert source_parts(f"浙江新闻 {URL}") == ("浙江新闻", URL)
    assert source_parts("常山县融媒体中心") == ("常山县融媒体中心", "")
    public = built(make_site, {"content/stories/he.md": STORY.format(source=URL)})
    detail = page_with(public, "stories", "每周二上午")
    assert f'<a href="{URL.replace("&", "&amp;")}" rel="noopener">zjnews.zjol.com.cn</a>' in detail
    assert detail.count("zjol.com.cn/zjnews") == 1  # only in the link's address, never as text
    for listing in ("index.html", "stories/index.html"):
        cards = re.findall(r'<p class="card-meta">.*?</p>', (public / listing).read_text("utf-8"), re.S)
        assert cards and not any("https://" in card for card in cards), cards


def test_the_wechat_credits_show_the_label_not_the_url(make_site):
    public = built(make_site, {"content/stories/he.md": STORY.format(source=URL)})
    article = next((public.parent / "staff/wechat").glob("*/article.html")).read_text("utf-8")
    assert "zjnews.zjol.com.cn" in article and "https://zjnews" not in article


def test_a_salutation_alone_on_the_first_line_is_the_salutation(make_site):
    assert salutation.split("<p>广大市民朋友：</p>\n<p>正文。</p>") == ("广大市民朋友", "<p>正文。</p>")
    public = built(make_site, {"content/letters/a.md": LETTER_ALONE})
    letter = page_with(public, "letters", "垃圾分类关系千家万户")
    assert '<p class="salutation">广大市民朋友：</p>' in letter
    body = letter[letter.index('<div class="body">'):]
    assert body.startswith('<div class="body"><p>垃圾分类关系千家万户')


def test_a_first_paragraph_opening_with_the_salutation_is_split(make_site):
    public = built(make_site, {"content/letters/a.md": LETTER_OPENING})
    letter = page_with(public, "letters", "中秋、国庆将至")
    assert '<p class="salutation">尊敬的市民朋友们：</p>' in letter
    assert '<div class="body"><p>中秋、国庆将至' in letter
    wechat = next((public.parent / "staff/wechat").glob("*/article.html")).read_text("utf-8")
    assert "尊敬的市民朋友们：</p>" in wechat and "尊敬的市民朋友们，" not in wechat


def test_ordinary_first_paragraphs_are_left_alone():
    for body in ("<p>为了让大家过一个文明节日：</p><p>一、</p>", "<p>我们倡议：</p><p>一、</p>",
                 "<p>各位好，今天天气不错。</p>",
                 "<p>我们倡议：全县志愿者行动起来，从身边做起，从小事做起，为文明城市添彩。</p>"):
        assert salutation.split(body) == ("", body)


def test_an_activity_without_facts_has_no_empty_facts_box(make_site):
    with_place = (ACTIVITY.replace("date: 2024-10-15", "date: 2024-10-16\nplace: 柚苑社区")
                  .replace("清理小广告", "擦洗栏杆").replace("清理了楼道里的小广告", "擦洗了小区栏杆"))
    public = built(make_site, {"content/activities/a.md": ACTIVITY, "content/activities/b.md": with_place})
    assert "活动信息" not in page_with(public, "activities", "清理了楼道")
    assert 'aria-label="活动信息"' in page_with(public, "activities", "擦洗了小区栏杆")


def test_headings_break_only_between_phrases(make_site):
    public = built(make_site, {"content/stories/he.md": STORY.format(source="常山县融媒体中心")})
    detail = page_with(public, "stories", "每周二上午")
    [heading] = re.findall(r'<h1 class="phrased">(.*?)</h1>', detail)
    parts = heading.split("<wbr>")
    assert len(parts) > 2 and "".join(parts) == "红旗岗村网格员何桂英十年照顾独居老人"
    assert "网格员" in parts and "何桂英" in parts
    css = (public / "static/site.css").read_text("utf-8")
    assert ".phrased,.card-title{word-break:keep-all;overflow-wrap:anywhere}" in css
    assert "overflow-wrap:anywhere}" in css.split("\n")[6]  # the body rule: long URLs and numbers wrap
    assert ".meta dt{flex:none;white-space:nowrap}" in css  # 来源 never breaks into 来 / 源：


def test_the_home_page_does_not_repeat_the_featured_stories(make_site):
    stories = {f"content/stories/{n}.md": STORY.format(source="常山县融媒体中心")
               .replace("何桂英", name).replace("2024-10-12", f"2024-10-0{n}")
               for n, name in enumerate(("张卫国", "李秀兰", "王建华", "赵春梅"), start=1)}
    public = built(make_site, stories)
    home = (public / "index.html").read_text("utf-8")
    featured, rest = home.split('id="featured-h"')[1].split("</section>", 1)
    for name in ("张卫国", "李秀兰", "王建华", "赵春梅"):
        assert (name in featured) != (name in rest.split("</section>")[0]), name


def test_the_led_page_shows_one_scaled_loop_per_screen(make_site):
    public = built(make_site, {"content/stories/he.md": STORY.format(source="常山县融媒体中心")})
    led = (public.parent / "staff/led/index.html").read_text("utf-8")
    assert led.count('<figure class="led-loop"') == 3  # one per screen of MINIMAL_CONFIG
    assert led.count("<details") == 3 and 'loading="lazy"' in led.split("<details")[1]
    assert "max-width:none" not in (public / "static/site.css").read_text("utf-8")
