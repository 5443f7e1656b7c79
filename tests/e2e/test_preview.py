"""The real preview server (`python -m generator serve`) with pages open in Chromium: a save shows
up in the open page by itself, the open staff page (`/_staff/`) follows with the new WeChat text,
and the error page of a broken save refreshes itself once the file is fixed."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import STORY
from tests.unit.test_serve_server import _free_port, _request

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def preview(make_site):
    root = make_site({"content/stories/a.md": STORY})
    port = _free_port()
    child = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--port", str(port),
                              "--config", str(root / "site_config.yaml")], cwd=root,
                             env={**os.environ, "PYTHONPATH": str(ROOT)},
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if _request(port, "GET", "/wenming/")[0] == 200:
                break
        except OSError:
            time.sleep(0.2)
    yield root, f"http://127.0.0.1:{port}/wenming/"
    child.terminate()
    child.wait(10)


def _open(browser, url: str):
    page = browser.new_page()
    page.goto(url)
    page.wait_for_function("window.LiveReload !== undefined", timeout=30_000)
    return page


def _shows(page, text: str) -> None:
    page.wait_for_function("t => document.body && document.body.innerText.includes(t)", arg=text,
                           timeout=30_000)


def test_a_save_shows_in_the_open_pages_and_the_error_page_refreshes_itself(preview, browser):
    root, url = preview
    story = root / "content/stories/a.md"
    article = _open(browser, url + "stories/a/")
    staff = _open(browser, url + "_staff/wechat/a/")
    try:
        assert "热心人" in article.inner_text("body") and "热心人" in staff.inner_text("body")
        story.write_text(STORY.replace("热心人", "浏览器测试人"), encoding="utf-8")
        _shows(article, "浏览器测试人")
        _shows(staff, "浏览器测试人")
        story.write_text(STORY.replace("date: 2023-09-11", "date: 2023-02-30"), encoding="utf-8")
        _shows(article, "构建出错")
        assert "2023-02-30" in article.inner_text("body")
        story.write_text(STORY.replace("热心人", "改好了的热心人"), encoding="utf-8")
        _shows(article, "改好了的热心人")
        _shows(staff, "改好了的热心人")
    finally:
        article.close()
        staff.close()
