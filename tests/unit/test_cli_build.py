"""`build` from the command line: a second build with nothing changed stops at once and says so; any change of
content, template or config builds again."""
from __future__ import annotations

from generator.cli import main
from tests.conftest import STORY


def _build(root, capsys) -> str:
    assert main(["build", "--config", str(root / "site_config.yaml"), "--build-time", "2024-01-01T08:00"]) == 0
    return capsys.readouterr().out


def test_nothing_changed_means_nothing_is_built_again(make_site, capsys):
    root = make_site({"content/stories/a.md": STORY})
    first = _build(root, capsys)
    assert first.startswith("完成：发布 1 篇")
    page = root / "public" / "index.html"
    stamp = page.stat().st_mtime_ns
    second = _build(root, capsys)
    assert second.startswith("没有变化，无需重新生成。上次的结果：完成：发布 1 篇")
    assert page.stat().st_mtime_ns == stamp


def test_an_edited_story_is_built_again(make_site, capsys):
    root = make_site({"content/stories/a.md": STORY})
    _build(root, capsys)
    story = root / "content" / "stories" / "a.md"
    story.write_text(story.read_text(encoding="utf-8").replace("常年帮助邻居", "常年帮助孤寡老人"), encoding="utf-8")
    assert _build(root, capsys).startswith("完成：发布 1 篇")
    assert "常年帮助孤寡老人" in (root / "public" / "index.html").read_text(encoding="utf-8")


def test_a_changed_config_builds_again(make_site, capsys):
    root = make_site({"content/stories/a.md": STORY})
    _build(root, capsys)
    config = root / "site_config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("测试站", "测试站点"), encoding="utf-8")
    assert _build(root, capsys).startswith("完成：")
    assert "测试站点" in (root / "public" / "index.html").read_text(encoding="utf-8")
