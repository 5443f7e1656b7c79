"""The command line speaks Chinese even where argparse writes its own text, and every help ends with an example."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator import __version__
from generator.cli import _parser, main

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = ["build", "serve", "new", "check", "desk", "deploy", "review", "review sign", "review history", "review roster",
            "review roster add"]


def test_version(capsys):
    with pytest.raises(SystemExit) as leaving:
        main(["--version"])
    assert leaving.value.code == 0
    assert capsys.readouterr().out.strip() == f"文明常山发布工具 {__version__}"


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_each_help_is_chinese_and_ends_with_an_example(command, capsys):
    with pytest.raises(SystemExit):
        main([*command.split(), "-h"])
    text = capsys.readouterr().out
    assert text.startswith("用法：python -m generator")
    for english in ("usage:", "options:", "show this help message", "positional arguments"):
        assert english not in text
    example = text.rstrip().split("例子：")[-1]
    assert "例子：" in text and example.strip().startswith("python -m generator")


@pytest.mark.parametrize("argv, expected", [
    (["bogus"], "不认识 “bogus”（可以选：build、serve、new、check、desk、review、deploy）"),
    (["review", "sign"], "缺少必填的参数：file、--stage"),
    (["new"], "缺少必填的参数：type、title"),
    (["new", "poem", "x"], "不认识 “poem”"),
    (["serve", "--port", "abc"], "参数 --port：“abc” 不是整数"),
    (["build", "--colour"], "不认识的参数：--colour"),
])
def test_argparse_errors_are_chinese(argv, expected, capsys):
    with pytest.raises(SystemExit) as leaving:
        main(argv)
    assert leaving.value.code == 2
    err = capsys.readouterr().err
    assert expected in err and "错误：" in err and "-h 查看用法" in err
    assert not re.search(r"\b(error|invalid choice|required|unrecognized|usage)\b", err)


def test_make_help_lists_every_target_with_a_line():
    done = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True)
    targets = re.findall(r"^([a-z-]+):", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M)
    listed = re.findall(r"^  make ([a-z-]+)", done.stdout, re.M)
    missing = sorted(set(targets) - set(listed) - {"help", "system-packages"})
    assert missing == [], f"make help does not list {missing}"
    assert all(re.search(r"[\u4e00-\u9fff]", line) for line in done.stdout.splitlines())
