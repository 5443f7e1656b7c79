"""`python -m tools.led_layout_bench`: time LED text fitting (layout.fit) apart from drawing and
PNG encoding.

CPU time (process_time), since other work shares the machine. Two figures: (1) every slide of the
sample site on every screen, in the boxes the build gives them (beside their photos), fitted a
screen at a time as the build does, with the number of measurements Pillow was asked for and of
fonts opened; (2) a table
of one slide of growing text length on the 384×192 screen: fitting time the first time (glyphs
measured, fonts opened) and again, and the second per character, to show whether layout time stays
flat in text length.
"""

from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path

from PIL import ImageFont

from generator import config
from generator.formats.led import _Target, _slide_layout, raster
from generator.formats.led.fonts import FontBook, FontChoice, find_font
from generator.formats.led.layout import Box, Unfittable
from generator.formats.led.slides import collect
from generator.model.content import load_site

REPO = Path(__file__).resolve().parents[1]
SENTENCE = "网格员王大姐每天走访独居老人，新时代文明实践站开展垃圾分类宣传，10月起全县推行文明交通劝导。"


class _CountingPillow:
    """Counts Pillow's text measurements (getbbox, getlength) while it is active."""

    def __init__(self):
        self.count = 0
        self._saved = {}

    def __enter__(self):
        for name in ("getbbox", "getlength"):
            original = getattr(ImageFont.FreeTypeFont, name)
            self._saved[name] = original

            def counted(font, *args, _original=original, **kwargs):
                self.count += 1
                return _original(font, *args, **kwargs)

            setattr(ImageFont.FreeTypeFont, name, counted)
        return self

    def __exit__(self, *exc):
        for name, original in self._saved.items():
            setattr(ImageFont.FreeTypeFont, name, original)


def _targets(cfg) -> list[_Target]:
    """Each screen's target as the LED output makes it, with its own font book."""
    out = []
    for screen in cfg.led.screens:
        font = find_font(screen, cfg)
        if isinstance(font, FontChoice):
            out.append(_Target(screen, font, raster.palette_for(screen), FontBook()))
    return out


def _box(screen) -> Box:
    layout = raster.plan(screen, photo=None, marked=False)
    return Box(layout.text.width, layout.text.height, one_line=screen.is_strip)


def sample_site(root: Path, rounds: int) -> tuple[float, float, int, int, int]:
    """CPU seconds to fit every slide of the site on every screen: the first round (loading the
    phrase segmenters, every glyph measured) and the best later one; Pillow measurements and
    fonts opened in a round; slides × screens.
    """
    cfg = config.load(root / "site_config.yaml")
    site = load_site(cfg, root / "content")
    specs, _ = collect(site, cfg, date(2026, 12, 1))
    best, first, calls, opened, count = float("inf"), None, 0, 0, 0
    for _ in range(rounds):
        targets = _targets(cfg)
        start = time.process_time()
        with _CountingPillow() as counter:
            count = _fit_all(site, targets, specs)  # Unfittable slides: reported by the build
        took = time.process_time() - start
        first = took if first is None else first
        best, calls = min(best, took), counter.count
        opened = sum(target.book.opened for target in targets)
    return first, best, calls, opened, count


def _fit_all(site, targets: list[_Target], specs) -> int:
    """Fit every slide on every screen that shows it, a screen's slides together, each in the box
    the build gives it; how many slides × screens."""
    count = 0
    for target in targets:
        screen = target.screen
        shown = [s for s in specs if screen.full_letters or not s.full_text]
        boxes = []
        for spec in shown:
            _, layout = _slide_layout(site, spec, screen, frozenset())
            boxes.append(Box(layout.text.width, layout.text.height, one_line=screen.is_strip))
        target.fit_all([(s.paragraphs, box, s.keep) for s, box in zip(shown, boxes)])
        count += len(shown)
    return count


def by_length(root: Path, lengths: list[int]) -> list[tuple[int, float, float]]:
    """Milliseconds to fit one paragraph of n characters on the 384×192 screen: first (every glyph
    measured at every size tried, fonts opened) and again (glyphs known); the second divided by n is
    flat when layout time grows linearly with the text."""
    cfg = config.load(root / "site_config.yaml")
    target = next(t for t in _targets(cfg) if t.screen.width == 384)
    box = _box(target.screen)
    out = []
    for n in lengths:
        text = (SENTENCE * (n // len(SENTENCE) + 1))[:n]
        target.measures.clear()
        start = time.process_time()
        target.fit((text,), box)
        first = time.process_time() - start
        start = time.process_time()
        target.fit((text,), box)
        out.append((n, first * 1000, (time.process_time() - start) * 1000))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--site", type=Path, default=REPO)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    first, best, calls, opened, slides = sample_site(args.site, args.rounds)
    print(f"样例站：{slides} 张幻灯片×屏幕，首轮排版 {first:.3f} 秒（含载入分词词典），之后 {best:.3f} 秒，"
          f"每轮 Pillow 测量 {calls} 次、打开字体 {opened} 次")
    print("| 字数 | 首次排版 ms | 再次排版 ms | 再次每字 µs |")
    print("|---|---|---|---|")
    for n, first_ms, again_ms in by_length(args.site, [10, 40, 160, 640, 2560]):
        print(f"| {n} | {first_ms:.1f} | {again_ms:.2f} | {again_ms * 1000 / n:.1f} |")


if __name__ == "__main__":
    main()
