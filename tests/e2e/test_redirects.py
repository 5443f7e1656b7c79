"""A reader following an old address in Chromium lands on the page's new one; per-type feeds are linked."""
from __future__ import annotations

import functools
import http.server
import threading
from datetime import datetime
from pathlib import Path

import pytest

from generator import config
from generator.build.pipeline import BuildOptions, build
from tests.conftest import STORY, write_tree, MINIMAL_CONFIG
from tests.e2e.conftest import _QuietHandler

pytestmark = pytest.mark.e2e
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
MOVED = STORY.replace("title: 好人张三", "title: 好人张三\nslug: zhang-san\naliases: [/stories/old-name/]")


@pytest.fixture
def served(tmp_path):
    """A small site with an alias, built and served under its base path /wenming/."""
    root = write_tree(tmp_path / "site", {"site_config.yaml": MINIMAL_CONFIG, "content/stories/a.md": MOVED})
    docroot = tmp_path / "docroot"
    build(config.load(root / "site_config.yaml"),
          BuildOptions(root / "content", docroot / "wenming", TEMPLATES, datetime(2024, 1, 1)))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(docroot)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/wenming/"
    server.shutdown()


def test_an_old_address_takes_the_reader_to_the_new_page(browser, served):
    tab = browser.new_page()
    tab.goto(served + "stories/old-name/")
    tab.wait_for_url(served + "stories/zhang-san/", timeout=10_000)
    assert tab.locator("h1").first.inner_text().strip() == "好人张三"
    tab.close()
