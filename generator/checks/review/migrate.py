"""`review migrate`: remove the old `review:`/`proof:` blocks from content files (their typed names
and hashes proved nothing); the articles are then signed again with personal keys."""

from __future__ import annotations

from pathlib import Path

from generator.base import frontmatter, source
from generator.checks.sourcefile import SourceFile

BLOCKS = ("review", "proof")


def strip_blocks(path: Path) -> bool:
    """Remove the old sign-off blocks from one file, keeping every other line as it was; True if it
    changed."""
    stored = SourceFile.read(path)
    clean, _notes = source.read_text(path)
    matter = frontmatter.split(clean, path)
    starts = sorted(matter.positions[(key,)][0] - 1 for key in BLOCKS if (key,) in matter.positions)
    if not starts:
        return False
    lines = stored.text.split("\n")
    closing = matter.body_line - 2
    for start in reversed(starts):
        del lines[start:_block_end(lines, start, closing)]
    path.write_bytes(stored.encode("\n".join(lines)))
    return True


def migrate(content_dir: Path) -> list[Path]:
    """Strip the old blocks from every Markdown file under content/ (not the review store); the
    files changed."""
    changed = []
    for path in sorted(content_dir.rglob("*.md")):
        if "_review" in path.relative_to(content_dir).parts:
            continue
        if strip_blocks(path):
            changed.append(path)
    return changed


def _block_end(lines: list[str], start: int, limit: int) -> int:
    """One past the last indented line of the block that starts at `start` (comments between are
    included)."""
    last, index = start, start + 1
    while index < limit and (lines[index][:1] in (" ", "\t") or not lines[index].strip()
                             or lines[index].lstrip().startswith("#")):
        if lines[index][:1] in (" ", "\t") and lines[index].strip():
            last = index
        index += 1
    return last + 1

