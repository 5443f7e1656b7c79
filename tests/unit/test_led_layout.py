"""The LED line breaker and fitter: GB/T 15834 line-start/end rules, unsplittable units, widths and frame counts."""
from __future__ import annotations

import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.formats.led.layout import (Box, Fitted, Unfittable, break_lines, clusters, fit, fit_many, keep_phrases, layout_at,
                                  normalise, paginate, split_phrases, wrap)
from generator.formats.led.metrics import composed_ink
from generator.base.typography import NO_LINE_END, NO_LINE_START

SIZE = 10


def is_cjk(char: str) -> bool:
    """Han characters and CJK symbols: full width in the fake font below."""
    code = ord(char)
    return (0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x2FFFF
            or 0x3000 <= code <= 0x303F or 0xFF00 <= code <= 0xFFEF or 0xF900 <= code <= 0xFAFF)


class FakeMeasure:
    """A font where CJK characters are `size` wide and everything else half that; ink sits on the baseline."""

    def __init__(self, size: int = SIZE):
        self.size = size

    def ink(self, text: str):
        width = sum(self.size if is_cjk(c) else self.size // 2 for c in text)
        return (0, -self.size, width, self.size // 4)


def width_of(text: str) -> int:
    ink = FakeMeasure().ink(text)
    return ink[2] - ink[0]


# Small texts mixing Han characters, every kind of restricted punctuation, doubled marks, Latin, digits and spaces.
PIECES = st.sampled_from(list("文明常山好人志愿服务") + list("。，、；：？！）】》」”’%.,") + list("（【《「“‘(")
                         + ["——", "……", "—", "…", " ", "  ", "Changshan", "LED", "2023", "3.5", "12:30", "a", "9"])
TEXTS = st.lists(PIECES, min_size=1, max_size=24).map("".join)
WIDTHS = st.integers(min_value=20, max_value=200)


def rejoin(text: str, lines: list[str]) -> list[bool]:
    """Assert the lines give back the text in order (a break may swallow one space); return which breaks did."""
    norm = normalise(text)
    position, spaced = 0, []
    for number, line in enumerate(lines):
        assert line == line.strip(), f"line {number} has a space at an end: {line!r}"
        assert norm.startswith(line, position), f"line {line!r} is not the next part of {norm!r}"
        position += len(line)
        had_space = position < len(norm) and norm[position] == " "
        position += had_space
        if number < len(lines) - 1:
            spaced.append(had_space)
    assert position == len(norm)
    return spaced


def check_rules(text: str, lines: list[str], max_width: int) -> None:
    spaced = rejoin(text, lines)
    for before, after, space in zip(lines, lines[1:], spaced):
        assert after[0] not in NO_LINE_START, f"line starts with {after[0]!r}: {lines}"
        assert before[-1] not in NO_LINE_END, f"line ends with {before[-1]!r}: {lines}"
        assert not (before[-1] == after[0] == "—"), f"—— split: {lines}"
        assert not (before[-1] == after[0] == "…"), f"…… split: {lines}"
        if not space:
            assert not (before[-1].isascii() and before[-1].isalnum() and after[0].isascii() and after[0].isalnum()), \
                f"a Latin word or number was split: {lines}"
    for line in lines:
        assert width_of(line) <= max_width, f"{line!r} is wider than {max_width}"


@settings(max_examples=100, deadline=None)
@given(TEXTS, WIDTHS)
def test_greedy_breaking_keeps_every_rule(text, max_width):
    try:
        lines = break_lines(text, width_of, max_width)
    except Unfittable as exc:
        assert exc.unit in normalise(text) and width_of(exc.unit) > max_width
        return
    check_rules(text, lines, max_width)


@settings(max_examples=100, deadline=None)
@given(TEXTS, WIDTHS)
def test_pretty_breaking_keeps_every_rule_and_needs_no_more_lines(text, max_width):
    try:
        greedy = break_lines(text, width_of, max_width)
    except Unfittable:
        return
    lines = wrap(text, width_of, max_width)
    check_rules(text, lines, max_width)
    assert len(lines) <= len(greedy)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(TEXTS, min_size=1, max_size=4), min_size=1, max_size=3), st.integers(40, 200),
       st.integers(12, 80), st.booleans())
def test_frames_hold_what_fits_and_keep_order(paragraph_lists, width, height, one_line):
    paragraphs = [" ".join(p) for p in paragraph_lists]
    box = Box(width, height, one_line)
    try:
        fitted = layout_at(paragraphs, FakeMeasure(), box, SIZE)
    except Unfittable:
        return
    lines = [line for frame in fitted.frames for line in frame]
    expected = [line for p in paragraphs if normalise(p) for line in break_lines(p, width_of, width)]
    assert lines == expected
    for frame in fitted.frames:
        assert 1 <= len(frame) <= (1 if one_line else max(1, len(frame)))
        if len(frame) > 1:
            assert len(frame) * fitted.line_height + (len(frame) - 1) * fitted.gap <= height


def test_unsplittable_marks_and_kinsoku_examples():
    # The units a break may separate: each rule glues a mark to its neighbour.
    assert [c for _, c in clusters("九十。好")] == ["九", "十。", "好"]
    assert [c for _, c in clusters("九“好”")] == ["九", "“好”"]
    assert [c for _, c in clusters("十——好")] == ["十——好"]
    assert [c for _, c in clusters("十……好")] == ["十……好"]
    # Ten characters per line at width 100: the phrase holding the mark moves whole to the next line.
    assert break_lines("请大家一起爱护环境卫生。谢谢", width_of, 100) == ["请大家一起爱护", "环境卫生。谢谢"]
    assert break_lines("请大家一起爱护环境“卫生”", width_of, 100) == ["请大家一起爱护环境", "“卫生”"]


def test_latin_words_and_numbers_stay_whole():
    assert break_lines("常山县 2023-09-11 Changshan", width_of, 60) == ["常山县", "2023-09-11", "Changshan"]
    assert [c for _, c in clusters("打3.5折")] == ["打", "3.5", "折"]


def test_a_unit_wider_than_the_frame_is_reported_with_the_unit():
    with pytest.raises(Unfittable) as caught:
        break_lines("请访问 wenming-changshan-county", width_of, 80)
    assert caught.value.unit == "wenming-changshan-county"


def test_pretty_breaking_prefers_the_writers_spaces_then_even_lines():
    assert wrap("把三句半送到床前 柚苑诗词队开展活动", width_of, 120) == ["把三句半送到床前", "柚苑诗词队开展活动"]
    # A phrase too long for one line is split evenly; the other phrase keeps a line of its own.
    assert wrap("移风易俗树新风 文明节俭过大年倡议书", width_of, 80) == ["移风易俗树新风", "文明节俭", "过大年倡议书"]
    # No spaces: two even lines, broken between phrases only (走进社区 and 垃圾分类 stay whole).
    text = "全县志愿者一起走进社区开展垃圾分类宣传活动"
    assert break_lines(text, width_of, 120) == ["全县志愿者一起走进社区", "开展垃圾分类宣传活动"]
    assert break_lines("一起走进社区开展垃圾分类宣传", width_of, 130) == ["一起走进社区开展垃圾分类", "宣传"]
    assert wrap("一起走进社区开展垃圾分类宣传", width_of, 130) == ["一起走进社区开展", "垃圾分类宣传"]


def test_paginate_keeps_a_paragraph_whole_when_it_can():
    assert paginate([["a"], ["b", "c"], ["d"]], 2) == [("a",), ("b", "c"), ("d",)]
    assert paginate([["a", "b", "c"]], 2) == [("a", "b"), ("c",)]


def test_fit_shrinks_first_and_splits_only_at_the_smallest_size():
    text = ["文明" * 6]  # 120 px wide at size 10
    box = Box(100, 15)
    shrunk = fit(text, FakeMeasure, box, largest=10, smallest=8)
    assert shrunk.size == 8 and len(shrunk.frames) == 1
    split = fit(text, FakeMeasure, box, largest=10, smallest=9)
    # Even size 9 needs two frames, so the split keeps the larger size 10, which needs no more.
    assert split.size == 10 and split.frames == (("文明文明文明",), ("文明文明文明",))


@settings(max_examples=60, deadline=None)
@given(st.lists(TEXTS, min_size=1, max_size=3), st.integers(6, 14), st.integers(0, 8))
def test_fit_picks_the_largest_size_with_the_fewest_frames(paragraphs, smallest, extra):
    box = Box(120, 40)
    results = {}
    for size in range(smallest, smallest + extra + 1):
        try:
            results[size] = len(layout_at(paragraphs, FakeMeasure(size), box, size).frames)
        except Unfittable:
            pass
    if smallest not in results:
        with pytest.raises(Unfittable):
            fit(paragraphs, FakeMeasure, box, smallest + extra, smallest)
        return
    fewest = min(results.values())
    best = max(size for size, count in results.items() if count == fewest)
    fitted = fit(paragraphs, FakeMeasure, box, smallest + extra, smallest)
    assert len(fitted.frames) == fewest
    if fitted.size != best:  # only ever a little smaller, and only to keep more of the writer's phrases whole
        at_best = layout_at(paragraphs, FakeMeasure(best), box, best, pretty=True)
        assert max(smallest, best * 4 // 5) <= fitted.size < best
        assert split_phrases(paragraphs, fitted) < split_phrases(paragraphs, at_best)


def test_text_taller_than_the_frame_is_unfittable():
    with pytest.raises(Unfittable) as caught:
        layout_at(["文明"], FakeMeasure(20), Box(200, 10), 20)
    assert caught.value.reason == "tall"


def test_fit_gives_up_a_little_size_to_keep_the_writers_phrases_whole():
    # At size 10 two frames hold "移风易俗树新风 文" / "明节俭过大年倡议书"; size 9 keeps both phrases whole.
    text = ["移风易俗树新风 文明节俭过大年倡议书"]
    fitted = fit(text, FakeMeasure, Box(90, 15, one_line=True), largest=10, smallest=8)
    assert fitted.frames == (("移风易俗树新风",), ("文明节俭过大年倡议书",)) and fitted.size == 9
    # …but never more than a fifth smaller: from 20, only sizes down to 16 are tried, and none keeps them whole.
    kept = keep_phrases(text, FakeMeasure, Box(90, 40, one_line=True), 20, 8)
    assert kept.size == 20 and split_phrases(text, kept) == 2


def test_dash_and_ellipsis_stay_inside_a_line():
    width_of = lambda s: 16 * len(s)  # noqa: E731 - a fixed-pitch font, enough for this rule
    for text in ("他说——这件事我们一定办好", "志愿者们说……我们还会再来的呀朋友们"):
        for chars in range(4, 9):
            lines = break_lines(text, width_of, 16 * chars)
            assert "".join(lines) == text
            assert not any(line.endswith(("—", "…")) or line.startswith(("—", "…")) for line in lines), lines


def test_a_slide_that_fits_one_frame_at_the_largest_size_never_tries_a_smaller_one():
    asked = []

    def measure_at(size):
        asked.append(size)
        return FakeMeasure(size)

    fitted = fit(["文明常山"], measure_at, Box(120, 40), largest=14, smallest=6)
    assert fitted.size == 14 and asked == [14]
    asked.clear()
    # two frames at sizes 10 and 9 (80 and 72 px wide): the smallest size is laid out to know how
    # few frames it needs, then the sizes below the largest are tried until one needs no more
    fitted = fit(["文明常山好人好事"], measure_at, Box(70, 15), largest=10, smallest=6)
    assert asked == [10, 6, 9, 8] and fitted.size == 8 and len(fitted.frames) == 1


class GlyphFake:
    """A font with per-glyph data, as the LED fonts have: advances that vary a little, ink that
    may reach left of the pen or past the advance, heights by character; the space is blank."""

    def __init__(self, size: int):
        self.size = size

    def glyph(self, char: str):
        if char == " ":
            return self.size // 3, (0, 0, self.size // 3, 0)
        h = zlib.crc32(f"{char}{self.size}".encode())
        advance = (self.size if is_cjk(char) else self.size // 2) + h % 3 - 1
        left, right = h // 3 % 5 - 2, advance + h // 15 % 5 - 2
        return advance, (left, -self.size + h // 75 % 4, max(left, right), h // 300 % (self.size // 3 + 1))

    def advance(self, char: str) -> int:
        return self.glyph(char)[0]

    def ink(self, text: str):
        return composed_ink(self.glyph(char) for char in text)


class InkOnly(GlyphFake):
    """The same font measured a whole string at a time: the fitting has no advances to rule
    sizes out with, so it lays out every size it tries."""

    glyph_of = GlyphFake.glyph
    glyph = advance = None

    def ink(self, text: str):
        return composed_ink(self.glyph_of(char) for char in text)


def outcome(run):
    try:
        return run()
    except Unfittable as exc:
        return ("unfittable", exc.unit, exc.size, exc.reason)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(TEXTS, min_size=1, max_size=4).map(" ".join), min_size=1, max_size=3),
       st.integers(6, 14), st.integers(0, 10), st.integers(40, 200), st.integers(12, 80),
       st.booleans())
def test_sizes_ruled_out_by_advances_alone_change_no_layout(paragraphs, smallest, extra, width,
                                                             height, one_line):
    box, largest = Box(width, height, one_line), smallest + extra
    with_bound = outcome(lambda: fit(paragraphs, GlyphFake, box, largest, smallest))
    assert with_bound == outcome(lambda: fit(paragraphs, InkOnly, box, largest, smallest))
    kept = outcome(lambda: keep_phrases(paragraphs, GlyphFake, box, largest, smallest))
    assert kept == outcome(lambda: keep_phrases(paragraphs, InkOnly, box, largest, smallest))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.lists(TEXTS, min_size=1, max_size=3), st.integers(40, 200),
                          st.integers(12, 80)), min_size=1, max_size=5),
       st.integers(6, 14), st.integers(0, 10))
def test_slides_fitted_in_step_are_fitted_as_one_at_a_time(slides, smallest, extra):
    jobs = [(paragraphs, Box(width, height), ()) for paragraphs, width, height in slides]
    asked = []

    class Prefetching(GlyphFake):
        known: set = set()

        def measure(self, chars, boxes=True):
            if set(chars) - self.known:  # a font would be opened here
                asked.append(self.size)
                self.known = self.known | set(chars)

    measures = {}
    together = fit_many(jobs, lambda s: measures.setdefault(s, Prefetching(s)), smallest + extra,
                        smallest)
    alone = [outcome(lambda: fit(p, GlyphFake, box, smallest + extra, smallest)) for p, box, _ in jobs]
    assert [r if isinstance(r, Fitted) else ("unfittable", r.unit, r.size, r.reason)
            for r in together] == alone
    # a size measures new characters at most once for each slide: the slides' characters are
    # measured together (not "from the largest down": keeping a phrase whole can bring a slide
    # back to a size between two it has measured, e.g. 12, 10, then 11 for ['文文文文文 文'] in a
    # 48×20 box, sizes 12–9)
    assert all(asked.count(size) <= len(jobs) for size in set(asked))
