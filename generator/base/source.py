"""Decode files as staff really save them: BOMs, UTF-16, GBK, CRLF, Word paste debris."""
from __future__ import annotations

import codecs
import re
from pathlib import Path

from generator.base import limits
from generator.base.errors import BuildFailed, SiteError, error, warning

# Invisible characters that Word and web pages leave behind; they break YAML and search.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = {ord("\u00a0"): " ", ord("\u202f"): " "}
_DEBRIS = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u00a0\u202f\r]")
# Control characters (tab and newline excepted) and the bidi controls that reorder text on screen
# (U+202E shows
# "txt.exe" as "exe.txt"); a vertical tab from a Word paste makes feed.xml invalid XML. Removed,
# with a warning.
CONTROLS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
_KEY_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def read_text(path: Path) -> tuple[str, list[SiteError]]:
    """Read a text file as clean Unicode with LF line ends; return the text and any warnings.

    Raises BuildFailed with a Chinese explanation for files that are not text (Word .docx, images,
    empty).
    """
    return text_from_bytes(read_bytes(path), path)


def read_bytes(path: Path) -> bytes:
    """A file's bytes, or BuildFailed with a Chinese explanation."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise BuildFailed(
            [
                error(
                    path,
                    1,
                    f"无法读取文件（{exc.strerror}）",
                    "检查文件是否存在、是否被其他程序占用。",
                )
            ]
        ) from None


def text_from_bytes(raw: bytes, path: Path) -> tuple[str, list[SiteError]]:
    """Decode and clean bytes already read from `path` (see read_text); refuse files past the
    limits."""
    if len(raw) > limits.MAX_FILE_BYTES:
        raise BuildFailed(
            [
                error(
                    path,
                    1,
                    f"文件太大（{len(raw) // 1000} KB，上限 {limits.MAX_FILE_BYTES // 1000} KB）",
                    "一篇文章不会这么长：检查是不是把别的文件内容粘贴进来了，或者分成几篇。",
                    code="limits.file",
                )
            ]
        )
    text, notes = decode(raw, path)
    # str.translate is slow on long text: only pay for it when there is debris
    if _DEBRIS.search(text):
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        notes += _invisible_in_keys(text, path)
        text = text.translate(_INVISIBLE).translate(_SPACES)
    if CONTROLS.search(text):
        notes += _controls(text, path)
        text = CONTROLS.sub("", text)
    too_long = limits.long_line(text)
    if too_long:
        raise BuildFailed(
            [
                error(
                    path,
                    too_long[0],
                    f"这一行太长（{too_long[1]} 个字，上限 {limits.MAX_LINE_CHARS}）",
                    "在段落之间空一行分段；检查是不是粘贴了图片或表格的原始数据。",
                    code="limits.line",
                )
            ]
        )
    return text, notes


def _controls(text: str, path: Path) -> list[SiteError]:
    """One warning per line that held control or bidi characters (they are removed, never published)
    ."""
    found = []
    for number, line in enumerate(text.split("\n"), 1):
        hit = CONTROLS.search(line)
        if hit:
            names = "、".join(sorted({f"U+{ord(c):04X}" for c in CONTROLS.findall(line)}))
            found.append(warning(path, number, f"第 {hit.start() + 1} 个字处有看不见的控制字符（{names}），已删除",
                                 "这通常是从 Word 或网页粘贴带来的；删除后请核对这一行的文字顺序。",
                                 col=hit.start() + 1, code="source.control"))
    return found


def _invisible_in_keys(text: str, path: Path) -> list[SiteError]:
    """Warn about zero-width characters inside front-matter field names: cleaning them silently
    hides a paste."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return []
    found = []
    for number, line in enumerate(lines[1:], 2):
        if line.strip() == "---":
            break
        key = re.split("[:：]", line, maxsplit=1)[0]
        if ":" in line or "：" in line:
            if _KEY_INVISIBLE.search(key):
                shown = _KEY_INVISIBLE.sub("", key).strip()
                found.append(warning(path, number, f"字段名 “{shown}” 里夹着看不见的字符（零宽空格等），已去掉",
                                     "这通常是从网页或 Word 复制来的：请删掉这个字段名重新手打。",
                                     code="source.invisible-key"))
    return found


def decode(raw: bytes, path: Path) -> tuple[str, list[SiteError]]:
    """Pick the encoding by BOM, then UTF-8, then GB18030 (with a warning); refuse binary files."""
    if raw.startswith(b"PK\x03\x04"):
        raise BuildFailed([error(path, 1, "这是一个 Word 文档（.docx），不是纯文本文件",
                                 "请在 Word 里选 “另存为 → 纯文本（.txt）”，编码选 UTF-8，再把扩展名改成 .md；"
                                 "或者把正文复制到记事本里保存。")])
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace"), []
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16"), []
    if b"\x00" in raw:
        raise BuildFailed([error(path, 1, "这不是文本文件（里面有二进制内容）",
                                 "图片等文件请放在 content/images/，文章必须是 .md 纯文本。")])
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        line = raw[:utf8_error.start].count(b"\n") + 1
        raise BuildFailed([error(path, line, "文件编码无法识别（既不是 UTF-8 也不是 GBK）",
                                 "用记事本打开，选 “另存为”，编码选 “UTF-8”。")]) from None
    return text, [warning(path, 1, "文件是 GBK 编码，已按 GBK 读取",
                          "建议用记事本 “另存为” 并选 UTF-8 编码，以免个别字显示成乱码。", code="source.gbk")]
