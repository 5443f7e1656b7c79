"""Every cache read is verified: damaged, truncated or planted cache files are never published, never crash the
build and never run code; the damaged entries are computed again and the output equals a cold build's."""
from __future__ import annotations

import hashlib
import json
import pickle
import shutil
from pathlib import Path

import pytest

from generator.base.cache import Cache, is_missing
from tests.conftest import ROOT, build_basic


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def site(basic_site):
    """A copy of the basic case with the cache and outputs its first build left."""
    return basic_site


def _equals_cold(site: Path, basic_built: Path) -> bool:
    """Website and staff folder are byte for byte those of a build without any cache."""
    cold = basic_built.parent
    return (_tree(site / "public") == _tree(cold / "cold")
            and _tree(site / "staff") == _tree(cold / "cold-staff"))


def _flip(path: Path, at: int | None = None) -> None:
    data = bytearray(path.read_bytes())
    at = len(data) // 2 if at is None else at
    data[at] ^= 0x41
    path.write_bytes(bytes(data))


def test_corrupted_led_frames_are_drawn_again_and_the_playlist_tells_the_truth(site, basic_built):
    frames = sorted((site / ".cache/led").glob("*.png"))
    assert len(frames) >= 5
    assert build_basic(site).frames_drawn == 0, "undamaged, every frame comes from the cache"
    for frame in frames:
        _flip(frame)
    shutil.rmtree(site / "public")
    report = build_basic(site)
    assert report.frames_drawn == len(frames), "every corrupted frame is drawn again"
    assert _equals_cold(site, basic_built)
    for playlist in (site / "staff/led").glob("*/playlist.json"):
        items = json.loads(playlist.read_text("utf-8"))["items"]
        assert items
        for item in items:
            data = (playlist.parent / item["file"]).read_bytes()
            assert hashlib.md5(data).hexdigest() == item["md5"] and len(data) == item["bytes"]


@pytest.mark.parametrize("damage", ["flip", "truncate", "garbage", "empty"])
def test_a_damaged_shard_never_crashes_the_build(site, basic_built, damage):
    shards = sorted((site / ".cache/data").glob("*.cache"))
    assert shards
    for shard in shards:
        if damage == "flip":
            _flip(shard)
        elif damage == "truncate":
            shard.write_bytes(shard.read_bytes()[: len(shard.read_bytes()) // 3])
        else:
            shard.write_bytes(b"\x80\x05garbage" * 50 if damage == "garbage" else b"")
    shutil.rmtree(site / "public")
    build_basic(site)
    assert _equals_cold(site, basic_built)


def test_a_flipped_byte_loses_only_that_entry(tmp_path):
    cache = Cache(tmp_path, "salt", key=b"k" * 32)
    for n in range(40):
        cache.put("ns", f"0{n:02d}", {"value": n, "text": "好" * 50})
    cache.save()
    shard = tmp_path / "ns-00.cache"
    _flip(shard)
    again = Cache(tmp_path, "salt", key=b"k" * 32)
    values = [again.get("ns", f"0{n:02d}") for n in range(40)]
    assert sum(map(is_missing, values)) == 1 and again.rejected == 1
    assert all(v == {"value": n, "text": "好" * 50} for n, v in enumerate(values) if not is_missing(v))


def test_a_planted_entry_never_runs(tmp_path):
    marker = tmp_path / "ran"

    class Evil:
        def __reduce__(self):
            return (Path.touch, (marker,))

    payload = pickle.dumps(("salt", {"0abc": Evil()}))
    cache = Cache(tmp_path, "salt", key=b"k" * 32)
    cache.put("ns", "0abc", "honest")
    cache.save()
    for name in ("ns-00.cache", "ns-00.pickle"):  # today's shard name and the old pickle name
        (tmp_path / name).write_bytes(payload)
    again = Cache(tmp_path, "salt", key=b"k" * 32)
    assert is_missing(again.get("ns", "0abc")) and not marker.exists()
    forged = Cache(tmp_path, "salt", key=b"attacker-key-without-the-secret!")
    forged.put("ns", "0abc", Evil())
    forged.save()
    again = Cache(tmp_path, "salt", key=b"k" * 32)
    assert is_missing(again.get("ns", "0abc")) and not marker.exists()


def test_a_planted_compiled_template_is_not_loaded(site, basic_built):
    compiled = sorted((site / ".cache/jinja").iterdir())
    assert compiled
    for path in compiled:
        _flip(path, at=len(path.read_bytes()) - 5)
    shutil.rmtree(site / "public")
    build_basic(site)
    assert _equals_cold(site, basic_built)


def test_the_secret_is_kept_between_processes(tmp_path, monkeypatch):
    import subprocess
    import sys

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.delenv("WENMING_CACHE_SECRET", raising=False)
    code = "from generator.base.cache import secret; print(secret().hex())"
    runs = [subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
            for _ in range(2)]
    assert runs[0] == runs[1] and len(runs[0].strip()) == 64
    assert (tmp_path / "wenming/cache-secret").stat().st_mode & 0o077 == 0
