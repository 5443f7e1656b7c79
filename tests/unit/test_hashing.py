"""base.hashing: the one home of the generator's hashes (keys, content hashes, MACs)."""
from __future__ import annotations

import ast
import hashlib
from pathlib import Path

from generator.base import hashing

PACKAGE = Path(__file__).resolve().parents[2] / "generator"
# desk.accounts derives password hashes with scrypt, which is not a content hash.
NOT_YET = {"desk/accounts.py"}


def test_digest_frames_each_part_so_joined_values_differ():
    assert hashing.digest("ab", "c") != hashing.digest("a", "bc")
    assert hashing.digest("a", 1) == hashing.digest("a", "1")  # reprs of non-strings
    assert len(hashing.digest(b"x")) == hashing.KEY_SIZE


def test_content_hashes_are_plain_sha256(tmp_path):
    data = "三审三校".encode()
    (tmp_path / "f").write_bytes(data)
    assert hashing.sha256_hex(data) == hashing.sha256_hex("三审三校")
    assert hashing.sha256_hex(data) == hashlib.sha256(data).hexdigest()
    assert hashing.file_sha256(tmp_path / "f") == hashlib.sha256(data).hexdigest()
    assert hashing.short_sha256(data) == hashlib.sha256(data).hexdigest()[:32]


def test_mac_depends_on_key_and_framing():
    assert hashing.mac(b"k", b"ab", b"c") != hashing.mac(b"k", b"a", b"bc")
    assert hashing.mac(b"k", b"x") != hashing.mac(b"j", b"x")
    assert len(hashing.mac(b"k", b"x", size=16)) == 16


def test_only_base_hashing_imports_hashlib():
    found = set()
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) else []
            if "hashlib" in names:
                found.add(path.relative_to(PACKAGE).as_posix())
    assert found - NOT_YET == {"base/hashing.py"}
