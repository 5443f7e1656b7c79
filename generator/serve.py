"""The local preview: rebuild on every change, serve .preview/ on 127.0.0.1, show build errors in
the browser.

The preview's staff folder (`.preview-staff/`: LED review page and players, WeChat paste pages) is
served under `_staff/` of the base path, in the preview only; the built website never links to it.

File-system events (watchdog: inotify, FSEvents or ReadDirectoryChangesW) start a rebuild 40 ms
after the last event of a burst (5 ms when it ends a save: a file closed from writing or renamed
into place); saves during a rebuild start one more. A rebuild has two steps, so
that the page being edited comes back first. The website step draws no LED frame and no WeChat
bundle: it publishes the website, and every open page of the website is told to reload over
livereload's own protocol (its websocket and livereload.js), with no throttle; a page that was
still loading then is told when it connects, so no save is missed. A moment later
(STAFF_DELAY, time for those pages to load) the staff step draws the LED frames and WeChat bundles
on a thread of its own, publishes the staff folder and tells the open `_staff/` pages. A save
during the staff step stops it, unpublished, as its next phase begins (LED frames drawn so far stay
cached); the new website step follows. The two steps together leave exactly the output of one
whole preview build, and an error found by either one shows the error page on every open page.
The first build at start-up runs both steps before the server answers.

Requests are checked: the Host header (a DNS-rebinding page must not read unreviewed previews), GET
and HEAD only on content, bodies of at most 64 KB, and the project's 404 page for anything missing.
"""

from __future__ import annotations

import html
import json
import mimetypes
import os
import socket
import sys
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlsplit

from generator import config as config_module
from generator.build.pipeline import BuildOptions, build
from generator.base.dates import build_time
from generator.config import SiteConfig
from generator.base.errors import BuildFailed, SiteError, context_lines
from generator.render.routes import make_routes
from generator.build.lock import BuildBusy, BuildLock, lock_path
from generator.build.stamp import input_stamp

OptionsFactory = Callable[[SiteConfig, object], BuildOptions]
MAX_BODY = 64 * 1024  # the preview takes no uploads: a larger request is cut off unread
# seconds of quiet after a save before the rebuild (editors write a file in several steps)
DEBOUNCE = 0.04
# the same after a file was closed from writing or renamed into place, the last step of a save
SAVED = 0.005
# seconds from the website's reload to the staff step (the reloading pages are served first)
STAFF_DELAY = 0.3
# the staff step's last phases: once there, it finishes (see Preview._stop_if_newer)
FINISH_PHASES = ("网站页面", "发布")
RELOAD = {"command": "reload", "path": "*", "liveCSS": False, "liveImg": True}  # livereload's
LIVERELOAD_PATHS = ("/livereload", "/livereload.js", "/forcereload")


# the preview serves the staff folder (WeChat, LED) here, under the site's base path
STAFF_PATH = "_staff/"


class _Newer(Exception):
    """A newer save came in: the staff step stops where it is, and nothing of it is published."""


@dataclass
class Preview:
    """The preview's state: the last good output folder and the problems of the last build, if it
    failed.

    `published(pages)` hears of each publication: "site" (the website's pages), "staff" (the
    `_staff/` pages) or "all" (an error page to show); the server tells those open pages;
    `staff_delay` None runs the staff step at once within `rebuild()` (tests, scripts), a number
    runs it that many seconds later on a thread of its own (the server)."""

    config_path: Path
    make_options: OptionsFactory
    cfg: SiteConfig | None = None
    opts: BuildOptions | None = None
    problems: list[SiteError] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stamp: str = ""  # the input fingerprint of the last build
    published: Callable[[str], None] = lambda pages: None
    staff_delay: float | None = None
    # True while the file watcher runs (see serve): a page request then checks the fingerprint
    # only after an event
    watched: bool = False
    _changed: threading.Event = field(default_factory=threading.Event)
    _newer: threading.Event = field(default_factory=threading.Event)
    _timer: threading.Timer | None = None
    _day: object = None  # the day of the last build (a preview shows "N days ago")
    # when each page (by path) was last served, and when each kind of page was last told to reload
    _served: dict = field(default_factory=dict)
    _told: dict = field(default_factory=dict)

    def changed(self) -> None:
        """The file watcher saw an event: the next page request checks the fingerprint."""
        self._changed.set()

    def rebuild(self) -> bool:
        """Reload the config, publish the website, tell the pages, then the staff step (see
        staff_delay); remember the problems instead of stopping.

        False when the files are exactly those of the last build (nothing to show again)."""
        self._changed.clear()
        stamp = self._stamp()
        if stamp == self.stamp:
            # already built from exactly these files (the watcher and a request both noticed)
            return False
        self._newer.set()  # a staff step under way stops at its next phase
        with self.lock:
            self._newer.clear()
            if stamp == self.stamp:
                # built meanwhile by the other caller (a later save has another fingerprint)
                return False
            self.stamp, self._day = stamp, build_time().date()
            good = self._build("site")  # (tells the website's pages as soon as it has published)
        if good:
            self._staff_step_later(stamp)
        else:
            self._tell("all")
        return True

    def _staff_step_later(self, stamp: str) -> None:
        if self.staff_delay is None:
            self._staff_step(stamp)
            return
        if self._timer is not None:
            self._timer.cancel()
        self._timer = threading.Timer(self.staff_delay, self._staff_step, (stamp,))
        self._timer.daemon = True
        self._timer.start()

    def _staff_step(self, stamp: str) -> None:
        """Draw and publish the staff outputs of the website step with this fingerprint, unless a
        newer save came in; tell the `_staff/` pages (every page when it found an error)."""
        with self.lock:
            if stamp != self.stamp or self.problems:
                return
            try:
                self._build("staff")  # (tells the `_staff/` pages as soon as it has published)
            except _Newer:
                return
        if self.problems:
            self._tell("all")

    def _tell(self, pages: str) -> None:
        self._told[pages] = time.monotonic()
        self.published(pages)

    def missed_reload(self, url: str) -> bool:
        """True when the page at `url` was served before the last reload its kind was told of (it
        was loading then, so it did not hear it): a page that connects late is told again."""
        served = self._served.get(unquote(urlsplit(url).path))
        kind = "staff" if is_staff_page(url) else "site"
        told = max(self._told.get(kind, 0.0), self._told.get("all", 0.0))
        return served is not None and served < told

    def _build(self, only: str) -> bool:
        """One step of a rebuild (see BuildOptions.only), under the lock; True when it published."""
        try:
            if only == "site":
                self.cfg = config_module.load(self.config_path)
                self.opts = self.make_options(self.cfg, build_time())
            opts = replace(self.opts, only=only, published=lambda: self._published(only))
            if only == "staff":
                opts = replace(opts, progress=self._stop_if_newer)
            with BuildLock(
                lock_path(self.cfg.root), on_wait=lambda said: print(said, file=sys.stderr)
            ):
                report = build(self.cfg, opts)
            self.problems = []
            what = "预览已更新" if only == "site" else "员工预览（LED、公众号）已更新"
            print(f"{what}：写入 {len(report.written)} 个文件", file=sys.stderr)
            return True
        except _Newer:
            raise
        except BuildFailed as failed:
            self.problems = failed.problems
            print(f"预览构建出错：{len(failed.problems)} 个问题，详情见浏览器页面", file=sys.stderr)
        except BuildBusy as busy:
            self.stamp = ""  # try again on the next request
            self.problems = [SiteError(str(self.config_path), 1, 1, busy.message, "")]
        # noqa: BLE001 - the preview must keep running whatever happens
        except Exception as exc:
            self.problems = [
                SiteError(
                    str(self.config_path),
                    1,
                    1,
                    f"内部错误：{exc!r}",
                    "请把这条信息发给技术人员。",
                )
            ]
        return False

    def _published(self, only: str) -> None:
        """The step's folder is swapped in: its pages reload now, while the build saves its cache
        (a page that asks meanwhile gets the new page, not the last error page)."""
        self.problems = []
        self._tell(only)

    def _stop_if_newer(self, phase: str) -> None:
        """Called as each phase of the staff step begins: stop it when a newer save came in, unless
        only the website's pages and publishing are left (cheaper to finish than to redo the
        bundles; LED frames are cached as they are drawn)."""
        if self._newer.is_set() and phase not in FINISH_PHASES:
            raise _Newer()

    def _may_have_changed(self) -> bool:
        """False only when the file watcher runs, reported nothing since the last rebuild and the
        day is the same."""
        return not self.watched or self._changed.is_set() or build_time().date() != self._day

    def _stamp(self) -> str:
        opts = self.opts
        roots = [self.config_path] + ([opts.content_dir, opts.templates_dir] if opts else [])
        return input_stamp(roots, build_time().date())

    def app(self, environ, start_response):
        """A WSGI app serving the preview folder under the site's base path, or the error page."""
        refused = self._refuse(environ, start_response)
        if refused is not None:
            return refused
        body = self._get(environ, start_response)
        # HEAD: GET's headers, no body
        return [b""] if environ.get("REQUEST_METHOD") == "HEAD" else body

    def _refuse(self, environ, start_response):
        """A response for a request from elsewhere or with a method the preview does not answer,
        else None."""
        # (only HTTP/1.0 on this machine sends none)
        host = _host_name(environ.get("HTTP_HOST", "127.0.0.1"))
        allowed = {"127.0.0.1", "localhost", "::1"} | (
            {self.cfg.serve.host.lower()} if self.cfg else set()
        )
        if host not in allowed:
            return _respond(start_response, "403 Forbidden", "text/plain; charset=utf-8",
                            f"预览只接受来自本机的访问（Host: {host[:60]} 被拒绝）。".encode())
        if environ.get("REQUEST_METHOD", "GET") not in ("GET", "HEAD"):
            start_response(
                "405 Method Not Allowed", [("Allow", "GET, HEAD"), ("Content-Length", "0")]
            )
            return [b""]
        return None

    def _get(self, environ, start_response):
        path = environ.get("PATH_INFO", "/")
        if path.endswith(("/", ".html")) and self._may_have_changed():
            # a save the watcher reported but whose rebuild has not started: the page waits for it
            self.rebuild()
        if path.endswith(("/", ".html")):
            self._served[path] = time.monotonic()  # (before reading: a swap after it is caught)
        if self.problems and (path.endswith("/") or path.endswith(".html")):
            return _respond(
                start_response,
                "500 Internal Server Error",
                "text/html; charset=utf-8",
                error_page(self.problems),
            )
        if self.cfg is None or self.opts is None:
            return _respond(
                start_response,
                "503 Service Unavailable",
                "text/plain; charset=utf-8",
                "正在构建…".encode(),
            )
        base = make_routes(self.cfg).base_path
        if path in ("/", base.rstrip("/")):
            return _redirect(start_response, base)
        if not path.startswith(base):
            return self._missing(start_response)
        return self._file(path[len(base):], start_response)

    def _missing(self, start_response):
        """The project's own 404 page (from the preview), with status 404."""
        missing = self.opts.out_dir / "404.html"
        body = missing.read_bytes() if missing.is_file() else "页面不存在".encode()
        return _respond(start_response, "404 Not Found", "text/html; charset=utf-8", body)

    def _file(self, rel: str, start_response):
        out = self.opts.out_dir
        # the staff folder, in the preview only
        if rel == STAFF_PATH.rstrip("/") or rel.startswith(STAFF_PATH):
            out = self.opts.staff
            target = (out / rel.removeprefix(STAFF_PATH.rstrip("/")).lstrip("/")).resolve()
        else:
            target = (out / rel).resolve()
        if target.is_dir():
            if not rel.endswith("/") and rel:
                return _redirect(start_response, make_routes(self.cfg).base_path + rel + "/")
            target = target / "index.html"
        if not target.is_relative_to(out.resolve()) or not target.is_file():
            return self._missing(start_response)
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in (
            "application/json",
            "application/xml",
            "application/javascript",
        ):
            kind += "; charset=utf-8"
        return _respond(start_response, "200 OK", kind, target.read_bytes())


def error_page(problems: list[SiteError]) -> bytes:
    """A readable Chinese page listing each problem with its file, line, the line itself and a
    hint."""
    items = []
    for problem in problems:
        context = ""
        path = Path(problem.path)
        if (
            path.is_file()
            and path.suffix in (".md", ".yaml", ".yml")
            and not problem.code.startswith("privacy.")
        ):
            context = context_lines(
                path.read_text(encoding="utf-8", errors="replace"), problem.line
            )
        items.append(
            f"<li><p class=where>{html.escape(problem.path)} 第 {problem.line} 行</p>"
            f"<p class=msg>{html.escape(problem.severity.value)}：{html.escape(problem.message)}</p>"
            + (f"<pre>{html.escape(context)}</pre>" if context else "")
            + (f"<p class=hint>提示：{html.escape(problem.hint)}</p>" if problem.hint else "")
            + "</li>"
        )
    page = (
        "<!DOCTYPE html><html lang=zh-CN><head><meta charset=utf-8><meta name=viewport "
        "content='width=device-width'>"
        "<title>构建出错</title><style>body{font:18px/1.7 sans-serif;margin:1rem;color:#222}h1{color:"
        "#a61b1b}"
        "li{margin-bottom:1rem;border-left:4px solid #a61b1b;padding-left:.8rem;list-style:"
        "none}.where{font-weight:700}"
        "pre{background:#f6f0ea;padding:.5rem;overflow-x:auto}.hint{color:"
        "#5c3c00}</style></head><body>"
        f"<h1>构建出错：{len(problems)} 个问题</h1><p>改好文件并保存后，这个页面会自动刷新。</p><ol>"
        + "".join(items)
        + "</ol></body></html>"
    )
    return page.encode()


def serve(
    cfg: SiteConfig, config_path: Path, make_options: OptionsFactory, port: int | None = None
) -> None:
    """Build the preview, then serve it, rebuilding on every change and telling open pages to
    reload."""
    from tornado.httpserver import HTTPServer
    from tornado.ioloop import IOLoop

    # unreviewed content: never listen beyond this machine
    host, port = "127.0.0.1", port or cfg.serve.port
    check_port(host, port)
    loop = IOLoop.current()
    preview = Preview(
        config_path,
        make_options,
        published=lambda pages: loop.add_callback(_reload_pages, pages),
    )
    preview.rebuild()  # both steps at once: the staff step's first drawing is the long one
    preview.staff_delay = STAFF_DELAY
    opts = preview.opts or make_options(cfg, build_time())
    trigger = Trigger(preview.rebuild)

    def changed(saved: bool = False) -> None:
        preview.changed()
        trigger.changed(saved)

    observer = watch([opts.content_dir, opts.templates_dir, config_path], changed,
                     lambda: changed(saved=True))
    preview.watched = True
    HTTPServer(_application(preview), max_body_size=MAX_BODY, max_buffer_size=MAX_BODY).listen(
        port, host
    )
    base = f"http://{host}:{port}{make_routes(cfg).base_path}"
    print(f"预览地址：{base}  （按 Ctrl+C 停止）\n员工预览（LED 屏幕、公众号）：{base}{STAFF_PATH}led/  和  "
          f"{base}{STAFF_PATH}wechat/<文章网址名>/", file=sys.stderr)
    try:
        loop.start()
    finally:
        observer.stop()


def check_port(host: str, port: int) -> None:
    """Raise OSError(EADDRINUSE) at once when the port is taken, before the first build."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))


class Trigger:
    """Debounce file-system events into rebuilds: one per burst, and one more for saves made during
    a rebuild (the rebuild itself tells the pages, see Preview.published)."""

    def __init__(self, rebuild: Callable[[], bool], delay: float = DEBOUNCE, saved: float = SAVED):
        self.rebuild, self.delay, self.saved_delay = rebuild, delay, saved
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._running = self._again = False

    def changed(self, saved: bool = False) -> None:
        """A file changed: (re)start the quiet period, a short one when the event ends a save
        (`saved`: a file closed from writing or renamed into place)."""
        with self._lock:
            if self._running:
                self._again = True
                return
            if self._timer is not None:
                self._timer.cancel()
            self._timer = threading.Timer(self.saved_delay if saved else self.delay, self._run)
            self._timer.daemon = True
            self._timer.start()

    def _run(self) -> None:
        with self._lock:
            self._running, self._again, self._timer = True, False, None
        try:
            self.rebuild()
        finally:
            with self._lock:
                self._running = False
                again = self._again
        if again:
            self.changed()


def watch(paths: list[Path], changed: Callable[[], None],
          saved: Callable[[], None] | None = None):
    """Start a watchdog observer calling `changed()` on every event under these folders and on
    these files (a file's folder is watched for that file only: the preview's own output beside
    the config file is no change); `saved()` instead, when given, for an event that ends a save
    (a file closed from writing, or moved into place)."""
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    class Handler(FileSystemEventHandler):
        def __init__(self, only: str | None):
            self.only = _same_path(only) if only else None

        def on_any_event(self, event):
            # (a folder "modified" comes after each event of a file in it, reported on its own)
            if event.event_type in ("opened", "closed_no_write") or ".git" in Path(
                os.fsdecode(event.src_path)
            ).parts or (event.is_directory and event.event_type == "modified"):
                return
            named = {event.src_path, getattr(event, "dest_path", "")}
            if self.only is None or self.only in {_same_path(p) for p in named if p}:
                (saved or changed)() if event.event_type in ("closed", "moved") else changed()

    observer = Observer()
    for path in paths:
        if path.is_dir():
            observer.schedule(Handler(None), str(path), recursive=True)
        else:
            observer.schedule(Handler(str(path)), str(path.parent), recursive=False)
    observer.daemon = True
    observer.start()
    return observer


def _same_path(path) -> str:
    """A path as the file system compares it (on Windows: either slash, any case)."""
    return os.path.normcase(os.path.normpath(os.fsdecode(path)))


def _reload_pages(pages: str = "all") -> None:
    """Send livereload's reload command to the connected pages of the website ("site"), of the
    staff folder ("staff") or to every page ("all"); no throttle: every rebuild is shown."""
    from livereload.handlers import LiveReloadHandler

    for waiter in list(LiveReloadHandler.waiters):
        if pages != "all" and (pages == "staff") != is_staff_page(getattr(waiter, "page_url", "")):
            continue
        try:
            waiter.write_message(RELOAD)
        except Exception:  # noqa: BLE001 - a closed page: forget it
            LiveReloadHandler.waiters.discard(waiter)


def is_staff_page(url: str) -> bool:
    """True for the address of a page of the preview's staff folder (`…/_staff/…`)."""
    path = urlsplit(url).path
    return f"/{STAFF_PATH}" in path or path.endswith(f"/{STAFF_PATH.rstrip('/')}")


def _page_socket(preview: Preview):
    """Livereload's websocket handler, remembering the address each page reports ("info"), and
    telling a page that connects after a reload it missed (see Preview.missed_reload)."""
    from livereload.handlers import LiveReloadHandler

    class PageSocket(LiveReloadHandler):
        page_url = ""

        def on_message(self, message):
            try:
                said = json.loads(message)
            except ValueError:
                return
            if isinstance(said, dict) and said.get("command") == "info":
                self.page_url = str(said.get("url", ""))[:2000]
            super().on_message(message)
            if self.page_url and preview.missed_reload(self.page_url):
                self.write_message(RELOAD)

    return PageSocket


def _application(preview: Preview):
    """Livereload's websocket and script, and the preview app (with livereload.js injected into its
    pages)."""
    from livereload.handlers import ForceReloadHandler, LiveReloadHandler, LiveReloadJSHandler
    from livereload.server import LiveScriptContainer, LiveScriptInjector
    from tornado import web

    script = (
        b'<script>(function(){var s=document.createElement("script");var '
        b'port=window.location.port||80;'
        b's.src="//"+window.location.hostname+":"+port+"/livereload.js?port="+port;'
        b'document.head.appendChild(s);})();</script>'
    )
    LiveReloadHandler.live_css = False

    class Injector(LiveScriptInjector):
        pass

    Injector.script = script
    handlers = [
        (r"/livereload", _page_socket(preview)),
        (r"/forcereload", ForceReloadHandler),
        (r"/livereload.js", LiveReloadJSHandler),
        (r".*", web.FallbackHandler, {"fallback": LiveScriptContainer(preview.app, script)}),
    ]
    return web.Application(handlers=handlers, transforms=[Injector])


def _host_name(header: str) -> str:
    """The host of a Host header without its port: "localhost:8000" → "localhost", "[::1]:8000" → ":
    :1"."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].split("]", 1)[0]
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def _respond(start_response, status: str, kind: str, body: bytes):
    start_response(
        status,
        [("Content-Type", kind), ("Content-Length", str(len(body))), ("Cache-Control", "no-store")],
    )
    return [body]


def _redirect(start_response, location: str):
    start_response("302 Found", [("Location", location), ("Content-Length", "0")])
    return [b""]
