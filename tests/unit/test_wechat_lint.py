"""The WeChat lint: inline CSS allow-list, markup rules, and the API limits at their exact boundaries."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from generator.config import Wechat, WechatLimits
from generator.model.content import Page
from generator.model.fields import Story, WechatOptions
from generator.formats.wechat import lint, style

PATH = Path("content/stories/zhang.md")
URL = "https://example.gov.cn/wenming/stories/zhang/"
LINES = {("title",): (2, 1), ("author",): (4, 1), ("summary",): (5, 1), ("slug",): (6, 1)}
OK_BODY = '<p style="color:#333333">正文</p>'


def page(title: str = "好人张三", author: str = "李四", summary: str = "张三常年帮助邻居。",
         wx: dict | None = None) -> Page:
    meta = Story(title=title, date=date(2024, 1, 1), author=author, summary=summary,
                 wechat=WechatOptions(**(wx or {})))
    lines = {**LINES, **{("wechat", name): (10 + n, 3) for n, name in enumerate(("title", "digest", "author"))}}
    return Page("stories/zhang.md", "story", meta, "正文", 8, "zhang", lines)


def check(p: Page, html: str = OK_BODY, url: str = URL, limits: WechatLimits = WechatLimits()):
    return [(x.severity.value, x.line, x.code) for x in lint.check_article(p, PATH, html, url, limits)]


def test_a_clean_article_has_no_problems():
    assert check(page()) == []


@pytest.mark.parametrize("length, expected", [(32, []), (33, [("错误", 2, "wechat.title")])])
def test_title_limit(length, expected):
    assert check(page(title="文" * length)) == expected


@pytest.mark.parametrize("length, expected", [
    (8, []), (9, [("警告", 4, "wechat.author")]), (16, [("警告", 4, "wechat.author")]), (17, [("错误", 4, "wechat.author")])])
def test_author_limits(length, expected):
    assert check(page(author="李" * length)) == expected


@pytest.mark.parametrize("length, expected", [
    (120, []), (121, [("错误", 5, "wechat.digest")]), (129, [("错误", 5, "wechat.digest")])])
def test_digest_limits(length, expected):
    assert check(page(summary="摘" * length)) == expected


def test_missing_digest_warns_that_wechat_takes_the_first_54_characters():
    problems = lint.check_article(page(summary=" "), PATH, OK_BODY, URL, WechatLimits())
    assert [(p.severity.value, p.line) for p in problems] == [("警告", 5)]
    assert "54" in problems[0].message and problems[0].path == str(PATH)


def test_a_long_title_asks_for_a_wechat_title_not_a_shorter_site_title():
    [problem] = lint.check_article(page(title="文" * 33), PATH, OK_BODY, URL, WechatLimits())
    assert "wechat: {title:" in problem.hint and "网站标题不用改" in problem.hint


def test_wechat_overrides_are_what_the_limits_check():
    long_title, long_summary = "常山县白石镇红旗岗村网格员何桂英十年如一日照顾村里十二位独居老人的故事", "摘" * 150
    assert [c for _, _, c in check(page(title=long_title, summary=long_summary))] == ["wechat.title", "wechat.digest"]
    fixed = page(title=long_title, summary=long_summary, author="常山县融媒体中心记者周晓燕",
                 wx={"title": "网格员何桂英：十年照顾十二位独居老人", "digest": "十年如一日。", "author": "周晓燕"})
    assert check(fixed) == []
    still_long = page(title=long_title, wx={"title": "文" * 33})
    assert check(still_long) == [("错误", 10, "wechat.title")]
    [problem] = lint.check_article(still_long, PATH, OK_BODY, URL, WechatLimits())
    assert "wechat.title" in problem.message and "wechat.title" in problem.hint


def test_limits_come_from_the_config():
    limits = WechatLimits(title=5, digest_fallback=40)
    assert check(page(title="一二三四五六"), limits=limits) == [("错误", 2, "wechat.title")]
    assert "40" in lint.check_article(page(summary=""), PATH, OK_BODY, URL, limits)[0].message


def test_body_must_be_under_20000_characters_counting_the_markup():
    wrap = len('<p style="color:#333333"></p>')
    assert check(page(), f'<p style="color:#333333">{"字" * (19_999 - wrap)}</p>') == []
    assert check(page(), f'<p style="color:#333333">{"字" * (20_000 - wrap)}</p>') == [("错误", 8, "wechat.body")]


def test_body_must_be_under_the_byte_limit():
    limits = WechatLimits(body_bytes=100)
    wrap = len('<p style="color:#333333"></p>')
    assert check(page(), f'<p style="color:#333333">{"a" * (99 - wrap)}</p>', limits=limits) == []
    assert check(page(), f'<p style="color:#333333">{"a" * (100 - wrap)}</p>', limits=limits) == [("错误", 8, "wechat.body")]


def test_source_url_at_most_1_kb():
    base = "https://example.gov.cn/"
    assert check(page(), url=base + "a" * (1024 - len(base))) == []
    assert check(page(), url=base + "a" * (1025 - len(base))) == [("错误", 6, "wechat.source_url")]


@pytest.mark.parametrize("name, value", [
    ("color", "#333333"), ("color", "#3f3f3f"), ("background-color", "#f5f5f5"), ("font-size", "16px"),
    ("line-height", "1.75"), ("letter-spacing", "0.5px"), ("text-indent", "2em"), ("margin", "0 auto"),
    ("padding-left", "1em"), ("border", "1px solid #dddddd"), ("border-left", "4px solid #b22222"),
    ("border-radius", "4px"), ("border-collapse", "collapse"), ("display", "block"), ("display", "inline-block"),
    ("overflow-x", "auto"), ("white-space", "nowrap"), ("word-break", "break-all"), ("max-width", "100%"),
    ("width", "600px"), ("vertical-align", "super"), ("box-sizing", "border-box"), ("text-align", "justify"),
])
def test_allowed_declarations(name, value):
    assert lint.check_declaration(name, value) == ""


@pytest.mark.parametrize("name, value", [
    ("position", "absolute"), ("top", "0"), ("transform", "translateY(2px)"), ("color", "var(--ink)"),
    ("width", "calc(100% - 8px)"), ("background-image", "url(a.png)"), ("background-color", "url(a.png)"),
    ("color", "#333333 !important"), ("color", "rgb(51,51,51)"), ("color", "red"), ("border", "1px solid red"),
    ("color", "#000"), ("color", "#000000"), ("color", "#111111"), ("display", "flex"), ("display", "none"),
    ("height", "100px"), ("font-size", "large-ish"),
])
def test_forbidden_declarations(name, value):
    assert lint.check_declaration(name, value) != ""


def test_markup_rules():
    html = ('<style>p{}</style><script></script><link rel="x"><p id="a">x</p>'
            '<a href="https://example.com/">外链</a><a href="https://mp.weixin.qq.com/s/x">公众号</a>'
            '<img src="/wenming/a.jpg" alt=""><img src="https://e.cn/b.jpg" width="10" alt="">'
            '<p style="position:absolute;color:#000">黑</p>')
    problems = lint.check_html(html)
    assert len(problems) == 9
    assert not any("mp.weixin.qq.com/s/x" in p for p in problems)


@pytest.mark.parametrize("size", [15, 16, 17])
def test_every_declaration_of_the_stylesheet_is_allowed(size):
    css = style.stylesheet(Wechat(font_size=size))
    body = [rule.split("{", 1)[1].rstrip("}") for rule in css.splitlines()]
    bad = [(n, v, lint.check_declaration(n, v)) for b in body for n, v in lint.declarations(b)]
    assert [b for b in bad if b[2]] == []
    assert len(bad) > 100


def test_a_black_text_colour_in_the_config_is_reported_on_the_article():
    html = style.inline('<section class="wx-article"><p>正文</p></section>', style.stylesheet(Wechat(text_colour="#000000")))
    problems = lint.check_article(page(), PATH, html, URL, WechatLimits())
    assert {p.code for p in problems} == {"wechat.css"} and "纯黑色" in problems[0].message
