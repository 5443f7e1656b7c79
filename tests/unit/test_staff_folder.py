"""The staff folder: WeChat bundles, LED packages and the LED review page go to staff/ beside public/, never
under the web root; the website does not link to them; the staff tree is complete; --staff, the preview's
/_staff/ path and the writer's guarantees for the second root."""
from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pytest

from generator import config
from generator.build.pipeline import BuildOptions, build
from generator.build.writer import STAFF_FOLDERS, TwoRoots, UnsafeOutputPath, default_staff_dir
from generator.base.errors import BuildFailed
from generator.cli import main
from generator.serve import Preview
from tests.conftest import STORY

ROOT = Path(__file__).resolve().parents[2]
CASE = ROOT / "tests/golden/cases/basic"
TEMPLATES = ROOT / "templates"
NOW = datetime(2024, 6, 30, 9, 0)


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The golden case built once: (public, staff, config, report)."""
    root = tmp_path_factory.mktemp("staff")
    cfg = config.load(CASE / "site_config.yaml")
    report = build(cfg, BuildOptions(CASE / "content", root / "public", TEMPLATES, NOW))
    return root / "public", root / "staff", cfg, report


def test_no_file_of_the_public_website_is_a_staff_file(built):
    public, _staff, _cfg, _report = built
    files = _files(public)
    assert files and not [f for f in files if f.lower().startswith(STAFF_FOLDERS)]
    assert not [f for f in files if f.endswith(("playlist.json", "playlist.txt", "article.json"))]
    assert not [f for f in files if "/frames/" in f or f.endswith("article.html")]


def test_the_website_links_to_no_staff_page(built):
    public, _staff, _cfg, _report = built
    staff_link = re.compile(r'(?:href|src|<loc>)=?"?[^"<>\s]*/(?:led|wechat)/')
    for rel in _files(public):
        if rel.endswith((".html", ".xml", ".txt", ".json")):
            text = (public / rel).read_text("utf-8")
            assert not staff_link.search(text), rel
    assert "/led/" not in (public / "sitemap.xml").read_text("utf-8")
    assert "/wechat/" not in (public / "sitemap.xml").read_text("utf-8")


def test_the_staff_tree_is_complete(built):
    public, staff, cfg, _report = built
    assert staff == default_staff_dir(public) and staff.parent == public.parent
    assert (staff / "led/index.html").is_file()
    for screen in cfg.led.screens:
        folder = staff / "led" / screen.name
        for name in ("index.html", "playlist.json", "playlist.txt"):
            assert (folder / name).is_file(), f"{screen.name}/{name}"
        items = json.loads((folder / "playlist.json").read_text("utf-8"))["items"]
        assert items and all((folder / item["file"]).is_file() for item in items)
    bundles = sorted(p.name for p in (staff / "wechat").iterdir())
    assert bundles == ["2024-03-wen-ming", "2024-05-li-a-yi", "2024-06-qing-jie"]
    for slug in bundles:
        for name in ("index.html", "article.html", "article.json", "cover.jpg"):
            assert (staff / "wechat" / slug / name).is_file(), f"{slug}/{name}"
    assert not [f for f in _files(staff) if not f.startswith(STAFF_FOLDERS)], "only staff files in staff/"


def test_the_led_review_page_links_stay_inside_the_staff_folder(built):
    _public, staff, _cfg, _report = built
    page = (staff / "led/index.html").read_text("utf-8")
    links = re.findall(r'(?:href|src)="([^"]+)"', page)
    local = [link for link in links if "/" in link and not link.startswith(("/", "#", "http", "data:"))]
    assert local, "the review page links to the players and frames"
    for link in local:
        target = (staff / "led" / link)
        assert (target / "index.html" if link.endswith("/") else target).is_file(), link
    assert '<meta name="robots" content="noindex">' in page and 'rel="canonical"' not in page


def test_a_second_build_keeps_staff_files_and_prunes_dropped_ones(tmp_path):
    out, staff = tmp_path / "public", tmp_path / "staff"
    first = TwoRoots(out, staff)
    for rel, data in {"index.html": b"i", "led/a/index.html": b"a", "wechat/x/article.html": b"x"}.items():
        first.add(rel, data)
    first.commit()
    kept = (staff / "led/a/index.html").stat().st_ino
    second = TwoRoots(out, staff)
    second.add("index.html", b"i")
    second.add("led/a/index.html", b"a")
    report = second.commit()
    assert report.removed == ["wechat/x/article.html"] and report.written == []
    assert _files(staff) == ["led/a/index.html"] and _files(out) == ["index.html"]
    assert (staff / "led/a/index.html").stat().st_ino == kept


@pytest.mark.parametrize("rel", ["../led/x.png", "led/../../x", "wechat/../../../etc/x"])
def test_no_path_leaves_its_root(tmp_path, rel):
    pub = TwoRoots(tmp_path / "public", tmp_path / "staff")
    with pytest.raises(UnsafeOutputPath):
        pub.add(rel, b"x")


@pytest.mark.parametrize("staff", ["public", "public/staff", "."])
def test_a_staff_folder_inside_the_website_is_refused(tmp_path, staff):
    with pytest.raises(UnsafeOutputPath):
        TwoRoots(tmp_path / "public", tmp_path / staff)


def test_build_refuses_a_staff_folder_in_the_web_root_in_chinese(make_site):
    root = make_site({"content/stories/a.md": STORY})
    opts = BuildOptions(root / "content", root / "public", TEMPLATES, NOW, staff_dir=root / "public/staff")
    with pytest.raises(BuildFailed) as failed:
        build(config.load(root / "site_config.yaml"), opts)
    assert "不能是同一个，也不能一个套在另一个里面" in failed.value.problems[0].message
    assert not (root / "public").exists()


def test_cli_out_and_staff(make_site, capsys):
    root = make_site({"content/stories/a.md": STORY})
    args = ["build", "--config", str(root / "site_config.yaml"), "--build-time", "2024-01-01T08:00"]
    assert main(args + ["--out", str(root / "site"), "--staff", str(root / "tools")]) == 0
    assert "公众号和 LED 文件 →" in capsys.readouterr().out
    assert (root / "tools/wechat/a/article.html").is_file() and (root / "tools/led/index.html").is_file()
    assert not (root / "site/wechat").exists() and not (root / "site/led").exists()
    assert main(args + ["--out", str(root / "web")]) == 0
    assert (root / "web-staff/wechat/a/article.html").is_file(), "--out X without --staff: X-staff/ beside it"


def test_a_hand_deleted_staff_file_makes_the_next_build_run(make_site, capsys):
    root = make_site({"content/stories/a.md": STORY})
    args = ["build", "--config", str(root / "site_config.yaml"), "--build-time", "2024-01-01T08:00"]
    assert main(args) == 0
    (root / "staff/wechat/a/article.html").unlink()
    capsys.readouterr()
    assert main(args) == 0
    assert capsys.readouterr().out.startswith("完成")
    assert (root / "staff/wechat/a/article.html").is_file()


def _get(preview: Preview, path: str) -> tuple[str, bytes]:
    seen = {}
    body = b"".join(preview.app({"PATH_INFO": path}, lambda status, headers: seen.update(status=status)))
    return seen["status"], body


def test_the_preview_serves_the_staff_folder_under_staff_path(make_site):
    root = make_site({"content/stories/a.md": STORY})
    preview = Preview(root / "site_config.yaml", lambda cfg, now: BuildOptions(
        root / "content", root / ".preview", TEMPLATES, NOW, preview=True))
    preview.rebuild()
    assert not (root / ".preview/wechat").exists() and (root / ".preview-staff/wechat/a/index.html").is_file()
    status, body = _get(preview, "/wenming/_staff/wechat/a/")
    assert status == "200 OK" and "好人张三".encode() in body
    assert _get(preview, "/wenming/_staff/led/")[0] == "200 OK"
    assert _get(preview, "/wenming/_staff/led")[0] == "302 Found"
    assert _get(preview, "/wenming/_staff/../site_config.yaml")[0] in ("302 Found", "404 Not Found")
    assert _get(preview, "/wenming/wechat/a/")[0] == "404 Not Found"
