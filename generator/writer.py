"""The only code that writes the output folder: build beside it, keep unchanged files, swap in on success (layer 1)."""
from __future__ import annotations

import os
import posixpath
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


class UnsafeOutputPath(ValueError):
    """An output path that would leave the output folder or is claimed twice."""


@dataclass
class WriteReport:
    """What publishing did: files written (new or changed), kept unchanged, and removed."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


class Publication:
    """Collect output files into a fresh folder next to `out_dir`; `commit()` swaps it in, `abort()` throws it away.

    Files whose bytes match the current output are hard-linked, not rewritten, so their timestamps stay and
    tools that watch the folder (livereload, rsync to the web server) see only real changes.
    """

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir.resolve()
        self.out_dir.parent.mkdir(parents=True, exist_ok=True)
        self.staging = Path(tempfile.mkdtemp(prefix=f".{self.out_dir.name}-new-", dir=self.out_dir.parent))
        self.report = WriteReport()
        self._paths: set[str] = set()

    def add(self, rel: str, data: bytes) -> None:
        """Stage one file at a relative output path."""
        rel = _safe_relative(rel)
        if rel.lower() in self._paths:
            raise UnsafeOutputPath(f"两个输出文件都要写到 {rel}")
        self._paths.add(rel.lower())
        target = self.staging / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        current = self.out_dir / rel
        if _same_bytes(current, data):
            os.link(current, target)
            self.report.unchanged.append(rel)
        else:
            target.write_bytes(data)
            self.report.written.append(rel)

    def commit(self) -> WriteReport:
        """Swap the staged folder in place of the output folder and report what changed."""
        self.report.removed = sorted(self._stale_files())
        old = None
        if self.out_dir.exists():
            old = self.out_dir.with_name(f".{self.out_dir.name}-old-{os.getpid()}")
            shutil.rmtree(old, ignore_errors=True)
            os.rename(self.out_dir, old)
        os.rename(self.staging, self.out_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        self.report.written.sort()
        self.report.unchanged.sort()
        return self.report

    def abort(self) -> None:
        """Throw the staged files away; the output folder stays exactly as it was."""
        shutil.rmtree(self.staging, ignore_errors=True)

    def _stale_files(self) -> list[str]:
        if not self.out_dir.is_dir():
            return []
        stale = []
        for folder, _dirs, files in os.walk(self.out_dir):
            for name in files:
                rel = (Path(folder) / name).relative_to(self.out_dir).as_posix()
                if rel.lower() not in self._paths:
                    stale.append(rel)
        return stale


def write_file(path: Path, data: bytes) -> bool:
    """Atomically write one file outside the site (e.g. the review ledger) if its bytes changed; True if written."""
    if _same_bytes(path, data):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    with os.fdopen(handle, "wb") as stream:
        stream.write(data)
    os.replace(temp, path)
    return True


def _safe_relative(rel: str) -> str:
    normal = posixpath.normpath(rel.replace("\\", "/"))
    if not rel or normal.startswith(("../", "/")) or normal in ("..", ".") or "\x00" in rel:
        raise UnsafeOutputPath(f"输出路径 “{rel}” 不在输出文件夹里")
    return normal


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        if path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False
