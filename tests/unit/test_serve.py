"""The preview server's app: serves the preview under the base path, shows build errors as a page, recovers."""
from datetime import datetime
from pathlib import Path

from generator.build.pipeline import BuildOptions
from generator.serve import Preview
from tests.conftest import STORY

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _get(preview: Preview, path: str) -> tuple[str, dict, bytes]:
    seen = {}

    def start_response(status, headers):
        seen["status"], seen["headers"] = status, dict(headers)

    body = b"".join(preview.app({"PATH_INFO": path}, start_response))
    return seen["status"], seen["headers"], body


def _preview(root: Path) -> Preview:
    def options(cfg, now):
        return BuildOptions(root / "content", root / ".preview", TEMPLATES, datetime(2024, 6, 1, 9, 0), preview=True)
    return Preview(root / "site_config.yaml", options)


def test_serves_pages_under_the_base_path_and_never_writes_public(make_site):
    root = make_site({"content/stories/a.md": STORY})
    preview = _preview(root)
    preview.rebuild()
    status, headers, body = _get(preview, "/wenming/stories/a/")
    assert status == "200 OK" and headers["Content-Type"] == "text/html; charset=utf-8"
    assert "好人张三".encode() in body
    assert _get(preview, "/")[0] == "302 Found"
    assert _get(preview, "/wenming/nothing/")[0] == "404 Not Found"
    assert _get(preview, "/wenming/../site_config.yaml")[0] in ("302 Found", "404 Not Found")
    assert not (root / "public").exists()


def test_build_error_shows_in_the_browser_and_fixing_brings_the_page_back(make_site):
    root = make_site({"content/stories/a.md": STORY})
    preview = _preview(root)
    preview.rebuild()
    (root / "content/stories/a.md").write_text(STORY.replace("date: 2023-09-11", "date: 2023-02-30"), encoding="utf-8")
    preview.rebuild()
    status, _, body = _get(preview, "/wenming/stories/a/")
    text = body.decode()
    assert status.startswith("500") and "构建出错：1 个问题" in text
    assert "a.md 第 3 行" in text and "日期 “2023-02-30” 不存在" in text and "</head>" in text
    (root / "content/stories/a.md").write_text(STORY, encoding="utf-8")
    preview.rebuild()
    assert _get(preview, "/wenming/stories/a/")[0] == "200 OK"
