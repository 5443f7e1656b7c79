"""Consent: a named person needs consent, a child under 14 a guardian's, covering every channel and the photo."""
from __future__ import annotations

from datetime import date

import pytest

from generator import config
from generator.model import content
from generator.checks import run_checks

HEAD = "---\ntitle: 好人故事\ndate: 2023-09-11\nperson: 毛建国\n"
CONSENT = "consent: {who: 毛建国, date: 2023-09-01, scope: [姓名, 照片, 事迹], channels: [site, wechat, led]}\n"
GUARDIAN = "guardian_consent: {who: 吴丽娟（母亲）, date: 2023-09-01, channels: [网站, 公众号, LED屏]}\n"
CONFIG = "site:\n  title: 测试站\n  base_url: https://example.gov.cn/\nprivacy:\n  consent: {mode}\n"


def consent_problems(make_site, front: str, mode: str = "error"):
    root = make_site({"content/stories/a.md": HEAD + front + "---\n正文。\n"}, config=CONFIG.format(mode=mode))
    cfg = config.load(root / "site_config.yaml")
    result = run_checks(content.load_site(cfg, root / "content"), cfg, today=date(2023, 9, 12))
    return [p for p in result.problems if p.code.startswith("consent.")]


def test_named_person_with_full_consent_passes(make_site):
    assert consent_problems(make_site, CONSENT) == []


def test_missing_consent_is_an_error_at_the_person_line(make_site):
    [problem] = consent_problems(make_site, "")
    assert (problem.code, problem.line, problem.is_error) == ("consent.missing", 4, True)
    assert "毛建国" in problem.message and "consent:" in problem.hint


def test_consent_mode_warn_downgrades_to_warnings(make_site):
    [problem] = consent_problems(make_site, "", mode="warn")
    assert problem.code == "consent.missing" and not problem.is_error


def test_minor_needs_guardian_consent(make_site):
    [problem] = consent_problems(make_site, "minor: true\n" + CONSENT)
    assert (problem.code, problem.line, problem.is_error) == ("consent.guardian", 5, True)
    assert "监护人" in problem.message


def test_minor_with_guardian_consent_in_chinese_channel_names_passes(make_site):
    assert consent_problems(make_site, "minor: true\n" + GUARDIAN) == []


@pytest.mark.parametrize("front, code, words", [
    ("consent: {who: 毛建国, date: 2023-09-01, channels: [site]}\n", "consent.channel", "公众号、LED屏"),
    ("cover: a.jpg\nconsent: {who: 毛建国, date: 2023-09-01, scope: [姓名, 事迹]}\n", "consent.scope", "照片"),
    ("consent: {who: 毛建国, date: 2023-09-01, scope: [事迹]}\n", "consent.scope", "姓名"),
])
def test_consent_must_cover_channels_and_scope(make_site, front, code, words):
    [problem] = consent_problems(make_site, front)
    assert problem.code == code and words in problem.message


def test_outputs_limit_which_channels_need_consent(make_site):
    front = "outputs: [site]\nconsent: {who: 毛建国, date: 2023-09-01, channels: [site]}\n"
    assert consent_problems(make_site, front) == []


def test_pages_without_a_person_need_no_consent(make_site):
    root = make_site({"content/activities/a.md": "---\ntitle: 活动\ndate: 2023-09-11\n---\n正文。\n"})
    cfg = config.load(root / "site_config.yaml")
    result = run_checks(content.load_site(cfg, root / "content"), cfg, today=date(2023, 9, 12))
    assert [p for p in result.problems if p.code.startswith("consent.")] == []


def test_a_consent_by_someone_else_does_not_cover_the_person(make_site):
    from tests.conftest import STORY
    from generator import config
    from generator.model import content
    from generator.checks import consent

    root = make_site({"content/stories/a.md": STORY.replace("who: 张三", "who: 李四")})
    cfg = config.load(root / "site_config.yaml")
    page = content.load_site(cfg, root / "content").pages[0]
    found = consent.check_page(page, root / "content/stories/a.md", strict=True)
    assert [p.code for p in found] == ["consent.person"] and found[0].is_error and "李四" in found[0].message
