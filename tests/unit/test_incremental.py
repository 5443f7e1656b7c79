"""Incremental builds: after any edit, a warm build (the CLI's, or the preview's kept cache) gives exactly the tree
a cold build gives, while rewriting only what the edit touches.

`basic_site` (tests/conftest.py) is a copy of the basic case as a first build with a cache left
it: public/, staff/, .preview/ and .cache/; each test edits its copy and builds again."""
from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from generator import config
from generator.build.pipeline import BuildOptions, build
from tests.conftest import BASIC_NOW, ROOT, build_basic

TEMPLATES = ROOT / "templates"
STORY = "content/stories/2024-05-li-a-yi.md"
NEW_STORY = """---
title: 张师傅修车不收钱
date: 2024-06-10
summary: 小区门口的修车摊，老人修车一律免费。
tags: [助人为乐]
person: 张师傅
category: 助人为乐
consent: {who: 张师傅, date: 2024-06-01}
---
张师傅在小区门口修了十年自行车，给老人修车从来不收钱。
"""


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def site(basic_site):
    return basic_site


def _cold_options(site: Path, out: str, jobs: int) -> BuildOptions:
    return BuildOptions(site / "content", site / out, TEMPLATES, BASIC_NOW, jobs=jobs)


def _edit_body(site: Path) -> None:
    path = site / STORY
    path.write_text(path.read_text(encoding="utf-8") + "\n后来，街坊们也常来帮她煮粥。\n", encoding="utf-8")


def _edit_title(site: Path) -> None:
    path = site / STORY
    path.write_text(path.read_text(encoding="utf-8").replace("早餐\n", "的早餐摊\n", 1), encoding="utf-8")


def _add_story(site: Path) -> None:
    (site / "content/stories/2024-06-zhang.md").write_text(NEW_STORY, encoding="utf-8")


def _remove_story(site: Path) -> None:
    (site / STORY).unlink()


def _retag(site: Path) -> None:
    path = site / STORY
    path.write_text(path.read_text(encoding="utf-8").replace("tags: [孝老爱亲,", "tags: [邻里互助,", 1), encoding="utf-8")


def _redate(site: Path) -> None:  # moves the story behind the activity in every list and in the search order
    path = site / STORY
    path.write_text(path.read_text(encoding="utf-8").replace("date: 2024-05-20", "date: 2024-01-02", 1),
                    encoding="utf-8")


def _sound_alike_tag(site: Path) -> None:
    # 哮老爱亲 reads xiao-lao-ai-qin like 孝老爱亲 and sorts before it: the old tag's folder gets the
    # hash suffix, so every page that links the old tag changes although its own text did not.
    text = NEW_STORY.replace("tags: [助人为乐]", "tags: [哮老爱亲]")
    (site / "content/stories/2024-06-zhang.md").write_text(text, encoding="utf-8")


EDITS = {"body": _edit_body, "title": _edit_title, "added": _add_story, "removed": _remove_story, "tags": _retag,
         "date": _redate, "sound-alike tag": _sound_alike_tag}


@pytest.mark.parametrize("keep", [False, True], ids=["cli", "preview"])
@pytest.mark.parametrize("edit", sorted(EDITS))
def test_a_warm_build_after_an_edit_equals_a_cold_build(site, edit, keep):
    out = ".preview" if keep else "public"
    if keep:
        # the preview server's first build in this process: its cache stays in memory
        build_basic(site, out, preview=True)
    EDITS[edit](site)
    build_basic(site, out, preview=keep)
    build_basic(site, "cold", cache=False, preview=keep)
    assert _tree(site / out) == _tree(site / "cold")


def test_a_lost_wechat_bundle_is_made_again_as_a_cold_build_makes_it(site, basic_built):
    cold_staff = _tree(basic_built.parent / "cold-staff")
    assert _tree(site / "staff") == cold_staff
    bundle = next(p for p in sorted((site / "staff/wechat").iterdir()) if p.is_dir())
    shutil.rmtree(bundle)
    report = build_basic(site)
    assert _tree(site / "staff") == cold_staff
    assert any(p.startswith(f"wechat/{bundle.name}/") for p in report.written)
    assert not any(p.startswith("wechat/") and not p.startswith(f"wechat/{bundle.name}/")
                   for p in report.written)


def test_editing_a_story_rewrites_its_page_its_lists_and_the_search_files_it_changes(site):
    _edit_body(site)
    written = build_basic(site).written
    slug = Path(STORY).stem
    assert f"stories/{slug}/index.html" in written
    assert "search/data/d/0.json" in written or "search/data/d/1.json" in written
    assert not any(p.startswith(("activities/", "letters/", "static/")) for p in written)
    assert "search/data/meta.json" not in written  # the same documents: only their terms changed


def test_a_body_edit_renders_its_own_page_again_not_its_neighbours_or_the_lists(site, monkeypatch):
    from generator.render.templates import Templates
    build_basic(site)  # first a build in the copy's own folder (its cache was made elsewhere)
    rendered, render = [], Templates.render

    def spy(self, name, context):
        if context is not None and "path" in context:  # a website page (None only loads)
            rendered.append(context["path"])
        return render(self, name, context)

    monkeypatch.setattr(Templates, "render", spy)
    _edit_body(site)
    build_basic(site)
    pages = [p for p in rendered if p.endswith(".html") and not p.startswith("led/")]
    assert pages == [f"stories/{Path(STORY).stem}/index.html"], "cards do not show the body"
    rendered.clear()
    _edit_title(site)
    build_basic(site)
    assert "index.html" in rendered and "stories/index.html" in rendered, "cards show the title"


def test_adding_a_story_writes_it_and_the_lists_but_not_the_other_articles(site):
    _add_story(site)
    report = build_basic(site)
    assert "stories/2024-06-zhang/index.html" in report.written
    assert not any(p.startswith(("activities/2024", "letters/2024")) for p in report.written)
    assert "search/data/meta.json" in report.written  # one more document


def test_a_preview_between_two_builds_does_not_disturb_the_next_build(site):
    build_basic(site, ".preview", preview=True)
    _edit_body(site)
    written = build_basic(site).written
    slug = Path(STORY).stem
    assert f"stories/{slug}/index.html" in written
    assert not any(p.startswith(("activities/", "letters/")) for p in written)


@pytest.mark.slow  # a whole build in child processes: `make test` runs it, `make test-fast` does not
def test_pages_rendered_in_worker_processes_equal_pages_rendered_in_one(site):
    for n in range(60):  # enough pages for the bodies, checks and detail pages to be spread over processes
        text = NEW_STORY.replace("2024-06-10", f"2023-0{n % 9 + 1}-1{n % 10}").replace("张师傅修车", f"张师傅第{n}次修车")
        (site / f"content/stories/2023-zhang-{n}.md").write_text(text, encoding="utf-8")
    config_ = config.load(site / "site_config.yaml")
    build(config_, _cold_options(site, "one", 1))
    build(config_, _cold_options(site, "two", 2))
    assert _tree(site / "one") == _tree(site / "two")


def test_an_unchanged_image_is_left_as_published_and_a_replaced_one_is_published_again(site):
    import os
    cover = site / "content/images/cover.jpg"
    copy = site / "public/media/images/cover.jpg"
    published, stamp = copy.read_bytes(), copy.stat().st_mtime_ns
    letter = site / "content/letters/2024-03-wen-ming.md"  # a page without the photo
    letter.write_text(letter.read_text(encoding="utf-8") + "\n让我们从身边小事做起。\n", encoding="utf-8")
    report = build_basic(site)
    assert report.written and "media/images/cover.jpg" not in report.written
    assert copy.read_bytes() == published and copy.stat().st_mtime_ns == stamp
    from PIL import Image
    Image.new("RGB", (40, 20), (10, 120, 200)).save(cover, "JPEG")
    os.utime(cover, ns=(1, 1))  # even with an old time stamp: the size differs
    assert "media/images/cover.jpg" in build_basic(site).written
    assert copy.read_bytes() != published


def test_a_template_mistake_met_in_a_worker_process_is_reported_in_chinese(site, tmp_path):
    from generator.base.errors import BuildFailed
    for n in range(60):
        text = NEW_STORY.replace("2024-06-10", f"2023-0{n % 9 + 1}-1{n % 10}").replace("张师傅修车", f"张师傅第{n}次修车")
        (site / f"content/stories/2023-zhang-{n}.md").write_text(text, encoding="utf-8")
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    story = templates / "story.html"
    story.write_text(story.read_text(encoding="utf-8").replace("{{ page.html|safe }}", "{{ page.no_such_value }}"),
                     encoding="utf-8")
    options = replace(_cold_options(site, "public", 2), templates_dir=templates)
    with pytest.raises(BuildFailed) as failed:
        build(config.load(site / "site_config.yaml"), options)
    assert [p.message for p in failed.value.problems][0].startswith("模板用到了不存在的值")
    assert failed.value.problems[0].path.endswith("story.html")
