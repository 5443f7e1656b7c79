"""Sensitive personal information: measured on a labelled set of sentences written for this project
(tests/data/sensitive_sentences.tsv), and checked on whole stories against their consent records."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from generator import config
from generator.checks import run_checks, sensitive
from generator.model import content

ROOT = Path(__file__).resolve().parents[2]
LABELLED = ROOT / "tests/data/sensitive_sentences.tsv"
HELD_OUT = ROOT / "tests/data/sensitive_heldout.tsv"  # written after the rules were tuned; never tuned on
PRECISION_FLOOR, RECALL_FLOOR, CATEGORY_FLOOR = 0.88, 0.95, 0.95


def labelled(path: Path = LABELLED) -> list[tuple[frozenset[str], str]]:
    """(expected categories, sentence) of every line of a labelled set."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            label, text = line.split("\t")
            rows.append((frozenset() if label == "-" else frozenset(label.split(",")), text))
    return rows


def evaluate(path: Path = LABELLED) -> dict[str, float]:
    """Sentence-level precision and recall (a finding or not), and how often the categories are exactly right."""
    categories, _ = sensitive.load(ROOT / "content")
    tp = fp = fn = tn = exact = 0
    for expected, text in labelled(path):
        found = frozenset(m.category.key for m in sensitive.mentions(text, categories))
        tp, fp = tp + bool(found and expected), fp + bool(found and not expected)
        fn, tn = fn + bool(expected and not found), tn + bool(not found and not expected)
        exact += bool(expected) and found == expected
    return {"sentences": tp + fp + fn + tn, "positive": tp + fn, "negative": fp + tn,
            "precision": tp / (tp + fp), "recall": tp / (tp + fn), "categories_exact": exact / (tp + fn)}


def test_the_labelled_set_is_large_enough_and_has_both_kinds():
    rows = labelled()
    assert len(rows) >= 200
    assert sum(bool(e) for e, _ in rows) >= 90 and sum(not e for e, _ in rows) >= 90
    categories = {c.key for c in sensitive.load(ROOT / "content")[0]}
    assert set().union(*(e for e, _ in rows)) == categories


def test_precision_and_recall_stay_above_their_floors():
    scores = evaluate()
    assert scores["precision"] >= PRECISION_FLOOR, scores
    assert scores["recall"] >= RECALL_FLOOR, scores
    assert scores["categories_exact"] >= CATEGORY_FLOOR, scores


def test_the_held_out_sentences_score_as_well():
    scores = evaluate(HELD_OUT)
    assert scores["sentences"] >= 40 and scores["precision"] >= 0.8 and scores["recall"] >= 0.8, scores


if __name__ == "__main__":  # python -m tests.unit.test_checks_sensitive prints the numbers for the notes
    print(evaluate())
    print(evaluate(HELD_OUT))


STORY = """\
---
title: 照顾中风老伴十年的“柚乡好丈夫”
date: 2025-11-02
summary: 十年来，毛根土每天为老伴擦身、喂饭，从没耽误过一顿。
person: 毛根土
category: 孝老爱亲
township: 招贤镇
community: 古县村
{consent}
---
2015年春天，毛根土的老伴徐美兰突发中风，从此卧床不起。

毛根土学会了按摩和护理。他说：“她年轻时跟着我吃了不少苦，现在该我照顾她了。”

村里的网格员周晓燕每周都来看望他们。
"""
BOTH = """consent:
  - {who: 毛根土, date: 2025-10-20, scope: [姓名, 事迹, 健康]}
  - {who: 徐美兰, date: 2025-10-20, scope: [姓名, 健康]}"""


DICTIONARY = {"content/_data/sensitive.yaml": (ROOT / "content/_data/sensitive.yaml").read_text(encoding="utf-8")}


def problems(make_site, consent: str, extra: str = ""):
    root = make_site({"content/stories/a.md": STORY.format(consent=consent) + extra, **DICTIONARY})
    cfg = config.load(root / "site_config.yaml")
    result = run_checks(content.load_site(cfg, root / "content"), cfg, today=date(2025, 11, 3))
    return [p for p in result.problems if p.code.startswith(("sensitive.", "consent."))]


def test_a_consent_per_person_naming_the_category_passes(make_site):
    assert problems(make_site, BOTH) == []


def test_health_of_a_person_without_a_record_is_an_error_at_its_line(make_site):
    consent = "consent: {who: 毛根土, date: 2025-10-20, scope: [姓名, 事迹, 健康]}"
    [found] = problems(make_site, consent)
    assert (found.code, found.line, found.is_error) == ("sensitive.health", 11, True)
    assert "徐美兰" in found.message and "健康" in found.message and "who: 徐美兰" in found.hint


def test_a_record_without_the_category_is_reported_once_per_person(make_site):
    consent = BOTH.replace("[姓名, 事迹, 健康]", "[姓名, 事迹]")
    [found] = problems(make_site, consent)
    assert found.code == "sensitive.health" and "毛根土" in found.message and "scope" in found.hint


def test_a_pronoun_carries_the_person_to_the_next_sentence(make_site):
    extra = "\n周晓燕在村里做了八年网格员。\n她去年也做过一次手术，休息了一个月。\n"
    [found] = problems(make_site, BOTH, extra)
    assert found.code == "sensitive.health" and "周晓燕" in found.message and found.line == 20


def test_a_consent_for_someone_else_is_an_error(make_site):
    consent = "consent: {who: 徐美兰, date: 2025-10-20, scope: [姓名, 事迹, 健康]}"
    found = problems(make_site, consent)
    assert [p.code for p in found] == ["consent.person", "sensitive.health"]
    assert "毛根土" in found[0].message and found[0].line == 9


def test_a_record_for_a_name_the_text_never_mentions_is_an_error(make_site):
    consent = BOTH + "\n  - {who: 毛建军, date: 2025-10-20, scope: [姓名]}"
    [found] = problems(make_site, consent)
    assert found.code == "consent.who" and "毛建军" in found.message and found.line == 12


def test_each_record_must_cover_the_channels(make_site):
    consent = BOTH.replace("scope: [姓名, 健康]}", "scope: [姓名, 健康], channels: [site]}")
    [found] = problems(make_site, consent)
    assert found.code == "consent.channel" and "徐美兰" in found.message and found.line == 11


def test_a_child_is_the_guardian_consents_business_and_a_forgotten_minor_flag_is_caught(make_site):
    text = """\
---
title: 圩日里的小小劝导员
date: 2026-06-01
person: 叶子涵
{consent}
---
10岁的叶子涵每逢圩日就戴上红袖章，在集市口劝导大家排队。
"""
    guardian = "minor: true\nguardian_consent: {who: 吴丽娟（叶子涵的母亲）, date: 2026-05-18}"
    forgot = "consent: {who: 叶子涵, date: 2026-05-18}"
    for consent, codes in (("minor: true", {"consent.guardian"}), (guardian, set()), (forgot, {"sensitive.minor"})):
        root = make_site({"content/stories/a.md": text.format(consent=consent), **DICTIONARY})
        cfg = config.load(root / "site_config.yaml")
        result = run_checks(content.load_site(cfg, root / "content"), cfg, today=date(2026, 6, 2))
        assert {p.code for p in result.problems if p.code.startswith(("sensitive.", "consent."))} == codes


def test_an_activity_naming_a_sick_resident_needs_consent(make_site):
    text = ("---\ntitle: 志愿者上门送医\ndate: 2024-05-01\n---\n"
            "志愿者来到白石镇，看望了患有尿毒症的村民余小燕。\n\n志愿者还为大家测量了血压。\n")
    root = make_site({"content/activities/a.md": text, **DICTIONARY})
    cfg = config.load(root / "site_config.yaml")
    result = run_checks(content.load_site(cfg, root / "content"), cfg, today=date(2024, 5, 2))
    [found] = [p for p in result.problems if p.code.startswith("sensitive.")]
    assert "余小燕" in found.message and found.line == 5


def test_pages_without_any_category_word_never_load_the_tagger(make_site, monkeypatch):
    from generator.checks import names

    monkeypatch.setattr(names, "tagger", lambda: pytest.fail("jieba was loaded"))
    root = make_site({"content/stories/a.md": STORY.replace("中风", "胃口不好").replace("卧床不起", "闲不下来")
                      .format(consent=BOTH), **DICTIONARY})
    cfg = config.load(root / "site_config.yaml")
    run_checks(content.load_site(cfg, root / "content"), cfg, today=date(2025, 11, 3))


def test_a_site_without_the_dictionary_is_told_so(make_site):
    root = make_site({"content/stories/a.md": STORY.format(consent=BOTH)})
    cfg = config.load(root / "site_config.yaml")
    result = run_checks(content.load_site(cfg, root / "content"), cfg, today=date(2025, 11, 3))
    assert [p.is_error for p in result.problems if p.code == "sensitive.dictionary"] == [False]


@pytest.mark.parametrize(("sentence", "expected"), [
    ("彭家旺因脑溢血去世。", ["彭家旺"]),  # cut into single characters, 家 in the middle
    ("七岁的江一鸣每天帮外婆读报纸。", ["江一鸣"]),
    ("郑国强当了十年的义务保洁员。", ["郑国强"]),  # jieba's tagger found only 郑国
    ("社区网格员徐建华发现了问题。", ["徐建华"]),  # and missed this one
    ("吴国良每天清扫村口的道路。", ["吴国良"]),  # a word (吴国) and a character
    ("周一早上大家在王家门口集合。", []),  # 周一 is a word; 王家 is a family
    ("投放方法编进了顺口的唱词里。", []),  # 方法 is far too common to begin a name
    ("夏天午后气温高。", []),
])
def test_names_without_jiebas_tagger(sentence, expected):
    from generator.checks import names

    assert [n.text for n in names.find(sentence)] == expected
