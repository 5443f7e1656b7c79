"""URL rules: every output path and URL comes from routes, under the base path; clashes are refused."""
from __future__ import annotations

import pytest

from datetime import datetime

from generator import config
from generator.base.errors import BuildFailed
from generator.build.pipeline import BuildOptions, build
from generator.model import content
from generator.render.routes import Routes, check_unique, make_routes
from generator.render.templates import SHIPPED
from tests.conftest import STORY


def _site(make_site, files):
    root = make_site(files)
    cfg = config.load(root / "site_config.yaml")
    return cfg, content.load_site(cfg, root / "content")


def test_pages_lists_and_media_live_under_the_base_path(make_site):
    cfg, site = _site(make_site, {"content/stories/2023-09-好人张三.md": STORY})
    routes = make_routes(cfg)
    page = site.pages[0]
    assert routes.base_path == "/wenming/" and routes.origin == "https://example.gov.cn"
    assert routes.page_path(page) == f"stories/{page.slug}/index.html"
    assert routes.url(routes.page_path(page)) == f"/wenming/stories/{page.slug}/"
    assert routes.absolute("feed.xml") == "https://example.gov.cn/wenming/feed.xml"
    assert routes.list_path("story") == "stories/index.html"
    assert routes.list_path("activity", 3) == "activities/page/3/index.html"
    assert routes.archive_path(2024) == "archive/2024/index.html"
    assert routes.wechat_path(page) == f"wechat/{page.slug}/"


def test_a_url_with_chinese_is_percent_encoded():
    routes = Routes("https://example.gov.cn/wenming/")
    assert routes.url("tags/志愿/index.html") == "/wenming/tags/%E5%BF%97%E6%84%BF/"


def test_the_base_url_gains_its_final_slash(make_site):
    root = make_site({}, config="site: {title: 站, base_url: 'https://example.gov.cn/wenming'}\n")
    assert make_routes(config.load(root / "site_config.yaml")).base_url == "https://example.gov.cn/wenming/"


def test_two_pages_with_one_slug_are_refused_before_anything_is_written(make_site):
    second = STORY.replace("title: 好人张三", "title: 好人张三（二）")
    cfg, site = _site(make_site, {"content/stories/a.md": STORY.replace("---\n", "---\nslug: same\n", 1),
                                  "content/stories/b.md": second.replace("---\n", "---\nslug: SAME\n", 1)})
    with pytest.raises(BuildFailed) as failed:
        check_unique(site, make_routes(cfg))
    assert "网址 /stories/SAME/ 和 stories/a.md 第 2 行重复" in str(failed.value.problems[0].message)


def test_tags_that_sound_alike_get_separate_folders(make_site):
    """志愿 and 智远 are both "zhi-yuan": the second one seen (sorted) gets a short hash suffix."""
    root = make_site({
        "content/stories/a.md": STORY.replace("person: 张三", "person: 张三\ntags: [志愿]"),
        "content/stories/b.md": STORY.replace("title: 好人张三", "title: 好人李四").replace(
            "person: 张三", "person: 张三\ntags: [智远]"),
    })
    cfg = config.load(root / "site_config.yaml")
    out = root / "public"
    build(cfg, BuildOptions(root / "content", out, SHIPPED, datetime(2024, 1, 1)))
    folders = sorted(p.name for p in (out / "tags").iterdir() if p.is_dir())
    assert len(folders) == 2 and folders[0] == "zhi-yuan" and folders[1].startswith("zhi-yuan-")
    texts = {f: (out / "tags" / f / "index.html").read_text(encoding="utf-8") for f in folders}
    assert sum("标签：志愿" in t for t in texts.values()) == 1
    assert sum("标签：智远" in t for t in texts.values()) == 1
