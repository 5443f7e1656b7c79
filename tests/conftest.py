"""Shared fixtures: build small throwaway sites from a dict of {path: text}."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests run beside a loaded machine: Hypothesis' per-example deadline would make them flaky. Speed is
# measured in `make bench`, never in a test.
settings.register_profile("wenming", deadline=None)
settings.load_profile("wenming")


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
