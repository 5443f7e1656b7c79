"""The fast article-text extractor the build uses agrees with the careful HTML parser on real pages."""
from pathlib import Path

import pytest

from generator.formats.site.search import article_text, page_text

EXPECTED = Path(__file__).resolve().parents[1] / "golden" / "expected"
# Detail pages are the ones the build indexes with article_text.
PAGES = sorted(p for p in EXPECTED.rglob("*/index.html") if p.parent.parent.name in ("stories", "activities", "letters")
               or p.parent.name == "about")


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(EXPECTED)))
def test_article_text_equals_page_text(path):
    html = path.read_text(encoding="utf-8")
    article = html[html.find("<article"):html.rfind("</article>") + len("</article>")]
    assert article_text(article) == page_text(html) != ""


def test_there_are_articles_to_compare():
    assert len(PAGES) >= 4
