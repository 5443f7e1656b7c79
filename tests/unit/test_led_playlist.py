"""The LED output end to end: playlist.json, playlist.txt, frame names, caching, problems and the player page."""
from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime

from generator import config
from generator.model import content
from generator.formats.led import render_led
from generator.render.templates import SHIPPED as SHIPPED_TEMPLATES, Templates

NOW = datetime(2024, 3, 11, 10, 0)
STRIP_SCROLL = """\
site: {title: 测试站, base_url: "https://example.gov.cn/"}
led:
  screens:
    - {name: strip, width: 192, height: 32, colour: dual, font_size: 16, min_font_size: 16, duration: 5,
       scroll: true, scroll_speed: 40}
"""


def slogan(text: str, led: str = "", title: str = "标语") -> str:
    return f"---\ntitle: {title}\ndate: 2024-03-01\n{led}---\n{text}\n"


def build(make_site, files, cfg_text=None, **options):
    root = make_site(files, cfg_text)
    cfg = config.load(root / "site_config.yaml")
    site = content.load_site(cfg, root / "content")
    return render_led(site, cfg, now=NOW, build_id=options.pop("build_id", "b1"),
                      templates=Templates(SHIPPED_TEMPLATES), **options), site


def playlist(result, screen: str) -> dict:
    return json.loads(result.files[f"led/{screen}/playlist.json"])


def test_playlist_json_describes_every_frame_with_its_schedule(make_site):
    result, _ = build(make_site, {
        "content/slides/a.md": slogan("文明常山", "led: {duration: 4, weekdays: [1, 3], time: ['22:00-02:00'],"
                                               " start: 2024-03-01, end: 2024-12-31, priority: 2}\n"),
        "content/slides/b.md": slogan("紧急通知", "led: {emergency: true}\n", title="停水"),
    })
    data = playlist(result, "gate")
    assert (data["screen"], data["width"], data["height"], data["build_id"]) == ("gate", 384, 192, "b1")
    first, second = data["items"]
    assert first["order"] == 1 and first["duration_ms"] == 4000 and first["source"] == "slides/a.md"
    assert (first["start"], first["end"], first["weekdays"], first["time"]) == \
        ("2024-03-01", "2024-12-31", [1, 3], [["22:00", "02:00"]])
    assert first["priority"] == 2 and not first["emergency"]
    assert second["emergency"] and second["duration_ms"] == 7000 and second["title"] == "停水"
    assert data["total_ms"] == 4000, "emergency items interrupt the loop and are not part of its length"
    for item in data["items"]:
        frame = result.files["led/gate/" + item["file"]]
        assert item["md5"] == hashlib.md5(frame).hexdigest() and item["bytes"] == len(frame)
    [loop] = [l for l in result.loops if l.name == "gate"]
    assert [i.file for i in loop.items] == [i["file"] for i in data["items"]] and loop.total_ms == 4000


def test_expired_items_are_dropped_and_future_ones_kept_with_their_dates(make_site):
    result, _ = build(make_site, {
        "content/slides/old.md": slogan("旧标语", "led: {end: 2024-03-01}\n", title="旧"),
        "content/slides/new.md": slogan("新标语", "led: {start: 2024-04-01}\n", title="新"),
    })
    data = playlist(result, "board")
    assert [i["title"] for i in data["items"]] == ["新"]
    assert data["items"][0]["start"] == "2024-04-01"
    assert "2024年4月1日 起" in result.files["led/board/playlist.txt"].decode()


def test_playlist_txt_tells_staff_what_to_load_in_plain_chinese(make_site):
    result, _ = build(make_site, {
        "content/slides/a.md": slogan("文明常山", "led: {weekdays: [6, 7], time: ['22:00-02:00', '07:00-09:00']}\n"),
        "content/slides/b.md": slogan("紧急", "led: {emergency: true}\n", title="紧急"),
    })
    text = result.files["led/board/playlist.txt"].decode()
    data = playlist(result, "board")
    assert "尺寸：128×32 像素 · 单色（红色）" in text
    assert "星期：周六、周日" in text and "时段：22:00–次日02:00、07:00–09:00" in text
    assert "星期：每天" in text and "时段：全天" in text and "紧急插播" in text
    for item in data["items"]:
        assert f"文件：{item['file']}" in text and item["md5"] in text


def test_frame_names_change_only_with_their_own_content(make_site):
    files = {"content/slides/a.md": slogan("文明常山"), "content/slides/b.md": slogan("有礼有你", title="乙")}
    first, _ = build(make_site, files)
    second, _ = build(make_site, {**files, "content/slides/b.md": slogan("有礼有你！", title="乙")}, build_id="b2")
    a_first = [n for n in first.files if "/frames/a-" in n]
    a_second = [n for n in second.files if "/frames/a-" in n]
    assert a_first == a_second and a_first
    assert {n for n in first.files if "/frames/b-" in n}.isdisjoint(n for n in second.files if "/frames/b-" in n)
    assert all(re.fullmatch(r"led/\w+/frames/[ab]-\d+-[0-9a-f]{10}\.png", n) for n in a_first)


def test_identical_input_gives_identical_bytes_and_the_cache_skips_drawing(make_site, tmp_path):
    files = {"content/slides/a.md": slogan("文明常山\n有礼有你"), "content/stories/s.md": (
        "---\ntitle: 好人\ndate: 2024-02-01\nperson: 张三\nhonour: 助人为乐好人\nsummary: 张三常年帮助邻居。\n---\n正文\n")}
    cache = tmp_path / "cache"
    cold, _ = build(make_site, files, cache_dir=cache)
    warm, _ = build(make_site, files, cache_dir=cache)
    assert cold.frames_drawn > 0 and warm.frames_drawn == 0
    assert warm.files == cold.files
    uncached, _ = build(make_site, files)
    assert uncached.files == cold.files
    next(cache.glob("*.png")).unlink()
    again, _ = build(make_site, files, cache_dir=cache)
    assert again.frames_drawn == 1 and again.files == cold.files
    for layout in cache.glob("layout/*.json"):
        layout.write_text("{damaged", encoding="utf-8")
    repaired, _ = build(make_site, files, cache_dir=cache)
    assert repaired.files == cold.files and repaired.frames_drawn == 0


def test_a_unit_too_wide_for_a_screen_is_a_chinese_error_not_a_crash(make_site):
    result, site = build(make_site, {
        "content/slides/a.md": slogan("请访问 wenming-changshan-county-gov\n---\n文明常山"),
    })
    [problem] = [p for p in result.problems if "board" in p.message]
    assert problem.is_error and problem.path == str(site.content_dir / "slides/a.md") and problem.line == 5
    assert "第 1 张" in problem.message and "wenming-changshan-county-gov" in problem.message
    assert "最小字号 12px" in problem.message
    board = playlist(result, "board")
    assert len(board["items"]) == 1, "the other slide is still shown"


def test_led_screens_limits_where_a_page_plays(make_site):
    result, _ = build(make_site, {"content/slides/a.md": slogan("只在大门", "led: {screens: [gate]}\n")})
    assert len(playlist(result, "gate")["items"]) == 1
    assert playlist(result, "strip")["items"] == [] and playlist(result, "board")["items"] == []


def test_unreviewed_pages_get_marked_frames_and_reviewed_ones_do_not(make_site):
    files = {"content/slides/a.md": slogan("文明常山"), "content/slides/b.md": slogan("有礼有你", title="乙")}
    clean, _ = build(make_site, files)
    marked, _ = build(make_site, files, unreviewed=frozenset({"slides/a.md"}))
    a_clean = {n for n in clean.files if "/frames/a-" in n}
    b_clean = {n for n in clean.files if "/frames/b-" in n}
    assert a_clean.isdisjoint(n for n in marked.files if "/frames/a-" in n)
    assert b_clean == {n for n in marked.files if "/frames/b-" in n}


def test_strip_screens_show_one_line_per_frame_and_a_scrolling_image(make_site):
    result, _ = build(make_site, {
        "content/slides/a.md": slogan("文明常山\n有礼有你"),
        "content/slides/b.md": slogan("只在周末", "led: {weekdays: [6, 7]}\n", title="周末"),
    }, STRIP_SCROLL)
    data = playlist(result, "strip")
    assert [i["title"] for i in data["items"]] == ["标语（1/2）", "标语（2/2）", "周末"]
    assert all(i["duration_ms"] == 5000 for i in data["items"])
    scroll = data["scroll"]
    assert scroll["speed_px_per_s"] == 40 and scroll["height"] == 32
    assert scroll["duration_ms"] == round(scroll["width"] * 1000 / 40)
    assert result.files["led/strip/" + scroll["file"]][:8] == b"\x89PNG\r\n\x1a\n"
    assert "连续左移" in result.files["led/strip/playlist.txt"].decode()


def test_the_player_embeds_the_playlist_safely(make_site):
    result, _ = build(make_site, {"content/slides/a.md": slogan("文明", title="</script><b>坏</b>")})
    html = result.files["led/gate/index.html"].decode()
    assert html.count("</script>") == 1 and "<b>坏" not in html
    embedded = re.search(r"var DATA = (\{.*?\});\n", html).group(1)
    assert json.loads(embedded) == playlist(result, "gate")
    assert 'content="width=384, height=192' in html
