"""Front matter: problems at the real file line, Chinese input habits accepted with warnings."""
import pytest

from generator.base.errors import BuildFailed
from generator.base.frontmatter import split


def test_positions_are_file_lines():
    matter = split("\n---\ntitle: 标题\nreview:\n  初审: {name: 张三, date: 2024-01-01}\n---\n正文\n", "a.md")
    assert matter.data["title"] == "标题"
    assert matter.line_of(("title",)) == 3
    assert matter.line_of(("review", "初审")) == 5
    assert matter.body == "正文\n" and matter.body_line == 7


def test_scalars_stay_text():
    matter = split("---\ntitle: 12.10\nflag: yes\n---\n", "a.md")
    assert matter.data == {"title": "12.10", "flag": "yes"}


def test_fullwidth_colon_and_fences_are_accepted_with_warnings():
    matter = split("———\ntitle：文明出行\n———\n正文", "a.md")
    assert matter.data == {"title": "文明出行"}
    codes = sorted(w.code for w in matter.warnings)
    assert codes == ["frontmatter.colon", "frontmatter.fence", "frontmatter.fence"]


def test_colon_inside_a_value_is_left_alone():
    matter = split('---\ntitle: "主题：文明出行"\n---\n', "a.md")
    assert matter.data == {"title": "主题：文明出行"} and matter.warnings == []


@pytest.mark.parametrize("text,line,fragment", [
    ("---\ntitle: a\n  bad: [\n---\n", 3, "冒号"),
    ("---\ntitle: a\ntitle: b\n---\n", 3, "重复"),
    ("---\ntitle: a: b\n---\n", 2, "冒号"),
])
def test_yaml_errors_point_at_the_file_line(text, line, fragment):
    with pytest.raises(BuildFailed) as failed:
        split(text, "a.md")
    problem = failed.value.problems[0]
    assert problem.line == line and fragment in problem.message
