"""Search in Chromium: Chinese queries find exactly the pages containing them, under a sub-path, with no outside request."""
from __future__ import annotations

import random
import re
from urllib.parse import quote, unquote, urlsplit

import pytest

from .test_showcase import build_showcase_site, serve

pytestmark = pytest.mark.e2e
HAN = re.compile(r"[\u4e00-\u9fff]{4,}")


@pytest.fixture(scope="module")
def search_site(sample_site, tmp_path_factory):
    """(site URL, indexed (url, title, html) pages) of the sample site with its search index."""
    out = tmp_path_factory.mktemp("search") / "public"
    pages = build_showcase_site(sample_site, out)
    with serve(out, tmp_path_factory.mktemp("docroot")) as url:
        yield url, pages


@pytest.fixture
def tab(browser):
    """A phone-sized page that records the host of every request and any script error."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.hosts, page.errors = set(), []
    page.on("request", lambda r: page.hosts.add(urlsplit(r.url).netloc))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    context.close()


def _ask(tab, query: str) -> list[str]:
    """Submit a query on the open search page and return the URL of every result (showing them all)."""
    tab.evaluate("document.getElementById('search-app').removeAttribute('data-state')")
    tab.fill("#search-q", query)
    tab.press("#search-q", "Enter")
    tab.wait_for_selector("#search-app[data-state=done]")
    while tab.is_visible("#search-more"):
        tab.evaluate("document.getElementById('search-app').removeAttribute('data-state')")
        tab.click("#search-more")
        tab.wait_for_selector("#search-app[data-state=done]")
    return tab.eval_on_selector_all("#search-results a", "links => links.map(a => a.getAttribute('href'))")


@pytest.fixture(scope="module")
def page_texts(browser, search_site) -> dict[str, str]:
    """What a reader sees of each indexed article (the browser's innerText, without the 发布时间/来源 line)."""
    url, pages = search_site
    context = browser.new_context()
    page = context.new_page()
    origin = url[: -len(urlsplit(url).path)]
    texts = {}
    for page_url, _, _ in pages:
        page.goto(origin + page_url)
        texts[page_url] = page.evaluate("""() => { const a = document.querySelector('article') || document.querySelector('main');
            a.querySelectorAll('.meta, [hidden], button').forEach(e => e.remove()); return a.innerText; }""")
    context.close()
    return texts


def _containing(texts: dict[str, str], query: str) -> set[str]:
    return {url for url, text in texts.items() if all(word in text for word in query.split())}


@pytest.mark.parametrize("query", ["志愿", "垃圾分类", "柚苑 送餐"])
def test_chinese_queries_find_every_page_that_contains_them(tab, search_site, page_texts, query):
    url, _ = search_site
    tab.goto(url + "search/")
    found = _ask(tab, query)
    expected = _containing(page_texts, query)
    assert expected and set(found) == expected
    assert len(found) == len(set(found))
    assert tab.locator("#search-status").inner_text() == f"找到 {len(expected)} 篇含有“{query}”的文章。"
    assert tab.locator("#search-results mark").count() > 0


def test_the_best_match_comes_first(tab, search_site):
    url, pages = search_site
    tab.goto(url + "search/")
    titled = [u for u, title, _ in pages if "垃圾分类" in title]
    assert titled and set(_ask(tab, "垃圾分类")[: len(titled)]) == set(titled)


def test_words_taken_from_any_article_find_exactly_the_articles_with_them(tab, search_site, page_texts):
    url, _ = search_site
    runs = sorted({run for text in page_texts.values() for run in HAN.findall(text)})
    rng = random.Random(2024)  # fixed seed: the same words every run
    words = set()
    for run in rng.sample(runs, min(30, len(runs))):
        start = rng.randrange(len(run) - 1)
        words.add(run[start: start + rng.choice((2, 3, 4))])
    tab.goto(url + "search/")
    wrong = {w: (sorted(set(_ask(tab, w)) ^ _containing(page_texts, w))) for w in sorted(words)}
    assert {w: diff for w, diff in wrong.items() if diff} == {}


def test_a_plain_get_link_searches_and_a_new_query_updates_the_address(tab, search_site):
    url, _ = search_site
    tab.goto(url + "search/?q=" + quote("志愿"))
    tab.wait_for_selector("#search-app[data-state=done]")
    assert tab.input_value("#search-q") == "志愿"
    first = tab.eval_on_selector_all("#search-results a", "links => links.map(a => a.href)")
    assert first and all(link.startswith(url) for link in first)  # results stay under the sub-path
    _ask(tab, "垃圾分类")
    assert unquote(urlsplit(tab.url).query) == "q=垃圾分类"
    tab.click("#search-results a")
    tab.wait_for_load_state()
    assert tab.url.startswith(url) and tab.locator("h1").count() == 1


def test_the_query_runs_with_no_request_to_another_host(tab, search_site):
    url, _ = search_site
    tab.goto(url + "search/")
    _ask(tab, "志愿服务")
    _ask(tab, "垃圾分类")
    assert tab.hosts == {urlsplit(url).netloc}
    assert tab.errors == []


def test_one_character_asks_for_two_and_nonsense_finds_nothing(tab, search_site):
    url, _ = search_site
    tab.goto(url + "search/")
    assert _ask(tab, "孝") == []
    assert "两个字以上" in tab.locator("#search-status").inner_text()
    assert _ask(tab, "火星探测器") == []
    assert "没有找到" in tab.locator("#search-status").inner_text()


def test_without_javascript_the_form_still_submits_and_explains(browser, search_site):
    url, _ = search_site
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(url + "search/")
    page.fill("#search-q", "志愿")
    page.press("#search-q", "Enter")
    page.wait_for_load_state()
    assert unquote(page.url) == url + "search/?q=志愿"
    assert "需要浏览器开启 JavaScript" in page.locator("main").inner_text()
    context.close()


def test_a_repeated_query_gives_the_same_answer(tab, search_site):
    """Timing lives in `make bench` (tools/bench_search.py); here only that a cached query still answers right."""
    url, _ = search_site
    tab.goto(url + "search/")
    first = _ask(tab, "志愿")
    assert first and _ask(tab, "志愿") == first
