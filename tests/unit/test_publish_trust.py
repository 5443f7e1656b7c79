"""The no-change shortcut and the output keys believe the manifest only as far as the files on disk bear it out."""
from __future__ import annotations

from generator.cli import main
from tests.conftest import STORY


def _build(root, capsys) -> str:
    assert main(["build", "--config", str(root / "site_config.yaml"), "--build-time", "2024-06-30T09:00"]) == 0
    return capsys.readouterr().out


def test_a_deleted_output_page_is_restored(make_site, capsys):
    root = make_site({"content/stories/a.md": STORY})
    _build(root, capsys)
    index = root / "public/index.html"
    good = index.read_bytes()
    index.unlink()
    said = _build(root, capsys)
    assert "没有变化" not in said and index.read_bytes() == good


def test_a_hand_edited_output_page_does_not_survive(make_site, capsys):
    root = make_site({"content/stories/a.md": STORY})
    _build(root, capsys)
    index = root / "public/index.html"
    good = index.read_bytes()
    index.write_bytes(good.replace("测试站".encode(), "被改过的站".encode()))
    _build(root, capsys)
    assert index.read_bytes() == good


def test_a_file_added_by_hand_is_removed(make_site, capsys):
    root = make_site({"content/stories/a.md": STORY})
    _build(root, capsys)
    (root / "public/stray.html").write_text("x")
    said = _build(root, capsys)
    assert "没有变化" not in said and not (root / "public/stray.html").exists()


def test_nothing_changed_is_still_said_when_nothing_changed(make_site, capsys):
    root = make_site({"content/stories/a.md": STORY})
    _build(root, capsys)
    assert "没有变化" in _build(root, capsys)
