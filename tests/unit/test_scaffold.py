"""`make new`: a file with every field of its type, commented, that loads once filled in."""
import dataclasses
from datetime import date

import pytest

from generator import config
from generator.model import content
from generator.model import fields
from generator.base import schema
from generator.base.errors import BuildFailed, Problems
from generator.model.scaffold import TYPES, create, render


@pytest.mark.parametrize("page_type", TYPES)
def test_every_field_is_present_with_a_comment(page_type):
    text = render(page_type, "新的标题", date(2024, 5, 1))
    cls = fields.FIELDS_BY_TYPE[page_type]
    for key in [schema.key_of(f) for f in dataclasses.fields(cls)]:
        line = next((l for l in text.splitlines() if l.startswith(f"{key}:")), None)
        assert line is not None, f"{key} missing"
        assert "#" in line, f"{key} has no comment"


@pytest.mark.parametrize("page_type", ["activity", "letter", "page", "slide"])
def test_new_file_loads(make_site, page_type):
    root = make_site({})
    cfg = config.load(root / "site_config.yaml")
    path = create(root / "content", page_type, "测试：新文章", date(2024, 5, 1), cfg)
    page = content.load_page(cfg, path, path.relative_to(root / "content").as_posix(), Problems())
    assert page.title == "测试：新文章" and page.date == date(2024, 5, 1)


def test_existing_file_is_never_overwritten(make_site):
    root = make_site({})
    cfg = config.load(root / "site_config.yaml")
    create(root / "content", "story", "同名", date(2024, 5, 1), cfg)
    with pytest.raises(BuildFailed, match="已经存在"):
        create(root / "content", "story", "同名", date(2024, 5, 1), cfg)
