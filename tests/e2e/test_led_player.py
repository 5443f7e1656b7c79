"""The offline LED player in headless Chromium (its clock driven by hand), and an ES5 syntax check of its JavaScript."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import threading
from datetime import datetime
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from generator import config
from generator.model import content
from generator.formats.led import render_led
from generator.render.templates import SHIPPED as SHIPPED_TEMPLATES, Templates

REPO = Path(__file__).resolve().parents[2]
ACORN = REPO / ".tools" / "node_modules" / "acorn"
BUILT = datetime(2024, 3, 11, 10, 0)  # a Monday


def slogan(text: str, led: str = "", title: str | None = None) -> str:
    return f"---\ntitle: {title or text}\ndate: 2024-03-01\n{led}---\n{text}\n"


LOOP = {
    "content/slides/a.md": slogan("一号", "led: {duration: 2}\n"),
    "content/slides/b.md": slogan("二号", "led: {duration: 6}\n"),
    "content/slides/c.md": slogan("三号过期", "led: {end: 2024-03-12}\n"),
    "content/slides/d.md": slogan("四号晚上", "led: {time: ['20:00-22:00']}\n"),
    "content/slides/e.md": slogan("五号周日", "led: {weekdays: [7]}\n"),
}


def write_output(make_site, files: dict[str, str], out: Path) -> dict[str, str]:
    """Build the LED output of a small site into `out`; return {slide title: frame file} for the gate screen."""
    root = make_site(files)
    cfg = config.load(root / "site_config.yaml")
    result = render_led(content.load_site(cfg, root / "content"), cfg, now=BUILT, build_id="one", templates=Templates(SHIPPED_TEMPLATES))
    assert not [p for p in result.problems if p.is_error]
    for rel, data in result.files.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(data)
    items = json.loads(result.files["led/gate/playlist.json"])["items"]
    return {item["title"]: item["file"] for item in items}


# The shared session `browser` (tests/e2e/conftest.py) is used: a second sync_playwright() started while the
# session's one runs in the same worker fails ("Sync API inside the asyncio loop").


@pytest.fixture
def page(browser):
    opened = browser.new_page(viewport={"width": 384, "height": 192})
    yield opened
    opened.close()


def clock(text: str) -> int:
    """Milliseconds since the epoch of a local time, as the page's own Date computes it."""
    return int(datetime.fromisoformat(text).timestamp() * 1000)


def shown(page) -> list[dict]:
    return page.evaluate("window.LED.log.slice()")


def drive(page, start: str):
    """Open-loop clock: the page reads window.T; returns `at(when)`, which moves the clock, waits for
    the player's next tick and returns the frame it shows. No real-time waits, so no timing slack."""
    page.add_init_script(f"window.T = {clock(start)}; window.LED_CLOCK = function () {{ return window.T; }};")

    def at(when: str) -> str:
        ticks = page.evaluate(f"window.T = {clock(when)}; window.LED.state.ticks")
        page.wait_for_function(f"window.LED.state.ticks > {ticks}")
        return page.evaluate("document.body.getAttribute('data-current')")

    return at


@pytest.mark.e2e
def test_frames_advance_at_their_durations_and_the_loop_repeats(make_site, tmp_path, page):
    files = write_output(make_site, LOOP, tmp_path)
    at = drive(page, "2024-03-13T10:00:00")
    page.goto((tmp_path / "led/gate/index.html").as_uri())
    one, two = files["一号"], files["二号"]
    # 一号 shows 2 s, 二号 6 s; expired, evening and Sunday items are skipped.
    for start in (0, 8, 16):
        assert at(f"2024-03-13T10:00:{start + 1:02d}.999") == one
        assert at(f"2024-03-13T10:00:{start + 2:02d}") == two, f"二号 after 2 s (loop from {start} s)"
        assert at(f"2024-03-13T10:00:{start + 7:02d}.999") == two
        assert at(f"2024-03-13T10:00:{start + 8:02d}") == one, f"一号 again after 6 s ({start} s)"
    log = shown(page)
    assert [e["file"] for e in log[:6]] == [one, two] * 3
    assert [e["at"] - log[0]["at"] for e in log[:6]] == [0, 2000, 8000, 10000, 16000, 18000]
    assert log[5]["loop"] == 2
    size = page.evaluate("""() => { const img = [...document.images].find(i => i.style.visibility === 'visible');
        const box = img.getBoundingClientRect(); return [img.naturalWidth, img.naturalHeight, box.width, box.height]; }""")
    assert size == [384, 192, 384, 192], "frames are shown 1:1 at the screen's size"


@pytest.mark.e2e
def test_an_emergency_takes_over_during_its_window_and_then_hands_back(make_site, tmp_path, page):
    files = write_output(make_site, {
        "content/slides/a.md": slogan("一号", "led: {duration: 20}\n"),  # long, so only an interruption
        "content/slides/b.md": slogan("二号", "led: {duration: 25}\n"),  # can explain a switch on time
        "content/slides/z.md": slogan("紧急停水", "led: {emergency: true, time: ['10:01-10:02']}\n"),
    }, tmp_path)
    # Drive the player's clock by hand through the window.LED_CLOCK hook: every step is exact.
    at = drive(page, "2024-03-13T10:00:50")
    page.goto((tmp_path / "led/gate/index.html").as_uri())

    assert at("2024-03-13T10:00:59") == files["一号"]
    assert at("2024-03-13T10:01:00") == files["紧急停水"], "the emergency interrupts the current frame at once"
    assert at("2024-03-13T10:01:30") == files["紧急停水"]
    assert at("2024-03-13T10:02:00") == files["二号"], "the loop carries on where it was interrupted"
    assert [e["at"] for e in shown(page)] == [clock(f"2024-03-13T{t}") for t in ("10:00:50", "10:01:00", "10:01:30", "10:02:00")]


@pytest.mark.e2e
def test_dates_weekdays_and_overnight_windows_follow_the_device_clock(make_site, tmp_path, page):
    write_output(make_site, {"content/slides/a.md": LOOP["content/slides/a.md"]}, tmp_path)
    page.goto((tmp_path / "led/gate/index.html").as_uri())
    item = {"time": [["22:00", "02:00"]], "weekdays": [5], "start": "2024-03-01", "end": "2024-03-15"}
    cases = {
        "2024-03-15T23:00": True,  # Friday night
        "2024-03-16T01:30": True,  # still Friday's window, although the calendar says Saturday
        "2024-03-16T02:30": False,  # the window has closed
        "2024-03-16T23:00": False,  # Saturday is not a chosen weekday
        "2024-03-22T23:00": False,  # after the end date
        "2024-03-08T21:59": False,  # before the window opens
        "2024-03-08T22:00": True,
    }
    for when, expected in cases.items():
        got = page.evaluate("([item, t]) => window.LED.eligible(item, t)", [item, clock(when)])
        assert got is expected, when


@pytest.mark.e2e
def test_over_http_the_player_picks_up_a_new_playlist(make_site, tmp_path, page):
    files = write_output(make_site, {k: LOOP[k] for k in ("content/slides/a.md", "content/slides/b.md")}, tmp_path)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page.goto(f"http://127.0.0.1:{server.server_port}/led/gate/index.html?speed=50&reload=200")
        page.wait_for_function("window.LED.log.length >= 2", timeout=10_000)
        path = tmp_path / "led/gate/playlist.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        data["build_id"] = "two"
        data["items"] = [i for i in data["items"] if i["file"] == files["二号"]]
        path.write_text(json.dumps(data), encoding="utf-8")
        page.wait_for_function("window.LED.data().build_id === 'two'", timeout=10_000)
        count = len(shown(page))
        page.wait_for_function(f"window.LED.log.length >= {count + 3}", timeout=10_000)
        assert {e["file"] for e in shown(page)[count:]} == {files["二号"]}
    finally:
        server.shutdown()
        server.server_close()


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass


@pytest.mark.e2e
def test_looping_for_long_keeps_the_page_from_growing(make_site, tmp_path, page):
    write_output(make_site, {k: LOOP[k] for k in ("content/slides/a.md", "content/slides/b.md")}, tmp_path)
    page.goto((tmp_path / "led/gate/index.html").as_uri() + "?speed=2000")
    page.wait_for_function("window.LED.state.shown > 20", timeout=20_000)
    nodes = "[document.getElementsByTagName('*').length, document.images.length]"
    early = page.evaluate(nodes)
    page.wait_for_function("window.LED.state.shown > 210", timeout=20_000)
    assert page.evaluate(nodes) == early and early[1] == 2, "no elements are added as the loop goes round"
    assert page.evaluate("window.LED.log.length") == 200, "the test log is capped"


def player_script(make_site, tmp_path) -> str:
    write_output(make_site, LOOP, tmp_path)
    html = (tmp_path / "led/gate/index.html").read_text(encoding="utf-8")
    return re.search(r"<script>(.*?)</script>", html, re.S).group(1)


def es5_errors(source: str, tmp_path: Path) -> str:
    """Parse with acorn at ecmaVersion 5; the error text, or "" when the source is valid ES5."""
    if shutil.which("node") is None:
        pytest.skip("node is not installed, so the player's JavaScript cannot be checked for ES5")
    assert ACORN.is_dir(), f"acorn is missing: run `cd {REPO}/.tools && npm install --no-save acorn@8.15.0`"
    script = tmp_path / "player.js"
    script.write_text(source, encoding="utf-8")
    check = (f"const acorn = require({json.dumps(str(ACORN))});"
             f"acorn.parse(require('fs').readFileSync({json.dumps(str(script))}, 'utf8'), {{ecmaVersion: 5}});")
    run = subprocess.run(["node", "-e", check], capture_output=True, text=True, timeout=60)
    return run.stderr if run.returncode else ""


def test_the_player_javascript_is_es5(make_site, tmp_path):
    assert es5_errors(player_script(make_site, tmp_path), tmp_path) == ""
    # The check itself must be able to fail: ES2015 syntax is refused.
    assert "SyntaxError" in es5_errors("var f = (x) => x; let y = 1;", tmp_path)
