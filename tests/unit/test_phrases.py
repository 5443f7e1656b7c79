"""Line breaks between phrases: BudouX boundaries, kept names and campaign words, on real LED frames."""
from __future__ import annotations

import pytest

from generator import config
from generator.base.phrases import boundaries, names_of, phrases
from generator.formats.led import _Target, raster
from generator.formats.led.fonts import FontBook, FontChoice, find_font
from generator.formats.led.layout import Box
from generator.formats.led.slides import slides_of
from generator.model import content

# Words the issue saw split on real screens: 网格|员, 新时|代, 垃|圾, 10|月, 文|明, …|人 of an honour title.
WORDS = ("网格员", "新时代", "垃圾", "10月", "文明", "最美常山人", "有礼常山人")
TEXTS = (
    "红旗岗村网格员何桂英每天走访独居老人，帮他们买菜、量血压、读报纸。",
    "新时代文明实践站组织志愿者走进柚苑社区，开展垃圾分类上门指导。",
    "10月起，全县各乡镇每周六上午开展一次文明交通劝导。",
    "让我们从身边小事做起，争做文明有礼的最美常山人。",
    "天马街道倡议：垃圾不落地，出行讲文明，人人争当有礼常山人。",
)


def split_words(lines: list[str], words) -> list[str]:
    """The words some line break falls inside."""
    joined = "|".join(lines)
    return [w for w in words for i in range(1, len(w)) if w[:i] + "|" + w[i:] in joined]


def test_boundaries_never_fall_inside_the_listed_words():
    for text in TEXTS:
        cuts = boundaries(text)
        for word in WORDS:
            start = text.find(word)
            if start >= 0:
                assert not any(start < cut < start + len(word) for cut in cuts), (word, phrases(text))
    assert "".join(phrases(TEXTS[1])) == TEXTS[1]


def test_a_kept_name_is_one_phrase():
    text = "汪志强十二年接力还清父亲欠下的债"
    assert phrases(text, ("汪志强",))[0] == "汪志强"
    assert names_of("汪志强", ["常山县文明办", "团县委"], "球川镇 红旗岗村") == (
        "汪志强", "常山县文明办", "团县委", "球川镇", "红旗岗村")


def test_text_without_chinese_keeps_every_unit_boundary():
    assert boundaries("LED 2024") == frozenset(range(1, 8))


@pytest.fixture
def targets(make_site):
    root = make_site({})
    cfg = config.load(root / "site_config.yaml")
    found = {}
    for screen in cfg.led.screens:
        font = find_font(screen, cfg)
        if not isinstance(font, FontChoice):
            pytest.skip("no CJK font on this machine")
        found[screen.name] = _Target(screen, font, raster.palette_for(screen), FontBook())
    return found


def box_of(screen) -> Box:
    area = raster.plan(screen, photo=None, marked=False).text
    return Box(area.width, area.height, one_line=screen.is_strip)


@pytest.mark.parametrize("name", ["gate", "strip", "board"])
def test_real_frames_never_split_the_words(targets, name):
    target = targets[name]
    for text in TEXTS:
        fitted = target.fit((text,), box_of(target.screen))
        lines = [line for frame in fitted.frames for line in frame]
        assert "".join(lines) == text
        assert split_words(lines, WORDS) == [], lines


def test_a_persons_name_and_honour_stay_whole_on_strip_frames(targets, make_site):
    root = make_site({"content/stories/a.md": """\
        ---
        title: 深夜跳进山塘救起落水娃的货车司机
        date: 2026-07-02
        person: 郑建伟
        honour: 常山县第五届最美常山人
        ---
        """})
    cfg = config.load(root / "site_config.yaml")
    [slide] = slides_of(content.load_site(cfg, root / "content").pages[0])
    for name in ("strip", "board"):
        target = targets[name]
        fitted = target.fit(slide.paragraphs, box_of(target.screen), slide.keep)
        lines = [line for frame in fitted.frames for line in frame]
        assert split_words(lines, ("郑建伟", "最美常山人", "货车司机", "山塘")) == [], lines
        without = target.fit(slide.paragraphs, box_of(target.screen))
        assert [line for frame in without.frames for line in frame]  # still lays out without kept names
