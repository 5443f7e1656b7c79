"""The public site in real headless Chromium: navigation, 字号 switch, phone width, no outside requests, accessibility."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / ".tools/node_modules/axe-core/axe.min.js"
VNU = ROOT / ".tools/node_modules/vnu-jar/build/dist/vnu.jar"
LISTS = {"story": "stories/", "activity": "activities/", "letter": "letters/"}


@pytest.fixture
def page(browser, site_url):
    """A phone-sized page that records console errors and every request's host."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=1)
    tab = context.new_page()
    tab.console_errors, tab.hosts = [], set()
    tab.on("console", lambda m: m.type == "error" and tab.console_errors.append(m.text))
    tab.on("pageerror", lambda e: tab.console_errors.append(str(e)))
    tab.on("request", lambda r: tab.hosts.add(urlsplit(r.url).netloc))
    yield tab
    context.close()


def _detail_urls(page, site_url) -> dict[str, str]:
    found = {}
    for kind, folder in LISTS.items():
        page.goto(site_url + folder)
        found[kind] = urljoin(site_url, page.locator(".card-title a").first.get_attribute("href"))
    return found


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_navigate_home_to_list_to_detail_for_each_type(page, site_url):
    local = urlsplit(site_url).netloc
    for name, kind in (("榜样人物", "story"), ("志愿服务", "activity"), ("倡议书", "letter")):
        page.goto(site_url)
        page.locator(".nav").get_by_role("link", name=name, exact=True).click()
        assert page.url == site_url + LISTS[kind]
        title = page.locator(".card-title a").first.inner_text()
        page.locator(".card-title a").first.click()
        assert page.locator("h1").inner_text() == title
        assert page.locator(f"article.{kind}").count() == 1
        assert _no_horizontal_scroll(page), page.url
    assert page.console_errors == []
    assert page.hosts == {local}, f"requests to other hosts: {page.hosts - {local}}"


def test_font_size_switch_changes_size_and_persists(page, site_url):
    details = _detail_urls(page, site_url)
    page.goto(details["story"])
    size = lambda: float(page.evaluate("parseFloat(getComputedStyle(document.querySelector('.body p')).fontSize)"))  # noqa: E731
    standard = size()
    assert standard >= 18
    page.get_by_role("button", name="特大").click()
    assert size() == pytest.approx(standard * 1.5)
    assert page.get_by_role("button", name="特大").get_attribute("aria-pressed") == "true"
    page.goto(details["letter"])
    assert size() == pytest.approx(standard * 1.5), "the choice must persist across pages"
    assert _no_horizontal_scroll(page)
    page.get_by_role("button", name="标准").click()
    assert size() == pytest.approx(standard)


def test_no_horizontal_scroll_at_360px(page, site_url, staff_url):
    urls = [site_url, *(site_url + f for f in LISTS.values()), *_detail_urls(page, site_url).values(),
            site_url + "archive/", site_url + "tags/", staff_url + "led/", site_url + "about/"]
    for url in urls:
        page.goto(url)
        assert _no_horizontal_scroll(page), url
    assert page.console_errors == []


def test_typography_and_contrast_basics(page, site_url):
    page.goto(_detail_urls(page, site_url)["story"])
    style = page.evaluate("""() => { const s = getComputedStyle(document.querySelector('.body p'));
        return {size: parseFloat(s.fontSize), line: parseFloat(s.lineHeight)}; }""")
    assert style["size"] >= 18 and style["line"] / style["size"] >= 1.75
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到正文"


def test_axe_finds_no_serious_or_critical_violations(page, site_url):
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `make test`, which installs it into .tools/")
    urls = [site_url, site_url + "stories/", *_detail_urls(page, site_url).values(), site_url + "about/"]
    problems = []
    for url in urls:
        page.goto(url)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        problems += [f"{url}: {v['id']} ({v['impact']}) {v['help']}" for v in result["violations"]
                     if v["impact"] in ("serious", "critical")]
    assert problems == []


def test_every_built_page_passes_the_nu_html_checker(sample_site):
    if not VNU.exists():
        pytest.fail("vnu.jar is missing: run `make test`, which installs it into .tools/")
    # WeChat article.html files are paste fragments, not documents; their own tests lint them.
    staff = sample_site.parent / "staff"  # the LED review page, players and WeChat paste pages
    pages = sorted(str(p) for folder in (sample_site, staff) for p in folder.rglob("*.html") if p.name != "article.html")
    result = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", *pages],
                            capture_output=True, text=True, timeout=600)
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    errors = [f"{m.get('url', '')}:{m.get('lastLine')}: {m['message']}" for m in messages if m["type"] == "error"]
    assert errors == [], "\n".join(errors[:20])


def test_article_page_without_images_is_light(sample_site):
    letter = next(sample_site.glob("letters/*/index.html"))
    total = letter.stat().st_size + (sample_site / "static/site.css").stat().st_size + (sample_site / "static/site.js").stat().st_size
    assert "<img" not in letter.read_text(encoding="utf-8")
    assert total <= 30 * 1024, f"{total} bytes"
