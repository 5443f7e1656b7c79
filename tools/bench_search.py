"""`make bench-search`: search answers in Chromium over a 10,000-page index (moved out of the tests:
it measures
time). Prints the cold and warm answer times the page reports and the bytes one query downloads."""

from __future__ import annotations

import functools
import http.server
import random
import shutil
import sys
import tempfile
import threading
from datetime import datetime
from pathlib import Path

from generator import config
from generator.build.pipeline import BuildOptions, build
from generator.formats.site.search import index_texts, page_text
from generator.render.routes import make_routes

REPO = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def synthetic_pages(count: int) -> list[tuple[str, str, str]]:
    """Article pages of realistic length made from a fixed stock of phrases (seeded: the same every
    run)."""
    rng = random.Random(7)
    stock = ["志愿服务", "垃圾分类", "文明交通", "孝老爱亲", "便民服务", "新时代文明实践", "柚苑社区", "白石镇", "邻里互助",
             "消防安全", "移风易俗", "关爱老人", "环境整治", "乡村振兴", "助人为乐", "见义勇为", "诚实守信", "敬业奉献"]
    filler = "的了是在和有我们这个为一也不人都要就对中到把上山水田村民群众活动开展组织参加共同美好生活家园"
    pages = []
    for n in range(count):
        words = [
            (
                rng.choice(stock)
                if rng.random() < 0.3
                else "".join(rng.sample(filler, rng.randint(2, 4)))
            )
            for _ in range(300)
        ]
        body = "".join(f"<p>{''.join(words[i:i + 20])}。</p>" for i in range(0, 300, 20))
        title = "".join(rng.sample(stock, 2))
        pages.append(
            (f"/changshan/x/{n}/", title, f"<main><article><h1>{title}</h1>{body}</article></main>")
        )
    return pages


def _site_with_index(work: Path, count: int) -> tuple[Path, str]:
    cfg = config.load(REPO / "site_config.yaml")
    out = work / "public"
    build(cfg, BuildOptions(REPO / "content", out, REPO / "templates", datetime(2026, 11, 20, 9)))
    shutil.rmtree(out / "search" / "data", ignore_errors=True)
    pages = [(url, title, page_text(html)) for url, title, html in synthetic_pages(count)]
    base_path = make_routes(cfg).base_path
    for rel, data in index_texts(pages, base_path).items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(data)
    return out, base_path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the report readable
        pass


def _serve(out: Path, base_path: str, docroot: Path):
    mount = docroot / base_path.strip("/")
    mount.parent.mkdir(parents=True, exist_ok=True)
    mount.symlink_to(out, target_is_directory=True)
    handler = functools.partial(_QuietHandler, directory=str(docroot))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}{base_path}"


def _answer_ms(tab, query: str) -> int:
    tab.evaluate("document.getElementById('search-app').removeAttribute('data-state')")
    tab.fill("#search-q", query)
    tab.press("#search-q", "Enter")
    tab.wait_for_selector("#search-app[data-state=done]")
    return int(tab.get_attribute("#search-app", "data-ms"))


def main(count: int = 10_000) -> None:
    """Build the index, serve it on 127.0.0.1 and time one query cold and warm in Chromium."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="wenming-search-") as tmp:
        out, base_path = _site_with_index(Path(tmp), count)
        server, url = _serve(out, base_path, Path(tmp) / "docroot")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
            )
            tab = browser.new_page(viewport={"width": 360, "height": 740})
            received: list[int] = []
            tab.on(
                "response", lambda r: "/search/data/" in r.url and received.append(len(r.body()))
            )
            tab.goto(url + "search/")
            tab.wait_for_timeout(200)
            received.clear()
            cold = _answer_ms(tab, "志愿服务")
            downloaded = sum(received)
            warm = _answer_ms(tab, "志愿服务")
            browser.close()
        server.shutdown()
    print(f"搜索 {count:,} 篇：首次 {cold} ms，再次 {warm} ms（目标 < 100 ms），一次查询下载 {downloaded:,} 字节")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
