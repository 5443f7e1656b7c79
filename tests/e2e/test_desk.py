"""The 编审台 in headless Chromium: the whole path from a writer's story with a photo, through a return and six
signatures, to the real build on all three channels, and an edit after approval; accessibility, the Nu checker,
phone width, keyboard and no outside requests; screenshots for the README (DESK_SCREENSHOTS=1)."""
from __future__ import annotations

import io
import json
import os
import subprocess
import urllib.parse
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image

from generator.checks.review import TEST_SCRYPT_N, ReviewStore
from generator import config
from tests.desk_helpers import ADMIN, NOW, PASSWORD, WRITER, Client, DeskServer

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / ".tools/node_modules/axe-core/axe.min.js"
VNU = ROOT / ".tools/node_modules/vnu-jar/build/dist/vnu.jar"
SHOTS = ROOT / "docs" / "screenshots"
ORDER = [("陈初审", "初审"), ("赵一校", "一校"), ("刘复审", "复审"), ("孙二校", "二校"), ("周三校", "三校"),
         ("王终审", "终审")]
EXISTING = "stories/2026-11-01-好人张三.md"


def _photo(path: Path) -> Path:
    image = Image.new("RGB", (320, 240), (180, 60, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneCam"
    image.save(path, "JPEG", exif=exif.tobytes())
    return path


@pytest.fixture
def desk(desk_site, tmp_path):
    with DeskServer(desk_site(tmp_path / "site")) as server:
        yield server


def _tab(browser, desk, name: str, width: int = 1280, bypass_csp: bool = False):
    context = browser.new_context(viewport={"width": width, "height": 900}, device_scale_factor=1,
                                  bypass_csp=bypass_csp)  # (axe is injected as an inline script)
    tab = context.new_page()
    tab.hosts, tab.errors = set(), []
    tab.on("request", lambda r: tab.hosts.add(urlsplit(r.url).netloc))
    tab.on("pageerror", lambda e: tab.errors.append(str(e)))
    tab.goto(desk.url + "/login")
    tab.fill("#name", name)
    tab.fill("#password", PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_url(desk.url + "/")
    return tab


def _open(tab, desk, title: str) -> None:
    tab.goto(desk.url + "/")
    tab.get_by_role("link", name=title).first.click()
    tab.wait_for_selector("h1")
    tab.wait_for_load_state("load")  # desk.js (deferred) has wired the buttons


def test_the_whole_path_from_a_story_to_all_three_channels_and_an_edit_after_approval(browser, desk, tmp_path):
    writer = _tab(browser, desk, WRITER)
    writer.goto(desk.url + "/write?type=story")
    writer.fill("#f-title", "修车师傅老李")
    writer.fill("#f-date", "2026-11-05")
    writer.fill("#f-summary", "老李在社区门口免费修车十年。")
    writer.fill("#f-author", WRITER)
    writer.fill("#f-person", "李国强")
    writer.select_option("#f-category", "敬业奉献")
    writer.fill("#f-photo_alt", "老李蹲在自行车旁修车")
    writer.set_input_files("#f-photo-file", str(_photo(tmp_path / "老李.jpg")))
    writer.fill("#consent-who", "李国强")
    writer.fill("#consent-date", "2026-11-01")
    writer.fill("#f-body", "老李在社区门口摆了个修车摊，十年来分文不取。")
    writer.wait_for_selector("#body-preview:has-text('分文不取')")
    writer.click("button.primary:has-text('保存')")
    writer.wait_for_url("**/article?src=*")
    source = urllib.parse.unquote(urlsplit(writer.url).query.split("src=")[1].split("&")[0])
    photo = desk.ws.content_dir / "images/stories/老李.jpg"
    assert photo.is_file() and b"PhoneCam" not in photo.read_bytes()

    first = _tab(browser, desk, "陈初审")
    assert "修车师傅老李" in first.locator("#mine-h + ul").inner_text()
    _open(first, desk, "修车师傅老李")
    assert first.locator(".out.site iframe").count() == 1 and first.locator(".out.led img").count() >= 1
    first.click("text=退回…")
    first.fill("#return-reason", "请补充老李修车摊的具体位置。")
    first.fill("#return-password", PASSWORD)
    first.click("#return-dialog button[type=submit]")
    first.wait_for_url("**done=return")

    writer.goto(desk.url + "/")
    mine = writer.locator("#mine-h + ul").inner_text()
    assert "请补充老李修车摊的具体位置。" in mine
    _open(writer, desk, "修车师傅老李")
    writer.click("text=编辑")
    writer.fill("#f-body", "老李在柚苑社区东门摆了个修车摊，十年来分文不取。")
    writer.click("button.primary:has-text('保存')")
    writer.wait_for_url("**/article?src=*")

    for name, stage in ORDER:
        tab = _tab(browser, desk, name)
        assert "修车师傅老李" in tab.locator("#mine-h + ul").inner_text(), name
        _open(tab, desk, "修车师傅老李")
        tab.fill("#sign-password", PASSWORD)
        tab.click(f"button:has-text('通过（{stage}）')")
        tab.wait_for_url("**done=sign")
        assert tab.locator(".stages li.done").count() == ORDER.index((name, stage)) + 1
        tab.context.close()

    admin = _tab(browser, desk, ADMIN)
    _publish(admin, desk)
    public = desk.ws.root / "public"
    page_html = next(public.glob("stories/*xiu-che*/index.html")).read_text(encoding="utf-8")
    assert "柚苑社区东门" in page_html
    staff = desk.ws.root / "staff"
    assert list(staff.glob("wechat/*xiu-che*/article.html")) and not (public / "wechat").exists()
    playlist = json.loads((staff / "led/gate/playlist.json").read_text(encoding="utf-8"))
    assert any(item["source"] == source for item in playlist["items"])

    writer.goto(desk.url + f"/write?src={urllib.parse.quote(source)}")
    writer.fill("#f-body", "老李在柚苑社区东门摆了个修车摊，二十年来分文不取。")
    writer.click("button.primary:has-text('保存')")
    writer.wait_for_url("**/article?src=*")
    first.goto(desk.url + "/")
    change = first.locator("#mine-h + ul .change")
    assert change.count() == 1
    assert change.locator("ins").all_inner_texts() == ["二"]  # 十年来 → 二十年来, character by character
    assert "已发布·修改待审" in first.locator("#mine-h + ul").inner_text()
    _publish(admin, desk)
    page_html = next(public.glob("stories/*xiu-che*/index.html")).read_text(encoding="utf-8")
    assert "十年来分文不取" in page_html and "二十年来" not in page_html
    for tab in (writer, first, admin):
        assert tab.hosts <= {urlsplit(desk.url).netloc}
        assert tab.errors == []


def _publish(admin, desk) -> None:
    admin.goto(desk.url + "/publish")
    admin.click("button.primary:has-text('发布')")
    admin.wait_for_selector("#report-h", timeout=300_000)
    assert "完成：发布" in admin.locator(".done").inner_text()


def _returned(desk) -> None:
    """The existing story returned once by 初审, so reasons and the dialog are on the pages checked."""
    store = ReviewStore.for_config(config.load(desk.ws.config_path), desk.ws.content_dir, kdf_n=TEST_SCRYPT_N,
                                   now=NOW)
    store.sign(EXISTING, "初审", "陈初审", PASSWORD, NOW)


PAGES = ["/", f"/article?src={urllib.parse.quote(EXISTING)}", "/write?type=story", "/write?type=activity",
         f"/write?src={urllib.parse.quote(EXISTING)}", "/publish", "/audit"]


def test_axe_finds_no_serious_or_critical_violations_on_desk_pages(browser, desk):
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `make test`, which installs it into .tools/")
    problems = []
    for width in (1280, 390):
        tab = _tab(browser, desk, ADMIN, width, bypass_csp=True)
        for path in ["/login", *PAGES] if width == 1280 else PAGES[:2]:
            if path == "/login":
                context = browser.new_context(bypass_csp=True)
                probe = context.new_page()
                probe.goto(desk.url + path)
            else:
                probe = tab
                probe.goto(desk.url + path)
            probe.add_script_tag(path=str(AXE))
            result = probe.evaluate("axe.run(document, {resultTypes: ['violations']})")
            problems += [f"{width} {path}: {v['id']} ({v['impact']}) {v['help']}" for v in result["violations"]
                         if v["impact"] in ("serious", "critical")]
            if width == 390:
                assert probe.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path
    assert problems == []


def test_desk_pages_pass_the_nu_html_checker(desk, tmp_path):
    if not VNU.exists():
        pytest.fail("vnu.jar is missing: run `make test`, which installs it into .tools/")
    _returned(desk)
    client = Client(desk.port)
    files = []
    status, _, text = client.get("/login")
    pages = [("login", text)]
    client.login("刘复审")
    for i, path in enumerate(PAGES):
        status, _, text = client.get(path)
        pages.append((f"page{i}", text))
    client.post("/write", {"type": "story", "title": "", "date": "2026-11-03", "body": "x"})
    pages.append(("failed-save", client.request("POST", "/write", {"type": "story", "title": "", "body": "x"})[2]))
    for name, text in pages:
        path = tmp_path / f"{name}.html"
        path.write_text(text, encoding="utf-8")
        files.append(str(path))
    result = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", *files],
                            capture_output=True, text=True, timeout=300)
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    assert [f"{m.get('url')}:{m.get('lastLine')}: {m['message']}" for m in messages if m["type"] == "error"] == []


def test_the_return_dialog_works_from_the_keyboard(browser, desk):
    tab = _tab(browser, desk, "陈初审")
    _open(tab, desk, "好人张三")
    tab.focus("button:has-text('退回…')")
    tab.keyboard.press("Enter")
    assert tab.evaluate("document.activeElement.id") == "return-reason"
    tab.keyboard.type("标题里的人名要核对。")
    tab.keyboard.press("Tab")
    tab.keyboard.type(PASSWORD)
    tab.keyboard.press("Enter")
    tab.wait_for_url("**done=return")
    assert "标题里的人名要核对。" in tab.locator("#stages-h ~ .reason").first.inner_text()


@pytest.mark.skipif(not os.environ.get("DESK_SCREENSHOTS"), reason="DESK_SCREENSHOTS=1 refreshes the README's pictures")
def test_screenshots_for_the_readme(browser, desk):
    store = ReviewStore.for_config(config.load(desk.ws.config_path), desk.ws.content_dir, kdf_n=TEST_SCRYPT_N,
                                   now=NOW)
    folder = desk.ws.content_dir / "stories"
    for name, title, person in [("2026-10-12-修车师傅老李.md", "修车摊前的老李：十年分文不取", "李国强"),
                                ("2026-09-03-巡河员.md", "天马街道的“河小二”巡河员", "徐春兰")]:
        text = (folder / EXISTING.split("/")[1]).read_text(encoding="utf-8")
        (folder / name).write_text(text.replace("好人张三", title).replace("张三", person), encoding="utf-8")
    for name, stage in ORDER:
        store.sign("stories/2026-10-12-修车师傅老李.md", stage, name, PASSWORD, NOW)
    edited = folder / "2026-10-12-修车师傅老李.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("十年来", "十二年来"), encoding="utf-8")
    store.return_("stories/2026-09-03-巡河员.md", "初审", "陈初审", PASSWORD, "请补充本人同意书的日期。", NOW)
    _returned(desk)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (390, 1280):
        inbox = _tab(browser, desk, "陈初审", width)
        inbox.screenshot(path=str(SHOTS / f"desk-inbox-{width}.png"), full_page=width == 1280)
        inbox.context.close()
        tab = _tab(browser, desk, "赵一校", width)
        _open(tab, desk, "好人张三")
        tab.wait_for_timeout(800)
        tab.screenshot(path=str(SHOTS / f"desk-article-{width}.png"))
        tab.click("text=退回…")
        tab.fill("#return-reason", "第二段的时间和地点请再核实。")
        tab.screenshot(path=str(SHOTS / f"desk-return-{width}.png"))
        tab.context.close()
