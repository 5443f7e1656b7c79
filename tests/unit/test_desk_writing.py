"""Writing on the 编审台 against a real server: the form writes an ordinary Markdown file, a failed save keeps
what was typed, two editors get a conflict instead of a silent overwrite; `desk adduser` from the command line."""
from __future__ import annotations

import io
import re
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
from PIL import Image

from generator.base.frontmatter import split
from generator.desk import accounts
from tests.desk_helpers import PASSWORD, WRITER, Client, DeskServer

ROOT = Path(__file__).resolve().parents[2]
NEW = {"type": "story", "title": "修车师傅老李", "date": "2026-11-05", "person": "李国强", "category": "敬业奉献",
       "honour_level": "县", "author": WRITER, "summary": "老李免费给邻居修自行车。", "outputs": ["site", "wechat"],
       "tags": "志愿服务、修理", "consent.who": "李国强", "consent.date": "2026-11-01",
       "consent.scope": ["姓名", "事迹"], "consent.channels": ["site", "wechat"], "photo_alt": "老李在修车",
       "body": "老李在社区门口摆了个修车摊。\n\n十年来分文不取。"}


@pytest.fixture
def desk(desk_site, tmp_path):
    with DeskServer(desk_site(tmp_path / "site")) as server:
        yield server


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 40), (20, 90, 160)).save(out, "JPEG")
    return out.getvalue()


def _base(text: str) -> str:
    return re.search(r'name="base" value="([^"]*)"', text).group(1)


def test_the_form_writes_an_ordinary_markdown_file_with_its_photo(desk):
    client = Client(desk.port)
    client.login(WRITER)
    client.get("/write?type=story")
    status, headers, text = client.request("POST", "/write", NEW, files={"photo.file": ("老李.jpg", _jpeg())})
    assert status == 302, text
    path = desk.ws.content_dir / "stories" / "2026-11-05-修车师傅老李.md"
    written = path.read_text(encoding="utf-8")
    matter = split(written, path)
    assert written.startswith("---\ntitle: 修车师傅老李\ndate: 2026-11-05\n")
    assert matter.data["consent"] == {"who": "李国强", "date": "2026-11-01", "scope": ["姓名", "事迹"],
                                      "channels": ["site", "wechat"]}
    assert matter.data["tags"] == ["志愿服务", "修理"] and "tags: [志愿服务, 修理]" in written
    assert matter.data["photo"] == "images/stories/老李.jpg"
    assert (desk.ws.content_dir / "images/stories/老李.jpg").is_file()
    assert matter.body.strip() == "老李在社区门口摆了个修车摊。\n\n十年来分文不取。"
    assert "review" not in matter.data and "slug" not in matter.data  # empty fields are left out
    assert headers["location"].startswith("/article?src=")


def test_a_failed_save_keeps_everything_typed_and_says_why(desk):
    client = Client(desk.port)
    client.login(WRITER)
    client.get("/write?type=story")
    broken = {**NEW, "title": "", "body": "这一段很长的正文不能丢。"}
    status, _, text = client.post("/write", broken)
    assert status == 400
    assert "没有保存" in text and "标题" in text
    assert "这一段很长的正文不能丢。" in text and 'value="李国强"' in text
    assert not list((desk.ws.content_dir / "stories").glob("2026-11-05-*"))


def test_a_refused_photo_keeps_the_form_filled(desk):
    client = Client(desk.port)
    client.login(WRITER)
    client.get("/write?type=story")
    status, _, text = client.request("POST", "/write", NEW, files={"photo.file": ("../../x.jpg", _jpeg())})
    assert status == 400 and "照片没有保存" in text and "十年来分文不取。" in text


def test_two_editors_get_a_conflict_not_a_silent_overwrite(desk):
    source = "stories/2026-11-01-好人张三.md"
    path = desk.ws.content_dir / source
    first, second = Client(desk.port), Client(desk.port)
    first.login(WRITER)
    second.login("陈初审")
    _, _, form_a = first.get(f"/write?src={urllib.parse.quote(source)}")
    _, _, form_b = second.get(f"/write?src={urllib.parse.quote(source)}")
    fields = {"type": "story", "src": source, "title": "好人张三", "date": "2026-11-01", "person": "张三",
              "category": "助人为乐", "author": WRITER, "consent.who": "张三", "consent.date": "2026-10-20",
              "consent.scope": ["姓名", "照片", "事迹"], "consent.channels": ["site", "wechat", "led"]}
    assert first.post("/write", {**fields, "base": _base(form_a), "body": "第一位编辑的版本。"})[0] == 302
    status, _, text = second.post("/write", {**fields, "base": _base(form_b), "body": "第二位编辑的版本。"})
    assert status == 409 and "别人已经修改" in text and "第二位编辑的版本。" in text
    assert "第一位编辑的版本。" in path.read_text(encoding="utf-8")
    status, _, _ = second.post("/write", {**fields, "base": _base(text), "body": "第二位编辑的版本。"})
    assert status == 302  # after seeing the difference, saving again is a knowing overwrite
    assert "第二位编辑的版本。" in path.read_text(encoding="utf-8")


def test_edit_keeps_fields_the_form_does_not_show(desk):
    source = "stories/2026-11-01-好人张三.md"
    path = desk.ws.content_dir / source
    path.write_text(path.read_text(encoding="utf-8").replace("author:", "cover_focus: [0.5, 0.3]\nauthor:"),
                    encoding="utf-8")
    client = Client(desk.port)
    client.login(WRITER)
    _, _, form = client.get(f"/write?src={urllib.parse.quote(source)}")
    assert 'value="张三"' in form
    status, _, _ = client.post("/write", {"type": "story", "src": source, "base": _base(form), "title": "好人张三",
                                          "date": "2026-11-01", "person": "张三", "body": "新正文。"})
    assert status == 302
    assert "cover_focus: [0.5, 0.3]" in path.read_text(encoding="utf-8")


def test_live_preview_renders_sanitised_markdown(desk):
    client = Client(desk.port)
    client.login(WRITER)
    client.get("/write?type=story")
    status, _, text = client.post("/render", {"body": "## 小标题\n\n<script>alert(1)</script>正文"})
    assert status == 200 and "小标题</h2>" in text and "<script>" not in text


def _desk(root: Path, *args: str, stdin: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", "desk", "--config", str(root / "site_config.yaml"),
                           *args], input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_adduser_makes_the_first_admin_then_a_reviewer_bound_to_the_roster(tmp_path):
    root = tmp_path / "site"
    (root / "content" / "stories").mkdir(parents=True)
    (root / "site_config.yaml").write_text("site:\n  title: 测试站\n  base_url: https://example.gov.cn/\n",
                                           encoding="utf-8")
    done = _desk(root, "adduser", "林文", "--admin", "--password-stdin", stdin="admin-pass-1\n")
    assert done.returncode == 0, done.stderr
    trust = re.search(r"trust: (\S+)", done.stdout).group(1)
    assert f"trust: {trust}" in (root / "site_config.yaml").read_text(encoding="utf-8")
    done = _desk(root, "adduser", "陈初审", "--stages", "初审,一校", "--by", "林文", "--password-stdin",
                 stdin="reviewer-pass-1\nadmin-pass-1\n")
    assert done.returncode == 0, done.stderr
    account = accounts.find(root / "desk.sqlite3", "陈初审")
    assert account.stages == ("初审", "一校") and not account.admin
    assert (root / "content/_review/keys/陈初审.json").is_file()
    refused = _desk(root, "adduser", "赵某", "--stages", "初审", "--by", "林文", "--password-stdin",
                    stdin="reviewer-pass-2\nwrong-admin-pass\n")
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert accounts.find(root / "desk.sqlite3", "赵某") is None
