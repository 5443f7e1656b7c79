"""Glyphs drawn once per size (metrics.GlyphMeasure), and the screen's font book that closes
sizes."""
from __future__ import annotations

from functools import lru_cache, partial

import pytest
from PIL import Image, ImageChops, ImageDraw

from generator import config
from generator.formats.led.fonts import FontBook, find_font
from generator.formats.led.layout import Box
from generator.formats.led.metrics import GlyphMeasure

LINES = ["网格员王大姐每天走访独居老人，", "新时代文明实践站“开展”垃圾分类", "10月起全县推行 文明交通劝导。",
         "——……《常山》", "未审定 · 仅供预览"]


@lru_cache(maxsize=None)
def face():
    cfg = config.SiteConfig(site=config.SiteInfo(title="t", base_url="https://example.gov.cn/"))
    return find_font(config.Screen(name="x", width=64, height=16), cfg)


def pillow_line(font, text: str) -> tuple[Image.Image, tuple[int, int, int, int]]:
    """The line as Pillow draws it whole, on a canvas far bigger than it; and its ink box."""
    canvas = Image.new("L", (4000, 400), 0)
    draw = ImageDraw.Draw(canvas)
    draw.fontmode = "L"
    draw.text((100, 300), text, font=font, fill=255, anchor="ls")
    return canvas, font.getbbox(text, mode="L", anchor="ls")


@pytest.mark.parametrize("size", [12, 24, 40, 96])
@pytest.mark.parametrize("text", LINES)
def test_a_line_pasted_from_glyphs_is_the_line_pillow_draws(size, text):
    font = FontBook().get(face().face_for(size), size)
    glyphs = GlyphMeasure(font, smooth=True)
    layer, ink = glyphs.coverage(text)
    want, box = pillow_line(font, text)
    assert ink == tuple(int(v) for v in box), "the composed ink box is Pillow's"
    got = Image.new("L", want.size, 0)
    got.paste(layer, (100 + ink[0], 300 + ink[1]))
    assert ImageChops.difference(got, want).getbbox() is None


def test_overlapping_glyphs_add_up_within_one_level_of_pillow():
    font = FontBook().get(face().face_for(10), 10)
    text = "fj don't 3.5km"  # f and j share pixels at this size
    layer, ink = GlyphMeasure(font, smooth=True).coverage(text)
    want, _ = pillow_line(font, text)
    got = Image.new("L", want.size, 0)
    got.paste(layer, (100 + ink[0], 300 + ink[1]))
    assert ImageChops.difference(got, want).getextrema()[1] <= 1


def test_blank_text_has_no_coverage():
    font = FontBook().get(face().face_for(20), 20)
    assert GlyphMeasure(font, smooth=True).coverage("  ") is None


def test_the_book_keeps_few_sizes_open_and_measures_outlive_them():
    book = FontBook(keep=2)
    chosen = face()
    measures = {s: GlyphMeasure(partial(book.get, chosen.face_for(s), s), True)
                for s in range(20, 30)}
    first = {s: m.ink("文明常山") for s, m in measures.items()}
    assert len(book._loaded) == 2 and book.opened == 10
    # what a measure learnt stays without its font; a new glyph reopens the size once
    assert {s: m.ink("文明常山") for s, m in measures.items()} == first
    assert book.opened == 10
    measures[20].ink("好")
    assert book.opened == 11 and len(book._loaded) == 2
    fresh = GlyphMeasure(FontBook().get(chosen.face_for(20), 20), True)
    assert fresh.ink("文明常山好") == measures[20].ink("文明常山好")


def test_a_size_measures_what_it_is_asked_for_at_once_and_advances_alone_cost_no_box():
    book = FontBook(keep=1)
    chosen = face()
    measures = [GlyphMeasure(partial(book.get, chosen.face_for(s), s), True) for s in (20, 30)]
    for measure in measures:
        measure.measure("文明常山好人")
    for slide in ("文明", "常山", "好人"):  # one slide after another, each at both sizes
        for measure in measures:
            measure.ink(slide)
    assert book.opened == 2
    alone = GlyphMeasure(partial(book.get, chosen.face_for(24), 24), True)
    alone.measure("文明", boxes=False)
    assert set(alone._advances) == set("文明") and not alone._glyphs
    assert alone.advance("文") == alone.glyph("文")[0]
    assert alone.glyph("文") == GlyphMeasure(book.get(chosen.face_for(24), 24), True).glyph("文")


def test_a_screen_fits_its_slides_in_step_each_size_opened_once():
    # Every slide is tried at the largest size; the smaller sizes are visited once each, for the
    # slides still searching, and measure only what those slides need (advances alone where the
    # size is ruled out). The same layouts as one slide after another.
    from generator.formats.led import _Target
    from generator.formats.led import raster

    screen = config.Screen(name="x", width=160, height=40, font_size=20, min_font_size=12)
    box = Box(160, 40)
    slides = [(("文明",), box, ()), (("好人",), box, ()),
              (("网格员王大姐每天走访独居老人新时代文明实践站开展",), box, ()),
              (("常山",), box, ())]
    target = _Target(screen, face(), raster.palette_for(screen), FontBook())
    fitted = target.fit_all(slides)
    assert [f.size for f in fitted] == [20, 20, fitted[2].size, 20] and fitted[2].size < 20
    assert target.book.opened == len(target.measures)  # each size once
    long_chars = set(slides[2][0][0]) | set("国 ")
    smaller = [m for (size, _), m in target.measures.items() if size < 20]
    assert all(set(m._advances) <= long_chars for m in smaller)
    # ruled out by advances alone: no ink box measured there (but 国's)
    assert any(set(m._glyphs) <= set("国") for m in smaller)
    alone = _Target(screen, face(), raster.palette_for(screen), FontBook())
    assert fitted == [alone.fit(*slide) for slide in slides]
