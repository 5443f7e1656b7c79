"""The compact lexicon (base.lexicon): the same words and tags as jieba on real texts, the shipped
file made from the pinned jieba's dict.txt, a damaged file never used, and no jieba in the build."""
from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from generator.base import lexicon

ROOT = Path(__file__).resolve().parents[2]
# jieba's corners: Latin and digit runs, its word characters (+#&._%-), spaces and line breaks,
# characters outside its blocks, a word jieba lists with a symbol (AT&T, C++)
EDGES = (
    "", " ", "\r\n", "a\r\nb", "AT&T和C++都是词", "2024年10月1日起，LED屏每天8:30开机",
    "iPhone15 Pro发布", "“最美常山人”郑建伟", "50%的人", "e-mail地址a.b@c.cn", "😀表情\u3000全角空格",
    "㐀𠀀扩展区汉字", "ＡＢＣ全角字母１２３", "垃圾分类，从我做起！\n\n新时代文明实践站",
)


@pytest.fixture(scope="module")
def jieba():
    """jieba itself, the reference (only the tests load it)."""
    jieba = pytest.importorskip("jieba")
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return jieba


def sample_lines() -> list[str]:
    """Every non-empty line of the shipped site's Markdown and the labelled sentences."""
    paths = [p for p in sorted((ROOT / "content").rglob("*.md")) if p.is_file()]
    paths += sorted((ROOT / "tests/data").glob("sensitive_*.tsv"))
    lines = []
    for path in paths:
        lines += [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines


def test_it_cuts_and_tags_every_line_as_jieba_does(jieba):
    words = lexicon.default()
    lines = sample_lines() + list(EDGES)
    assert len(lines) > 1500
    for line in lines:
        assert words.cut(line) == list(jieba.dt.cut(line, HMM=False)), line
        expected = [(p.word, p.flag) for p in jieba.posseg.dt.cut(line, HMM=False)]
        assert words.tagged(line) == expected, line


def test_frequencies_and_tags_are_jiebas(jieba):
    words = lexicon.default()
    jieba.dt.initialize()
    for word in ("垃圾", "方法", "志愿者", "的", "李建平", "常山", "AT&T", "C++"):
        assert words.frequency(word) == jieba.dt.FREQ[word] > 0, word
        assert words.tag(word) == jieba.posseg.dt.word_tag_tab[word], word
    assert words.total == jieba.dt.total
    # a prefix of a word is no word; neither is an unknown name
    assert jieba.dt.FREQ["志愿"] and not jieba.dt.FREQ.get("志愿者协")
    assert words.frequency("志愿者协") == 0 and words.tag("志愿者协") == "x"
    assert words.frequency("汪德明") == 0 and words.frequency("") == 0


@pytest.mark.slow  # builds the whole lexicon from dict.txt: `make test` runs it, `make test-fast` does not
def test_the_shipped_file_is_made_from_the_pinned_dictionary():
    source = lexicon.dictionary_path()
    if source is None:
        pytest.skip("jieba is not installed")
    shipped = lexicon.payload(lexicon.DATA.read_bytes())
    assert shipped == lexicon.tables(source.read_bytes())
    assert shipped.nodes == 498114 and lexicon.DATA.stat().st_size < 3_000_000


@pytest.mark.parametrize("damage", ["empty", "foreign", "truncated", "flipped", "too long"])
def test_a_damaged_file_is_refused(damage):
    data = lexicon.DATA.read_bytes()
    broken = {
        "empty": b"",
        "foreign": b"PK\x03\x04" + data[4:],
        "truncated": data[: len(data) // 2],
        "flipped": data[:5000] + bytes([data[5000] ^ 0xFF]) + data[5001:],
        "too long": data + b"\x00" * 10,
    }[damage]
    with pytest.raises(ValueError):
        lexicon.load(broken)


def test_without_the_file_the_words_come_from_jiebas_dictionary(tmp_path, monkeypatch):
    (tmp_path / "lexicon.bin").write_bytes(b"WMLEX1\nnot really")
    (tmp_path / "dict.txt").write_text(
        "新时代 10 n\n文明 20 n\n实践站 5 n\n文明实践 3 n\n文明 30 a\n", encoding="utf-8"
    )
    monkeypatch.setattr(lexicon, "DATA", tmp_path / "lexicon.bin")
    monkeypatch.setattr(lexicon, "dictionary_path", lambda: tmp_path / "dict.txt")
    lexicon.default.cache_clear()
    try:
        rebuilt = lexicon.default()
    finally:
        lexicon.default.cache_clear()
    # 文明|实践站 (30 × 5) is likelier than 文明实践|站 (3 × 1); a later line wins, all count
    assert rebuilt.cut("新时代文明实践站，好") == ["新时代", "文明", "实践站", "，", "好"]
    assert rebuilt.tagged("文明实践") == [("文明实践", "n")]
    assert (rebuilt.frequency("文明"), rebuilt.tag("文明"), rebuilt.total) == (30, "a", 68)
    assert rebuilt.frequency("文明实") == 0 and rebuilt.frequency("新") == 0


def test_line_breaking_and_names_never_import_jieba():
    code = (
        "import sys\n"
        "from generator.base import phrases\n"
        "from generator.checks import names\n"
        "assert phrases.phrases('新时代文明实践站组织志愿者走进柚苑社区')\n"
        "assert [n.text for n in names.find('汪德明在田里干活时突发脑梗。')] == ['汪德明']\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'jieba'], sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
