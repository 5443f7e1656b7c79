"""Chinese words without loading jieba: jieba's own dictionary as a compact trie, and jieba's
segmentation (the dictionary's directed acyclic graph of words and its most probable route).

jieba's `dict.txt` (349,046 words with frequency and part-of-speech tag) becomes a trie of its
498,114 prefixes stored in four arrays, level by level: the character of each node, where its
children start, its frequency (0 for a prefix that is not a word) and its tag. A node's children are
contiguous and sorted, so a child is found by bisection. The arrays take 5.5 MB in memory; they are
kept next to this module in `lexicon.bin` (1.3 MB, zlib), built from the pinned jieba's dict.txt by
`python -m generator.base.lexicon` and checked against it by the tests. Loading takes about 30 ms;
jieba's own dictionary and tagger take about 115 MB and a second.

`cut` gives the same words as `jieba.cut(text, HMM=False)`, `tagged` the same pairs as
`jieba.posseg.cut(text, HMM=False)` (no guessing of unknown words in either).
"""

from __future__ import annotations

import array
import functools
import importlib.util
import itertools
import re
import struct
import sys
import zlib
from bisect import bisect_left
from math import log
from pathlib import Path
from typing import NamedTuple

DATA = Path(__file__).with_name("lexicon.bin")
MAGIC = b"WMLEX1\n"
# nodes, total frequency, length of the tag names, SHA-256 of the source dict.txt
_HEAD = struct.Struct("<IQI32s")
_PIECE = 1 << 16  # bytes decompressed at a time
# jieba's blocks: runs of Chinese and word characters are segmented, everything else is one
# character a word (a line break "\r\n" is one)
_BLOCK = re.compile(r"([\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]+)")
_SKIP = re.compile(r"(\r\n|\s)")
# single Latin letters and digits (jieba joins runs of them into one word)
_LATIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_WORD, _RUN, _OTHER = 0, 1, 2  # kinds of piece: a dictionary word, a run of _LATIN, anything else


class Lexicon:
    """jieba's dictionary as a trie in arrays: word frequencies and tags, and segmentation."""

    def __init__(self, first, code, freq, tag, tags: tuple[str, ...], total: int):
        self._first, self._code, self._freq, self._tag = first, code, freq, tag
        self._tags, self.total = tags, total
        self._logtotal = log(total)

    def _node(self, word: str) -> int:
        """The trie node of `word` (a word or a prefix of one), -1 when the dictionary has
        neither."""
        first, code, node = self._first, self._code, 0
        for char in word:
            c, hi = ord(char), first[node + 1]
            node = bisect_left(code, c, first[node], hi)
            if node == hi or code[node] != c:
                return -1
        return node

    def frequency(self, word: str) -> int:
        """How often the dictionary counts `word` (0 when it is not a word of it)."""
        node = self._node(word) if word else -1
        return self._freq[node] if node >= 0 else 0

    def tag(self, word: str) -> str:
        """The dictionary's part-of-speech tag of `word` ("x" when it has none)."""
        node = self._node(word) if word else -1
        return self._tags[self._tag[node]] if node >= 0 else "x"

    def cut(self, text: str) -> list[str]:
        """The words of `text`, as jieba.cut(text, HMM=False) gives them."""
        return [word for word, _kind in self._pieces(text)]

    def tagged(self, text: str) -> list[tuple[str, str]]:
        """(word, tag) of every word of `cut(text)`, as jieba.posseg.cut(text, HMM=False) tags
        them: the dictionary's tag, "eng" for a run of single Latin letters and digits, "x" for
        anything else."""
        return [
            (word, self.tag(word) if kind == _WORD else "eng" if kind == _RUN else "x")
            for word, kind in self._pieces(text)
        ]

    def _pieces(self, text: str) -> list[tuple[str, int]]:
        """(word, kind) of every word of `text`: jieba's blocks of Chinese and word characters are
        segmented, anything else is one character a word (a line break "\\r\\n" is one)."""
        pieces: list[tuple[str, int]] = []
        for block in _BLOCK.split(text):
            if not block:
                continue
            if _BLOCK.match(block):
                pieces += self._cut_block(block)
            else:
                for piece in _SKIP.split(block):
                    if _SKIP.match(piece):
                        pieces.append((piece, _OTHER))
                    else:
                        pieces += [(char, _OTHER) for char in piece]
        return pieces

    def _cut_block(self, block: str) -> list[tuple[str, int]]:
        """jieba's words of one block: the most probable route through the dictionary's words
        (ties go to the longer word), runs of single Latin letters and digits joined."""
        first, code, freq = self._first, self._code, self._freq
        n, logtotal = len(block), self._logtotal
        probability, end = [0.0] * (n + 1), [0] * n
        for k in range(n - 1, -1, -1):
            best, node = None, 0
            for i in range(k, n):
                c, hi = ord(block[i]), first[node + 1]
                node = bisect_left(code, c, first[node], hi)
                if node == hi or code[node] != c:
                    break
                count = freq[node]
                if count:
                    value = (log(count) - logtotal + probability[i + 1], i)
                    if best is None or value > best:
                        best = value
            if best is None:  # no word starts here: the character alone, counted once
                best = (0.0 - logtotal + probability[k + 1], k)
            probability[k], end[k] = best
        pieces, k, run = [], 0, ""
        while k < n:
            word = block[k:end[k] + 1]
            k = end[k] + 1
            if word in _LATIN:
                run += word
                continue
            if run:
                pieces.append((run, _RUN))
                run = ""
            pieces.append((word, _WORD))
        if run:
            pieces.append((run, _RUN))
        return pieces


def dictionary_path() -> Path | None:
    """jieba's dict.txt in the installed jieba package (found without importing jieba)."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "dict.txt"
    return path if path.is_file() else None


class Tables(NamedTuple):
    """What lexicon.bin holds: node count, total frequency, tag names, the four arrays'
    little-endian bytes one after another, and the SHA-256 of the dict.txt they come from."""

    nodes: int
    total: int
    tags: tuple[str, ...]
    arrays: bytes
    source: bytes


def tables(source: bytes) -> Tables:
    """The tables of a dict.txt (lines "word frequency tag"; a later line wins, the total counts
    every line, as in jieba)."""
    from generator.base.hashing import sha256_bytes

    freq: dict[str, int] = {}
    tag: dict[str, str] = {}
    total = 0
    for line in source.decode("utf-8").splitlines():
        parts = line.strip().split(" ")
        if len(parts) < 2:
            continue
        freq[parts[0]] = int(parts[1])
        total += int(parts[1])
        if len(parts) > 2:
            tag[parts[0]] = parts[2]
    levels: list[set[str]] = [{""}]
    for word in freq:
        for depth in range(len(levels), len(word) + 1):
            levels.append(set())
        for depth in range(1, len(word) + 1):
            levels[depth].add(word[:depth])
    # level by level, each level sorted: the children of a node are contiguous and in order
    nodes = [node for level in levels for node in sorted(level)]
    index = {node: i for i, node in enumerate(nodes)}
    children = array.array("I", [0]) * len(nodes)
    for parent in map(index.__getitem__, [node[:-1] for node in nodes[1:]]):
        children[parent] += 1
    tags = ("x", *sorted(set(tag.values()) - {"x"}))
    tag_code = {name: i for i, name in enumerate(tags)}
    arrays = (
        array.array("I", itertools.accumulate(children, initial=1)),
        array.array("H", [0] + [ord(node[-1]) for node in nodes[1:]]),
        array.array("I", [freq.get(node, 0) for node in nodes]),
        array.array("B", [tag_code[tag.get(node, "x")] for node in nodes]),
    )
    if sys.byteorder != "little":
        for values in arrays:
            values.byteswap()
    data = b"".join(values.tobytes() for values in arrays)
    return Tables(len(nodes), total, tags, data, sha256_bytes(source))


def build(source: bytes) -> bytes:
    """The bytes of lexicon.bin for a dict.txt."""
    found = tables(source)
    names = " ".join(found.tags).encode()
    head = _HEAD.pack(found.nodes, found.total, len(names), found.source)
    return MAGIC + head + names + zlib.compress(found.arrays, 6)


def payload(data: bytes) -> Tables:
    """The tables in the bytes of a lexicon.bin (ValueError when they are not one)."""
    nodes, total, tags, at = _head(data)
    try:
        arrays = zlib.decompress(data[at:])
    except zlib.error as exc:
        raise ValueError("damaged lexicon") from exc
    if len(arrays) != nodes * 11 + 4:
        raise ValueError("damaged lexicon")
    return Tables(nodes, total, tags, arrays, data[len(MAGIC) + 16:len(MAGIC) + _HEAD.size])


def _head(data: bytes) -> tuple[int, int, tuple[str, ...], int]:
    """(nodes, total, tag names, offset of the compressed arrays) of a lexicon.bin's bytes."""
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + _HEAD.size:
        raise ValueError("not a lexicon")
    nodes, total, size, _source = _HEAD.unpack_from(data, len(MAGIC))
    at = len(MAGIC) + _HEAD.size
    return nodes, total, tuple(data[at:at + size].decode().split(" ")), at + size


def load(data: bytes) -> Lexicon:
    """The Lexicon in the bytes of a lexicon.bin (ValueError when they are not one); the arrays
    are unpacked a piece at a time, so little more than their own 5.5 MB is ever held."""
    nodes, total, tags, at = _head(data)
    first, code, freq, tag = (
        array.array(kind, [0]) * count
        for kind, count in (("I", nodes + 1), ("H", nodes), ("I", nodes), ("B", nodes))
    )
    stream, rest = zlib.decompressobj(), memoryview(data)[at:]
    try:
        for part in (first, code, freq, tag):
            view, at = memoryview(part).cast("B"), 0
            while at < len(view) and rest:
                piece = stream.decompress(rest, min(len(view) - at, _PIECE))
                view[at:at + len(piece)] = piece
                rest, at = stream.unconsumed_tail, at + len(piece)
            if at < len(view):
                raise ValueError("damaged lexicon")
            view.release()
            if sys.byteorder != "little":
                part.byteswap()
        if stream.decompress(rest) or not stream.eof or stream.unused_data:
            raise ValueError("damaged lexicon")
    except zlib.error as exc:
        raise ValueError("damaged lexicon") from exc
    if max(tag) >= len(tags) or first[-1] != nodes:
        raise ValueError("damaged lexicon")
    return Lexicon(first, code, freq, tag, tags, total)


@functools.cache
def default() -> Lexicon:
    """The lexicon kept next to this module, loaded once per process (read-only); rebuilt in
    memory from jieba's dict.txt when the file is missing or damaged."""
    try:
        return load(DATA.read_bytes())
    except (OSError, ValueError):
        pass
    source = dictionary_path()
    if source is None:
        raise RuntimeError(f"找不到中文词典 {DATA}，也没有安装 jieba：请运行 make build 重新安装")
    return load(build(source.read_bytes()))


def main(argv: list[str] | None = None) -> int:
    """`python -m generator.base.lexicon` writes lexicon.bin from the installed jieba's dict.txt;
    with --check it only says whether the file matches it."""
    args = sys.argv[1:] if argv is None else argv
    source = dictionary_path()
    if source is None:
        sys.stderr.write("没有安装 jieba，无法生成词典\n")
        return 2
    if "--check" in args:
        fresh = tables(source.read_bytes())
        try:
            same = payload(DATA.read_bytes()) == fresh
        except (OSError, ValueError):
            same = False
        sys.stderr.write(f"{DATA} {'与' if same else '不是由'} {source} {'一致' if same else '生成的'}\n")
        return 0 if same else 1
    DATA.write_bytes(build(source.read_bytes()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
