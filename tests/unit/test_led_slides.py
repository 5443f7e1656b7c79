"""Pages into LED slides: per-type defaults, slogan files, led.text, schedules at build time and screen choice."""
from __future__ import annotations

from datetime import date

from generator import config
from generator.model import content
from tests.conftest import MINIMAL_CONFIG
from generator.formats.led.slides import collect, loop_order, one_line, plain, screens_for, slides_of

TODAY = date(2024, 3, 11)


def load(make_site, files: dict[str, str]):
    root = make_site(files)
    cfg = config.load(root / "site_config.yaml")
    return cfg, content.load_site(cfg, root / "content")


def only_page(make_site, path: str, text: str):
    cfg, site = load(make_site, {path: text})
    return cfg, site, next(p for p in site.pages if p.source == path.removeprefix("content/"))


def test_a_story_shows_its_title_with_the_person_and_honour(make_site):
    _, _, page = only_page(make_site, "content/stories/a.md", """\
        ---
        title: 照顾瘫痪婆婆十八年的好儿媳
        date: 2024-01-05
        person: 姜彩霞
        honour: 2023年第三季度“浙江好人”
        summary: 婆婆中风卧床十八年，姜彩霞每天翻身、擦洗、喂饭，从没让老人生过一次褥疮。后来她又照顾公公。
        ---
        正文。
        """)
    [slide] = slides_of(page)
    assert slide.paragraphs == ("照顾瘫痪婆婆十八年的好儿媳", "姜彩霞 2023年第三季度“浙江好人”")
    assert slide.line == page.line_of("title")
    assert {"姜彩霞", "2023年第三季度“浙江好人”"} <= set(slide.keep)


def test_a_story_whose_title_names_the_person_does_not_repeat_the_name(make_site):
    _, _, page = only_page(make_site, "content/stories/a.md", """\
        ---
        title: 床前尽孝十八年的好儿媳姜彩霞
        date: 2024-01-05
        person: 姜彩霞
        honour: 浙江好人
        ---
        """)
    assert slides_of(page)[0].paragraphs == ("床前尽孝十八年的好儿媳姜彩霞", "浙江好人")


# A body as real ones come in: a newspaper byline, then a profile with what a street screen must never show.
PROFILE_BODY = """\
    本报讯（通讯员 周晓燕）

    何桂英，女，1968年5月出生，中共党员，球川镇红旗岗村网格员。她每天走访独居老人。
    """


def test_a_story_without_summary_never_takes_its_body(make_site):
    _, _, page = only_page(make_site, "content/stories/a.md", """\
        ---
        title: 走村串户的网格员
        date: 2024-01-05
        ---
        """ + PROFILE_BODY)
    [slide] = slides_of(page)
    assert slide.paragraphs == ("走村串户的网格员",)
    shown = "".join(slide.paragraphs)
    assert not any(word in shown for word in ("1968", "党员", "本报讯", "周晓燕", "女，"))


def test_a_story_without_person_shows_its_summary_and_never_the_body(make_site):
    _, _, page = only_page(make_site, "content/stories/a.md", """\
        ---
        title: 走村串户的网格员
        date: 2024-01-05
        summary: 红旗岗村的网格员每天走访独居老人，十年没有断过。
        ---
        """ + PROFILE_BODY)
    assert slides_of(page)[0].paragraphs == ("走村串户的网格员", "红旗岗村的网格员每天走访独居老人，十年没有断过。")


def test_a_plain_page_without_summary_shows_only_its_title(make_site):
    _, _, page = only_page(make_site, "content/pages/a.md", """\
        ---
        title: 联系我们
        date: 2024-01-05
        outputs: [site, led]
        ---
        地址：常山县天马街道人民路 1 号，电话 0570-5012345。
        """)
    assert slides_of(page)[0].paragraphs == ("联系我们",)


def test_an_activity_shows_title_time_and_place(make_site):
    _, _, page = only_page(make_site, "content/activities/a.md", """\
        ---
        title: 文明交通劝导
        date: 2024-03-01
        start: 2024-03-05 08:30
        place: 天马街道
        ---
        正文
        """)
    assert slides_of(page)[0].paragraphs == ("文明交通劝导", "时间：2024年3月5日 08:30", "地点：天马街道")


def test_a_letter_gives_its_title_then_one_slide_per_numbered_point(make_site):
    _, _, page = only_page(make_site, "content/letters/a.md", """\
        ---
        title: 文明养犬倡议书
        date: 2024-03-01
        ---
        广大市民朋友们：

        一、出门遛狗要拴绳，
        主动清理粪便。

        二、不在公共场所喧哗。

        也可以这样写：

        1. 按时给犬只接种疫苗。
        2. 办理养犬登记。

        常山县文明办
        """)
    slides = slides_of(page)
    assert [s.paragraphs for s in slides] == [
        ("文明养犬倡议书",), ("一、出门遛狗要拴绳，主动清理粪便。",), ("二、不在公共场所喧哗。",),
        ("1. 按时给犬只接种疫苗。",), ("2. 办理养犬登记。",)]
    # The points are the letter's full text: only screens that take full letters show them.
    assert [s.full_text for s in slides] == [False, True, True, True, True]
    lines = page.source_text.splitlines()
    assert lines[slides[1].line - 1].startswith("一、") and lines[slides[4].line - 1].startswith("2. ")
    assert [s.number for s in slides] == [1, 2, 3, 4, 5]


def test_a_slogan_file_gives_one_slide_per_block(make_site):
    _, _, page = only_page(make_site, "content/slides/a.md", """\
        ---
        title: 日常标语
        date: 2024-03-01
        ---
        文明常山
        有礼有你
        ---

        礼让斑马线
        ---
        """)
    slides = slides_of(page)
    assert [s.paragraphs for s in slides] == [("文明常山", "有礼有你"), ("礼让斑马线",)]
    lines = page.source_text.splitlines()
    assert lines[slides[0].line - 1] == "文明常山" and lines[slides[1].line - 1] == "礼让斑马线"


def test_led_text_replaces_the_defaults_and_may_hold_several_slides(make_site):
    _, _, page = only_page(make_site, "content/stories/a.md", """\
        ---
        title: 好人张三
        date: 2024-01-05
        person: 张三
        led:
          text: [张三, 助人为乐, "---", 向好人学习]
        ---
        正文
        """)
    slides = slides_of(page)
    assert [s.paragraphs for s in slides] == [("张三", "助人为乐"), ("向好人学习",)]
    assert slides[0].line == page.line_of("led", "text") > 1


def slogan(name: str, led: str = "", outputs: str = "") -> str:
    return f"---\ntitle: {name}\ndate: 2024-03-01\n{outputs}{led}---\n{name}\n"


def test_expired_pages_are_left_out_and_future_ones_kept(make_site):
    cfg, site = load(make_site, {
        "content/slides/old.md": slogan("过期", "led: {end: 2024-03-10}\n"),
        "content/slides/today.md": slogan("今天到期", "led: {end: 2024-03-11}\n"),
        "content/slides/night.md": slogan("夜场", "led: {end: 2024-03-10, time: ['22:00-02:00']}\n"),
        "content/slides/future.md": slogan("将来", "led: {start: 2024-05-01}\n"),
        "content/slides/web.md": slogan("只上网站", outputs="outputs: [site]\n"),
    })
    specs, problems = collect(site, cfg, TODAY)
    assert sorted(s.paragraphs[0] for s in specs) == sorted(["今天到期", "夜场", "将来"])
    assert problems == []


def test_loop_order_puts_higher_priority_first_then_type_then_newest(make_site):
    cfg, site = load(make_site, {
        "content/slides/a.md": slogan("普通标语"),
        "content/slides/b.md": slogan("重要标语", "led: {priority: 5}\n"),
        "content/stories/c.md": "---\ntitle: 好人\ndate: 2024-02-01\nperson: 李四\n---\n正文\n",
    })
    specs, _ = collect(site, cfg, TODAY)
    assert [s.paragraphs[0] for s in specs] == ["重要标语", "普通标语", "好人"]
    assert sorted(site.pages, key=loop_order)[0].meta.led.priority == 5


def test_led_screens_limits_the_screens_and_unknown_names_are_errors(make_site):
    cfg, site = load(make_site, {"content/slides/a.md": slogan("标语", "led: {screens: [gate, borad]}\n")})
    page = site.pages[0]
    screens, problems = screens_for(page, cfg, site.content_dir)
    assert [s.name for s in screens] == ["gate"]
    [problem] = problems
    assert "borad" in problem.message and "board" in problem.hint
    assert problem.path == str(site.content_dir / page.source) and problem.line == page.line_of("led", "screens")


def test_a_page_with_nothing_to_show_is_a_warning(make_site):
    cfg, site = load(make_site, {"content/slides/a.md": "---\ntitle: 空\ndate: 2024-03-01\n---\n\n---\n"})
    specs, [problem] = collect(site, cfg, TODAY)
    assert specs == [] and not problem.is_error and "找不到可以显示的文字" in problem.message


def test_plain_strips_markdown_and_one_line_cuts_at_a_clause():
    assert plain("# **文明**  [常山](x.html) ![图](a.jpg)`代码`") == "文明 常山 代码"
    assert one_line("短句。第二句。") == "短句。"
    assert one_line("一二三四五六七八九十，一二三四五六七八九十，一二三四五六七八九十。") == "一二三四五六七八九十，一二三四五六七八九十……"
    assert one_line("一" * 40) == "一" * 28 + "……"


def test_pages_expire_by_type_unless_led_end_says_otherwise(make_site):
    activity = "---\ntitle: {t}\ndate: 2024-02-20\nstart: 2024-03-02 09:00\nend: 2024-03-0{d} 11:00\n{led}---\n正文\n"
    story = "---\ntitle: {t}\ndate: {d}\n---\n正文\n"
    cfg, site = load(make_site, {
        "content/activities/over.md": activity.format(t="上周的劝导", d=7, led=""),
        "content/activities/recent.md": activity.format(t="刚结束的劝导", d=8, led=""),
        "content/activities/kept.md": activity.format(t="留到月底", d=2, led="led: {end: 2024-03-31}\n"),
        "content/stories/old.md": story.format(t="前年的好人", d="2023-01-10"),
        "content/stories/new.md": story.format(t="今年的好人", d="2024-01-10"),
        "content/letters/l.md": "---\ntitle: 老倡议书\ndate: 2019-05-01\n---\n正文\n",
    })
    gone = []
    specs, _ = collect(site, cfg, TODAY, gone)
    assert sorted(s.paragraphs[0] for s in specs) == ["今年的好人", "刚结束的劝导", "留到月底", "老倡议书"]
    assert sorted((e.page.title, e.ended) for e in gone) == [("上周的劝导", date(2024, 3, 10)),
                                                             ("前年的好人", date(2024, 1, 10))]
    assert all("led.expiry" in e.reason for e in gone)


def test_expiry_days_come_from_the_config(make_site):
    root = make_site({"content/stories/old.md": "---\ntitle: 前年的好人\ndate: 2023-01-10\n---\n正文\n"},
                     config=MINIMAL_CONFIG.replace("led:\n", "led:\n  expiry: {story_days: 0}\n"))
    cfg = config.load(root / "site_config.yaml")
    specs, _ = collect(content.load_site(cfg, root / "content"), cfg, TODAY)
    assert [s.paragraphs[0] for s in specs] == ["前年的好人"]
