"""The 「朗读全文」 button: shown where the browser can speak, hidden where it cannot, reads the article in Chinese."""
from __future__ import annotations

from urllib.parse import urljoin

import pytest

pytestmark = pytest.mark.e2e

# Record what would be spoken instead of speaking: headless Chromium has no voices, and tests should be quiet.
RECORD_SPEECH = """
window.__spoken = [];
if (window.speechSynthesis) {
  window.speechSynthesis.speak = function (u) { window.__spoken.push({text: u.text, lang: u.lang, rate: u.rate}); };
}
"""
NO_SPEECH = "delete window.speechSynthesis; delete Window.prototype.speechSynthesis;"


@pytest.fixture
def story_url(browser, site_url) -> str:
    """The newest story's page: articles carry the button."""
    page = browser.new_page()
    page.goto(site_url + "stories/")
    href = page.locator(".card-title a").first.get_attribute("href")
    page.close()
    return urljoin(site_url, href)


def _open(browser, url: str, init_script: str):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    context.add_init_script(init_script)
    page = context.new_page()
    page.goto(url)
    page.wait_for_load_state("load")  # site.js is deferred: it has run once the page has loaded
    return context, page


def test_the_button_reads_the_article_in_chinese(browser, story_url):
    context, page = _open(browser, story_url, RECORD_SPEECH)
    button = page.get_by_role("button", name="朗读全文")
    assert button.is_visible()
    button.click()
    spoken = page.evaluate("window.__spoken")
    assert len(spoken) == 1 and spoken[0]["lang"] == "zh-CN"
    assert page.locator("h1").inner_text() in spoken[0]["text"]
    assert page.locator(".body p").first.inner_text()[:20] in spoken[0]["text"]
    assert page.locator(".speak").inner_text() == "停止朗读"
    context.close()


def test_the_button_stays_hidden_where_speech_is_not_supported(browser, story_url):
    context, page = _open(browser, story_url, NO_SPEECH)
    assert page.evaluate("'speechSynthesis' in window") is False
    assert page.locator(".speak").count() == 1
    assert not page.locator(".speak").is_visible()
    context.close()
