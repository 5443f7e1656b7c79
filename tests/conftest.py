"""Shared fixtures: build small throwaway sites from a dict of {path: text}."""
from __future__ import annotations

import functools
import shutil
import sys
import textwrap
import traceback
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests run beside a loaded machine: Hypothesis' per-example deadline would make them flaky. Speed is
# measured in `make bench`, never in a test.
settings.register_profile("wenming", deadline=None)
settings.load_profile("wenming")

# CPython 3.11 keeps one AST recursion counter per interpreter (gh-106905): when a server thread of a test formats
# a traceback (3.11's traceback module parses each line to place its ^^^ carets) while the main thread parses too,
# the counter goes wrong and every later ast.parse in that worker fails with "AST constructor recursion depth
# mismatch", which pytest-xdist reports as an internal error. The carets are cosmetic: tests go without them.
if sys.version_info < (3, 12):
    traceback._extract_caret_anchors_from_line_segment = lambda segment: None


def pytest_collection_modifyitems(items):
    """Everything under tests/e2e/ needs Chromium or the tools `make test` installs: mark it e2e."""
    for item in items:
        if "/tests/e2e/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.e2e)

MINIMAL_CONFIG = """\
site:
  title: 测试站
  base_url: https://example.gov.cn/wenming/
publish:
  require_review: false
led:
  screens:
    - {name: gate, width: 384, height: 192, colour: full, font_size: 40, min_font_size: 24}
    - {name: strip, width: 192, height: 32, colour: dual, font_size: 16, min_font_size: 16}
    - {name: board, width: 128, height: 32, colour: mono, led_colour: red, font_size: 16, min_font_size: 12}
"""

STORY = """\
---
title: 好人张三
date: 2023-09-11
person: 张三
category: 助人为乐
summary: 张三常年帮助邻居。
consent: {who: 张三, date: 2023-09-01}
---
张三是柚苑社区的热心人。
"""


ROOT = Path(__file__).resolve().parents[1]
BASIC = ROOT / "tests/golden/cases/basic"  # a story, an activity, a letter, a page and a photo
BASIC_NOW = datetime(2024, 6, 30, 9, 0)


def build_basic(site: Path, out: str | Path = "public", cache: bool = True, preview: bool = False):
    """Build a copy of the basic case as the incremental and cache tests do: one process, the
    shipped templates, the case's clock, `out` under the site (or absolute); `preview` builds as
    the preview server does (its cache kept in memory)."""
    from generator import config
    from generator.build.pipeline import BuildOptions, build

    opts = BuildOptions(site / "content", site / out, ROOT / "templates", BASIC_NOW,
                        cache_dir=site / ".cache" if cache else None, preview=preview,
                        keep_cache=preview, jobs=1)
    return build(config.load(site / "site_config.yaml"), opts)


@pytest.fixture(scope="session")
def basic_built(tmp_path_factory) -> Path:
    """The basic case built once per test process, never to be changed: `site/` holds the case
    with public/, staff/, .preview/, .preview-staff/ and their .cache; `cold/` and `cold-staff/`
    beside it are a build without any cache. Tests that change files take a copy (`basic_site`)."""
    site = tmp_path_factory.mktemp("basic") / "site"
    shutil.copytree(BASIC, site)
    build_basic(site, site.parent / "cold", cache=False)
    build_basic(site)
    build_basic(site, ".preview", preview=True)
    return site


@pytest.fixture
def basic_site(basic_built, tmp_path) -> Path:
    """A private copy of the built basic case (outputs and cache as a build left them)."""
    return Path(shutil.copytree(basic_built, tmp_path / "site", symlinks=True))


@pytest.fixture(scope="session")
def desk_site(tmp_path_factory):
    """Return a function (root, files=None) -> Workspace: the desk's test site
    (tests/desk_helpers.py), its roster, keys and desk accounts made once per test process and
    copied to root, `files` added."""
    from tests.desk_helpers import copy_desk_site, make_desk_site

    template = make_desk_site(tmp_path_factory.mktemp("desk") / "site")
    return functools.partial(copy_desk_site, template)


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write each {relative path: text or bytes} under root (text is dedented) and return root."""
    for rel, body in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(body, bytes):
            path.write_bytes(body)
        else:
            path.write_text(textwrap.dedent(body), encoding="utf-8")
    return root


@pytest.fixture
def make_site(tmp_path):
    """Return a function that writes a site (config defaults to MINIMAL_CONFIG) and gives back its root."""

    def make(files: dict[str, str | bytes], config: str | None = None) -> Path:
        root = tmp_path / "site"
        write_tree(root, {"site_config.yaml": config if config is not None else MINIMAL_CONFIG, **files})
        (root / "content").mkdir(exist_ok=True)
        return root

    return make


@pytest.fixture
def make_approved_site(make_site):
    """Like make_site, with the review gate on, a throwaway roster (tests/approvals.py) and every article approved."""
    from tests.approvals import approve, make_roster

    def make(files: dict[str, str | bytes], config: str | None = None) -> Path:
        root = make_site(files, config)
        make_roster(root)
        approve(root)
        return root

    return make


def pytest_addoption(parser):
    """`--update-golden` rewrites the expected output trees of the golden tests (review the diff before committing)."""
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/expected/ from the current output")


@pytest.fixture
def update_golden(request) -> bool:
    """True when the run was asked to refresh the golden trees."""
    return request.config.getoption("--update-golden")
