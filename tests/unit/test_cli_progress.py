"""A build shows its steps on a terminal, and stays quiet when its output goes to a log (CI) or with --quiet."""
from __future__ import annotations

import io
import sys

import pytest

from generator.cli import main
from tests.conftest import STORY

STEPS = ["… 读取内容", "… 三审三校", "… 检查", "… 排版正文", "… 网站页面", "… 发布"]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _run(root, stderr, *extra) -> str:
    old = sys.stderr
    sys.stderr = stderr
    try:
        assert main(["build", "--config", str(root / "site_config.yaml"), *extra]) == 0
    finally:
        sys.stderr = old
    return stderr.getvalue()


@pytest.mark.parametrize("stream, extra, shown", [(_Terminal, (), True), (io.StringIO, (), False),
                                                  (_Terminal, ("--quiet",), False)],
                         ids=["terminal", "log", "quiet"])
def test_progress_lines_show_only_on_a_terminal(make_site, stream, extra, shown):
    root = make_site({"content/stories/a.md": STORY})
    lines = [line for line in _run(root, stream(), *extra).splitlines() if line.startswith("… ")]
    if shown:
        assert [line for line in lines if line in STEPS] == STEPS
    else:
        assert lines == []
