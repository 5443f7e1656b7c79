"""Chinese line breaking (GB/T 15834-2011 §5.1, between phrases) and fitting slide text into LED
frames.

Independent of any font library: a measure gives ink boxes, and when it also gives each glyph's
advance and ink box (`glyph`), lines are composed from those, so trying a size costs time linear in
the text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Generator, NamedTuple, Protocol

from generator.base import phrases
from generator.base.typography import NO_LINE_END, NO_LINE_START, UNSPLITTABLE_PAIRS

# One unit that is never split: a doubled mark (—— ……), a Latin word or number with its inner
# punctuation (3.5, 2023-09-11, 12:30, don't), or any other single character.
_PAIRS = "|".join(re.escape(p) for p in UNSPLITTABLE_PAIRS)
_ALNUM = r"[A-Za-z0-9Ａ-Ｚａ-ｚ０-９]"
_UNIT = re.compile(rf"{_PAIRS}|{_ALNUM}+(?:[.,:'’\-/·_]{_ALNUM}+)*|\S")
_SPACES = re.compile(r"\s+")
LAYOUT_VERSION = "3"  # bump whenever breaking or fitting changes, so cached layouts are redone

# left, top, right, bottom of the drawn pixels, relative to the left end of the baseline
Ink = tuple[int, int, int, int]


class Measure(Protocol):
    """What the fitter needs from a font at one size: the ink box of a string."""

    def ink(self, text: str) -> Ink:
        """Left, top, right, bottom of the text's drawn pixels, relative to the left end of its
        baseline."""
        ...


class Unfittable(Exception):
    """Raised when one unbreakable piece of text is wider or taller than the frame even at the
    smallest size."""

    def __init__(self, unit: str, size: int, reason: str = "wide"):
        super().__init__(unit)
        self.unit, self.size, self.reason = unit, size, reason


@dataclass(frozen=True)
class Fitted:
    """Slide text laid out at one font size: frames of lines, and the vertical metrics to stack
    them."""

    size: int
    frames: tuple[tuple[str, ...], ...]
    ink_top: int  # the highest ink above the baseline (negative), over every line of the slide
    ink_bottom: int  # the lowest ink below the baseline
    gap: int  # blank pixels between two lines
    # how many lines, counted from the first frame, belong to the first paragraph
    heading_lines: int = 0

    @property
    def line_height(self) -> int:
        """Pixels from the top of one line's ink envelope to its bottom."""
        return self.ink_bottom - self.ink_top


def normalise(text: str) -> str:
    """Collapse runs of whitespace into one space and trim the ends, as the breaker sees text."""
    return _SPACES.sub(" ", text).strip()


def _units(text: str) -> list[tuple[bool, str, int]]:
    """(space before, unit, offset) of the pieces kinsoku lets a break separate, in normalised
    text."""
    out: list[tuple[bool, str, int]] = []
    previous_end = 0
    for match in _UNIT.finditer(text):
        spaced = match.start() > previous_end
        unit = match.group()
        glued = out and (unit[0] in NO_LINE_START or out[-1][1][-1] in NO_LINE_END)
        if glued:  # the kinsoku rules forbid a break here, so the unit joins the piece before it
            before, piece, offset = out[-1]
            out[-1] = (before, piece + (" " if spaced else "") + unit, offset)
        else:
            out.append((spaced, unit, match.start()))
        previous_end = match.end()
    return out


def clusters(text: str) -> list[tuple[bool, str]]:
    """Split text into pieces that may be separated by a line break, each with whether a space came
    before it."""
    return [(spaced, unit) for spaced, unit, _ in _units(normalise(text))]


@dataclass(frozen=True)
class Piece:
    """A phrase: broken inside only when it is wider than a whole line, then between its words (and
    a word wider than a line between its kinsoku units)."""

    spaced: bool  # a space comes before it
    text: str
    units: tuple[str, ...]  # its words, each made of whole kinsoku units


def pieces(text: str, keep: tuple[str, ...] = ()) -> list[Piece]:
    """A paragraph as phrases (BudouX, with dictionary words and kept names whole), each made of
    words."""
    norm = normalise(text)
    cuts, words = phrases.boundaries(norm, keep), phrases.word_boundaries(norm, keep)
    out: list[list] = []
    for spaced, unit, offset in _units(norm):
        if out and not spaced and offset not in cuts:
            if offset in words:
                out[-1][1].append(unit)
            else:
                out[-1][1][-1] += unit
        else:
            out.append([spaced, [unit]])
    return [Piece(spaced, "".join(units), tuple(units)) for spaced, units in out]


def ink_width(ink: Ink) -> int:
    """The width of an ink box (0 for blank text)."""
    return max(0, ink[2] - ink[0])


class Run(NamedTuple):
    """A measured stretch of text: its pen advance and ink box, relative to the left end of its
    baseline (a named tuple: lines are built by the thousand while sizes are tried)."""

    text: str
    pen: int
    left: int
    top: int
    right: int
    bottom: int

    @property
    def width(self) -> int:
        """The ink width (what must fit the frame)."""
        return max(0, self.right - self.left)


EMPTY = Run("", 0, 0, 0, 0, 0)


class Meter:
    """Measures whole strings (a font without per-glyph data, or an exact fallback); runs are kept
    by text."""

    def __init__(self, ink: Callable[[str], Ink]):
        self._ink, self._runs = ink, {}

    def run(self, text: str) -> Run:
        """The run of a string on its own."""
        if text not in self._runs:
            self._runs[text] = self._measure(text)
        return self._runs[text]

    def _measure(self, text: str) -> Run:
        left, top, right, bottom = self._ink(text)
        return Run(text, right, left, top, right, bottom)

    def join(self, line: Run, run: Run, spaced: bool) -> Run:
        """A line with a run appended (after one space when `spaced`)."""
        if not line.text:
            return run
        return self.run(line.text + (" " if spaced else "") + run.text)


class GlyphMeter(Meter):
    """Lines composed from each glyph's hinted advance and ink box, measured once per glyph and
    size: a join costs
    the same however long the text (Pillow's basic layout applies no kerning to Chinese, so the sum
    is exact).
    """

    def __init__(self, glyph: Callable[[str], tuple[int, Ink]],
                 advance: Callable[[str], int] | None = None):
        super().__init__(lambda text: (0, 0, 0, 0))
        self._glyph = glyph
        self.advance = advance or (lambda char: glyph(char)[0])

    def _measure(self, text: str) -> Run:
        # the glyphs set one after the other from the pen at 0 (as _append would, without a run
        # per glyph: pieces are measured at every size tried)
        pen = left = top = right = bottom = 0
        glyph = self._glyph
        for char in text:
            advance, (l, t, r, b) = glyph(char)
            if pen + l < left:
                left = pen + l
            if pen + r > right:
                right = pen + r
            if t < top:
                top = t
            if b > bottom:
                bottom = b
            pen += advance
        return Run(text, pen, left, top, max(right, pen), bottom)

    def join(self, line: Run, run: Run, spaced: bool) -> Run:
        if not line.text:
            return run
        space = self.run(" ").pen if spaced else 0
        return self._append(line, run, space, line.text + (" " if spaced else "") + run.text)

    @staticmethod
    def _append(line: Run, run: Run, space: int, text: str) -> Run:
        at = line.pen + space
        return Run(text, at + run.pen, min(line.left, at + run.left), min(line.top, run.top),
                   max(line.right, at + run.right), max(line.bottom, run.bottom))


def meter_for(measure) -> Meter:
    """A GlyphMeter when the measure knows its glyphs (LED fonts), else one that measures whole
    strings."""
    glyph = getattr(measure, "glyph", None)
    if glyph is None:
        return Meter(measure.ink)
    return GlyphMeter(glyph, getattr(measure, "advance", None))


def _string_meter(width_of: Callable[[str], int]) -> Meter:
    return Meter(lambda text: (0, 0, width_of(text), 0))


def break_lines(text: str, width_of: Callable[[str], int], max_width: int, size: int = 0,
                keep: tuple[str, ...] = ()) -> list[str]:
    """Break one paragraph into lines no wider than max_width, greedily between phrases; Unfittable
    if one unit is too wide."""
    return [r.text for r in _break(pieces(text, keep), _string_meter(width_of), max_width, size)]


def _break(
    found: list[Piece], meter: Meter, width: int, size: int, limit: int | None = None
) -> list[Run]:
    """Greedy lines of at most `width`; a phrase is split between its units only when it is wider
    than `limit` (the frame; a narrower trial width never splits a phrase that fits the frame:
    Unfittable instead).
    """
    limit = width if limit is None else limit
    lines: list[Run] = []
    line = EMPTY
    for piece in found:
        run = meter.run(piece.text)
        joined = meter.join(line, run, piece.spaced)
        if joined.width <= width:
            line = joined
        elif run.width <= width:
            lines.append(line) if line.text else None
            line = run
        elif run.width <= limit:
            raise Unfittable(piece.text, size)
        else:
            line = _split(piece, meter, width, size, line, lines)
    if line.text:
        lines.append(line)
    return lines


def _split(piece: Piece, meter: Meter, width: int, size: int, line: Run, lines: list[Run]) -> Run:
    """A phrase wider than a line, broken between its words (a word wider than a line between its
    units); returns the line left open."""
    for number, word in enumerate(piece.units):
        spaced = piece.spaced and number == 0
        run = meter.run(word)
        joined = meter.join(line, run, spaced)
        if joined.width <= width:
            line = joined
        elif run.width <= width:
            lines.append(line) if line.text else None
            line = run
        else:
            for index, (_, unit, _) in enumerate(_units(word)):
                line = _add_unit(meter, line, lines, unit, spaced and index == 0, width, size)
    return line


def _add_unit(
    meter: Meter, line: Run, lines: list[Run], unit: str, spaced: bool, width: int, size: int
) -> Run:
    run = meter.run(unit)
    joined = meter.join(line, run, spaced)
    if joined.width <= width:
        return joined
    if run.width > width:
        raise Unfittable(unit, size)
    if line.text:
        lines.append(line)
    return run


def wrap(text: str, width_of: Callable[[str], int], max_width: int, size: int = 0,
         keep: tuple[str, ...] = ()) -> list[str]:
    """Break a paragraph as a sign writer would: at the writer's spaces when that costs no extra
    line, else evenly."""
    return [r.text for r in _wrap(pieces(text, keep), _string_meter(width_of), max_width, size)]


def _wrap(found: list[Piece], meter: Meter, max_width: int, size: int) -> list[Run]:
    greedy = _break(found, meter, max_width, size)
    if len(greedy) <= 1:
        return greedy
    by_space = _by_space(found, meter, max_width, size)
    return (
        by_space
        if len(by_space) <= len(greedy)
        else _balanced(found, meter, max_width, size, len(greedy))
    )


def _by_space(found: list[Piece], meter: Meter, max_width: int, size: int) -> list[Run]:
    """Each space-separated group on its own lines (split evenly when too wide), short groups
    sharing a line."""
    lines: list[Run] = []
    for group in _groups(found):
        count = len(_break(group, meter, max_width, size))
        for number, run in enumerate(_balanced(group, meter, max_width, size, count)):
            joined = meter.join(lines[-1], run, True) if lines and number == 0 else None
            if joined is not None and joined.width <= max_width:
                lines[-1] = joined
            else:
                lines.append(run)
    return lines


def _groups(found: list[Piece]) -> list[list[Piece]]:
    groups: list[list[Piece]] = []
    for piece in found:
        if piece.spaced or not groups:
            groups.append([Piece(False, piece.text, piece.units)])
        else:
            groups[-1].append(piece)
    return groups


def _balanced(found: list[Piece], meter: Meter, max_width: int, size: int, count: int) -> list[Run]:
    """The narrowest breaking that still needs no more than `count` lines: even lines, not a short
    last one."""
    # No line can be narrower than the widest word, nor `count` lines hold less than the whole text.
    total = sum(meter.run(p.text).width for p in found)
    low, high = max(1, min(max_width, total * 9 // (10 * count))), max_width
    while low < high:
        middle = (low + high) // 2
        try:
            fits = len(_break(found, meter, middle, size, max_width)) <= count
        except Unfittable:
            fits = False
        low, high = (low, middle) if fits else (middle + 1, high)
    lines = _break(found, meter, low, size, max_width)
    return lines if len(lines) <= count else _break(found, meter, max_width, size)


def _phrases(pieces_: list[tuple[bool, str]]) -> list[tuple[bool, str]]:
    """Join pieces that no space separates, so the only break opportunities left are spaces."""
    out: list[tuple[bool, str]] = []
    for spaced, piece in pieces_:
        if out and not spaced:
            out[-1] = (out[-1][0], out[-1][1] + piece)
        else:
            out.append((spaced, piece))
    return out


def paginate(paragraphs: list[list[str]], per_frame: int) -> list[tuple[str, ...]]:
    """Fill frames with lines in order, starting a paragraph on a fresh frame when that keeps it
    whole."""
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
    """The area text may use: width and height in pixels, and whether it shows one line at a time
    (strip screens)."""

    width: int
    height: int
    one_line: bool = False


def layout_at(paragraphs: list[str], measure: Measure, box: Box, size: int, pretty: bool = False,
              keep: tuple[str, ...] = ()) -> Fitted:
    """Lay out a slide's paragraphs at one font size; Unfittable if a piece is too wide or a line
    too tall.

    Greedy breaking decides how many lines and frames a size needs; `pretty` then picks nicer breaks
    (at spaces, or evenly) that never need more lines."""
    return _layout(prepare(paragraphs, keep), meter_for(measure), box, size, pretty)


def prepare(paragraphs: list[str], keep: tuple[str, ...] = ()) -> list[list[Piece]]:
    """Each non-blank paragraph as phrases: segmented once per slide, whatever sizes are tried."""
    return [pieces(p, keep) for p in paragraphs if normalise(p)]


def _layout(prepared: list[list[Piece]], meter: Meter, box: Box, size: int, pretty: bool) -> Fitted:
    breaker = _wrap if pretty else _break
    broken = [breaker(found, meter, box.width, size) for found in prepared]
    runs = [run for lines in broken for run in lines] + [meter.run("国")]
    top, bottom = min(r.top for r in runs), max(r.bottom for r in runs)
    gap = max(1, size // 5)
    if bottom - top > box.height:
        longest = max((r.text for lines in broken for r in lines), key=len, default="国")
        raise Unfittable(longest, size, "tall")
    per_frame = 1 if box.one_line else max(1, (box.height + gap) // (bottom - top + gap))
    heading = len(broken[0]) if broken else 0
    texts = [[r.text for r in lines] for lines in broken]
    return Fitted(size, tuple(paginate(texts, per_frame)), top, bottom, gap, heading)


class Need(NamedTuple):
    """What a slide's fitting measures next: its characters at a size, with their ink boxes, or
    (`boxes` false) their advances alone, to rule the size out (see _needs_more); `fewest` when
    it is the smallest size's frame count, which the search needs before it goes on."""

    size: int
    boxes: bool
    fewest: bool = False


Fitting = Generator[Need, None, Fitted]


def fit(
    paragraphs: list[str],
    measure_at: Callable[[int], Measure],
    box: Box,
    largest: int,
    smallest: int,
    keep: tuple[str, ...] = (),
) -> Fitted:
    """The largest font size that needs the fewest frames, nicely broken; Unfittable when even the
    smallest fails (and no larger size fits one frame)."""
    return _done(_fitting(paragraphs, prepare(paragraphs, keep), _meters(measure_at), box,
                          largest, smallest))


def fit_many(
    slides: list[tuple[list[str], Box, tuple[str, ...]]],
    measure_at: Callable[[int], Measure],
    largest: int,
    smallest: int,
    done: Callable[[int, Fitted | Unfittable], None] | None = None,
) -> list[Fitted | Unfittable]:
    """`fit` for each of a screen's slides (paragraphs, box, kept names), all in step, so that
    each size is visited once and measures there, in one go, just the characters of the slides
    that need it (`measure_at(size).measure(chars)`, when the measure has it).

    Every slide's fitting is the same sequence of steps as `fit`'s, so the results are the same;
    only the slides' steps are interleaved: once no slide waits at a size any more, the largest
    size anyone waits for is served next, so the sizes are visited from the largest down, except
    that a slide that needs the smallest size's frame count to go on is served that first.
    `done(number, result)` is told of each slide as soon as it is fitted (while its last size is
    open).
    """
    results: list[Fitted | Unfittable | None] = [None] * len(slides)
    waiting: dict[int, tuple[Fitting, Need]] = {}
    chars: list[str] = []

    def step(number: int, steps: Fitting) -> None:
        try:
            waiting[number] = (steps, next(steps))
            return
        except StopIteration as finished:
            results[number] = finished.value
        except Unfittable as exc:
            results[number] = exc
        if done is not None:
            done(number, results[number])

    for number, (paragraphs, box, keep) in enumerate(slides):
        prepared = prepare(paragraphs, keep)
        chars.append("".join(dict.fromkeys("国 " + "".join(p.text for ps in prepared for p in ps))))
        step(number, _fitting(paragraphs, prepared, _meters(measure_at), box, largest, smallest))
    size = largest
    while waiting:
        here = [number for number, (_, need) in waiting.items() if need.size == size]
        if not here:  # this size is done with: on to the next
            size = max(waiting.values(), key=lambda w: (w[1].fewest, w[1].size))[1].size
            continue
        measure = getattr(measure_at(size), "measure", None)
        if measure is not None:  # advances alone are measured as the bound asks for them
            measure("".join(chars[number] for number in here if waiting[number][1].boxes))
        for number in here:
            step(number, waiting.pop(number)[0])
    return results  # type: ignore[return-value]


def _done(steps: Generator[Need, None, object]):
    """Run a fitting to its end, measuring as it goes (one slide alone)."""
    while True:
        try:
            next(steps)
        except StopIteration as finished:
            return finished.value


def _meters(measure_at: Callable[[int], Measure]) -> Callable[[int], Meter]:
    """One slide's meters by size (each keeps the runs it measured)."""
    meters: dict[int, Meter] = {}

    def meter(size: int) -> Meter:
        if size not in meters:
            meters[size] = meter_for(measure_at(size))
        return meters[size]

    return meter


def _fitting(paragraphs: list[str], prepared: list[list[Piece]], meter: Callable[[int], Meter],
             box: Box, largest: int, smallest: int) -> Fitting:
    atoms = _atoms(prepared)
    size = yield from _largest_fewest(prepared, atoms, meter, box, largest, smallest)
    return (yield from _keep_phrases(paragraphs, prepared, atoms, meter, box, size, smallest))


def _largest_fewest(prepared: list[list[Piece]], atoms: list[list[str]],
                    meter: Callable[[int], Meter], box: Box, largest: int, smallest: int
                    ) -> Generator[Need, None, int]:
    """The largest size that needs the fewest frames of all the sizes.

    Frame counts mostly fall with the size, but not always (a size where a long word just fits can
    need fewer frames than the next smaller one), so no bisection: the sizes are tried from the
    largest down, and a smaller size counts only when it needs fewer frames than every larger one
    and no more than the smallest size. A size that needs one frame needs no more than any, so it
    ends the search without laying out the smallest (most slides fit one frame at the largest
    size). Otherwise the smallest size's count is taken next, and from then on a size whose
    advances alone show it cannot count is passed over without measuring its ink boxes or laying
    it out. Each try is linear in the text and measures glyphs once per size.
    """
    best = fewest = None  # best: (frames, size) of the largest size with the fewest so far
    for size in range(largest, smallest, -1):
        if best is not None:
            yield Need(size, False)
            if _needs_more(atoms, meter(size), box, size, min(best[0] - 1, fewest)):
                continue
        yield Need(size, True)
        try:
            count = len(_layout(prepared, meter(size), box, size, False).frames)
        except Unfittable:
            continue
        if count <= 1:
            return size
        if best is None:  # Unfittable here when even the smallest size fails
            yield Need(smallest, True, fewest=True)
            fewest = len(_layout(prepared, meter(smallest), box, smallest, False).frames)
        if best is None or count < best[0]:
            best = (count, size)
    if best is None:
        yield Need(smallest, True)
        _layout(prepared, meter(smallest), box, smallest, False)  # raises when it cannot fit
        return smallest
    return best[1] if best[0] <= fewest else smallest


def _atoms(prepared: list[list[Piece]]) -> list[list[str]]:
    """Each paragraph's kinsoku units without their spaces: the finest pieces a line break keeps
    whole (_split breaks a word between these units, nowhere else)."""
    return [[unit.replace(" ", "") for piece in found for word in piece.units
             for _, unit, _ in _units(word)] for found in prepared]


def _needs_more(atoms: list[list[str]], meter: Meter, box: Box, size: int, frames: int) -> bool:
    """Whether every layout of the slide at this size needs more than `frames` frames (or none
    fits), told from the characters' advances and 国 alone; False when the meter has no advances.

    Exact, not a guess: a line is never narrower than its pen (Pillow's box runs from the pen's
    start, or further left, to its end, or further right), so no line holds more units than
    their advances allow, and filling lines greedily gives the fewest such lines. No line is
    shorter than 国, so no frame holds more lines than that height allows. The characters are
    measured as the count goes, and it stops as soon as there are too many lines.
    """
    advance = getattr(meter, "advance", None)
    if advance is None or advance(" ") < 0:  # spaces are left out of the sums below
        return False
    tallest = meter.run("国")
    gap = max(1, size // 5)
    height = tallest.bottom - tallest.top
    if height > box.height:
        return True
    per_frame = 1 if box.one_line else max(1, (box.height + gap) // (height + gap))
    most, lines = frames * per_frame, 0
    for units in atoms:
        filled = box.width + 1  # a paragraph starts a line
        for unit in units:
            width = sum(advance(char) for char in unit)
            if width < 0:
                return False  # a font with negative advances: no bound
            if width > box.width:
                return True
            filled += width
            if filled > box.width:
                lines, filled = lines + 1, width
                if lines > most:
                    return True
    return False


def keep_phrases(paragraphs: list[str], measure_at: Callable[[int], Measure], box: Box, size: int,
                 smallest: int, keep: tuple[str, ...] = ()) -> Fitted:
    """The pretty layout at `size`, or at most a fifth smaller when that breaks fewer of the
    writer's phrases."""
    prepared = prepare(paragraphs, keep)
    return _done(_keep_phrases(paragraphs, prepared, _atoms(prepared), _meters(measure_at), box,
                               size, smallest))


def _keep_phrases(
    paragraphs: list[str],
    prepared: list[list[Piece]],
    atoms: list[list[str]],
    meter: Callable[[int], Meter],
    box: Box,
    size: int,
    smallest: int,
) -> Fitting:
    yield Need(size, True)
    best = _layout(prepared, meter(size), box, size, True)
    fewest = split_phrases(paragraphs, best)
    for smaller in range(size - 1, max(smallest, size * 4 // 5) - 1, -1):
        if fewest == 0:
            break
        # a size that needs more frames is not taken (pretty breaking never needs fewer lines
        # than the bound either)
        yield Need(smaller, False)
        if _needs_more(atoms, meter(smaller), box, smaller, len(best.frames)):
            continue
        yield Need(smaller, True)
        try:
            trial = _layout(prepared, meter(smaller), box, smaller, True)
        except Unfittable:
            continue
        broken = split_phrases(paragraphs, trial)
        if len(trial.frames) <= len(best.frames) and broken < fewest:
            best, fewest = trial, broken
    return best


def split_phrases(paragraphs: list[str], fitted: Fitted) -> int:
    """How many space-separated phrases (of paragraphs that have several) are broken across
    lines."""
    lines = [line for frame in fitted.frames for line in frame]
    count = 0
    for paragraph in paragraphs:
        groups = [phrase for _, phrase in _phrases(clusters(paragraph))]
        if len(groups) > 1:
            count += sum(1 for p in groups if not any(p in line for line in lines))
    return count
