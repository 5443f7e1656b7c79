"""aliases: old addresses redirect to the page's new one, an nginx map says the same, a changed slug is noticed."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from generator import config
from generator.base.errors import BuildFailed
from generator.build.pipeline import BuildOptions, build
from tests.conftest import STORY

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
MOVED = STORY.replace("title: 好人张三", "title: 好人张三\nslug: zhang-san\naliases: [/stories/old-name/, /wenming/2019/zs.html]")
OTHER = STORY.replace("好人张三", "好人李四").replace("person: 张三", "person: 李四").replace("who: 张三", "who: 李四")


def _build(root: Path):
    cfg = config.load(root / "site_config.yaml")
    return build(cfg, BuildOptions(root / "content", root / "public", TEMPLATES, datetime(2024, 1, 1),
                                   cache_dir=root / ".cache", nginx_map=root / "reports/nginx-redirects.conf"))


def test_each_alias_gets_a_redirect_page_and_an_nginx_map_line(make_site):
    root = make_site({"content/stories/a.md": MOVED})
    _build(root)
    page = (root / "public/stories/old-name/index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=/wenming/stories/zhang-san/">' in page
    assert '<link rel="canonical" href="https://example.gov.cn/wenming/stories/zhang-san/">' in page
    assert (root / "public/2019/zs.html").is_file(), "the base path in an alias is optional"
    snippet = (root / "reports/nginx-redirects.conf").read_text(encoding="utf-8")
    assert '"/wenming/stories/old-name/" "/wenming/stories/zhang-san/";' in snippet
    assert '"/wenming/2019/zs.html" "/wenming/stories/zhang-san/";' in snippet
    assert "map $uri $wenming_redirect {" in snippet
    assert "old-name" not in (root / "public/sitemap.xml").read_text(encoding="utf-8")


def test_an_alias_that_is_another_pages_address_fails_with_its_line(make_site):
    clash = STORY.replace("title: 好人张三", "title: 好人张三\naliases: [/stories/b/]")
    root = make_site({"content/stories/a.md": clash, "content/stories/b.md": OTHER})
    with pytest.raises(BuildFailed) as failed:
        _build(root)
    problem = failed.value.problems[0]
    assert problem.path.endswith("stories/a.md") and problem.line == 3 and "《好人李四》" in problem.message


def test_an_alias_must_be_a_path_of_the_site(make_site):
    root = make_site({"content/stories/a.md": STORY.replace("title: 好人张三", "title: 好人张三\naliases: [https://x.cn/a]")})
    with pytest.raises(BuildFailed) as failed:
        _build(root)
    assert "要写成以 / 开头的站内路径" in failed.value.problems[0].message


def test_changing_a_published_slug_suggests_the_alias(make_site):
    root = make_site({"content/stories/a.md": STORY})
    _build(root)
    path = root / "content/stories/a.md"
    path.write_text(path.read_text(encoding="utf-8").replace("title: 好人张三", "title: 好人张三\nslug: hao-ren"),
                    encoding="utf-8")
    report = _build(root)
    moved = [w for w in report.warnings if w.code == "links.moved"]
    assert len(moved) == 1 and moved[0].line == 3
    assert "从 /wenming/stories/a/ 改成了 /wenming/stories/hao-ren/" in moved[0].message
    assert "aliases: [/stories/a/]" in moved[0].hint
    assert [w for w in _build(root).warnings if w.code == "links.moved"], "still said until the alias is added"
    path.write_text(path.read_text(encoding="utf-8").replace("slug: hao-ren", "slug: hao-ren\naliases: [/stories/a/]"),
                    encoding="utf-8")
    assert not [w for w in _build(root).warnings if w.code == "links.moved"]
    assert (root / "public/stories/a/index.html").read_text(encoding="utf-8").count("hao-ren") >= 2
