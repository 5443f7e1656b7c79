"""Decoding as staff save files."""
import codecs
from pathlib import Path

import pytest

from generator.base.errors import BuildFailed
from generator.base.source import decode, read_text


@pytest.mark.parametrize("raw", [codecs.BOM_UTF8 + "好人".encode(), codecs.BOM_UTF16_LE + "好人".encode("utf-16-le"),
                                 codecs.BOM_UTF16_BE + "好人".encode("utf-16-be"), "好人".encode()])
def test_boms_and_utf8(raw):
    assert decode(raw, Path("a.md")) == ("好人", [])


def test_gbk_is_read_with_a_warning():
    text, notes = decode("柚苑社区".encode("gbk"), Path("a.md"))
    assert text == "柚苑社区" and notes[0].code == "source.gbk"


def test_word_debris_is_cleaned(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes("标\u200b题\u00a0一\r\n二\r三".encode())
    assert read_text(path)[0] == "标题 一\n二\n三"


def test_binary_is_refused():
    with pytest.raises(BuildFailed, match="二进制"):
        decode(b"\x89PNG\x00\x00", Path("a.md"))
