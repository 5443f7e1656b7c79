"""A persistent cache of derived values keyed by content hashes, kept between builds in .cache/.

Each namespace is 16 pickle files (shards by key), each read on first use; `save()` keeps only the entries this
build used or retained, so the cache never grows far beyond one build's worth. A missing, old or damaged cache is simply recomputed.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Callable, TypeVar

T = TypeVar("T")
_MISSING = object()
SHARDS = 16


def digest(*parts: object) -> str:
    """A short stable hash of strings, bytes or reprs (used as cache and output keys)."""
    h = hashlib.sha256()
    for part in parts:
        data = part if isinstance(part, bytes) else (part if isinstance(part, str) else repr(part)).encode()
        h.update(len(data).to_bytes(8, "little") + data)
    return h.hexdigest()[:32]


class Cache:
    """Values by (namespace, key); a Cache without a folder remembers nothing (cold builds, tests)."""

    @classmethod
    def kept(cls, folder: Path, salt: str) -> "Cache":
        """The cache of this folder kept in memory by earlier builds of this process, else a new one.

        The preview server rebuilds after every save: reading the cache files again each time would cost more
        than the rebuild itself. A change of salt (code, templates, config or day) starts afresh.
        """
        cache = _KEPT.get(folder)
        if cache is None or cache.salt != salt:
            cache = _KEPT[folder] = cls(folder, salt)
            cache.seen_files = {}
        cache._used, cache._dirty_shards, cache._live = {}, {}, {}  # forget what a failed build put there
        return cache

    def __init__(self, folder: Path | None, salt: str):
        self.folder, self.salt = folder, salt
        self._stored: dict[str, list[dict | None]] = {}  # namespace → its shards, None until read from disk
        self._used: dict[str, dict] = {}
        self._dirty_shards: dict[str, set[int]] = {}  # shards that gained an entry this build
        self._live: dict[str, set[str]] = {}  # keys this build still needs but did not read (see retain)
        self.hits = self.misses = 0
        # (size, times, inode) and content key of each content file, for a kept cache only (see content._file_key)
        self.seen_files: dict[str, tuple] | None = None

    def get(self, namespace: str, key: str) -> object:
        """The stored value, or the module's _MISSING marker (test with `is_missing`)."""
        value = self._entries(namespace, _shard(key)).get(key, _MISSING)
        if value is not _MISSING:
            self._used.setdefault(namespace, {})[key] = value
        return value

    def put(self, namespace: str, key: str, value: object, changed: bool = False) -> None:
        """Remember a value for this build and the next; `changed` when a stored value was modified in place."""
        if changed or key not in self._entries(namespace, _shard(key)):
            self._dirty_shards.setdefault(namespace, set()).add(_shard(key))
        self._used.setdefault(namespace, {})[key] = value

    def retain(self, namespace: str, keys) -> None:
        """Keep these entries for the next build without reading them now (large values needed only sometimes)."""
        self._live.setdefault(namespace, set()).update(keys)

    def memo(self, namespace: str, key: str, compute: Callable[[], T]) -> T:
        """The stored value for key, computing and storing it when absent."""
        value = self.get(namespace, key)
        if value is _MISSING:
            self.misses += 1
            value = compute()
            self.put(namespace, key, value)
        else:
            self.hits += 1
        return value

    def save(self) -> None:
        """Write the shards this build changed; each keeps the entries this build used or retained, no others.

        A shard that was never read and gained nothing stays on disk as it is.
        """
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        for namespace in sorted(set(self._used) | set(self._live)):
            mine: list[dict] = [dict() for _ in range(SHARDS)]
            for key, value in self._used.get(namespace, {}).items():
                mine[_shard(key)][key] = value
            live, dirty = self._live.get(namespace, set()), self._dirty_shards.get(namespace, set())
            for shard in range(SHARDS):
                if shard not in dirty and self._shards(namespace)[shard] is None:
                    continue
                stored = self._entries(namespace, shard)
                keep = {k: v for k, v in stored.items() if k in live and k not in mine[shard]}
                keep.update(mine[shard])
                if shard in dirty or len(keep) != len(stored):  # else the file on disk is already right
                    self._write(namespace, shard, keep)
                self._shards(namespace)[shard] = keep  # what is on disk now, for a kept cache's next build
        self._used, self._dirty_shards, self._live = {}, {}, {}

    def _write(self, namespace: str, shard: int, entries: dict) -> None:
        handle, temp = tempfile.mkstemp(dir=self.folder, prefix=f".{namespace}-")
        with os.fdopen(handle, "wb") as stream:
            pickle.dump((self.salt, entries), stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temp, self.folder / f"{namespace}-{shard:02d}.pickle")

    def _shards(self, namespace: str) -> list[dict | None]:
        return self._stored.setdefault(namespace, [None] * SHARDS)

    def _entries(self, namespace: str, shard: int) -> dict:
        """One shard's entries, read from disk on first use: a build that needs a few values reads a few shards."""
        shards = self._shards(namespace)
        if shards[shard] is None:
            shards[shard] = self._load(namespace, shard)
        return shards[shard]

    def _load(self, namespace: str, shard: int) -> dict:
        path = self.folder / f"{namespace}-{shard:02d}.pickle" if self.folder else None
        if path is None or not path.is_file():
            return {}
        try:
            with path.open("rb") as stream:
                salt, entries = pickle.load(stream)
        except Exception:  # noqa: BLE001 - a damaged cache is rebuilt, never fatal
            return {}
        return entries if salt == self.salt else {}


_KEPT: dict[Path, Cache] = {}


def _shard(key: str) -> int:
    # Keys are hex digests, so their first character spreads them evenly: an edit rewrites one shard in 16.
    return int(key[0], 16) if key and key[0] in "0123456789abcdef" else 0


def is_missing(value: object) -> bool:
    """True for the marker `Cache.get` returns when nothing is stored."""
    return value is _MISSING
