"""The only code that writes the output folder: each build is a complete new tree, swapped in by
one rename.

Beside the output folder `public/` lives its standby tree `.public-standby/` (the tree published
before). A build brings the standby up to date: each unchanged file becomes a hard link to the
published one (same inode and time, so livereload and rsync see only real changes), each new or
changed file is written as a new file (never in place: the standby's files are links to published
ones), files no longer made are removed. `commit()` then exchanges the two folders in one
`renameat2` call (RENAME_EXCHANGE on Linux; elsewhere two renames that the next build repairs), and
the old tree stays as the next build's standby. So a build touches only what changed (plus what the
build before changed), and a build killed at any moment leaves the old tree or the new one, never a
mix; the standby is rebuilt from whatever state it is in, and the next build removes other
leftovers.

A build has two roots: the public website (`public/`) and the staff folder beside it (`staff/`:
WeChat paste pages and bundles, LED packages and the LED review page). `TwoRoots` sends each path to
its root by its first folder (see STAFF_FOLDERS), so no staff file can land in the web root; each
root is its own `Publication`.

The manifest (JSON beside the cache) records each published file's key, size, time and SHA-256, so
that "this file is current" is believed only when the file on disk still is what the manifest says.
"""

from __future__ import annotations

import ctypes
import json
import os
import posixpath
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from generator.base.hashing import file_sha256, sha256_hex, short_sha256
from generator.base.slugs import WINDOWS_RESERVED, windows_name_ok


# output paths that are staff tools, never part of the public website
STAFF_FOLDERS = ("led/", "wechat/")


class UnsafeOutputPath(ValueError):
    """An output path that would leave the output folder or is claimed twice."""


@dataclass
class WriteReport:
    """What publishing did: files written (new or changed), kept unchanged, and removed."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


class Publication:
    """Collect a complete output tree beside `out_dir`; `commit()` swaps it in, `abort()` throws it
    away."""

    def __init__(self, out_dir: Path, manifest: Path | None = None):
        self.out_dir = out_dir.resolve()
        # is_current runs for every page: plain strings are several times faster
        self._out = str(self.out_dir)
        self.out_dir.parent.mkdir(parents=True, exist_ok=True)
        clean_leftovers(self.out_dir)
        self.staging = standby_path(self.out_dir)
        if not self.staging.is_dir() or not self.out_dir.is_dir():
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging.mkdir()
        # the standby becomes the published folder: it must stay readable by the web server
        os.chmod(
            self.staging, self.out_dir.stat().st_mode & 0o7777 if self.out_dir.is_dir() else 0o755
        )
        self.report = WriteReport()
        self._paths: set[str] = set()
        self._rels: set[str] = set()
        self._dirs: set[str] = {str(self.staging)}
        self.manifest = manifest
        previous = read_manifest(manifest) if manifest and self.out_dir.is_dir() else {}
        self._previous: dict[str, list] = previous  # rel → [key, size, mtime_ns, sha256]
        self._verified: dict[str, os.stat_result | None] = {}
        self._files: dict[str, list] = {}

    def is_current(self, rel: str, key: str) -> bool:
        """True when the published file at `rel` was made from inputs with this key and is still
        intact."""
        entry = self._previous.get(rel)
        return entry is not None and entry[0] == key and self._intact(rel)

    def read_current(self, rel: str, key: str) -> bytes | None:
        """The published bytes at `rel` if they were made from inputs with this key and are intact,
        else None."""
        if not self.is_current(rel, key):
            return None
        try:
            return Path(self._out, rel).read_bytes()
        except OSError:
            return None

    def has(self, rel: str) -> bool:
        """True when this build stages or keeps a file at `rel` (compared as the writer does,
        ignoring case)."""
        try:
            return _safe_relative(rel).lower() in self._paths
        except UnsafeOutputPath:
            return False

    def add(self, rel: str, data: bytes | None, key: str | None = None) -> None:
        """Stage one file at a relative output path; `data=None` keeps the current file (see
        is_current)."""
        rel = _safe_relative(rel)
        if rel.lower() in self._paths:
            raise UnsafeOutputPath(f"两个输出文件都要写到 {rel}")
        self._paths.add(rel.lower())
        self._rels.add(rel)
        target = os.path.join(self.staging, rel)
        folder = os.path.dirname(target)
        if folder not in self._dirs:
            _make_folder(folder, str(self.staging))
            self._dirs.add(folder)
        if data is None or self._same_as_published(rel, data):
            self._keep(rel, target)
            self.report.unchanged.append(rel)
        else:
            _clear(target)  # (a link to a published file, which must not change)
            Path(target).write_bytes(data)
            stat = os.stat(target)
            self._files[rel] = [
                key,
                stat.st_size,
                stat.st_mtime_ns,
                sha256_hex(data),
            ]
            self.report.written.append(rel)
        self._files[rel][0] = key

    def commit(self) -> WriteReport:
        """Swap the complete new tree in, remove the old one, record the manifest and report what
        changed."""
        self.report.removed = sorted(self._stale_files())
        _prune(self.staging, self._rels)
        if self.out_dir.is_dir():
            # the old tree is now the standby of the next build
            _exchange(self.staging, self.out_dir)
        else:
            os.rename(self.staging, self.out_dir)
        if self.manifest is not None:
            write_file(
                self.manifest,
                json.dumps(self._files, separators=(",", ":"), ensure_ascii=False).encode(),
            )
        self.report.written.sort()
        self.report.unchanged.sort()
        return self.report

    def abort(self) -> None:
        """Leave the output folder exactly as it was (the standby is put right by the next build)
        ."""

    def _intact(self, rel: str) -> bool:
        if rel not in self._verified:  # (its stat, kept for _keep, or None)
            self._verified[rel] = _stat_if_matches(
                os.path.join(self._out, rel), self._previous[rel]
            )
        return self._verified[rel] is not None

    def _same_as_published(self, rel: str, data: bytes) -> bool:
        entry = self._previous.get(rel)
        if entry is not None:
            return (
                entry[1] == len(data)
                and self._intact(rel)
                and entry[3] == sha256_hex(data)
            )
        return _same_bytes(Path(self._out, rel), data)

    def _keep(self, rel: str, target: str) -> None:
        """Hard-link the published file into the new tree (a copy where the file system has no
        links)."""
        source = os.path.join(self._out, rel)
        if not _same_file(source, target, self._verified.get(rel)):
            _clear(target)
            try:
                os.link(source, target)
            except OSError:
                shutil.copy2(source, target)
        entry = self._previous.get(rel) if rel in self._previous and self._intact(rel) else None
        if entry is None:
            stat = os.stat(target)
            entry = [None, stat.st_size, stat.st_mtime_ns, file_sha256(target)]
        self._files[rel] = list(entry)

    def _stale_files(self) -> list[str]:
        if not self.out_dir.is_dir():
            return []
        return [rel for rel in published_files(self.out_dir) if rel.lower() not in self._paths]


class TwoRoots:
    """The public website and the staff folder of one build: each path goes to its own root, both
    swapped in."""

    def __init__(
        self,
        out_dir: Path,
        staff_dir: Path,
        manifests: tuple[Path | None, Path | None] = (None, None),
    ):
        check_roots(out_dir, staff_dir)
        self.public = Publication(out_dir, manifests[0])
        self.staff = Publication(staff_dir, manifests[1])

    def _root(self, rel: str) -> tuple[Publication, str]:
        """The root a path belongs to, and the path made safe (once: a build adds thousands)."""
        safe = _safe_relative(rel)
        return (self.staff if _in_staff(safe) else self.public), safe

    def is_current(self, rel: str, key: str) -> bool:
        """True when the published file at `rel` (in its root) was made from inputs with this key
        and is intact."""
        root, safe = self._root(rel)
        return root.is_current(safe, key)

    def read_current(self, rel: str, key: str) -> bytes | None:
        """The published bytes at `rel` in its root if current (see Publication.read_current), else
        None."""
        root, safe = self._root(rel)
        return root.read_current(safe, key)

    def has(self, rel: str) -> bool:
        """True when this build made `rel` on the public website (a staff file is no page of the
        site)."""
        return self.public.has(rel) and not is_staff_path(rel)

    def add(self, rel: str, data: bytes | None, key: str | None = None) -> None:
        """Stage one file in the root its path belongs to."""
        root, safe = self._root(rel)
        root.add(safe, data, key)

    def commit(self) -> WriteReport:
        """Swap in the staff tree, then the website (which never links to it); one report for
        both."""
        staff, public = self.staff.commit(), self.public.commit()
        return WriteReport(
            sorted(public.written + staff.written),
            sorted(public.unchanged + staff.unchanged),
            sorted(public.removed + staff.removed),
        )

    def abort(self) -> None:
        """Leave both folders exactly as they were."""
        self.staff.abort()
        self.public.abort()


def is_staff_path(rel: str) -> bool:
    """True for an output path that belongs in the staff folder (WeChat and LED), not on the
    website."""
    return _in_staff(_safe_relative(rel))


def _in_staff(safe: str) -> bool:
    return (safe + "/").lower().startswith(STAFF_FOLDERS)


def check_roots(out_dir: Path, staff_dir: Path) -> None:
    """Refuse a staff folder inside the website (it would be published) or the other way round."""
    public, staff = out_dir.resolve(), staff_dir.resolve()
    if public == staff or staff.is_relative_to(public) or public.is_relative_to(staff):
        raise UnsafeOutputPath(f"员工文件夹 {staff} 和网站输出文件夹 {public} 不能是同一个，也不能一个套在另一个里面")


def default_staff_dir(out_dir: Path) -> Path:
    """The staff folder beside an output folder: `public/` → `staff/`, any other `X/` →
    `X-staff/`."""
    return out_dir.parent / ("staff" if out_dir.name == "public" else f"{out_dir.name}-staff")


def standby_path(out_dir: Path) -> Path:
    """The standby tree of an output folder (the one published before it)."""
    return out_dir.parent / f".{out_dir.name}-standby"


def _same_file(a: str, b: str, known: os.stat_result | None = None) -> bool:
    """True when `b` is a link to the file `a` (`known`: a's stat, taken already)."""
    try:
        first, second = known or os.stat(a), os.lstat(b)
    except OSError:
        return False
    return (first.st_ino, first.st_dev) == (second.st_ino, second.st_dev)


def _clear(target: str) -> None:
    """Remove whatever is at `target` in the standby (a file, or a folder where a file now goes)."""
    try:
        os.unlink(target)
    except FileNotFoundError:
        pass
    except (IsADirectoryError, PermissionError):
        shutil.rmtree(target)


def _make_folder(folder: str, root: str) -> None:
    """Make a folder in the standby, removing a file that stands where a folder now goes."""
    try:
        os.makedirs(folder, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        part = folder
        while part != root and not os.path.isfile(part):
            part = os.path.dirname(part)
        if part == root:
            raise
        os.unlink(part)
        os.makedirs(folder, exist_ok=True)


def _prune(root: Path, keep: set[str]) -> None:
    """Remove the standby's files that this build does not make, and folders left empty."""
    for folder, _dirs, files in os.walk(root, topdown=False):
        base = _relative(folder, str(root))
        kept = 0
        for name in files:
            if (name if base == "." else f"{base}/{name}") in keep:
                kept += 1
            else:
                os.unlink(os.path.join(folder, name))
        if not kept and folder != str(root):
            try:
                os.rmdir(folder)
            except OSError:
                pass  # it still holds folders that are kept


def clean_leftovers(out_dir: Path) -> list[str]:
    """Repair and remove what killed builds left beside `out_dir`; the names removed.

    Call it only while holding the build lock (see lock.py): another build's staging folder looks
    the same.
    """
    parent, name = out_dir.parent, out_dir.name
    if not parent.is_dir():
        return []
    olds = sorted(parent.glob(f".{name}-old-*"))
    if not out_dir.exists() and olds:  # killed between the two renames of the fallback swap
        os.rename(olds[-1], out_dir)
        olds = olds[:-1]
    gone = []
    for folder in olds + sorted(parent.glob(f".{name}-new-*")):
        shutil.rmtree(folder, ignore_errors=True)
        gone.append(folder.name)
    return gone


def published_files(out_dir: Path) -> list[str]:
    """Every file in the output folder, as sorted relative POSIX paths."""
    found = []
    for folder, dirs, files in os.walk(out_dir):
        dirs.sort()
        base = _relative(folder, str(out_dir))
        found += files if base == "." else (f"{base}/{name}" for name in files)
    return sorted(found)


def _relative(folder: str, root: str) -> str:
    """A folder os.walk gave under `root` as a relative POSIX path ("." for root itself)."""
    if folder == root:
        return "."
    return folder[len(root.rstrip(os.sep)) + 1:].replace(os.sep, "/")


def outputs_intact(out_dir: Path, manifest: Path) -> bool:
    """True when the output folder holds exactly the manifest's files, each as the manifest
    describes it."""
    entries = read_manifest(manifest)
    # (a staff folder may rightly be empty)
    if not out_dir.is_dir() or not (entries or manifest.is_file()):
        return False
    if published_files(out_dir) != sorted(entries):
        return False
    return all(_matches(os.path.join(out_dir, rel), entry) for rel, entry in entries.items())


def manifest_path(cache_dir: Path, out_dir: Path) -> Path:
    """Where the manifest of an output folder is kept (beside the cache)."""
    name = short_sha256(str(out_dir.resolve()))
    return cache_dir / f"manifest-{name}.json"


def read_manifest(path: Path) -> dict[str, list]:
    """The manifest's entries, or {} when it is missing or damaged (every file is then made again)
    ."""
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {rel: entry for rel, entry in data.items()
            if isinstance(entry, list) and len(entry) == 4 and isinstance(entry[3], str)}


def write_file(path: Path, data: bytes) -> bool:
    """Atomically write one file outside the site (e.g. the review ledger) if its bytes changed;
    True if written."""
    if _same_bytes(path, data):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return True


def _matches(path: str, entry: list) -> bool:
    """Size and time as recorded, or (when the time moved) the same content hash."""
    return _stat_if_matches(path, entry) is not None


def _stat_if_matches(path: str, entry: list) -> os.stat_result | None:
    """The file's stat when it `_matches` its manifest entry, else None."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    if stat.st_size != entry[1]:
        return None
    return stat if stat.st_mtime_ns == entry[2] or file_sha256(path) == entry[3] else None


def _exchange(new: Path, current: Path) -> None:
    """Swap two folders in one step (Linux renameat2 RENAME_EXCHANGE); elsewhere two renames,
    repaired if cut."""
    if _rename_exchange(str(new), str(current)):
        return
    aside = Path(tempfile.mkdtemp(prefix=f".{current.name}-old-", dir=current.parent))
    os.rmdir(aside)
    # a build killed here leaves only `aside`: clean_leftovers puts it back
    os.rename(current, aside)
    os.rename(new, current)
    os.rename(aside, new)


def _rename_exchange(a: str, b: str) -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    if result == 0:
        return True
    errno = ctypes.get_errno()
    if errno in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: this file system cannot exchange
        return False
    raise OSError(errno, os.strerror(errno), a)


# A plain output path (ASCII names, dots only inside them): already normal and safe unless a name
# is one of Windows' reserved device names. Most paths are plain; the rest take the long way.
_PLAIN = re.compile(r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*(?:/[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)*")
# a part of a plain path whose name before its first dot is reserved (one search, not a loop)
_RESERVED_PART = re.compile(
    r"(?:^|/)(?:%s)(?:[./]|$)" % "|".join(sorted(WINDOWS_RESERVED)), re.IGNORECASE
)


def _safe_relative(rel: str) -> str:
    if _PLAIN.fullmatch(rel) and not _RESERVED_PART.search(rel):
        return rel
    normal = posixpath.normpath(rel.replace("\\", "/"))
    if not rel or normal.startswith(("../", "/")) or normal in ("..", ".") or "\x00" in rel:
        raise UnsafeOutputPath(f"输出路径 “{rel}” 不在输出文件夹里")
    bad = next((part for part in normal.split("/") if not windows_name_ok(part)), None)
    if bad is not None:
        raise UnsafeOutputPath(f"输出路径 “{rel}” 里的 “{bad}” 在 Windows 上不能作文件名")
    return normal


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        if path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False
