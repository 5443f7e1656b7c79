"""Pages into LED slides: per-type defaults, slogan files, led.text, schedules at build time and screen choice."""
from __future__ import annotations

from datetime import date

from generator import config
from generator.model import content
from generator.formats.led.slides import collect, loop_order, one_line, plain, screens_for, slides_of

TODAY = date(2024, 3, 11)


def load(make_site, files: dict[str, str]):
    root = make_site(files)
    cfg = config.load(root / "site_config.yaml")
    return cfg, content.load_site(cfg, root / "content")


def only_page(make_site, path: str, text: str):
    cfg, site = load(make_site, {path: text})
    return cfg, site, next(p for p in site.pages if p.source == path.removeprefix("content/"))


def test_a_story_shows_name_honour_and_a_short_line(make_site):
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
    assert slide.paragraphs == ("姜彩霞", "2023年第三季度“浙江好人”", "婆婆中风卧床十八年，姜彩霞每天翻身、擦洗、喂饭……")
    assert slide.line == page.body_line


def test_a_story_without_summary_uses_the_first_sentence_of_its_body(make_site):
    _, _, page = only_page(make_site, "content/stories/a.md", """\
        ---
        title: 好人张三
        date: 2024-01-05
        person: 张三
        category: 助人为乐
        ---
        ## 小标题

        张三**常年**帮助[邻居](https://example.com)。还有第二句。
        """)
    assert slides_of(page)[0].paragraphs == ("张三", "助人为乐", "张三常年帮助邻居。")


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
    assert [s.paragraphs[0] for s in specs] == ["重要标语", "普通标语", "李四"]
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
