"""An edit costs work for what it changed: editing a page with a Chinese file name and Chinese tags
loads no pinyin dictionary when every name and tag was spelled by an earlier build; a build that
must spell lets the dictionaries go before it makes photos and frames."""
from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT, STORY

_BUILD = """
import sys
from pathlib import Path
from generator import config
from generator.base.dates import parse_datetime
from generator.build.options import BuildOptions
from generator.build.pipeline import build
loaded = []
sys.addaudithook(lambda event, args: event == "import" and args[0] == "pypinyin" and loaded.append(1))
root = Path(sys.argv[1])
build(config.load(root / "site_config.yaml"),
      BuildOptions(root / "content", root / "public", Path("templates"),
                   parse_datetime("2024-01-01T08:00"), cache_dir=root / ".cache", jobs=1))
print(bool(loaded), "pypinyin" in sys.modules)
"""


def _loaded_pinyin(root) -> bool:
    """Whether a build imported pypinyin (it never keeps it: see Speller.release)."""
    done = subprocess.run([sys.executable, "-c", _BUILD, str(root)], cwd=ROOT, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    imported, kept = done.stdout.split()[-2:]
    assert kept == "False", "the dictionaries are let go once every name is spelled"
    return imported == "True"


def _append(path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_editing_chinese_named_pages_spells_nothing_again(make_site):
    tagged = STORY.replace("category: 助人为乐", "category: 助人为乐\ntags: [孝老爱亲]")
    root = make_site({
        "content/stories/好人张三.md": tagged,
        "content/stories/热心人李四.md": tagged.replace("张三", "李四"),
    })
    assert _loaded_pinyin(root), "the first build spells the names"
    _append(root / "content/stories/好人张三.md", "\n又帮了一位邻居。\n")
    assert not _loaded_pinyin(root)
    # 李四 was not read again by the build before: its spelling was kept all the same
    _append(root / "content/stories/热心人李四.md", "\n也来帮忙。\n")
    assert not _loaded_pinyin(root)
    page = root / "public/stories/re-xin-ren-li-si/index.html"
    assert "也来帮忙" in page.read_text(encoding="utf-8")
    assert (root / "public/tags/xiao-lao-ai-qin/index.html").is_file()
