"""Images and WeChat covers prepared in threads and worker processes: the build writes the bytes of
a one-thread build, prepares at most one photo per thread at a time, reports a broken image as a
one-thread build does, and cuts covers from the site's copies wherever the bundles are made."""
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
from generator.base import parallel
from generator.base.errors import BuildFailed
from generator.build import pipeline
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
    """The basic case with six more photos in a letter's body (one turned, one PNG, one wide); the
    story and the activity share one photo, so two WeChat bundles are cut from it."""
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
    """Count the photos being prepared at once (images.prepare_all: one call per new photo) and
    the threads that prepared them."""
    seen = {"now": 0, "most": 0, "threads": set(), "calls": 0}
    lock, real = threading.Lock(), images.prepare_all

    def prepare_all(*args, **kwargs):
        with lock:
            seen["now"] += 1
            seen["calls"] += 1
            seen["most"] = max(seen["most"], seen["now"])
            seen["threads"].add(threading.get_ident())
        try:
            return real(*args, **kwargs)
        finally:
            with lock:
                seen["now"] -= 1

    monkeypatch.setattr(images, "prepare_all", prepare_all)
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
    assert seen["calls"] == 7, "each photo is prepared once"


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


def _covers_of(staff: Path) -> dict[str, bytes]:
    return {rel: data for rel, data in _tree(staff).items() if "/cover" in rel}


def test_covers_cut_in_threads_match_a_one_thread_build(tmp_path):
    """Two bundles share the story's photo: each gets its covers, as in a one-thread build."""
    case = _site(tmp_path)
    _build(case, tmp_path / "one", 1)
    _build(case, tmp_path / "two", 2)
    one, two = _covers_of(tmp_path / "one-staff"), _covers_of(tmp_path / "two-staff")
    shared = [rel for rel in one if rel.endswith("/cover.jpg")
              and one[rel] == (tmp_path / "one/media/images/cover.jpg").read_bytes()]
    assert len(shared) == 2, "the story and the activity are both cut from cover.jpg"
    assert sum(rel.endswith("/cover-235.jpg") for rel in one) == 3 and one == two


@pytest.mark.parametrize("method", ["fork", pytest.param("spawn", marks=pytest.mark.slow)])
def test_bundles_made_in_worker_processes_are_cut_from_the_sites_copies(tmp_path, monkeypatch,
                                                                        method):
    """A site large enough to make its bundles in worker processes (the threshold lowered here):
    the covers equal a one-thread build's, and `cover.jpg` is the site's copy; a forked worker
    inherits `prepare` made to fail, so there its covers can only come from the staged copies."""
    case = _site(tmp_path)
    _build(case, tmp_path / "one", 1)
    monkeypatch.setattr(parallel, "MIN_ITEMS", 2)
    monkeypatch.setattr(pipeline, "MIN_ITEMS", 2)
    monkeypatch.setenv("WENMING_START_METHOD", method)

    def decoded_again(*args):
        raise AssertionError("a cover decoded its photo again")

    monkeypatch.setattr(images, "prepare", decoded_again)
    _build(case, tmp_path / "two", 2)
    one, two = _covers_of(tmp_path / "one-staff"), _covers_of(tmp_path / "two-staff")
    assert len(one) == 9 and one == two
    letter = (tmp_path / "two-staff/wechat/2024-03-wen-ming/cover.jpg").read_bytes()
    assert letter == (tmp_path / "two/media/images/p0.jpg").read_bytes()


def test_photos_refused_by_name_do_not_hold_up_the_threads(tmp_path, monkeypatch):
    """Photos named as Windows devices are refused before they are published; the threads still
    prepare every photo after them."""
    case = _site(tmp_path)
    refused = ["aux", "nul", "com1", "com2", "lpt1"]
    for number, name in enumerate(refused):
        (case / f"content/images/{name}.jpg").write_bytes(_photo(700, 500, 9 + number))
    letter = case / LETTER
    head, _, tail = letter.read_text(encoding="utf-8").partition("\n\n![照片 p0.jpg]")
    letter.write_text(head + "".join(f"\n\n![照片](images/{name}.jpg)" for name in refused)
                      + "\n\n![照片 p0.jpg]" + tail, encoding="utf-8")
    seen = _watched(monkeypatch)
    with pytest.raises(BuildFailed) as failed:
        _build(case, tmp_path / "out", 2)
    assert sum("Windows 的保留名" in p.message for p in failed.value.problems) == len(refused)
    assert seen["calls"] >= 7 and threading.get_ident() not in seen["threads"]
