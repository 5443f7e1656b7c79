"""Images prepared in a thread pool: the build writes the same bytes as a one-thread build, decodes
at most one photo per thread at a time, and reports a broken image as a one-thread build does."""
from __future__ import annotations

import functools
import io
import shutil
import threading
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image

from generator import config
from generator.base.errors import BuildFailed
from generator.build.pipeline import BuildOptions, build
from generator.render import images

ROOT = Path(__file__).resolve().parents[2]
CASE = ROOT / "tests/golden/cases/basic"
LETTER = "content/letters/2024-03-wen-ming.md"


@functools.lru_cache(maxsize=None)  # the same noisy photos for every test: made once
def _photo(width: int, height: int, seed: int, orientation: int = 1) -> bytes:
    image = Image.merge("RGB", [Image.effect_noise((width, height), 20 + seed * 7 + i * 9)
                                for i in range(3)])
    exif = Image.Exif()
    exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


def _site(tmp_path: Path, broken: bool = False) -> Path:
    """The basic case with six more photos in a letter's body (one turned, one PNG, one wide)."""
    case = tmp_path / "case"
    shutil.copytree(CASE, case)
    folder = case / "content/images"
    shapes = [(1400, 900, 1), (900, 1400, 6), (1200, 800, 1), (2400, 1600, 1), (640, 480, 1)]
    for number, (width, height, turn) in enumerate(shapes):
        (folder / f"p{number}.jpg").write_bytes(_photo(width, height, number, turn))
    Image.new("RGB", (1500, 300), (10, 120, 200)).save(folder / "chart.png")
    if broken:
        (folder / "p2.jpg").write_bytes(b"\xff\xd8 not a photo")
    names = [f"p{n}.jpg" for n in range(len(shapes))] + ["chart.png"]
    letter = case / LETTER
    letter.write_text(letter.read_text(encoding="utf-8") + "".join(
        f"\n\n![照片 {name}](images/{name})" for name in names), encoding="utf-8")
    return case


def _build(case: Path, out: Path, jobs: int, cache: Path | None = None) -> None:
    cfg = config.load(case / "site_config.yaml")
    build(cfg, BuildOptions(case / "content", out, ROOT / "templates", datetime(2024, 6, 30, 9),
                            cache_dir=cache, jobs=jobs))


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _watched(monkeypatch) -> dict:
    """Count the photos being prepared at once and the threads that prepared them."""
    seen = {"now": 0, "most": 0, "threads": set()}
    lock, real = threading.Lock(), images._prepare

    def prepare(*args, **kwargs):
        with lock:
            seen["now"] += 1
            seen["most"] = max(seen["most"], seen["now"])
            seen["threads"].add(threading.get_ident())
        try:
            return real(*args, **kwargs)
        finally:
            with lock:
                seen["now"] -= 1

    monkeypatch.setattr(images, "_prepare", prepare)
    return seen


@pytest.mark.parametrize("cached", [False, True])
def test_a_thread_pool_build_writes_the_bytes_of_a_one_thread_build(tmp_path, monkeypatch, cached):
    case = _site(tmp_path)
    _build(case, tmp_path / "one", 1, tmp_path / "cache1" if cached else None)
    seen = _watched(monkeypatch)
    _build(case, tmp_path / "two", 2, tmp_path / "cache2" if cached else None)
    one, two = _tree(tmp_path / "one"), _tree(tmp_path / "two")
    assert sum(name.startswith("media/") for name in one) > 20  # the photos and their copies
    assert one.keys() == two.keys()
    assert [name for name in one if one[name] != two[name]] == []
    staff = _tree(tmp_path / "one-staff")
    assert staff and staff == _tree(tmp_path / "two-staff")
    assert seen["most"] == 2, "the photos were not prepared two at a time"
    assert threading.get_ident() not in seen["threads"]


def test_at_most_one_photo_per_thread_is_prepared_at_once(tmp_path, monkeypatch):
    seen = _watched(monkeypatch)
    _build(_site(tmp_path), tmp_path / "out", 3)
    assert seen["most"] <= 3 and len(seen["threads"]) <= 3


def test_a_one_thread_build_prepares_in_its_own_thread(tmp_path, monkeypatch):
    seen = _watched(monkeypatch)
    _build(_site(tmp_path), tmp_path / "out", 1)
    assert seen["threads"] == {threading.get_ident()} and seen["most"] == 1


def test_a_broken_photo_is_reported_as_a_one_thread_build_reports_it(tmp_path):
    case = _site(tmp_path, broken=True)
    found = []
    for jobs in (1, 2):
        with pytest.raises(BuildFailed) as failed:
            _build(case, tmp_path / f"out{jobs}", jobs)
        found.append([(e.path, e.line, e.message, e.code) for e in failed.value.problems])
    assert found[0] == found[1]
    assert any("p2.jpg" in message and "打不开" in message for _p, _l, message, _c in found[0])


def test_wechat_covers_are_cut_in_the_pool_and_match_a_one_thread_build(tmp_path, monkeypatch):
    from generator.formats.wechat import covers

    case = _site(tmp_path)
    _build(case, tmp_path / "one", 1)
    cut, real = [], covers._from_image

    def from_image(*args):
        cut.append(threading.get_ident())
        return real(*args)

    monkeypatch.setattr(covers, "_from_image", from_image)
    _build(case, tmp_path / "two", 2)
    assert len(cut) >= 2 and threading.get_ident() not in cut
    one, two = _tree(tmp_path / "one-staff"), _tree(tmp_path / "two-staff")
    assert sum(name.endswith("/cover-235.jpg") for name in one) >= 2 and one == two
    assert covers._AHEAD == {}  # every cover cut ahead was handed out
