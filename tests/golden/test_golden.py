"""Golden sites: build each case and compare the whole output tree with tests/golden/expected/<case>/ byte for byte.

Refresh with `make golden-update` after an intended change, then review the diff of expected/ like any code.
"""
from __future__ import annotations

import difflib
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from generator import config
from generator.build.pipeline import BuildOptions, build

HERE = Path(__file__).parent
CASES = sorted(p.name for p in (HERE / "cases").iterdir() if p.is_dir())
TEMPLATES = HERE.parents[1] / "templates"
BUILD_TIME = datetime(2024, 6, 30, 9, 0)


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _build(case: Path, out: Path) -> None:
    cfg = config.load(case / "site_config.yaml")
    build(cfg, BuildOptions(case / "content", out, TEMPLATES, BUILD_TIME))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A function: the folder where a case was built (public/ and staff/ in it), built on first
    use."""
    folders: dict[str, Path] = {}

    def folder(name: str) -> Path:
        if name not in folders:
            folders[name] = tmp_path_factory.mktemp(name)
            _build(HERE / "cases" / name, folders[name] / "public")
        return folders[name]

    return folder


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("part", ["public", "staff"])
def test_golden_site(built, name, part, update_golden):
    """Both parts of the output: the public website (public/) and the staff folder beside it (staff/)."""
    out = built(name) / part
    expected_dir = HERE / "expected" / name / part
    if update_golden:
        shutil.rmtree(expected_dir, ignore_errors=True)
        shutil.copytree(out, expected_dir)
    actual, expected = _tree(out), _tree(expected_dir)
    assert sorted(actual) == sorted(expected), "the set of output files changed"
    for rel in sorted(actual):
        if actual[rel] != expected[rel]:
            if rel.endswith((".html", ".xml", ".json", ".txt", ".css", ".js", ".csv")):
                diff = "\n".join(difflib.unified_diff(expected[rel].decode().splitlines(), actual[rel].decode().splitlines(),
                                                      f"expected/{part}/{rel}", f"actual/{part}/{rel}", lineterm=""))
                pytest.fail(f"{rel} differs:\n{diff}")
            pytest.fail(f"{rel} differs (binary)")


def test_build_is_byte_identical_cold_and_warm(tmp_path):
    case = HERE / "cases" / CASES[0]
    cfg = config.load(case / "site_config.yaml")
    cold, warm = tmp_path / "cold", tmp_path / "warm"  # (their staff folders: cold-staff/, warm-staff/)
    cache = tmp_path / "cache"
    build(cfg, BuildOptions(case / "content", cold, TEMPLATES, BUILD_TIME, cache_dir=cache))
    build(cfg, BuildOptions(case / "content", warm, TEMPLATES, BUILD_TIME, cache_dir=cache))
    second = build(cfg, BuildOptions(case / "content", warm, TEMPLATES, BUILD_TIME, cache_dir=cache))
    assert _tree(cold) == _tree(warm)
    assert _tree(tmp_path / "cold-staff") == _tree(tmp_path / "warm-staff")
    assert second.written == [] and second.removed == []
