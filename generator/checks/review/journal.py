"""Append-only signed JSON-lines files: read them line by line with their chain, append one record
safely."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from generator.checks.review.records import line_hash


@dataclass(frozen=True)
class Line:
    """One line of a journal: its number, its text, the record (None if not JSON) and the previous
    line's hash."""

    number: int
    text: str
    record: dict | None
    expected_prev: str  # what `prev` must say for the chain to hold


def read(path: Path) -> list[Line]:
    """Every non-empty line of a journal (an absent file is empty)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError):
        text = ""
    lines, prev = [], ""
    for number, raw in enumerate(text.split("\n"), 1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except ValueError:
            record = None
        lines.append(Line(number, raw, record if isinstance(record, dict) else None, prev))
        prev = line_hash(raw)
    return lines


def tail_hash(path: Path) -> str:
    """The hash a record appended now must carry as `prev`."""
    lines = read(path)
    return line_hash(lines[-1].text) if lines else ""


def append(path: Path, record: dict) -> None:
    """Add one record as the journal's last line (flushed to disk before returning)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    existing = path.read_bytes() if path.exists() else b""
    prefix = b"" if not existing or existing.endswith(b"\n") else b"\n"
    with open(path, "ab") as out:
        out.write(prefix + text.encode("utf-8") + b"\n")
        out.flush()
        os.fsync(out.fileno())
