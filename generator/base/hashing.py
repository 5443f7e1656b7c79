"""Every hash the generator makes, in one place: content hashes, keys of derived values, MACs.

- `sha256_hex` / `file_sha256`: the full SHA-256 of bytes, text (UTF-8) or a file, as 64 hex
  digits (review fingerprints and hash chains, published-file checks, image names).
- `digest`: a short stable key (32 hex digits) of several values, each framed by its length so
  ("ab", "c") and ("a", "bc") differ; strings and bytes as they are, other values by their repr.
- `md5_hex`: the MD5 checksum LED controllers' playlists carry (their format, not a key of ours).
- `mac`: a keyed BLAKE2b MAC over framed parts (cache entries).

No other module imports hashlib for these (passwords use scrypt in desk.accounts).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

KEY_SIZE = 32  # hex digits of a `digest` key


def sha256_hex(data: bytes | str) -> str:
    """The SHA-256 of bytes or of text encoded as UTF-8, as 64 hex digits."""
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def sha256_bytes(data: bytes | str) -> bytes:
    """The raw 32-byte SHA-256 of bytes or of UTF-8 text (a key derived from a passphrase)."""
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).digest()


def file_sha256(path: str | Path) -> str:
    """The SHA-256 of a file's bytes, read in blocks, as 64 hex digits."""
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def md5_hex(data: bytes) -> str:
    """The MD5 of bytes as 32 hex digits: only where a controller's file format asks for it (LED
    playlists), never as a key of ours."""
    return hashlib.md5(data).hexdigest()


def short_sha256(data: bytes | str) -> str:
    """The first 32 hex digits of the SHA-256 of bytes or UTF-8 text (names of files and keys)."""
    return sha256_hex(data)[:KEY_SIZE]


def _framed(part: object) -> bytes:
    data = part if isinstance(part, bytes) else (
        part if isinstance(part, str) else repr(part)
    ).encode()
    return len(data).to_bytes(8, "little") + data


def digest(*parts: object) -> str:
    """A short stable key of strings, bytes or reprs (used as cache and output keys)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(_framed(part))
    return h.hexdigest()[:KEY_SIZE]


def mac(key: bytes, *parts: bytes, size: int = 32) -> bytes:
    """A keyed BLAKE2b MAC of `size` bytes over the parts, each framed by its length."""
    h = hashlib.blake2b(key=key, digest_size=size)
    for part in parts:
        h.update(len(part).to_bytes(8, "little") + part)
    return h.digest()
