"""Responsive images in real Chromium: the browser takes the srcset candidate that fits the screen
(WebP), and pictures far below the fold are not fetched until the reader scrolls to them."""
from __future__ import annotations

import functools
import http.server
import io
import shutil
import threading
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image

from generator import config
from generator.build.pipeline import BuildOptions, build

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
CASE = ROOT / "tests/golden/cases/basic"
PARAGRAPH = "志愿者每天清晨来到社区，帮老人买菜、量血压、读报纸，一做就是十年。" * 4


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _photo(path: Path, colour: str) -> None:
    image = Image.linear_gradient("L").resize((1600, 1200)).convert("RGB")
    image.paste(colour, (400, 300, 1200, 900))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    path.write_bytes(out.getvalue())


@pytest.fixture(scope="module")
def long_story(tmp_path_factory) -> str:
    """A site with one story: a cover photo at the top, a long body, three photos at its end."""
    root = tmp_path_factory.mktemp("responsive")
    shutil.copytree(CASE, root / "case")
    content = root / "case/content"
    for name, colour in (("a", "#c03030"), ("b", "#30a030"), ("c", "#3030c0")):
        _photo(content / "images" / f"far-{name}.jpg", colour)
    story = (content / "stories/2024-05-li-a-yi.md").read_text(encoding="utf-8")
    far = "\n\n".join(f"![远处的照片 {n}](../images/far-{n}.jpg)" for n in "abc")
    (content / "stories/2024-05-li-a-yi.md").write_text(
        story + "\n\n" + "\n\n".join([PARAGRAPH] * 60) + "\n\n" + far + "\n", encoding="utf-8")
    out = root / "public"
    cfg = config.load(root / "case/site_config.yaml")
    build(cfg, BuildOptions(content, out, ROOT / "templates", datetime(2024, 6, 1, 9, 0)))
    docroot = root / "docroot"
    docroot.mkdir()
    (docroot / "wenming").symlink_to(out, target_is_directory=True)
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(docroot)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/wenming/stories/2024-05-li-a-yi/"
    server.shutdown()


def _open(browser, url: str, width: int, scale: float):
    context = browser.new_context(viewport={"width": width, "height": 800},
                                  device_scale_factor=scale)
    tab = context.new_page()
    tab.fetched = []
    tab.on("request", lambda r: tab.fetched.append(r.url.rsplit("/", 1)[-1]))
    tab.goto(url, wait_until="load")
    return context, tab


@pytest.mark.parametrize("width,scale,wanted", [(390, 2.0, "cover.800w.webp"),
                                                (390, 1.0, "cover.480w.webp"),
                                                (1280, 1.0, "cover.800w.webp"),
                                                (1280, 2.0, "cover.webp")])
def test_the_browser_takes_the_candidate_that_fits(browser, long_story, width, scale, wanted):
    context, tab = _open(browser, long_story, width, scale)
    try:
        chosen = tab.evaluate("document.querySelector('.cover img').currentSrc")
        assert chosen.rsplit("/", 1)[-1] == wanted
        assert wanted in tab.fetched and "cover.jpg" not in tab.fetched, tab.fetched
        box = tab.evaluate("(() => { const r = document.querySelector('.cover img')"
                           ".getBoundingClientRect(); return [r.width, r.height]; })()")
        assert box[1] == pytest.approx(box[0] / 2, abs=1), "width/height keep the shape"
    finally:
        context.close()


def test_pictures_below_the_fold_wait_until_the_reader_scrolls(browser, long_story):
    context, tab = _open(browser, long_story, 390, 2.0)
    try:
        tab.wait_for_timeout(500)
        far = [f for f in tab.fetched if f.startswith("far-")]
        assert far == [], f"fetched on load: {far}"
        assert tab.evaluate("document.querySelector('.cover img').loading") == "auto"
        lazy = tab.evaluate("[...document.querySelectorAll('.body img')].map(i => i.loading)")
        assert lazy == ["lazy"] * 3
        tab.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        tab.wait_for_function("[...document.querySelectorAll('.body img')].every(i => i.complete"
                              " && i.naturalWidth > 0)")
        far = sorted(f for f in tab.fetched if f.startswith("far-"))
        assert far == ["far-a.800w.webp", "far-b.800w.webp", "far-c.800w.webp"]
    finally:
        context.close()
