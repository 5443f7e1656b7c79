"""Real-looking texts on a phone (390 px): a pasted source URL, a long code and address, and the LED review page (staff)."""
from __future__ import annotations

import functools
import http.server
import threading
from datetime import datetime
from pathlib import Path

import pytest

from generator import config
from generator.build.pipeline import BuildOptions, build
from tests.conftest import MINIMAL_CONFIG, write_tree
from tests.e2e.conftest import ROOT, _QuietHandler
from tests.unit.test_site_finish import LETTER_OPENING, STORY, URL

pytestmark = pytest.mark.e2e
LONG_LINE = ("\n统一社会信用代码：11330822MB1234567X，办事指南见 https://www.zjzwfw.gov.cn/zjservice/item/detail/"
             "index.do?localInnerCode=9a0c2c1e-5d8a-4e6b-8f3c-1a2b3c4d5e6f\n")


@pytest.fixture(scope="module")
def real_url(tmp_path_factory):
    """A small site of our own texts, built and served under /wenming/."""
    root = write_tree(tmp_path_factory.mktemp("real") / "site", {
        "site_config.yaml": MINIMAL_CONFIG, "content/stories/he.md": STORY.format(source=URL) + LONG_LINE,
        "content/letters/jie.md": LETTER_OPENING})
    docroot = root.parent / "docroot"
    cfg = config.load(root / "site_config.yaml")
    build(cfg, BuildOptions(root / "content", docroot / "wenming", ROOT / "templates", datetime(2024, 10, 20, 9),
                            staff_dir=docroot / "_staff"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(docroot)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/wenming/"
    server.shutdown()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    yield context.new_page()
    context.close()


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_pages_with_a_pasted_url_do_not_scroll_sideways(phone, real_url):
    for path in ("", "stories/", "stories/he/", "letters/jie/", "../_staff/wechat/he/"):
        phone.goto(real_url + path)
        assert fits(phone), path
    phone.goto(real_url + "stories/he/")
    label = phone.locator(".meta a")
    assert label.inner_text() == "zjnews.zjol.com.cn" and label.get_attribute("href") == URL
    source = phone.locator(".meta div", has_text="来源")
    dt_box = source.locator("dt").bounding_box()
    assert dt_box["height"] < 40, "来源： is on one line"


def test_the_led_page_shows_one_loop_per_screen_scaled_to_the_phone(phone, real_url):
    phone.goto(real_url + "../_staff/led/")  # the staff folder, served beside the site
    assert fits(phone)
    loops = phone.locator(".led-loop img")
    assert loops.count() == 3
    for n in range(3):
        box = loops.nth(n).bounding_box()
        assert 0 < box["width"] <= 390 and box["height"] > 0
    frames = "performance.getEntriesByType('resource').filter(e => e.name.includes('/frames/')).length"
    before = phone.evaluate(frames)
    assert before == 3, "only each loop's first frame loads before the frames are asked for"
    phone.locator(".led-all summary").first.click()
    phone.wait_for_timeout(300)
    assert phone.evaluate(frames) > before
    assert phone.evaluate("document.documentElement.scrollHeight") < 6000
