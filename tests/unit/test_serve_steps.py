"""The preview's two steps: the website is published (and pushed) before any LED frame or WeChat
bundle is drawn, the staff step follows, and together they leave exactly a whole preview build's
output; a newer save stops the staff step unpublished; errors of either step show the error page;
the trigger rebuilds once per burst; the watcher ignores the preview's own output."""
from __future__ import annotations

import hashlib
import shutil
import threading
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from generator import config
from generator.build.pipeline import BuildOptions, build
from generator.serve import Preview, Trigger, _reload_pages, is_staff_page, watch
from tests.conftest import STORY

ROOT = Path(__file__).resolve().parents[2]
CASE = ROOT / "tests/golden/cases/basic"
TEMPLATES = ROOT / "templates"
NOW = datetime(2024, 6, 30, 9, 0)
STORY_FILE = "content/stories/2024-05-li-a-yi.md"


def _tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _options(root: Path, out: str) -> BuildOptions:
    return BuildOptions(root / "content", root / out, TEMPLATES, NOW, preview=True,
                        cache_dir=root / f".cache-{out}", keep_cache=True)


@pytest.fixture
def site(tmp_path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(CASE / "content", root / "content")
    shutil.copy(CASE / "site_config.yaml", root / "site_config.yaml")
    return root


def _preview(root: Path, told: list, delay: float | None = None) -> Preview:
    return Preview(root / "site_config.yaml", lambda cfg, now: _options(root, ".preview"),
                   published=told.append, staff_delay=delay)


def _whole_build(root: Path) -> tuple[dict, dict]:
    """Both trees of one whole preview build of the same files (no two steps, a cache of its
    own)."""
    opts = _options(root, "whole")
    build(config.load(root / "site_config.yaml"), opts)
    return _tree(opts.out_dir), _tree(opts.staff)


def _edit(root: Path, old: str, new: str) -> None:
    path = root / STORY_FILE
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_two_steps_leave_exactly_a_whole_preview_build(site):
    told: list = []
    preview = _preview(site, told)
    for n in range(3):
        if n:
            _edit(site, "李阿姨", f"李阿姨{n}")
        assert preview.rebuild() and preview.problems == []
        public, staff = _whole_build(site)
        assert _tree(site / ".preview") == public
        assert _tree(site / ".preview-staff") == staff
        assert any(rel.startswith("led/") for rel in staff)
        assert any(rel.startswith("wechat/") for rel in staff)
    # each rebuild: the website first (every page), then the staff pages
    assert told == ["site", "staff"] * 3


def test_the_website_is_published_before_any_staff_output_is_drawn(site):
    told: list = []
    preview = _preview(site, told, delay=60)  # the staff step waits: only the website step runs
    preview.rebuild()
    preview._timer.cancel()
    assert (site / ".preview/index.html").is_file() and not (site / ".preview-staff").exists()
    assert told == ["site"]
    preview._staff_step(preview.stamp)
    assert told == ["site", "staff"]
    bundle = next((site / ".preview-staff/wechat").glob("*li-a-yi/article.html"))
    _edit(site, "李阿姨", "王阿姨")
    before = bundle.read_bytes()
    preview.rebuild()
    preview._timer.cancel()
    page = next((site / ".preview/stories").glob("*li-a-yi/index.html")).read_text("utf-8")
    assert "王阿姨" in page, "the website shows the save at once"
    assert bundle.read_bytes() == before, "the WeChat bundle is drawn only by the staff step"
    preview._staff_step(preview.stamp)
    assert "王阿姨" in bundle.read_text("utf-8") and told == ["site", "staff", "site", "staff"]


def test_a_newer_save_stops_the_staff_step_unpublished_and_the_next_rebuild_completes(site):
    told: list = []
    preview = _preview(site, told)
    preview.rebuild()
    staff_before = _tree(site / ".preview-staff")
    stopped_at = []
    check = preview._stop_if_newer

    def save_during(phase: str) -> None:
        if phase == "LED 画面" and not stopped_at:  # a save lands while the staff step draws
            _edit(site, "钱阿姨", "赵阿姨")
            preview._newer.set()
            stopped_at.append(phase)
        check(phase)

    preview._stop_if_newer = save_during
    _edit(site, "李阿姨", "钱阿姨")
    told.clear()
    preview.rebuild()
    assert stopped_at == ["LED 画面"] and told == ["site"], "the staff step published nothing"
    assert _tree(site / ".preview-staff") == staff_before
    assert preview.rebuild() and told == ["site", "site", "staff"]
    public, staff = _whole_build(site)
    assert _tree(site / ".preview") == public and _tree(site / ".preview-staff") == staff


def test_an_error_only_the_staff_step_finds_shows_the_error_page_on_every_page(site):
    told: list = []
    preview = _preview(site, told)
    preview.rebuild()
    _edit(site, "\n---\n", "\nled: {screens: [nope]}\n---\n")
    told.clear()
    preview.rebuild()
    assert told == ["site", "all"], "the website, then every page for the error"
    assert [p.code for p in preview.problems] == ["led.screen"]
    status, body = _get(preview, "/wenming/")
    assert status.startswith("500") and "屏幕 “nope” 不存在" in body.decode()
    _edit(site, "\nled: {screens: [nope]}\n---\n", "\n---\n")
    preview.rebuild()
    assert preview.problems == [] and _get(preview, "/wenming/")[0] == "200 OK"


def test_a_website_error_draws_no_staff_output(site):
    told: list = []
    preview = _preview(site, told)
    preview.rebuild()
    staff_before = _tree(site / ".preview-staff")
    _edit(site, "date: 2024-05-", "date: 2024-02-3")
    told.clear()
    preview.rebuild()
    assert told == ["all"] and preview.problems and all(p.is_error for p in preview.problems)
    assert _tree(site / ".preview-staff") == staff_before


def _cache_files(root: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in (root / ".cache-.preview").rglob("*.cache")}


def test_the_pages_are_told_as_soon_as_the_website_is_out_before_the_cache_is_saved(site):
    seen: list = []
    preview = _preview(site, [])
    preview.rebuild()
    page = "/wenming/" + next((site / ".preview").glob("stories/*li-a-yi")).relative_to(
        site / ".preview").as_posix() + "/"

    def told(pages: str) -> None:  # what a page reloading at this moment gets
        status, body = _get(preview, page)
        seen.append((pages, status, "周阿姨" in body.decode(), _cache_files(site)))

    preview.published = told
    _edit(site, "date: 2024-05-", "date: 2024-02-3")
    preview.rebuild()
    assert [s[:2] for s in seen] == [("all", "500 Internal Server Error")]
    _edit(site, "date: 2024-02-3", "date: 2024-05-")
    _edit(site, "李阿姨", "周阿姨")
    before, seen[:] = _cache_files(site), []
    preview.rebuild()
    assert [s[:3] for s in seen[:1]] == [("site", "200 OK", True)], "the new page, not the error"
    assert seen[0][3] == before, "told before the cache is written"
    assert _cache_files(site) != before, "and the cache is saved after"


def _get(preview: Preview, path: str) -> tuple[str, bytes]:
    seen = {}
    body = b"".join(preview.app({"PATH_INFO": path}, lambda status, headers: seen.update(s=status)))
    return seen["s"], body


def test_a_burst_of_saves_rebuilds_once_and_a_save_during_a_rebuild_once_more():
    runs, release = [], threading.Event()

    def rebuild() -> bool:
        runs.append(time.monotonic())
        release.wait(10)
        return True

    def wait_for(count: int) -> None:  # a deadline, not a fixed sleep: a busy machine is slow
        deadline = time.monotonic() + 10
        while len(runs) < count and time.monotonic() < deadline:
            time.sleep(0.01)

    trigger = Trigger(rebuild, delay=0.3)  # far longer than the burst, even on a loaded machine
    for _ in range(20):
        trigger.changed()
        time.sleep(0.002)
    wait_for(1)
    for _ in range(5):  # saves while that rebuild runs
        trigger.changed()
    release.set()
    wait_for(2)
    time.sleep(0.9)  # three delays of quiet: no third rebuild comes
    assert len(runs) == 2


def test_the_watcher_hears_the_config_file_and_content_but_not_the_preview_output(tmp_path):
    (tmp_path / "content").mkdir()
    config_file = tmp_path / "site_config.yaml"
    config_file.write_text("site: {}\n", encoding="utf-8")
    heard = threading.Event()
    observer = watch([tmp_path / "content", config_file], heard.set)
    try:
        time.sleep(0.2)
        (tmp_path / ".preview").mkdir()
        (tmp_path / ".preview/index.html").write_text("x", encoding="utf-8")
        (tmp_path / ".preview").rename(tmp_path / ".preview-standby")
        (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
        assert not heard.wait(0.5), "the preview's own output beside the config is no change"
        config_file.write_text("site: {title: 新}\n", encoding="utf-8")
        assert heard.wait(5)
        heard.clear()
        (tmp_path / "content/a.md").write_text("x", encoding="utf-8")
        assert heard.wait(5)
    finally:
        observer.stop()


def test_the_watcher_tells_apart_the_events_that_end_a_save(tmp_path):
    heard: list = []
    observer = watch([tmp_path], lambda: heard.append("changed"), lambda: heard.append("saved"))
    try:
        time.sleep(0.2)
        (tmp_path / "folder").mkdir()
        _wait_for(heard, 1)
        assert heard == ["changed"], "a new folder is no finished save"
        heard.clear()
        (tmp_path / "a.md").write_text("x", encoding="utf-8")  # opened, written, closed
        _wait_for(heard, 1, "saved")
        assert heard[-1] == "saved" and "saved" not in heard[:-1]
        heard.clear()
        (tmp_path / ".a.md.tmp").write_text("y", encoding="utf-8")
        (tmp_path / ".a.md.tmp").replace(tmp_path / "a.md")  # an editor's atomic save
        _wait_for(heard, 2, "saved")
        assert heard[-1] == "saved"
    finally:
        observer.stop()


def _wait_for(heard: list, count: int, last: str | None = None) -> None:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not (
        len(heard) >= count and (last is None or heard[-1] == last)
    ):
        time.sleep(0.01)
    time.sleep(0.1)  # (and nothing more comes)


def test_a_finished_save_ends_the_quiet_period_sooner_than_other_events():
    runs: list = []
    trigger = Trigger(lambda: runs.append(time.monotonic()) or True, delay=5.0, saved=0.0)
    trigger.changed()
    time.sleep(0.2)
    assert runs == [], "an event that may be followed by more waits for the quiet period"
    trigger.changed(saved=True)
    deadline = time.monotonic() + 5
    while not runs and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(runs) == 1


def test_staff_pushes_go_only_to_the_staff_pages(monkeypatch):
    from livereload.handlers import LiveReloadHandler

    class Page:
        def __init__(self, url: str):
            self.page_url, self.told = url, []

        def write_message(self, message) -> None:
            self.told.append(message["command"])

    site_page = Page("http://127.0.0.1:8000/wenming/stories/a/")
    staff_page = Page("http://127.0.0.1:8000/wenming/_staff/led/")
    monkeypatch.setattr(LiveReloadHandler, "waiters", {site_page, staff_page})
    _reload_pages("staff")
    assert site_page.told == [] and staff_page.told == ["reload"]
    _reload_pages("site")
    assert site_page.told == ["reload"] and staff_page.told == ["reload"]
    _reload_pages("all")
    assert site_page.told == ["reload", "reload"] and staff_page.told == ["reload", "reload"]
    assert is_staff_page("http://localhost:8000/wenming/_staff")
    assert not is_staff_page("http://localhost:8000/wenming/stories/_staff-notes/")


def test_a_page_served_before_a_reload_it_did_not_hear_is_told_when_it_connects(site):
    told: list = []
    preview = _preview(site, told)
    preview.rebuild()
    preview.staff_delay = 60  # from now on the staff step is run by hand
    page, staff = "http://127.0.0.1:8000/wenming/", "http://127.0.0.1:8000/wenming/_staff/led/"
    assert _get(preview, "/wenming/")[0] == "200 OK"
    assert _get(preview, "/wenming/_staff/led/")[0] == "200 OK"
    assert not preview.missed_reload(page) and not preview.missed_reload(staff)
    _edit(site, "李阿姨", "孙阿姨")
    preview.rebuild()  # the website was told while both pages were loading
    preview._timer.cancel()
    assert preview.missed_reload(page) and not preview.missed_reload(staff)
    assert _get(preview, "/wenming/")[0] == "200 OK"
    assert not preview.missed_reload(page), "served again since: nothing missed"
    preview._staff_step(preview.stamp)
    assert preview.missed_reload(staff)
    assert not preview.missed_reload("http://127.0.0.1:8000/wenming/never-served/")
