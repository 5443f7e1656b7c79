"""A fingerprint of everything a build reads, so a build with no changed input can stop at once."""
from __future__ import annotations

import json
import os
from pathlib import Path

from generator.base.hashing import digest
from generator.build.writer import outputs_intact


def input_stamp(roots: list[Path], *extra: object) -> str:
    """Digest of the relative path, size and modification time of every file under `roots`, plus
    `extra` values."""
    entries = []
    for root in roots:
        if root.is_file():
            stat = root.stat()
            entries.append((str(root), stat.st_size, stat.st_mtime_ns))
            continue
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                path = os.path.join(folder, name)
                try:
                    stat = os.stat(path)
                # a broken or looping link (the build warns about it): the link itself counts
                except OSError:
                    stat = os.lstat(path)
                entries.append((path, stat.st_size, stat.st_mtime_ns))
    return digest(entries, *extra)


def unchanged(record: Path, stamp: str, outputs: list[tuple[Path, Path]]) -> str | None:
    """The summary saved with the last build if it had this same stamp and each output folder
    (website, staff) is still exactly what its manifest says (no file missing, added or edited by
    hand), else None.
    """
    try:
        saved = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(saved, dict) or saved.get("stamp") != stamp:
        return None
    intact = all(outputs_intact(folder, manifest) for folder, manifest in outputs)
    return str(saved.get("summary", "")) if intact else None


def record_json(stamp: str, summary: str) -> bytes:
    """What to save after a successful build (written by the caller through writer.write_file)."""
    return json.dumps({"stamp": stamp, "summary": summary}, ensure_ascii=False).encode()
