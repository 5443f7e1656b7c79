"""Photo uploads: checked names and sizes, real images only, metadata (EXIF, GPS) stripped, saved
under content/images/<type folder>/ without overwriting another photo."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from generator.render.images import prepare

MAX_BYTES = 10 * 1024 * 1024  # a phone photo is 2-6 MB
MAX_WIDTH = 2400  # kept larger than the site's width so covers can still be cut from it
ALLOWED = {".jpg", ".jpeg", ".png", ".webp"}
_MARKUP = re.compile(rb"<\s*(script|html|svg|iframe|\?php|body)|javascript:", re.IGNORECASE)
_NAME = re.compile(r"[^\w\-.]+", re.UNICODE)


class UploadRefused(ValueError):
    """An upload that is not saved, with the reason in Chinese."""


def safe_name(filename: str) -> str:
    """The stored file name, refusing folders, `..`, hidden names and other than photo suffixes."""
    name = unicodedata.normalize("NFC", filename or "").strip()
    if (
        not name
        or "/" in name
        or "\\" in name
        or ".." in name
        or name.startswith(".")
        or "\0" in name
    ):
        raise UploadRefused(f"文件名 “{filename}” 不能用：不能含有 / \\ 或 ..，也不能以点开头。")
    stem, suffix = os.path.splitext(name)
    if suffix.lower() not in ALLOWED:
        raise UploadRefused(f"“{name}” 不是照片：只能上传 .jpg、.png 或 .webp 图片。")
    stem = _NAME.sub("-", stem).strip("-") or "photo"
    return stem[:60]


def store(
    content_dir: Path, folder: str, filename: str, data: bytes, alt: str, max_bytes: int = MAX_BYTES
) -> str:
    """Save an uploaded photo and return its path as front matter and Markdown name it
    (images/<folder>/<file>)."""
    stem = safe_name(filename)
    if not alt.strip():
        raise UploadRefused("请填写图片说明（替代文字），方便读屏软件朗读，也方便审核。")
    if len(data) > max_bytes:
        raise UploadRefused(
            f"图片太大：{len(data) / 1024 / 1024:.1f} MB，最大 {max_bytes // 1024 // 1024} MB。"
            "请先用手机或电脑把它缩小一些。"
        )
    if _MARKUP.search(data[:65536]) or _MARKUP.search(data[-65536:]):
        raise UploadRefused(f"“{filename}” 里夹带了网页代码，不能当作图片上传。")
    if data[:6] in (b"GIF87a", b"GIF89a"):
        raise UploadRefused("不接受 GIF 动图：请上传 .jpg 或 .png 照片。")
    try:
        clean = prepare(data, MAX_WIDTH, 90)  # re-encoded: EXIF and GPS data are not copied
    except ValueError as problem:
        raise UploadRefused(f"“{filename}” {problem}。") from None
    suffix = ".png" if clean[:4] == b"\x89PNG" else ".jpg"
    target_dir = content_dir / "images" / folder
    target_dir.mkdir(parents=True, exist_ok=True)
    target = _free(target_dir, stem, suffix)
    target.write_bytes(clean)
    return f"images/{folder}/{target.name}"


def _free(folder: Path, stem: str, suffix: str) -> Path:
    candidate, number = folder / f"{stem}{suffix}", 2
    while candidate.exists():
        candidate, number = folder / f"{stem}-{number}{suffix}", number + 1
    return candidate
