"""The local preview: rebuild on every change, serve .preview/ on 127.0.0.1, show build errors in the browser."""
from __future__ import annotations

import html
import mimetypes
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from generator import config as config_module
from generator.build.pipeline import BuildOptions, build
from generator.base.dates import build_time
from generator.config import SiteConfig
from generator.base.errors import BuildFailed, SiteError, context_lines
from generator.render.routes import make_routes
from generator.build.lock import BuildBusy, BuildLock, lock_path
from generator.build.stamp import input_stamp

OptionsFactory = Callable[[SiteConfig, object], BuildOptions]


@dataclass
class Preview:
    """The preview's state: the last good output folder and the problems of the last build, if it failed."""

    config_path: Path
    make_options: OptionsFactory
    cfg: SiteConfig | None = None
    opts: BuildOptions | None = None
    problems: list[SiteError] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stamp: str = ""  # the input fingerprint of the last build

    def rebuild(self) -> None:
        """Reload the config and rebuild the preview; remember the problems instead of stopping."""
        with self.lock:
            stamp = self._stamp()
            if stamp == self.stamp:
                return  # already built from exactly these files (the watcher and a request both noticed)
            self.stamp = stamp
            try:
                self.cfg = config_module.load(self.config_path)
                self.opts = self.make_options(self.cfg, build_time())
                with BuildLock(lock_path(self.cfg.root), on_wait=lambda said: print(said, file=sys.stderr)):
                    report = build(self.cfg, self.opts)
                self.problems = []
                print(f"预览已更新：写入 {len(report.written)} 个文件", file=sys.stderr)
            except BuildFailed as failed:
                self.problems = failed.problems
                print(f"预览构建出错：{len(failed.problems)} 个问题，详情见浏览器页面", file=sys.stderr)
            except BuildBusy as busy:
                self.stamp = ""  # try again on the next request
                self.problems = [SiteError(str(self.config_path), 1, 1, busy.message, "")]
            except Exception as exc:  # noqa: BLE001 - the preview must keep running whatever happens
                self.problems = [SiteError(str(self.config_path), 1, 1, f"内部错误：{exc!r}", "请把这条信息发给技术人员。")]

    def _stamp(self) -> str:
        opts = self.opts
        roots = [self.config_path] + ([opts.content_dir, opts.templates_dir] if opts else [])
        return input_stamp(roots, build_time().date())

    def app(self, environ, start_response):
        """A WSGI app serving the preview folder under the site's base path, or the error page."""
        path = environ.get("PATH_INFO", "/")
        if path.endswith(("/", ".html")):
            # Check on every page request rather than wait for the file watcher's next poll:
            # a saved file shows on the next reload at once.
            self.rebuild()
        if self.problems and (path.endswith("/") or path.endswith(".html")):
            return _respond(start_response, "500 Internal Server Error", "text/html; charset=utf-8", error_page(self.problems))
        if self.cfg is None or self.opts is None:
            return _respond(start_response, "503 Service Unavailable", "text/plain; charset=utf-8", "正在构建…".encode())
        base = make_routes(self.cfg).base_path
        if not path.startswith(base):
            return _redirect(start_response, base)
        return self._file(path[len(base):], start_response)

    def _file(self, rel: str, start_response):
        out = self.opts.out_dir
        target = (out / rel).resolve()
        if target.is_dir():
            if not rel.endswith("/") and rel:
                return _redirect(start_response, make_routes(self.cfg).base_path + rel + "/")
            target = target / "index.html"
        if not target.is_relative_to(out.resolve()) or not target.is_file():
            missing = out / "404.html"
            body = missing.read_bytes() if missing.is_file() else "页面不存在".encode()
            return _respond(start_response, "404 Not Found", "text/html; charset=utf-8", body)
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/json", "application/xml", "application/javascript"):
            kind += "; charset=utf-8"
        return _respond(start_response, "200 OK", kind, target.read_bytes())


def error_page(problems: list[SiteError]) -> bytes:
    """A readable Chinese page listing each problem with its file, line, the line itself and a hint."""
    items = []
    for problem in problems:
        context = ""
        path = Path(problem.path)
        if path.is_file() and path.suffix in (".md", ".yaml", ".yml") and not problem.code.startswith("privacy."):
            context = context_lines(path.read_text(encoding="utf-8", errors="replace"), problem.line)
        items.append(
            f"<li><p class=where>{html.escape(problem.path)} 第 {problem.line} 行</p>"
            f"<p class=msg>{html.escape(problem.severity.value)}：{html.escape(problem.message)}</p>"
            + (f"<pre>{html.escape(context)}</pre>" if context else "")
            + (f"<p class=hint>提示：{html.escape(problem.hint)}</p>" if problem.hint else "") + "</li>")
    page = ("<!DOCTYPE html><html lang=zh-CN><head><meta charset=utf-8><meta name=viewport content='width=device-width'>"
            "<title>构建出错</title><style>body{font:18px/1.7 sans-serif;margin:1rem;color:#222}h1{color:#a61b1b}"
            "li{margin-bottom:1rem;border-left:4px solid #a61b1b;padding-left:.8rem;list-style:none}.where{font-weight:700}"
            "pre{background:#f6f0ea;padding:.5rem;overflow-x:auto}.hint{color:#5c3c00}</style></head><body>"
            f"<h1>构建出错：{len(problems)} 个问题</h1><p>改好文件并保存后，这个页面会自动刷新。</p><ol>"
            + "".join(items) + "</ol></body></html>")
    return page.encode()


def serve(cfg: SiteConfig, config_path: Path, make_options: OptionsFactory, port: int | None = None) -> None:
    """Build the preview, then serve it with livereload, rebuilding whenever content, templates or config change."""
    from livereload import Server

    preview = Preview(config_path, make_options)
    preview.rebuild()
    server = Server(app=preview.app)
    opts = preview.opts or make_options(cfg, build_time())
    for watched in (opts.content_dir, opts.templates_dir, config_path):
        server.watch(str(watched), preview.rebuild)
    base = make_routes(cfg).base_path
    host = "127.0.0.1"  # the preview shows unreviewed content: never listen beyond this machine
    print(f"预览地址：http://{host}:{port or cfg.serve.port}{base}  （按 Ctrl+C 停止）", file=sys.stderr)
    server.serve(port=port or cfg.serve.port, host=host, debug=False, restart_delay=0)


def _respond(start_response, status: str, kind: str, body: bytes):
    start_response(status, [("Content-Type", kind), ("Content-Length", str(len(body))), ("Cache-Control", "no-store")])
    return [body]


def _redirect(start_response, location: str):
    start_response("302 Found", [("Location", location), ("Content-Length", "0")])
    return [b""]
