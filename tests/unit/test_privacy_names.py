"""Issue 13: personal data in file names, slugs and image file names is checked like the text. Such a name would
go into URLs, the sitemap, LED playlists, the search index and the ledger, where masking cannot reach: it is an
error naming the file, with the number masked in the message and path, and the CLI never echoes it in full.
With masking on, the ledger masks titles too."""
from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

import pytest

from generator import config
from generator.base.errors import BuildFailed
from generator.build.pipeline import BuildOptions, build
from generator.cli import main
from tests.conftest import MINIMAL_CONFIG, STORY

PHONE, PHONE_MASKED = "13812345678", "138****5678"
ID, ID_MASKED = "330822199001011238", "33*************238"
MASKING = MINIMAL_CONFIG + "privacy:\n  mask: true\n"
NOW = datetime(2024, 1, 1, 8, 0)
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _problems(root, cfg_text: str = MINIMAL_CONFIG):
    (root / "site_config.yaml").write_text(cfg_text, encoding="utf-8")
    cfg = config.load(root / "site_config.yaml")
    opts = BuildOptions(root / "content", root / "public", TEMPLATES, NOW)
    with pytest.raises(BuildFailed) as failed:
        build(cfg, opts)
    assert not (root / "public").exists(), "nothing is published"
    return [p for p in failed.value.problems if p.code.startswith("privacy.name.")]


@pytest.mark.parametrize("cfg_text", [MINIMAL_CONFIG, MASKING], ids=["blocking", "masking"])
def test_a_phone_number_in_the_file_name_is_an_error_with_the_number_masked(make_site, cfg_text):
    root = make_site({f"content/stories/zhang-{PHONE}.md": STORY})
    [problem] = _problems(root, cfg_text)
    assert problem.is_error and problem.line == 1
    assert f"zhang-{PHONE_MASKED}.md" in problem.path and PHONE not in problem.path
    assert "文件名里有手机号" in problem.message and PHONE_MASKED in problem.message
    assert PHONE not in problem.message + problem.hint and "改名" in problem.hint


def test_an_id_number_in_the_slug_is_an_error_at_the_slug_line(make_site):
    root = make_site({"content/stories/zhang.md": STORY.replace("date:", f"slug: zhang-{ID}\ndate:", 1)})
    [problem] = _problems(root, MASKING)
    assert problem.line == 3 and "网址名（slug）里有身份证号" in problem.message
    assert ID_MASKED in problem.message and ID not in problem.message


@pytest.mark.parametrize("where", ["cover", "body"])
def test_a_phone_number_in_an_image_file_name_is_an_error(make_site, where):
    image = f"images/{PHONE}.png"
    story = (STORY.replace("date:", f"cover: {image}\ncover_alt: 张三\ndate:", 1) if where == "cover"
             else STORY + f"\n![张三在社区]({image})\n")
    root = make_site({"content/stories/zhang.md": story})
    [problem] = _problems(root, MASKING)
    assert "图片文件名里有手机号" in problem.message and f"images/{PHONE_MASKED}.png" in problem.message
    assert problem.line == (3 if where == "cover" else 11)
    assert PHONE not in problem.message + problem.path


def test_ordinary_names_are_not_findings(make_site):
    root = make_site({"content/stories/2024-05-13-zhang.md": STORY.replace("date:", "slug: zhang-2024\ndate:", 1)})
    cfg = config.load(root / "site_config.yaml")
    report = build(cfg, BuildOptions(root / "content", root / "public", TEMPLATES, NOW))
    assert not [w for w in report.warnings if w.code.startswith("privacy")]


def test_the_command_line_never_shows_the_number_in_full(make_site, capsys):
    root = make_site({f"content/stories/zhang-{PHONE}.md": STORY.replace("summary: 张三常年帮助邻居。",
                                                                        f"summary: 张三的电话 {PHONE}")})
    (root / "site_config.yaml").write_text(MASKING, encoding="utf-8")
    code = main(["build", "--config", str(root / "site_config.yaml"), "--build-time", "2024-01-01T08:00"])
    shown = capsys.readouterr()
    assert code != 0 and PHONE_MASKED in shown.err
    assert PHONE not in shown.out + shown.err


def test_with_masking_on_the_ledger_masks_titles(make_site):
    root = make_site({"content/stories/zhang.md": STORY.replace("title: 好人张三", f"title: 好人张三（{PHONE}）")},
                     MASKING)
    ledger = root / "reports/ledger.csv"
    cfg = config.load(root / "site_config.yaml")
    build(cfg, BuildOptions(root / "content", root / "public", TEMPLATES, NOW, ledger=ledger))
    rows = list(csv.reader(io.StringIO(ledger.read_bytes().decode("utf-8-sig"))))
    assert rows[1][0] == f"好人张三（{PHONE_MASKED}）"
    assert PHONE not in ledger.read_bytes().decode("utf-8-sig")
