"""Responsive images through a whole build: the sizes and srcset a page states are the files the
build wrote, a replaced photo of another shape updates its pages, and WeChat covers are cut from
the site's copy instead of decoding the photo again."""
from __future__ import annotations

import io
import os
import re
import shutil
from datetime import datetime
from pathlib import Path

from PIL import Image

from generator import config
from generator.build.pipeline import BuildOptions, build
from generator.render import images

ROOT = Path(__file__).resolve().parents[2]
CASE = ROOT / "tests/golden/cases/basic"
STORY = "stories/2024-05-li-a-yi/index.html"


def _site(tmp_path: Path) -> Path:
    shutil.copytree(CASE, tmp_path / "case")
    return tmp_path / "case"


def _build(case: Path, out: Path, cache: Path | None = None) -> None:
    cfg = config.load(case / "site_config.yaml")
    build(cfg, BuildOptions(case / "content", out, ROOT / "templates", datetime(2024, 6, 30, 9),
                            cache_dir=cache))


def _cover_img(out: Path) -> dict[str, str]:
    tag = re.search(r'<figure class="cover"><picture>.*?(<img [^>]*>)', (out / STORY).read_text())
    return dict(re.findall(r'(\w+)="([^"]*)"', tag.group(1)))


def _body_img(out: Path) -> tuple[str, str]:
    tag = re.search(r'<div class="body">.*?(<img [^>]*>)', (out / STORY).read_text(), re.S)
    found = dict(re.findall(r'(\w+)="([^"]*)"', tag.group(1)))
    return found["width"], found["height"]


def _file(out: Path, url: str) -> Path:
    return out / url.removeprefix("/wenming/")


def test_the_sizes_and_candidates_a_page_states_are_the_files_written(tmp_path):
    out = tmp_path / "public"
    _build(_site(tmp_path), out)
    img = _cover_img(out)
    published = Image.open(_file(out, img["src"]))
    assert published.size == (int(img["width"]), int(img["height"]))
    html = (out / STORY).read_text()
    sets = [img["srcset"], re.search(r'<source type="image/webp" srcset="([^"]*)"', html).group(1)]
    for srcset in sets:
        for candidate in srcset.split(", "):
            url, width = candidate.split(" ")
            assert Image.open(_file(out, url)).width == int(width.removesuffix("w")), url
    assert Image.open(_file(out, sets[1].split(" ")[0])).format == "WEBP"


def test_a_photo_replaced_by_one_of_another_shape_updates_the_page(tmp_path):
    case, out, cache = _site(tmp_path), tmp_path / "public", tmp_path / "cache"
    story = case / "content/stories/2024-05-li-a-yi.md"
    story.write_text(story.read_text(encoding="utf-8") + "\n\n![摊前](../images/cover.jpg)\n",
                     encoding="utf-8")
    _build(case, out, cache)
    assert (_cover_img(out)["width"], _cover_img(out)["height"]) == ("1080", "540")
    assert _body_img(out) == ("1080", "540")
    photo = case / "content/images/cover.jpg"
    Image.new("RGB", (900, 1200), "#336699").save(photo, "JPEG")
    os.utime(photo, ns=(photo.stat().st_mtime_ns + 10**9,) * 2)
    _build(case, out, cache)
    img = _cover_img(out)
    assert (img["width"], img["height"]) == ("900", "1200")
    assert _body_img(out) == ("900", "1200"), "the cached body was made again"
    assert Image.open(_file(out, img["src"])).size == (900, 1200)
    assert Image.open(out / "media/images/cover.800w.webp").size == (800, 1067)


def test_wechat_covers_are_cut_from_the_sites_copy_without_a_second_decode(tmp_path, monkeypatch):
    def decoded_again(*args):
        raise AssertionError("the cover decoded the photo again")
    monkeypatch.setattr(images, "prepare", decoded_again)
    out = tmp_path / "public"
    _build(_site(tmp_path), out)
    cover = (tmp_path / "staff/wechat/2024-05-li-a-yi/cover.jpg").read_bytes()
    assert cover == (out / "media/images/cover.jpg").read_bytes()
    wide = Image.open(io.BytesIO((tmp_path / "staff/wechat/2024-05-li-a-yi/cover-235.jpg")
                                 .read_bytes()))
    assert wide.size == (900, 383) and not wide.getexif()
