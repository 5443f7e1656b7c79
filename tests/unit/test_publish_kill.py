"""`kill -9` a real build at many moments: the output folder is always entirely the old site or the new one.

The build runs in a child process that counts its file-system operations (links, writes, renames, folder
creations and removals, the swap) and sends itself SIGKILL just before the k-th one, for k spread over the
whole build and every one of its last operations (the swap and the removal of the old tree). A second series
kills it after a wall-clock delay instead. After each kill the tree must equal one of the two complete trees, and
the next build must clean whatever the killed one left beside it.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import STORY

ROOT = Path(__file__).resolve().parents[2]
DRIVER = r"""
import os, signal, sys, shutil, pathlib, atexit
limit = int(os.environ["KILL_AT"]); count = [0]
def counted(module, name):
    real = getattr(module, name)
    def wrapper(*args, **kwargs):
        count[0] += 1
        if count[0] == limit:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)
    setattr(module, name, wrapper)
for name in ("link", "rename", "replace", "makedirs", "mkdir", "unlink", "rmdir"):
    counted(os, name)
counted(shutil, "rmtree"); counted(pathlib.Path, "write_bytes")
import generator.build.writer as writer
if hasattr(writer, "_rename_exchange"):
    counted(writer, "_rename_exchange")
atexit.register(lambda: print("OPS", count[0], file=sys.stderr))
from generator.cli import main
sys.exit(main(sys.argv[1:]))
"""
TIME = "2024-06-30T09:00"
SECOND = STORY.replace("好人张三", "好人李四").replace("张三", "李四")


def _tree(out: Path) -> dict[str, bytes] | None:
    if not out.is_dir():
        return None
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _content(root: Path, version: str) -> None:
    stories = root / "content/stories"
    (stories / "a.md").write_text(STORY if version == "A" else STORY.replace("热心人", "热心人，大家都夸他"), "utf-8")
    second = stories / "b.md"
    second.unlink(missing_ok=True) if version == "A" else second.write_text(SECOND, "utf-8")


def _run(root: Path, kill_at: int) -> subprocess.CompletedProcess:
    env = {**os.environ, "KILL_AT": str(kill_at), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", DRIVER, "build", "--quiet", "--build-time", TIME,
                           "--config", str(root / "site_config.yaml")], env=env, capture_output=True, text=True)


def _ops(result: subprocess.CompletedProcess) -> int:
    assert result.returncode == 0, result.stderr
    return int(result.stderr.rsplit("OPS ", 1)[1].split()[0])


@pytest.fixture
def two_sites(make_site):
    root = make_site({"content/stories/a.md": STORY})
    trees = {}
    for version in ("A", "B"):
        _content(root, version)
        _ops(_run(root, 0))
        trees[version] = _tree(root / "public")
    assert trees["A"] != trees["B"] and len(trees["B"]) > len(trees["A"])
    return root, trees


def _state(root: Path, trees: dict) -> str:
    found = _tree(root / "public")
    for version, tree in trees.items():
        if found == tree:
            return version
    missing = sorted(set(trees["A"]) - set(found or {}))[:5]
    raise AssertionError(f"the output folder is a mix of the two sites (missing {missing})")


@pytest.mark.slow  # a whole build in child processes: `make test` runs it, `make test-fast` does not
def test_a_build_killed_at_any_moment_leaves_the_old_or_the_new_site(two_sites):
    root, trees = two_sites
    state, survived, kills = "B", 0, 0
    _content(root, "A")
    total = _ops(_run(root, 0))  # a full build from B to A, counting its operations
    state = _state(root, trees)
    moments = sorted({1, *range(1, total, max(1, total // 12)), *range(max(1, total - 8), total + 1)})
    for k in moments:
        _content(root, "A" if state == "B" else "B")
        result = _run(root, k)
        kills += result.returncode == -signal.SIGKILL
        state = _state(root, trees)
        survived += 1
    assert kills >= len(moments) - 2, "the driver must really kill the builds"
    for delay in (0.3, 0.6, 0.9, 1.2, 1.5, 1.8, 2.1, 2.4):
        _content(root, "A" if state == "B" else "B")
        env = {**os.environ, "KILL_AT": "0", "PYTHONPATH": str(ROOT)}
        child = subprocess.Popen([sys.executable, "-c", DRIVER, "build", "--quiet", "--build-time", TIME,
                                  "--config", str(root / "site_config.yaml")], env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
        state = _state(root, trees)
        survived += 1
    _ops(_run(root, 0))
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(".public")) == [".public-standby"]
    assert survived == len(moments) + 8
    print(f"kills survived: {survived} of {survived} ({len(moments)} at file operations of {total})")
