"""Chinese line breaking (GB/T 15834-2011 §5.1) and fitting slide text into LED frames, independent of any font library."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Protocol

from generator.base.typography import NO_LINE_END, NO_LINE_START, UNSPLITTABLE_PAIRS

# One unit that is never split: a doubled mark (—— ……), a Latin word or number with its inner
# punctuation (3.5, 2023-09-11, 12:30, don't), or any other single character.
_PAIRS = "|".join(re.escape(p) for p in UNSPLITTABLE_PAIRS)
_ALNUM = r"[A-Za-z0-9Ａ-Ｚａ-ｚ０-９]"
_UNIT = re.compile(rf"{_PAIRS}|{_ALNUM}+(?:[.,:'’\-/·_]{_ALNUM}+)*|\S")
_SPACES = re.compile(r"\s+")
LAYOUT_VERSION = "1"  # bump whenever breaking or fitting changes, so cached layouts are redone

Ink = tuple[int, int, int, int]  # left, top, right, bottom of the drawn pixels, relative to the left end of the baseline


class Measure(Protocol):
    """What the fitter needs from a font at one size: the ink box of a string."""

    def ink(self, text: str) -> Ink:
        """Left, top, right, bottom of the text's drawn pixels, relative to the left end of its baseline."""
        ...


class Unfittable(Exception):
    """Raised when one unbreakable piece of text is wider or taller than the frame even at the smallest size."""

    def __init__(self, unit: str, size: int, reason: str = "wide"):
        super().__init__(unit)
        self.unit, self.size, self.reason = unit, size, reason


@dataclass(frozen=True)
class Fitted:
    """Slide text laid out at one font size: frames of lines, and the vertical metrics to stack them."""

    size: int
    frames: tuple[tuple[str, ...], ...]
    ink_top: int  # the highest ink above the baseline (negative), over every line of the slide
    ink_bottom: int  # the lowest ink below the baseline
    gap: int  # blank pixels between two lines
    heading_lines: int = 0  # how many lines, counted from the first frame, belong to the first paragraph

    @property
    def line_height(self) -> int:
        """Pixels from the top of one line's ink envelope to its bottom."""
        return self.ink_bottom - self.ink_top


def normalise(text: str) -> str:
    """Collapse runs of whitespace into one space and trim the ends, as the breaker sees text."""
    return _SPACES.sub(" ", text).strip()


def clusters(text: str) -> list[tuple[bool, str]]:
    """Split text into pieces that may be separated by a line break, each with whether a space came before it."""
    out: list[tuple[bool, str]] = []
    previous_end = 0
    for match in _UNIT.finditer(normalise(text)):
        spaced = match.start() > previous_end
        unit = match.group()
        glued = out and (unit[0] in NO_LINE_START or out[-1][1][-1] in NO_LINE_END)
        if glued:  # the kinsoku rules forbid a break here, so the unit joins the piece before it
            before, piece = out[-1]
            out[-1] = (before, piece + (" " if spaced else "") + unit)
        else:
            out.append((spaced, unit))
        previous_end = match.end()
    return out


def ink_width(ink: Ink) -> int:
    """The width of an ink box (0 for blank text)."""
    return max(0, ink[2] - ink[0])


def break_lines(text: str, width_of: Callable[[str], int], max_width: int, size: int = 0) -> list[str]:
    """Break one paragraph into lines no wider than max_width, greedily; Unfittable if one piece is too wide."""
    lines: list[str] = []
    current = ""
    for spaced, piece in clusters(text):
        candidate = current + (" " if spaced and current else "") + piece
        if width_of(candidate) <= max_width:
            current = candidate
            continue
        if width_of(piece) > max_width:
            raise Unfittable(piece, size)
        if current:
            lines.append(current)
        current = piece
    if current:
        lines.append(current)
    return lines


def wrap(text: str, width_of: Callable[[str], int], max_width: int, size: int = 0) -> list[str]:
    """Break a paragraph as a sign writer would: at the writer's spaces when that costs no extra line, else evenly."""
    greedy = break_lines(text, width_of, max_width, size)
    if len(greedy) <= 1:
        return greedy
    by_phrase = _by_phrase(text, width_of, max_width, size)
    return by_phrase if len(by_phrase) <= len(greedy) else _balanced(text, width_of, max_width, size, len(greedy))


def _by_phrase(text: str, width_of: Callable[[str], int], max_width: int, size: int) -> list[str]:
    """Each space-separated phrase on its own lines (split evenly when too wide), short phrases sharing a line."""
    lines: list[str] = []
    for _, phrase in _phrases(clusters(text)):
        pieces = break_lines(phrase, width_of, max_width, size)
        for number, piece in enumerate(_balanced(phrase, width_of, max_width, size, len(pieces))):
            joined = f"{lines[-1]} {piece}" if lines and number == 0 else ""
            if joined and width_of(joined) <= max_width:
                lines[-1] = joined
            else:
                lines.append(piece)
    return lines


def _balanced(text: str, width_of: Callable[[str], int], max_width: int, size: int, count: int) -> list[str]:
    """The narrowest breaking that still needs no more than `count` lines: even lines, not a short last one."""
    low, high = 1, max_width
    while low < high:
        middle = (low + high) // 2
        try:
            fits = len(break_lines(text, width_of, middle, size)) <= count
        except Unfittable:
            fits = False
        low, high = (low, middle) if fits else (middle + 1, high)
    return break_lines(text, width_of, low, size)


def _phrases(pieces: list[tuple[bool, str]]) -> list[tuple[bool, str]]:
    """Join pieces that no space separates, so the only break opportunities left are spaces."""
    out: list[tuple[bool, str]] = []
    for spaced, piece in pieces:
        if out and not spaced:
            out[-1] = (out[-1][0], out[-1][1] + piece)
        else:
            out.append((spaced, piece))
    return out


def paginate(paragraphs: list[list[str]], per_frame: int) -> list[tuple[str, ...]]:
    """Fill frames with lines in order, starting a paragraph on a fresh frame when that keeps it whole."""
    frames: list[list[str]] = [[]]
    for lines in paragraphs:
        room = per_frame - len(frames[-1])
        if frames[-1] and len(lines) > room and len(lines) <= per_frame:
            frames.append([])
        for line in lines:
            if len(frames[-1]) == per_frame:
                frames.append([])
            frames[-1].append(line)
    return [tuple(f) for f in frames if f]


@dataclass(frozen=True)
class Box:
    """The area text may use: width and height in pixels, and whether it shows one line at a time (strip screens)."""

    width: int
    height: int
    one_line: bool = False


def layout_at(paragraphs: list[str], measure: Measure, box: Box, size: int, pretty: bool = False) -> Fitted:
    """Lay out a slide's paragraphs at one font size; Unfittable if a piece is too wide or a line too tall.

    Greedy breaking decides how many lines and frames a size needs; `pretty` then picks nicer breaks
    (at spaces, or evenly) that never need more lines."""
    width_of = lambda text: ink_width(measure.ink(text))  # noqa: E731 - a tiny adapter
    breaker = wrap if pretty else break_lines
    broken = [breaker(p, width_of, box.width, size) for p in paragraphs if normalise(p)]
    inks = [measure.ink(line) for lines in broken for line in lines] + [measure.ink("国")]
    top, bottom = min(i[1] for i in inks), max(i[3] for i in inks)
    gap = max(1, size // 5)
    if bottom - top > box.height:
        raise Unfittable(max((line for lines in broken for line in lines), key=len, default="国"), size, "tall")
    per_frame = 1 if box.one_line else max(1, (box.height + gap) // (bottom - top + gap))
    heading = len(broken[0]) if broken else 0
    return Fitted(size, tuple(paginate(broken, per_frame)), top, bottom, gap, heading)


def fit(paragraphs: list[str], measure_at: Callable[[int], Measure], box: Box, largest: int, smallest: int) -> Fitted:
    """The largest font size that needs the fewest frames, nicely broken; Unfittable when even the smallest fails."""
    best = layout_at(paragraphs, measure_at(smallest), box, smallest)
    low, high = smallest + 1, largest
    # Frame counts fall as the size falls, so a binary search finds the largest size as good as the smallest.
    while low <= high:
        middle = (low + high) // 2
        try:
            trial = layout_at(paragraphs, measure_at(middle), box, middle)
        except Unfittable:
            trial = None
        if trial is not None and len(trial.frames) <= len(best.frames):
            best, low = trial, middle + 1
        else:
            high = middle - 1
    return keep_phrases(paragraphs, measure_at, box, best.size, smallest)


def keep_phrases(paragraphs: list[str], measure_at: Callable[[int], Measure], box: Box, size: int,
                 smallest: int) -> Fitted:
    """The pretty layout at `size`, or at most a fifth smaller when that breaks fewer of the writer's phrases."""
    best = layout_at(paragraphs, measure_at(size), box, size, pretty=True)
    fewest = split_phrases(paragraphs, best)
    for smaller in range(size - 1, max(smallest, size * 4 // 5) - 1, -1):
        if fewest == 0:
            break
        try:
            trial = layout_at(paragraphs, measure_at(smaller), box, smaller, pretty=True)
        except Unfittable:
            continue
        broken = split_phrases(paragraphs, trial)
        if len(trial.frames) <= len(best.frames) and broken < fewest:
            best, fewest = trial, broken
    return best


def split_phrases(paragraphs: list[str], fitted: Fitted) -> int:
    """How many space-separated phrases (of paragraphs that have several) are broken across lines."""
    lines = [line for frame in fitted.frames for line in frame]
    count = 0
    for paragraph in paragraphs:
        phrases = [phrase for _, phrase in _phrases(clusters(paragraph))]
        if len(phrases) > 1:
            count += sum(1 for p in phrases if not any(p in line for line in lines))
    return count
