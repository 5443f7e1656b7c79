"""Character-level differences between two revisions of an article (Chinese has no spaces between
words)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

CONTEXT = 24  # characters of unchanged text kept on each side of a change


@dataclass(frozen=True)
class Piece:
    """A run of text that is the same in both (`same`), only in the new one (`added`) or only in
    the old one."""

    kind: str  # "same" | "added" | "removed" | "gap"
    text: str


def pieces(old: str, new: str, context: int = CONTEXT) -> list[Piece]:
    """The changes from old to new, character by character, long unchanged stretches shortened to
    `…`."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    out: list[Piece] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            out.extend(_shortened(old[a1:a2], context, first=not out, last=a2 == len(old)))
            continue
        if a2 > a1:
            out.append(Piece("removed", old[a1:a2]))
        if b2 > b1:
            out.append(Piece("added", new[b1:b2]))
    return out


def changed(parts: list[Piece]) -> bool:
    """True when anything was added or removed."""
    return any(p.kind in ("added", "removed") for p in parts)


def summary(parts: list[Piece]) -> tuple[int, int]:
    """How many characters were added and removed."""
    return (sum(len(p.text) for p in parts if p.kind == "added"),
            sum(len(p.text) for p in parts if p.kind == "removed"))


def _shortened(text: str, context: int, first: bool, last: bool) -> list[Piece]:
    keep_head = 0 if first else context
    keep_tail = 0 if last else context
    if len(text) <= keep_head + keep_tail + 8:
        return [Piece("same", text)]
    out = [Piece("same", text[:keep_head])] if keep_head else []
    out.append(Piece("gap", "…"))
    if keep_tail:
        out.append(Piece("same", text[-keep_tail:]))
    return out
