"""Windows: the names the tool writes are valid there, and wenming.cmd does what make build/serve/desk/check do."""
from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest

from generator import config
from generator.base.errors import BuildFailed
from generator.base.slugs import is_safe, windows_name_ok
from generator.build.pipeline import BuildOptions, build
from generator.build.writer import Publication, UnsafeOutputPath
from tests.conftest import STORY

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"


@pytest.mark.parametrize("name", ["con", "NUL", "com1.html", "a?b", "x:y", "what*", "end.", "end ", 'say"'])
def test_names_windows_cannot_hold_are_refused(name):
    assert not windows_name_ok(name) and not is_safe(name)


def test_ordinary_names_pass():
    assert all(windows_name_ok(n) for n in ("index.html", "hao-ren-zhang-san", "%E5%A5%BD", "审核台账.csv", "console"))


def test_a_reserved_slug_is_reported_with_its_line(make_site):
    root = make_site({"content/stories/a.md": STORY.replace("title: 好人张三", "title: 好人张三\nslug: aux")})
    with pytest.raises(BuildFailed) as failed:
        build(config.load(root / "site_config.yaml"),
              BuildOptions(root / "content", root / "public", TEMPLATES, datetime(2024, 1, 1)))
    problem = failed.value.problems[0]
    assert problem.line == 3 and "Windows 的保留名" in problem.message


def test_the_writer_refuses_a_name_windows_cannot_hold(tmp_path):
    publication = Publication(tmp_path / "public")
    with pytest.raises(UnsafeOutputPath, match="Windows"):
        publication.add("tags/a?b/index.html", b"x")
    publication.abort()


def test_every_file_of_a_build_has_a_windows_name(make_site):
    tagged = STORY.replace("summary:", "tags: [志愿服务, \"a?b\", CON]\nsummary:")
    root = make_site({"content/stories/a.md": tagged})
    build(config.load(root / "site_config.yaml"), BuildOptions(root / "content", root / "public", TEMPLATES,
                                                               datetime(2024, 1, 1)))
    names = [p.relative_to(root / "public").as_posix() for p in (root / "public").rglob("*")]
    assert names
    assert [n for n in names if not all(windows_name_ok(part) for part in n.split("/"))] == []
    lowered = [n.lower() for n in names]
    assert len(lowered) == len(set(lowered)), "no two names differ only in case"


def test_wenming_cmd_runs_the_same_commands_as_make():
    text = (ROOT / "wenming.cmd").read_bytes().decode("utf-8")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", ""), "cmd.exe needs CRLF line ends"
    assert "py -3 -m venv .venv" in text and r".venv\Scripts\python.exe" in text
    assert "pip install" in text and "-r requirements.txt" in text
    for command in ("build", "serve", "desk", "check"):
        assert re.search(rf'if /i "%WHAT%"=="{command}" goto :run', text), command
    assert '"%PY%" -m generator %WHAT%' in text
    labels = set(re.findall(r"^:(\w+)", text, re.M))
    assert set(re.findall(r"goto :(\w+)|call :(\w+)", text) and
               [a or b for a, b in re.findall(r"goto :(\w+)|call :(\w+)", text)]) <= labels


def test_a_reserved_word_as_a_tag_or_file_name_gets_a_usable_slug():
    from generator.base.slugs import slugify

    assert slugify("CON") == "con-1" and slugify("aux") == "aux-1" and slugify("console") == "console"


@pytest.mark.parametrize("rel", ["con/index.html", "tags/CON/index.html", "a/Aux.html", "lpt9.txt",
                                 "x/com1.tar.gz", "nul"])
def test_the_writer_refuses_a_reserved_device_name_at_any_depth(tmp_path, rel):
    publication = Publication(tmp_path / "public")
    with pytest.raises(UnsafeOutputPath, match="Windows"):
        publication.add(rel, b"x")
    publication.abort()


@pytest.mark.parametrize("rel, stored", [("tags/console/index.html", "tags/console/index.html"),
                                         ("a/com10/b.html", "a/com10/b.html"),
                                         ("a/./b//c.html", "a/b/c.html"),
                                         ("a\\b.html", "a/b.html")])
def test_the_writer_keeps_plain_names_and_writes_others_in_normal_form(tmp_path, rel, stored):
    publication = Publication(tmp_path / "public")
    publication.add(rel, b"x")
    publication.commit()
    assert (tmp_path / "public" / stored).read_bytes() == b"x"
