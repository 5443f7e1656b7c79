"""A persistent cache of derived values keyed by content hashes, kept between builds in .cache/.

Each namespace is 16 shard files (by key), each read on first use; `save()` keeps only the entries
this build used or retained, so the cache never grows far beyond one build's worth. A missing, old
or damaged cache is simply recomputed.

Every entry is sealed: a keyed BLAKE2b MAC over the salt, its key and its bytes, with a secret key
kept outside
the project (see `secret`). An entry is unpickled only after its MAC checks out, so a changed byte,
a truncated
shard or a file planted in .cache/ by someone without the secret is never loaded, and never runs
code: the value
is computed again. `read_sealed`/`write_sealed` do the same for the cache's plain files (LED frames,
images,
compiled templates).
"""

from __future__ import annotations

import hmac
import os
import pickle
import secrets
import struct
import tempfile
from pathlib import Path
from typing import Callable, TypeVar

from generator.base.hashing import mac, sha256_bytes, sha256_hex

T = TypeVar("T")
_MISSING = object()
SHARDS = 16
MAGIC = b"WMCACHE2\n"
MAC_SIZE = 32
_HEAD = struct.Struct("<32sIQ")  # MAC, key length, value length


def secret() -> bytes:
    """The key that seals cache entries: $WENMING_CACHE_SECRET, else a random key kept (mode 600) in
    the user's config folder, created on first use; where neither works, a key of this process only
    (nothing is reused).
    """
    given = os.environ.get("WENMING_CACHE_SECRET")
    if given:
        return sha256_bytes(given)
    home = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "wenming"
    path = home / "cache-secret"
    try:
        if not path.is_file() or path.stat().st_size < 32:
            home.mkdir(parents=True, exist_ok=True)
            # created with mode 600
            handle, temp = tempfile.mkstemp(dir=home, prefix=".cache-secret-")
            with os.fdopen(handle, "wb") as stream:
                stream.write(secrets.token_bytes(32))
            os.replace(temp, path)
        data = path.read_bytes()
    except OSError:
        return _PROCESS_SECRET
    return data[:32] if len(data) >= 32 else _PROCESS_SECRET


def _mac(key: bytes, *parts: bytes) -> bytes:
    return mac(key, *parts, size=MAC_SIZE)


def seal(name: str, data: bytes, key: bytes) -> bytes:
    """`data` with a MAC that binds it to `name` (write it with write_sealed)."""
    return _mac(key, name.encode(), data) + data


def unseal(name: str, blob: bytes, key: bytes) -> bytes | None:
    """The data of a sealed blob when its MAC for `name` checks out, else None."""
    data = blob[MAC_SIZE:]
    return (
        data
        if len(blob) >= MAC_SIZE
        and hmac.compare_digest(blob[:MAC_SIZE], _mac(key, name.encode(), data))
        else None
    )


def read_sealed(path: Path, key: bytes) -> bytes | None:
    """The data of a sealed cache file named after its key, or None when it is missing, damaged or
    forged."""
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    return unseal(path.name, blob, key)


def write_sealed(path: Path, data: bytes, key: bytes) -> None:
    """Write a sealed cache file atomically (a build stopped half-way never leaves a broken entry)
    ."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(seal(path.name, data, key))
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


class Cache:
    """Values by (namespace, key); a Cache without a folder remembers nothing (cold builds, tests)
    ."""

    @classmethod
    def kept(cls, folder: Path, salt: str) -> "Cache":
        """The cache of this folder kept in memory by earlier builds of this process, else a new
        one.

        The preview server rebuilds after every save: reading the cache files again each time would
        cost more than the rebuild itself. A change of salt (code, templates, config or day) starts
        afresh.
        """
        cache = _KEPT.get(folder)
        if cache is None or cache.salt != salt:
            cache = _KEPT[folder] = cls(folder, salt)
            cache.seen_files = {}
        # forget what a failed build put there
        cache._used, cache._dirty_shards, cache._live = {}, {}, {}
        return cache

    def __init__(self, folder: Path | None, salt: str, key: bytes | None = None):
        self.folder, self.salt = folder, salt
        self.key = key if key is not None else (secret() if folder else b"")
        # entries whose MAC did not check out, or that would not load: computed again
        self.rejected = 0
        # namespace → its shards, None until read from disk
        self._stored: dict[str, list[dict | None]] = {}
        self._used: dict[str, dict] = {}
        self._dirty_shards: dict[str, set[int]] = {}  # shards that gained an entry this build
        # keys this build still needs but did not read (see retain)
        self._live: dict[str, set[str]] = {}
        # (size, times, inode) and content key of each content file, for a kept cache only (see
        # content._file_key)
        self.seen_files: dict[str, tuple] | None = None

    def get(self, namespace: str, key: str) -> object:
        """The stored value, or the module's _MISSING marker (test with `is_missing`)."""
        entries = self._entries(namespace, _shard(key))
        value = entries.get(key, _MISSING)
        if isinstance(value, _Sealed):
            value = entries[key] = value.open()
            if value is _MISSING:
                del entries[key]
                self.rejected += 1
        if value is not _MISSING:
            self._used.setdefault(namespace, {})[key] = value
        return value

    def put(self, namespace: str, key: str, value: object, changed: bool = False) -> None:
        """Remember a value for this build and the next; `changed` when a stored value was modified
        in place."""
        if changed or key not in self._entries(namespace, _shard(key)):
            self._dirty_shards.setdefault(namespace, set()).add(_shard(key))
        self._used.setdefault(namespace, {})[key] = value

    def retain(self, namespace: str, keys) -> None:
        """Keep these entries for the next build without reading them now (large values needed only
        sometimes)."""
        self._live.setdefault(namespace, set()).update(keys)

    def memo(self, namespace: str, key: str, compute: Callable[[], T]) -> T:
        """The stored value for key, computing and storing it when absent."""
        value = self.get(namespace, key)
        if value is _MISSING:
            value = compute()
            self.put(namespace, key, value)
        return value

    def save(self) -> None:
        """Write the shards this build changed; each keeps the entries this build used or retained,
        no others.

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
                # else the file on disk is already right
                if shard in dirty or len(keep) != len(stored):
                    self._write(namespace, shard, keep)
                # what is on disk now, for a kept cache's next build
                self._shards(namespace)[shard] = keep
        self._used, self._dirty_shards, self._live = {}, {}, {}

    def _write(self, namespace: str, shard: int, entries: dict) -> None:
        handle, temp = tempfile.mkstemp(dir=self.folder, prefix=f".{namespace}-")
        salt = self.salt.encode()
        with os.fdopen(handle, "wb") as stream:
            stream.write(MAGIC + _salt_line(salt))
            for key, value in entries.items():
                name = key.encode()
                data = value.data if isinstance(value, _Sealed) else \
                    pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
                stream.write(
                    _HEAD.pack(_mac(self.key, salt, name, data), len(name), len(data)) + name + data
                )
        os.replace(temp, self._path(namespace, shard))

    def _path(self, namespace: str, shard: int) -> Path:
        return self.folder / f"{namespace}-{shard:02d}.cache"

    def _shards(self, namespace: str) -> list[dict | None]:
        return self._stored.setdefault(namespace, [None] * SHARDS)

    def _entries(self, namespace: str, shard: int) -> dict:
        """One shard's entries, read from disk on first use: a build that needs a few values reads
        a few shards."""
        shards = self._shards(namespace)
        if shards[shard] is None:
            shards[shard] = self._load(namespace, shard)
        return shards[shard]

    def _load(self, namespace: str, shard: int) -> dict:
        """A shard's entries, each still sealed; a damaged or foreign part is left out (and
        computed again)."""
        try:
            blob = self._path(namespace, shard).read_bytes() if self.folder else b""
        except OSError:
            return {}
        salt = self.salt.encode()
        head = MAGIC + _salt_line(salt)
        if not blob.startswith(head):  # made with other code, templates or config (old), or damaged
            self.rejected += bool(blob) and not blob.startswith(MAGIC)
            return {}
        entries, at = {}, len(head)
        while at + _HEAD.size <= len(blob):
            mac, key_size, size = _HEAD.unpack_from(blob, at)
            start = at + _HEAD.size
            at = start + key_size + size
            name, data = blob[start:start + key_size], blob[start + key_size:at]
            if at > len(blob) or not hmac.compare_digest(mac, _mac(self.key, salt, name, data)):
                self.rejected += 1  # damaged, forged, or from another salt (then simply old)
                continue
            entries[name.decode()] = _Sealed(data)
        self.rejected += at != len(blob)
        return entries


def _salt_line(salt: bytes) -> bytes:
    return sha256_hex(salt).encode() + b"\n"


class _Sealed:
    """An entry whose MAC checked out, unpickled on first use (most entries of a shard are never
    read)."""

    __slots__ = ("data",)

    def __init__(self, data: bytes):
        self.data = data

    def open(self) -> object:
        try:
            return pickle.loads(self.data)
        # noqa: BLE001 - e.g. a class renamed since: the value is simply computed again
        except Exception:
            return _MISSING


_KEPT: dict[Path, Cache] = {}
_PROCESS_SECRET = secrets.token_bytes(32)


def _shard(key: str) -> int:
    # Keys are hex digests, so their first character spreads them evenly: an edit rewrites one
    # shard in 16.
    return int(key[0], 16) if key and key[0] in "0123456789abcdef" else 0


def is_missing(value: object) -> bool:
    """True for the marker `Cache.get` returns when nothing is stored."""
    return value is _MISSING
