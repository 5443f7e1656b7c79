"""The desk's preview build (the real pipeline with preview options, into .desk/preview/ and its
staff folder .desk/preview-staff/) and where one article's website page, WeChat article and LED
frames are found in it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from generator.base.errors import BuildFailed, SiteError
from generator.build.pipeline import build
from generator.build.stamp import input_stamp
from generator.model.content import Page
from generator.render.routes import make_routes
from generator.desk.workspace import PREVIEW_PATH, STAFF_PATH, Workspace


@dataclass
class PreviewState:
    """The last preview build: the input stamp it was made from and its problems (empty when it
    worked)."""

    stamp: str = ""
    problems: list[SiteError] = field(default_factory=list)


@dataclass(frozen=True)
class Frames:
    """One screen's frames of an article and the seconds they add to that screen's loop."""

    screen: str
    title: str
    images: tuple[tuple[str, str, float], ...]  # (URL, frame title, seconds)

    @property
    def seconds(self) -> float:
        """The loop time this article adds to the screen."""
        return round(sum(s for _, _, s in self.images), 1)


def refresh(ws: Workspace, state: PreviewState) -> PreviewState:
    """Build the preview again when content, templates or config changed since the last build."""
    with ws.build_lock:
        cfg = ws.config()
        stamp = input_stamp([ws.content_dir, ws.templates_dir, ws.config_path], ws.clock().date())
        if stamp == state.stamp:
            return state
        preview_cfg, opts = ws.preview_options(cfg)
        try:
            build(preview_cfg, opts)
            return PreviewState(stamp, [])
        except BuildFailed as failed:
            return PreviewState(stamp, failed.problems)


def site_url(ws: Workspace, page: Page) -> str | None:
    """The desk URL of the article's website page in the preview, when it goes to the site."""
    if not page.goes_to("site") or page.type == "slide":
        return None
    path = make_routes(ws.preview_options(ws.config())[0]).page_path(page)
    return PREVIEW_PATH + path.removesuffix("index.html")


def wechat_url(ws: Workspace, page: Page) -> str | None:
    """The desk URL of the article's WeChat preview, when a bundle was made for it."""
    if not page.goes_to("wechat") or page.type == "slide":
        return None
    index = ws.work_dir / "preview-staff" / "wechat" / page.slug / "index.html"
    return f"{STAFF_PATH}wechat/{page.slug}/" if index.is_file() else None


def led_frames(ws: Workspace, page: Page) -> list[Frames]:
    """Every screen that shows the article, with its frames and loop time, read from the screens'
    playlists."""
    found = []
    for playlist in sorted((ws.work_dir / "preview-staff" / "led").glob("*/playlist.json")):
        data = json.loads(playlist.read_text(encoding="utf-8"))
        folder = playlist.parent.name
        images = tuple((f"{STAFF_PATH}led/{folder}/{item['file']}", item.get("title", ""),
                        item.get("duration_ms", 0) / 1000)
                       for item in data.get("items", []) if item.get("source") == page.source)
        if images:
            found.append(Frames(folder, data.get("title") or folder, images))
    return found


def file_for(ws: Workspace, rel: str) -> Path | None:
    """A file of the preview folder by its path under /_preview/, never outside it."""
    out = (ws.work_dir / "preview").resolve()
    staff = STAFF_PATH.removeprefix(PREVIEW_PATH)
    if rel.startswith(staff):  # the preview's staff folder (WeChat paste pages, LED frames)
        out, rel = (ws.work_dir / "preview-staff").resolve(), rel.removeprefix(staff)
    target = (out / rel).resolve()
    if target.is_dir():
        target = target / "index.html"
    if not target.is_relative_to(out) or not target.is_file():
        return None
    return target
