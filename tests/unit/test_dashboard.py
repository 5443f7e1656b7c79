"""The volunteer dashboard: figures equal the sums of the sample activities, totals are checked, charts are valid SVG."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from generator import config
from generator.model.content import load_site
from generator.formats.site.dashboard import Row, bar_chart, read_totals, split_place, volunteer_dashboard
from generator.base.errors import BuildFailed
from generator.render.routes import make_routes
from generator.formats.site.pages import SiteInput, render_site
from generator.render.templates import Templates

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def sample():
    cfg = config.load(ROOT / "site_config.yaml")
    return cfg, load_site(cfg, CONTENT)


@pytest.fixture(scope="module")
def board(sample):
    return volunteer_dashboard(sample[1], CONTENT)


def _front_matter(path: Path) -> dict:
    """Read a file's front matter with PyYAML directly: an independent reading of the sample content."""
    text = path.read_text(encoding="utf-8-sig")
    return yaml.safe_load(text.split("---", 2)[1])


def _expected(key_of) -> dict[str, tuple[int, int, float]]:
    sums = defaultdict(lambda: [0, 0, 0.0])
    for path in sorted((CONTENT / "activities").glob("*.md")):
        meta = _front_matter(path)
        if meta.get("draft") is True:
            continue
        row = sums[key_of(meta)]
        row[0] += 1
        row[1] += int(meta.get("participants") or 0)
        row[2] += float(meta.get("service_hours") or 0)
    return {k: tuple(v) for k, v in sums.items()}


def _month(meta: dict) -> str:
    year, month = re.match(r"(\d{4})\D+(\d{1,2})", str(meta.get("start") or meta["date"])).groups()
    return f"{int(year)}年{int(month)}月"


def _township(meta: dict) -> str:
    return re.match(r"(.+?(?:街道|镇|乡))", meta["place"]).group(1)


def _rows(board, key: str) -> dict[str, tuple[int, int, float]]:
    part = next(b for b in board.breakdowns if b.key == key)
    return {r.label: (r.activities, r.participants, r.hours) for r in part.rows}


def test_the_sample_has_activities_to_count(board):
    assert board.total.activities >= 6


def test_totals_equal_the_sums_of_the_activities_front_matter(board):
    (count, people, hours), = _expected(lambda meta: "all").values()
    assert (board.total.activities, board.total.participants, board.total.hours) == (count, people, hours)


@pytest.mark.parametrize("key, key_of", [("month", _month), ("township", _township),
                                          ("team", lambda meta: meta["team"])])
def test_each_breakdown_equals_an_independent_sum(board, key, key_of):
    assert _rows(board, key) == _expected(key_of)


def test_months_read_in_calendar_order(board):
    labels = [r.label for r in next(b for b in board.breakdowns if b.key == "month").rows]
    assert labels == sorted(labels, key=lambda m: tuple(int(n) for n in re.findall(r"\d+", m)))


def test_official_totals_keep_value_unit_source_and_date(board):
    expected = yaml.safe_load((CONTENT / "_data/volunteers.yaml").read_text(encoding="utf-8"))["totals"]
    assert [(o.label, o.value, o.unit, o.source, o.as_of) for o in board.official] == \
        [(e["label"], float(e["value"]), e["unit"], e["source"], e["as_of"]) for e in expected]


@pytest.mark.parametrize("place, expected", [
    ("紫港街道柚苑社区", ("紫港街道", "柚苑社区")), ("球川镇岭下村", ("球川镇", "岭下村")),
    ("白石镇各行政村", ("白石镇", "")), ("白石镇集镇", ("白石镇", "")), ("常山县天马街道东门社区", ("天马街道", "东门社区")),
    ("县城文化广场", ("未写明乡镇（街道）", "")),
])
def test_places_split_into_township_and_community(place, expected):
    assert split_place(place) == expected


def test_every_chart_is_valid_svg_with_a_title_it_is_labelled_by(board):
    for part in board.breakdowns:
        svg = ET.fromstring(part.chart)
        assert svg.tag == SVG + "svg" and svg.get("role") == "img" and svg.get("width") == "100%"
        assert svg.get("viewBox").startswith("0 0 ")
        title = svg.find(SVG + "title")
        assert title is not None and title.text and svg.get("aria-labelledby") == title.get("id")
        assert len(svg.findall(SVG + "rect")) == len(part.rows)


def test_bars_are_proportional_and_labels_escaped():
    svg = ET.fromstring(bar_chart("c", "标题 <&>", (Row("甲<乙>", 1, 2, 100.0), Row("丙", 1, 1, 50.0))))
    assert svg.find(SVG + "title").text == "标题 <&>"
    first, second = (float(r.get("width")) for r in svg.findall(SVG + "rect"))
    assert second == pytest.approx(first / 2, abs=0.1)


def test_an_empty_chart_says_so():
    svg = ET.fromstring(bar_chart("c", "空", ()))
    assert "暂无活动数据" in "".join(svg.itertext())


def test_the_rendered_page_shows_no_person_and_every_chart_beside_a_table(sample):
    cfg, site = sample
    inp = SiteInput(site, cfg, make_routes(cfg), Templates(ROOT / "templates"), {}, {}, datetime(2026, 11, 20))
    html = {path: data for path, data, _key in render_site(inp)}["dashboard/index.html"].decode()
    activities = site.of_type("activity")
    people = {p.meta.person for p in site.of_type("story")} | {p.meta.author for p in activities if p.meta.author}
    people |= {p.meta.editor for p in activities if p.meta.editor}
    assert len(people) >= 6 and [name for name in people if name in html] == []
    assert html.count("<svg") == html.count('<table class="data-table">') >= 3
    assert "样例" not in html  # the shipped file holds no sample totals (tests/unit/test_checks_placeholders.py)


def _totals_file(tmp_path: Path, text: str) -> Path:
    (tmp_path / "_data").mkdir()
    (tmp_path / "_data/volunteers.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_a_missing_totals_file_means_no_official_figures(tmp_path):
    assert read_totals(tmp_path) == ()


def test_every_mistake_in_the_totals_file_is_reported_at_its_line(tmp_path):
    folder = _totals_file(tmp_path, "totals:\n  - label: 注册志愿者\n    value: 九万\n    sourse: 平台\n    as_of: 2026-13-01\n")
    with pytest.raises(BuildFailed) as failed:
        read_totals(folder)
    messages = [(p.line, p.message, p.hint) for p in failed.value.problems]
    assert (3, "数值 “九万” 不是一个数字", "value 只写阿拉伯数字，例如 91860；单位写在 unit 里。") in messages
    assert any(line == 4 and "不认识的字段 “sourse”" in m and "source" in hint for line, m, hint in messages)
    assert any(line == 2 and "缺少 source" in m for line, m, _ in messages)
    assert any(line == 5 and "不存在" in m for line, m, _ in messages)


def test_a_totals_file_that_is_not_a_list_is_explained(tmp_path):
    with pytest.raises(BuildFailed, match="totals"):
        read_totals(_totals_file(tmp_path, "注册志愿者: 91860\n"))


def test_numbers_may_carry_thousands_separators(tmp_path):
    folder = _totals_file(tmp_path, "totals:\n  - {label: 服务时长, value: '1,537,420.5', unit: 小时, source: 平台, as_of: 2026年10月31日}\n")
    (total,) = read_totals(folder)
    assert (total.value, total.display, total.as_of.isoformat()) == (1537420.5, "1,537,420.5", "2026-10-31")
