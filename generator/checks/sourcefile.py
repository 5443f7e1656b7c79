"""Content files read and written back byte for byte as they were stored: encoding, BOM and line
ending."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from generator.base import source
from generator.base.errors import BuildFailed, error


@dataclass(frozen=True)
class SourceFile:
    """A text file decoded with what is needed to write it back the same way: encoding, BOM and line
    ending."""

    text: str  # with \n line ends
    encoding: str
    bom: bytes
    newline: str

    @classmethod
    def read(cls, path: Path) -> "SourceFile":
        """Decode a content file as the loader does, remembering how it was stored; raise
        BuildFailed if unreadable."""
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise BuildFailed(
                [error(path, 1, f"无法读取文件（{exc.strerror}）", "检查文件名和路径是否正确。")]
            ) from None
        source.decode(raw, path)  # refuses Word documents and binary files with a Chinese message
        bom = next(
            (
                b
                for b in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
                if raw.startswith(b)
            ),
            b"",
        )
        encoding = {
            codecs.BOM_UTF8: "utf-8",
            codecs.BOM_UTF16_LE: "utf-16-le",
            codecs.BOM_UTF16_BE: "utf-16-be",
        }.get(bom)
        if encoding is None:
            encoding = "utf-8" if _is_utf8(raw) else "gb18030"
        text = raw[len(bom):].decode(encoding)
        newline = "\r\n" if text.count("\r\n") * 2 > text.count("\n") else "\n"
        return cls(re.sub(r"\r\n?", "\n", text), encoding, bom, newline)

    def encode(self, text: str) -> bytes:
        """A new text (with \n line ends) as bytes in this file's encoding, BOM and line ending."""
        return self.bom + text.replace("\n", self.newline).encode(self.encoding)


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
