"""Files: the desk's own CSS and script (public), the preview build and content photos (behind the
login)."""

from __future__ import annotations

import mimetypes
from pathlib import Path

import tornado.web

from generator.desk import preview
from generator.desk.handlers.base import DeskHandler

PREVIEW_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; frame-ancestors 'self'; base-uri 'none'; object-src 'none'"
)
_IMAGES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".svg"}


class StaticHandler(DeskHandler):
    """GET /desk-static/<name> : desk.css and desk.js, reachable on the login page."""

    public = True

    def get(self, name: str) -> None:
        """Send one of the desk's static files."""
        folder = (self.ws.templates_dir / "desk" / "static").resolve()
        target = (folder / name).resolve()
        if not target.is_relative_to(folder) or not target.is_file():
            target = (
                Path(__file__).resolve().parents[3] / "templates/desk/static" / name
            ).resolve()
            if not target.is_file() or "/" in name or ".." in name:
                raise tornado.web.HTTPError(404)
        _send(self, target)
        self.set_header("Cache-Control", "no-cache")


class PreviewFileHandler(DeskHandler):
    """GET /_preview/<path> : the preview build (unreviewed content: only for logged-in staff)."""

    def get(self, rel: str) -> None:
        """Send a file of the preview folder."""
        if rel and not rel.endswith("/") and (self.ws.work_dir / "preview" / rel).is_dir():
            self.redirect(f"/_preview/{rel}/")
            return
        target = preview.file_for(self.ws, rel)
        if target is None:
            raise tornado.web.HTTPError(404)
        self.set_header("Content-Security-Policy", PREVIEW_CSP)
        _send(self, target)


class ContentImageHandler(DeskHandler):
    """GET /content/images/<path> : a content photo, for the editor's live preview."""

    def get(self, rel: str) -> None:
        """Send an image from content/images/, never anything else."""
        folder = (self.ws.content_dir / "images").resolve()
        target = (folder / rel).resolve()
        if (
            not target.is_relative_to(folder)
            or not target.is_file()
            or target.suffix.lower() not in _IMAGES
        ):
            raise tornado.web.HTTPError(404)
        _send(self, target)


def _send(handler: tornado.web.RequestHandler, target: Path) -> None:
    kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    if kind.startswith("text/") or kind in (
        "application/json",
        "application/javascript",
        "application/xml",
    ):
        kind += "; charset=utf-8"
    handler.set_header("Content-Type", kind)
    handler.finish(target.read_bytes())
