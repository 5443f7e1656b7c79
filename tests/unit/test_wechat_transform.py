"""Body HTML → WeChat-safe HTML: link notes, footnotes, flat lists, 倡议书 points, tables, images, guards."""
from __future__ import annotations

import re
import textwrap

from generator.config import Wechat
from generator.render.markdown import MarkdownRenderer
from generator.formats.wechat import style, transform

BASE = "https://example.gov.cn/wenming/"
PAGE = "https://example.gov.cn/wenming/stories/zhang/"


def body(markdown: str, letter: bool = False) -> transform.Body:
    """Render Markdown like the build does (images under /wenming/media/) and transform it."""
    def resolve(src: str) -> str | None:
        return None if src.startswith("missing") else "/wenming/media/" + src
    html = MarkdownRenderer().render(textwrap.dedent(markdown), resolve).html
    return transform.transform_body(html, BASE, PAGE, letter=letter)


def paragraphs(html: str) -> list[str]:
    """The text of each <p>, in order."""
    return [re.sub(r"<[^>]+>", "", p) for p in re.findall(r"<p[^>]*>(.*?)</p>", html)]


def test_one_number_per_distinct_url_in_reading_order():
    out = body("[甲](https://a.cn/x) 和 [乙](https://b.cn/y)，又见[甲二](https://a.cn/x)。")
    assert re.findall(r"\[(\d)\]", out.html) == ["1", "2", "1"]
    assert out.notes == [(1, "https://a.cn/x", "甲"), (2, "https://b.cn/y", "乙")]
    assert paragraphs(out.references) == ["参考链接", "[1] 甲：https://a.cn/x", "[2] 乙：https://b.cn/y"]
    assert "<a" not in out.html and "href" not in out.references


def test_link_whose_text_is_the_url_becomes_plain_text_without_a_note():
    out = body("见 <https://www.changshan.gov.cn/>。")
    assert "https://www.changshan.gov.cn/" in out.html
    assert "<a" not in out.html and "<sup" not in out.html and out.references == ""


def test_mp_weixin_links_stay_links_without_notes():
    out = body("[往期](https://mp.weixin.qq.com/s/abc) 和 [旧链接](http://mp.weixin.qq.com/s/def)")
    assert re.findall(r'href="([^"]+)"', out.html) == ["https://mp.weixin.qq.com/s/abc", "https://mp.weixin.qq.com/s/def"]
    assert out.notes == []


def test_in_page_links_lose_their_href_and_keep_their_text():
    out = body("## 小标题\n\n回到[小标题](#小标题)。")
    assert "回到小标题。" in paragraphs(out.html)
    assert "href" not in out.html and " id=" not in out.html


def test_relative_and_root_relative_links_become_absolute_notes():
    out = body("[另一篇](../li/) 和 [首页](/wenming/)")
    assert [url for _, url, _ in out.notes] == ["https://example.gov.cn/wenming/stories/li/", "https://example.gov.cn/wenming/"]


def test_mail_and_phone_links_become_text_with_the_address():
    out = body("[写信给我们](mailto:wmb@example.cn) 或 [0570-5012345](tel:0570-5012345)")
    assert paragraphs(out.html) == ["写信给我们（wmb@example.cn） 或 0570-5012345"]
    assert out.notes == []


def test_footnotes_use_circled_numbers_and_lose_back_links():
    out = body("正文[^a]，再一处[^b]。\n\n[^a]: 第一条注释。\n[^b]: 第二条，见[来源](https://c.cn/)。")
    assert "正文①，再一处②。" in paragraphs(out.html)
    assert paragraphs(out.footnotes) == ["注释", "① 第一条注释。", "② 第二条，见来源[1]。"]
    assert "↩" not in out.footnotes and "href" not in out.footnotes + out.html and "footnote" not in out.html
    assert out.notes == [(1, "https://c.cn/", "来源")]


def test_list_markers_are_written_as_text():
    out = body("- 甲\n- 乙\n\n1. 一\n2. 二\n")
    assert paragraphs(out.html) == ["• 甲", "• 乙", "1. 一", "2. 二"]
    assert not re.search(r"<(ul|ol|li)\b", out.html)


def test_lists_are_flattened_to_two_levels():
    out = body("1. 甲\n    - 乙\n        - 丙\n            - 丁\n2. 戊\n")
    levels = re.findall(r'class="wx-li (wx-l\d)">([^<]*)', out.html)
    assert levels == [("wx-l1", "1. 甲"), ("wx-l2", "◦ 乙"), ("wx-l2", "◦ 丙"), ("wx-l2", "◦ 丁"), ("wx-l1", "2. 戊")]


def test_ordered_list_keeps_its_start_number():
    assert paragraphs(body("3. 三\n4. 四\n").html) == ["3. 三", "4. 四"]


def test_loose_list_item_puts_the_marker_on_its_first_paragraph_only():
    out = body("1. 第一段\n\n    第二段\n\n2. 下一项\n")
    assert re.findall(r'class="(wx-li[^"]*)">([^<]*)', out.html) == [
        ("wx-li wx-l1", "1. 第一段"), ("wx-li-cont wx-l1", "第二段"), ("wx-li wx-l1", "2. 下一项")]


def test_letter_points_are_paragraphs_numbered_like_official_documents():
    out = body("倡议如下：\n\n1. 文明出行。\n2. 节俭过节：\n    1. 不大操大办。\n    2. 不燃放烟花。\n3. 参与志愿服务。\n",
               letter=True)
    assert paragraphs(out.html) == ["倡议如下：", "一、文明出行。", "二、节俭过节：", "（一）不大操大办。",
                                    "（二）不燃放烟花。", "三、参与志愿服务。"]
    assert "<ol" not in out.html and "<li" not in out.html


def test_chinese_numerals():
    assert [transform.chinese_numeral(n) for n in (1, 9, 10, 11, 20, 21, 99, 100)] == [
        "一", "九", "十", "十一", "二十", "二十一", "九十九", "100"]


def test_tables_are_wrapped_in_a_sideways_scrolling_section():
    out = body("| 年份 | 人数 |\n|---|---:|\n| 2023 | 12 |\n")
    assert re.search(r'^<section class="wx-table-wrap"><table>.*</table></section>$', out.html, re.S)
    inlined = style.inline(out.html, style.stylesheet(Wechat()))
    assert re.search(r'<section class="wx-table-wrap" style="[^"]*overflow-x:auto', inlined)
    assert out.findings == []


def test_tables_wider_than_four_columns_are_reported():
    out = body("| a | b | c | d | e |\n|---|---|---|---|---|\n| 1 | 2 | 3 | 4 | 5 |\n")
    assert [f.message for f in out.findings] == ["表格有 5 列，手机上要左右滑动才能看全"]
    assert not out.findings[0].blocking


def test_images_get_absolute_urls_and_width_moves_into_style():
    out = body('![老人和志愿者](a.jpg "张三（右）在送饭"){ width="600" height="400" }')
    img = re.search(r"<img[^>]*>", out.html).group(0)
    assert 'src="https://example.gov.cn/wenming/media/a.jpg"' in img and 'alt="老人和志愿者"' in img
    assert 'style="width:600px"' in img and " width=" not in img and " height=" not in img and "loading" not in img
    assert out.html.startswith('<section class="wx-figure">') and "张三（右）在送饭" in paragraphs(out.html)


def test_images_without_a_site_url_are_dropped_and_reported():
    out = body("![说明](missing.jpg)")
    assert "<img" not in out.html
    assert len(out.findings) == 1 and "missing.jpg" in out.findings[0].message


def test_no_id_class_or_title_from_the_source_survives():
    out = body("## 标题 {: #custom .fancy title=\"提示\" }\n\n段落\n{: .lead }")
    assert not re.search(r'\s(id|title|lang)=', out.html)
    assert "fancy" not in out.html and "lead" not in out.html


def test_code_blocks_keep_their_spaces_and_lines():
    out = body("```\na  b\n  c\n```")
    assert out.html == '<p class="wx-code">a&nbsp;&nbsp;b<br>&nbsp;&nbsp;c</p>'


def test_guard_paragraphs_come_first_and_last():
    html = transform.with_guards("<p>正文</p>")
    blocks = re.findall(r"<p[^>]*>.*?</p>", html)
    assert blocks[0] == blocks[-1] == transform.GUARD and html.startswith(transform.GUARD) and html.endswith(transform.GUARD)
    inlined = style.inline(html, style.stylesheet(Wechat()))
    guard_style = re.match(r'<p class="wx-guard" style="([^"]*)">&nbsp;</p>', inlined).group(1)
    assert {"font-size:0", "line-height:0", "margin:0"} <= set(guard_style.split(";"))


def test_scrub_removes_style_script_link_and_ids_and_keeps_text_escaped():
    html = '<style>p{}</style><p id="x">a &amp; b &lt;c&gt;</p><script>alert(1)</script><link rel="x">'
    assert transform.scrub(html) == "<p>a &amp; b &lt;c&gt;</p>"


def test_cell_alignment_attribute_moves_into_style():
    html = '<table><tr><th align="right" scope="col">数</th><td align="center" colspan="2">12</td></tr></table>'
    out = transform.transform_body(html, BASE, PAGE)
    assert '<th style="text-align:right">数</th><td colspan="2" style="text-align:center">12</td>' in out.html


def _picture_body(markdown: str) -> transform.Body:
    from generator.render.images import ImageURL

    url = ImageURL("/wenming/media/a.jpg", 1080, 810, (480, 800, 1080), True)
    html = MarkdownRenderer().render(markdown, lambda src: url).html
    assert "<picture>" in html and "srcset=" in html  # the site's body
    return transform.transform_body(html, "https://example.gov.cn/wenming/",
                                    "https://example.gov.cn/wenming/stories/x/")


def test_a_picture_becomes_the_plain_full_width_jpeg_in_wechat():
    out = _picture_body('![老人和志愿者](a.jpg "张三（右）在送饭")')
    assert out.html == ('<section class="wx-figure"><img src="https://example.gov.cn/wenming/media/'
                        'a.jpg" alt="老人和志愿者"><p class="wx-caption">张三（右）在送饭</p></section>')


def test_a_width_the_author_wrote_on_a_picture_still_reaches_wechat():
    out = _picture_body("文字 ![小图](a.jpg){ width=300 } 文字")
    img = re.search(r"<img[^>]*>", out.html).group(0)
    assert img == ('<img src="https://example.gov.cn/wenming/media/a.jpg" alt="小图" '
                   'style="width:300px">')
    assert "picture" not in out.html and "source" not in out.html and "webp" not in out.html
