"""The honour wall, dashboard and search pages in Chromium: filters, no-JS lists, phone width, axe and the Nu checker."""
from __future__ import annotations

import contextlib
import functools
import http.server
import json
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import pytest

from generator import config
from generator.model.content import load_site
from generator.render.routes import make_routes
from generator.formats.site.search import index_texts, page_text


pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / ".tools/node_modules/axe-core/axe.min.js"
VNU = ROOT / ".tools/node_modules/vnu-jar/build/dist/vnu.jar"
PAGES = ("dashboard/", "honour/", "search/")


def build_showcase_site(sample_site: Path, out: Path, shard_bytes: int = 600) -> list[tuple[str, str, str]]:
    """Copy the built sample site and rebuild its search index with small shards.

    Small shards spread the terms over many files, so the browser's hash must agree with Python's.
    Returns the (url, title, html) of every indexed page, newest first.
    """
    shutil.copytree(sample_site, out, symlinks=True)
    cfg = config.load(ROOT / "site_config.yaml")
    routes = make_routes(cfg)
    site = load_site(cfg, ROOT / "content")
    published = [p for p in site.pages if p.goes_to("site") and p.type != "slide" and (out / routes.page_path(p)).is_file()]
    pages = [(routes.url(routes.page_path(p)), p.title, (out / routes.page_path(p)).read_text(encoding="utf-8"))
             for p in sorted(published, key=lambda p: (-p.date.toordinal(), p.slug))]
    shutil.rmtree(out / "search" / "data", ignore_errors=True)
    for rel, data in index_texts([(url, title, page_text(html)) for url, title, html in pages], routes.base_path,
                                   shard_bytes=shard_bytes).items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(data)
    return pages


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(folder: Path, docroot: Path) -> Iterator[str]:
    """Serve `folder` on 127.0.0.1 under the config's base path (a sub-path) and yield its URL."""
    base_path = make_routes(config.load(ROOT / "site_config.yaml")).base_path
    mount = docroot / base_path.strip("/")
    mount.parent.mkdir(parents=True, exist_ok=True)
    mount.symlink_to(folder, target_is_directory=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(docroot)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{base_path}"
    finally:
        server.shutdown()


@pytest.fixture(scope="module")
def showcase_url(sample_site, tmp_path_factory):
    """The sample site with the showcase pages, served under its sub-path."""
    out = tmp_path_factory.mktemp("showcase") / "public"
    build_showcase_site(sample_site, out)
    with serve(out, tmp_path_factory.mktemp("docroot")) as url:
        yield url


@pytest.fixture
def tab(browser):
    """A phone-sized page that records console errors and the host of every request."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=1)
    page = context.new_page()
    page.errors, page.hosts = [], set()
    # Chromium asks the origin for /favicon.ico on its own; under a sub-path that file is not the site's.
    page.on("console", lambda m: m.type == "error" and not m.location.get("url", "").endswith("/favicon.ico")
            and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("request", lambda r: page.hosts.add(urlsplit(r.url).netloc))
    yield page
    context.close()


def _visible_cards(tab) -> list[tuple[str, str]]:
    cards = tab.eval_on_selector_all(".honour-card", """cards => cards.filter(c => c.offsetParent !== null)
        .map(c => [c.dataset.category, c.dataset.level])""")
    return [tuple(c) for c in cards]


def _press(tab, group: str, name: str) -> None:
    tab.locator(f"[role=group][aria-labelledby=filter-{group}]").get_by_role("button", name=name, exact=True).click()


def test_honour_filters_show_only_matching_people(tab, showcase_url):
    tab.goto(showcase_url + "honour/")
    everyone = _visible_cards(tab)
    assert len(everyone) >= 6
    category = everyone[0][0]
    _press(tab, "category", category)
    assert _visible_cards(tab) == [c for c in everyone if c[0] == category]
    assert tab.locator("[data-honour-count]").inner_text() == f"显示 {len(_visible_cards(tab))} 位，共 {len(everyone)} 位"
    visible_groups = tab.locator(".honour-group:not([hidden]) h2").all_inner_texts()
    assert len(visible_groups) == 1 and visible_groups[0].startswith(category)
    level = next(lv for cat, lv in everyone if cat == category)
    level_button = tab.locator(f'button[data-filter=level][data-value="{level}"]')
    level_button.click()
    assert level_button.get_attribute("aria-pressed") == "true"
    assert _visible_cards(tab) == [c for c in everyone if c == (category, level)]
    _press(tab, "category", "全部")
    _press(tab, "level", "全部")
    assert _visible_cards(tab) == everyone
    assert tab.errors == []


def test_a_filter_with_nobody_says_so(tab, showcase_url):
    tab.goto(showcase_url + "honour/")
    everyone = _visible_cards(tab)
    categories, levels = sorted({c for c, _ in everyone}), sorted({lv for _, lv in everyone})
    empty = next(((c, lv) for c in categories for lv in levels if (c, lv) not in everyone), None)
    if empty is None:
        pytest.skip("every category has every level in the sample")
    _press(tab, "category", empty[0])
    tab.locator(f'button[data-filter=level][data-value="{empty[1]}"]').click()
    assert _visible_cards(tab) == []
    assert tab.locator("[data-honour-empty]").is_visible()


def test_without_javascript_everyone_is_listed_by_category(browser, showcase_url):
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    page = context.new_page()
    page.goto(showcase_url + "honour/")
    cards = page.locator(".honour-card")
    assert cards.count() >= 6 and all(cards.nth(i).is_visible() for i in range(cards.count()))
    assert not page.locator("[data-honour-filters]").is_visible()
    headings = page.locator(".honour-group h2").all_inner_texts()
    categories = page.eval_on_selector_all(
        ".honour-group", "gs => gs.map(g => g.querySelector('.honour-card').dataset.category)")
    assert [h.split()[0] for h in headings] == categories
    context.close()


def test_every_showcase_page_fits_a_360px_phone(tab, showcase_url):
    for path in (*PAGES, "search/?q=志愿"):
        tab.goto(showcase_url + path)
        assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
    assert tab.errors == []
    assert tab.hosts == {urlsplit(showcase_url).netloc}


def test_dashboard_charts_are_readable_at_phone_width(tab, showcase_url):
    tab.goto(showcase_url + "dashboard/")
    sizes = tab.eval_on_selector_all(".chart .chart-label", "ts => ts.map(t => t.getBoundingClientRect().height)")
    assert sizes and min(sizes) >= 14  # about 16px text once the 340-unit viewBox is fitted to the phone
    widths = tab.eval_on_selector_all(".chart", "cs => cs.map(c => c.getBoundingClientRect().width)")
    assert all(w <= 360 for w in widths)
    assert tab.locator("svg.chart").count() == tab.locator("table.data-table").count()


def test_axe_finds_no_serious_or_critical_violations(tab, showcase_url):
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `make test`, which installs it into .tools/")
    problems = []
    for path in (*PAGES, "search/?q=垃圾分类"):
        tab.goto(showcase_url + path)
        tab.add_script_tag(path=str(AXE))
        result = tab.evaluate("axe.run(document, {resultTypes: ['violations']})")
        problems += [f"{path}: {v['id']} ({v['impact']}) {v['help']}" for v in result["violations"]
                     if v["impact"] in ("serious", "critical")]
    assert problems == []


def test_showcase_pages_pass_the_nu_html_checker(sample_site, tmp_path):
    if not VNU.exists():
        pytest.fail("vnu.jar is missing: run `make test`, which installs it into .tools/")
    build_showcase_site(sample_site, tmp_path / "site")
    pages = [str(tmp_path / "site" / p / "index.html") for p in PAGES]
    result = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", *pages],
                            capture_output=True, text=True, timeout=300)
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    assert [f"{m.get('url')}:{m.get('lastLine')}: {m['message']}" for m in messages if m["type"] == "error"] == []
