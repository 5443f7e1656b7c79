"""Shared by the desk's unit, security and end-to-end tests: a small site with a signed roster and desk accounts,
a real desk server on 127.0.0.1 (a free port), and a plain HTTP client that logs in like a browser.

Tests take the `desk_site` fixture (tests/conftest.py): the site is made once per test process
(its eight desk passwords cost real scrypt work) and each test gets a copy."""
from __future__ import annotations

import asyncio
import http.client
import re
import shutil
import threading
import urllib.parse
from datetime import datetime
from pathlib import Path

from generator.checks.review import TEST_SCRYPT_N, ReviewStore
from generator import config
from generator.desk import accounts
from generator.desk.workspace import Workspace
from tests.conftest import write_tree

NOW = datetime(2026, 11, 20, 9, 0)
PASSWORD = "desk-pass-123"
ADMIN = "林文"
REVIEWERS = {"陈初审": ["初审"], "赵一校": ["一校"], "刘复审": ["复审"], "孙二校": ["二校"], "周三校": ["三校"],
             "王终审": ["终审"]}
WRITER = "方写稿"

CONFIG = """\
site:
  title: 测试站
  base_url: https://example.gov.cn/wenming/
led:
  screens:
    - {name: gate, width: 192, height: 96, colour: full, font_size: 24, min_font_size: 16}
"""

STORY = """\
---
title: 好人张三
date: 2026-11-01
person: 张三
category: 助人为乐
author: 方写稿
summary: 张三常年帮助邻居。
consent: {who: 张三, date: 2026-10-20}
---
张三是柚苑社区的热心人，十年来天天帮邻居买菜。
"""


def make_desk_site(root: Path, files: dict | None = None) -> Workspace:
    """A site with one story, a pinned roster (admin, six reviewers, a writer) and their desk accounts."""
    write_tree(root, {"site_config.yaml": CONFIG, "content/stories/2026-11-01-好人张三.md": STORY, **(files or {})})
    store = ReviewStore.open(root / "content", None, kdf_n=TEST_SCRYPT_N)
    trust = store.init_admin(ADMIN, PASSWORD, NOW)
    (root / "site_config.yaml").write_text(CONFIG + f"review:\n  trust: {trust}\n", encoding="utf-8")
    ws = Workspace(root / "site_config.yaml", clock=lambda: NOW, kdf_n=TEST_SCRYPT_N)
    store = ReviewStore.for_config(config.load(ws.config_path), ws.content_dir, kdf_n=TEST_SCRYPT_N, now=NOW)
    accounts.create(ws.db_path, ADMIN, PASSWORD, [], True, NOW)
    for name, stages in {**REVIEWERS, WRITER: []}.items():
        store.add_person(name, stages, admin=False, password=PASSWORD, by=ADMIN, by_password=PASSWORD, now=NOW)
        accounts.create(ws.db_path, name, PASSWORD, stages, False, NOW)
    return ws


def copy_desk_site(template: Workspace, root: Path, files: dict | None = None) -> Workspace:
    """A copy at root of a site make_desk_site made, `files` added: same roster, keys, accounts."""
    shutil.copytree(template.root, root, symlinks=True)
    write_tree(root, files or {})
    return Workspace(root / "site_config.yaml", clock=lambda: NOW, kdf_n=TEST_SCRYPT_N)


class DeskServer:
    """The desk application served by tornado in a background thread, on a free port of 127.0.0.1."""

    def __init__(self, ws: Workspace):
        self.ws = ws
        self.port = 0
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "DeskServer":
        self._thread.start()
        self._ready.wait(30)
        return self

    def __exit__(self, *exc) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._task.cancel)
        self._thread.join(10)

    @property
    def url(self) -> str:
        """The desk's address."""
        return f"http://127.0.0.1:{self.port}"

    def _run(self) -> None:
        from generator.desk.app import serve

        self._loop = asyncio.new_event_loop()

        def ready(port: int) -> None:
            self.port = port
            self._ready.set()

        self._task = self._loop.create_task(serve(self.ws, "127.0.0.1", 0, ready))
        try:
            self._loop.run_until_complete(self._task)
        except asyncio.CancelledError:
            pass
        finally:
            self._loop.close()


class Client:
    """A browser-like client: keeps cookies, finds the CSRF token in forms, never follows redirects by itself."""

    def __init__(self, port: int, host: str = "127.0.0.1"):
        self.port, self.host = port, host
        self.cookies: dict[str, str] = {}
        self.xsrf = ""

    def request(self, method: str, path: str, fields: dict | None = None, *, files: dict | None = None,
                headers: dict | None = None, xsrf: bool = True) -> tuple[int, dict, str]:
        """Send a request; form fields get the CSRF token unless xsrf=False. Returns (status, headers, text)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        body, kind = None, None
        if fields is not None or files is not None:
            data = dict(fields or {})
            if xsrf and self.xsrf:
                data.setdefault("_xsrf", self.xsrf)
            body, kind = _multipart(data, files or {}) if files else (urllib.parse.urlencode(data, doseq=True),
                                                                      "application/x-www-form-urlencoded")
        sent = {"Host": f"{self.host}:{self.port}", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if kind:
            sent["Content-Type"] = kind
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        text = response.read().decode("utf-8", errors="replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0].strip('"')
        conn.close()
        found = re.search(r'name="_xsrf" value="([^"]+)"', text)
        if found:
            self.xsrf = found.group(1)
        return response.status, {k.lower(): v for k, v in response.getheaders()}, text

    def get(self, path: str, **kw) -> tuple[int, dict, str]:
        """GET a path."""
        return self.request("GET", path, **kw)

    def post(self, path: str, fields: dict | None = None, **kw) -> tuple[int, dict, str]:
        """POST a form."""
        return self.request("POST", path, fields or {}, **kw)

    def login(self, name: str, password: str = PASSWORD) -> int:
        """Log in through the login form; the status of the answer (302 when it worked)."""
        self.get("/login")
        return self.post("/login", {"name": name, "password": password})[0]


def _multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = "----desk-test-boundary"
    parts = []
    for name, value in fields.items():
        for one in value if isinstance(value, list) else [value]:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{one}\r\n'.encode())
    for name, (filename, data) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
