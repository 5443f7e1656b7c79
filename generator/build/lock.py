"""One build at a time per project: `make build`, a second `make build` and `make serve` take the
same lock.

The lock is an OS file lock (flock, or msvcrt on Windows) on `.cache/build.lock`, so it is released
whenever its holder ends, even by `kill -9`: there is never a stale lock to delete by hand. The
holder's process id is written into the file, to name it in the message.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Callable

WAIT_SECONDS = 600.0  # how long a build waits for another one before giving up
POLL_SECONDS = 0.1
# Windows locks byte ranges, from the file's current position. The lock sits on one byte past the
# holder's process id, so a waiting build can still read the id; lock and unlock seek there first,
# since writing the id moves the position (an unlock elsewhere fails).
WINDOWS_LOCK_OFFSET = 64


class BuildBusy(Exception):
    """Another build of this project held the lock for longer than this one would wait."""

    def __init__(self, holder: str):
        super().__init__(holder)
        self.holder = holder

    @property
    def message(self) -> str:
        """The Chinese message for staff."""
        who = f"（进程 {self.holder}）" if self.holder else ""
        return f"另一个构建正在运行{who}，等了 {WAIT_SECONDS:.0f} 秒仍未结束，这次没有构建。请等它结束后再试。"


def lock_path(root: Path) -> Path:
    """The lock file of the project at `root`."""
    return root / ".cache" / "build.lock"


class BuildLock:
    """`with BuildLock(path, on_wait=print):` waits for the lock; `on_wait` hears once that it is
    waiting."""

    def __init__(
        self, path: Path, on_wait: Callable[[str], None] | None = None, wait: float | None = None
    ):
        self.path, self.on_wait = path, on_wait
        self.wait = WAIT_SECONDS if wait is None else wait
        self._handle: int | None = None

    def __enter__(self) -> "BuildLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline, told = time.monotonic() + self.wait, False
        while not _try_lock(handle):
            if time.monotonic() >= deadline:
                holder = _holder(handle)
                os.close(handle)
                raise BuildBusy(holder)
            if not told and self.on_wait:
                holder = _holder(handle)
                self.on_wait(f"另一个构建正在运行{f'（进程 {holder}）' if holder else ''}，等它结束后再开始……")
                told = True
            time.sleep(POLL_SECONDS)
        _write_holder(handle)
        self._handle = handle
        return self

    def __exit__(self, *exc) -> None:
        if self._handle is not None:
            _unlock(self._handle)
            os.close(self._handle)
            self._handle = None


def _holder(handle: int) -> str:
    try:
        os.lseek(handle, 0, os.SEEK_SET)
        return os.read(handle, 32).decode("ascii", "replace").strip()
    except OSError:
        return ""


def _write_holder(handle: int) -> None:
    try:
        os.ftruncate(handle, 0)
        os.lseek(handle, 0, os.SEEK_SET)
        os.write(handle, str(os.getpid()).encode())
    except OSError:
        pass  # the name is only for the message


def _try_lock(handle: int) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt
        try:
            os.lseek(handle, WINDOWS_LOCK_OFFSET, os.SEEK_SET)
            msvcrt.locking(handle, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _unlock(handle: int) -> None:
    try:
        import fcntl
    except ImportError:
        import msvcrt
        os.lseek(handle, WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(handle, msvcrt.LK_UNLCK, 1)
        return
    fcntl.flock(handle, fcntl.LOCK_UN)
