"""What to tell staff when a build stops: a Chinese sentence for each kind of failure of the machine
(disk full, read-only folder, port in use), and a final line that says truthfully what happened to
the output folder.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path


def folder_identity(out_dir: Path) -> tuple[int, int] | None:
    """The output folder's (device, inode), or None when it does not exist; the swap gives it a new
    inode."""
    try:
        stat = out_dir.stat()
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def final_line(out_dir: Path, before: tuple[int, int] | None, shown: str) -> str:
    """Whether the output folder `shown` still holds the previous build, now holds this one, or was
    not made."""
    now = folder_identity(out_dir)
    if now is None:
        return f"输出文件夹 {shown}/ 没有创建。"
    if now == before:
        return f"输出文件夹 {shown}/ 保持原样，仍是上次的完整版本。"
    return f"输出文件夹 {shown}/ 已经整体换成这次构建的新版本，但之后的步骤没有完成。"


def os_error_message(exc: OSError, shown: str | None = None) -> str:
    """A Chinese sentence for a failure of the machine rather than of the content."""
    where = f"（{shown}）" if shown else (f"（{exc.filename}）" if exc.filename else "")
    code = exc.errno
    if code == errno.ENOSPC or code == getattr(errno, "EDQUOT", -1):
        return f"磁盘已满{where}：写不下输出文件。请清理磁盘空间（例如删除 .cache/ 或旧的备份）后重试。"
    if code == errno.EROFS:
        return f"输出位置是只读的{where}：不能写入。请换一个可写的文件夹（--out），或检查 U 盘/网络盘的写保护。"
    if code in (errno.EACCES, errno.EPERM):
        return f"没有权限写入{where}：请检查文件夹的权限，或关掉正在使用这些文件的程序后重试。"
    if code == errno.EADDRINUSE:
        return f"端口已被占用{where}：可能已经开着一个预览。先关掉它，或用 --port 换一个端口，例如 --port 8001。"
    if code == errno.ENAMETOOLONG:
        return f"文件名太长{where}：超过了文件系统的限制。请把 slug 或文件名改短。"
    return f"读写文件时出错{where}：{os.strerror(code) if code else exc}。"
