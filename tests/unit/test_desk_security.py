"""Attacks on the 编审台, against a real tornado server on 127.0.0.1: no session, wrong stage, no CSRF token,
foreign Host, password guessing, XSS payloads, hostile uploads, and 50 clients at once."""
from __future__ import annotations

import io
import sqlite3
import threading
import urllib.parse

import pytest
from PIL import Image

from generator.desk import accounts
from tests.desk_helpers import ADMIN, PASSWORD, REVIEWERS, WRITER, Client, DeskServer

ARTICLE = "stories/2026-11-01-好人张三.md"
Q = urllib.parse.quote(ARTICLE)
ROUTES = [("GET", "/"), ("GET", f"/article?src={Q}"), ("GET", "/write?type=story"), ("GET", f"/write?src={Q}"),
          ("GET", "/publish"), ("GET", "/_preview/index.html"), ("GET", "/content/images/x.jpg"),
          ("GET", "/nothing-here"), ("POST", "/article/sign"), ("POST", "/article/return"),
          ("POST", "/article/withdraw"), ("POST", "/write"), ("POST", "/upload"), ("POST", "/render"),
          ("POST", "/publish"), ("POST", "/logout"), ("GET", "/audit")]


@pytest.fixture(scope="module")
def desk(desk_site, tmp_path_factory):
    ws = desk_site(tmp_path_factory.mktemp("desk") / "site")
    with DeskServer(ws) as server:
        yield server


def _jpeg(**info) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "JPEG", **info)
    return out.getvalue()


@pytest.mark.parametrize("method,path", ROUTES)
def test_every_route_without_a_session_is_refused(desk, method, path):
    client = Client(desk.port)
    client.get("/login")  # a CSRF token, so that only the missing session is what refuses the POST
    status, headers, text = client.request(method, path, {} if method == "POST" else None)
    assert status in (302, 403), (path, status)
    if status == 302:
        assert headers["location"] == "/login"
    assert "好人张三" not in text


def test_only_the_login_page_and_its_files_are_public(desk):
    client = Client(desk.port)
    assert client.get("/login")[0] == 200
    assert client.get("/desk-static/desk.css")[0] == 200
    assert client.get("/desk-static/desk.js")[0] == 200


def test_session_cookie_is_httponly_and_samesite_strict(desk):
    client = Client(desk.port)
    client.get("/login")
    status, headers, _ = client.post("/login", {"name": "陈初审", "password": PASSWORD})
    assert status == 302
    cookie = headers["set-cookie"]
    assert "desk_session=" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_a_first_review_account_cannot_sign_the_final_stage(desk):
    client = Client(desk.port)
    assert client.login("陈初审") == 302
    status, _, text = client.post("/article/sign", {"src": ARTICLE, "stage": "终审", "password": PASSWORD})
    assert status == 403 and "没有签上" in text
    assert client.get(f"/article?src={Q}")[2].count("<li class=\"done\">") == 0


def test_the_writer_cannot_withdraw_or_sign(desk):
    client = Client(desk.port)
    client.login(WRITER)
    assert client.post("/article/sign", {"src": ARTICLE, "stage": "初审", "password": PASSWORD})[0] == 403
    assert client.post("/article/withdraw", {"src": ARTICLE, "reason": "x", "password": PASSWORD})[0] == 403
    assert client.get("/publish")[0] == 403 and client.get("/audit")[0] == 403


def test_a_request_without_the_csrf_token_is_refused(desk):
    client = Client(desk.port)
    client.login("陈初审")
    status, _, _ = client.post("/article/return", {"src": ARTICLE, "stage": "初审", "reason": "x",
                                                   "password": PASSWORD}, xsrf=False)
    assert status == 403
    assert client.post("/login", {"name": "陈初审", "password": PASSWORD}, xsrf=False)[0] == 403


def test_a_foreign_host_header_is_refused(desk):
    client = Client(desk.port, host="evil.example.com")
    assert client.get("/login")[0] == 421
    assert client.get("/")[0] == 421
    assert Client(desk.port, host="localhost").get("/login")[0] == 200


def test_repeated_failures_lock_the_account(desk_site, tmp_path):
    ws = desk_site(tmp_path / "site")
    with DeskServer(ws) as server:
        client = Client(server.port)
        for _ in range(accounts.MAX_FAILURES):
            assert client.login("赵一校", "wrong-password") == 403
        status = client.login("赵一校", PASSWORD)
        assert status == 429  # the right password does not help while locked
        assert Client(server.port).login("孙二校") == 302  # others are not affected


XSS = '<script>alert(1)</script><img src=x onerror=alert(2)>'


# A file name cannot carry < > " (refused: they are invalid on Windows), but it can carry ' = & and spaces.
FILE_XSS = "x' onmouseover='alert(3)' &amp"


def test_xss_payloads_are_escaped_on_every_desk_page(desk_site, tmp_path):
    name = f"{FILE_XSS}.md"
    ws = desk_site(tmp_path / "site", {f"content/stories/2026-11-02-{name}": (
        f"---\ntitle: \"{XSS}\"\ndate: 2026-11-02\nperson: 李四\ncategory: 助人为乐\nauthor: 方写稿\n"
        f"summary: \"{XSS}\"\nconsent: {{who: 李四, date: 2026-10-20}}\n---\n{XSS}正文\n")})
    source = f"stories/2026-11-02-{name}"
    with DeskServer(ws) as server:
        client = Client(server.port)
        client.login("陈初审")
        status, _, text = client.post("/article/return", {"src": source, "stage": "初审", "reason": XSS,
                                                          "password": PASSWORD})
        assert status == 302
        pages = ["/", "/?state=returned", f"/article?src={urllib.parse.quote(source)}",
                 f"/write?src={urllib.parse.quote(source)}"]
        for path in pages:
            status, _, text = client.get(path)
            assert status == 200, path
            assert "<script>alert" not in text and "<img src=x" not in text, path
            assert "onmouseover='alert" not in text, path
            assert "&lt;script&gt;" in text, path
        writer = Client(server.port)
        writer.login(WRITER)
        status, _, text = writer.post("/write", {"type": "story", "title": XSS, "date": "2026-11-03",
                                                 "body": "x", "consent.who": XSS})
        assert "<script>alert" not in text


def test_uploads_with_folder_names_or_scripts_are_refused(desk):
    client = Client(desk.port)
    client.login(WRITER)
    for filename, data in [("../../x.jpg", _jpeg()), ("..\\x.jpg", _jpeg()), (".hidden.jpg", _jpeg()),
                           ("x.php", _jpeg()), ("x.jpg", b"<script>alert(1)</script>"),
                           ("x.jpg", _jpeg() + b"<script>alert(1)</script>"), ("x.svg", b"<svg onload=x>"),
                           ("x.jpg", b"not an image at all")]:
        status, _, text = client.request("POST", "/upload", {"folder": "stories", "alt": "说明"},
                                         files={"file": (filename, data)})
        assert status == 400, filename
        assert "error" in text
    images = desk.ws.content_dir / "images"
    assert not images.exists() or not any(images.rglob("*"))
    assert not (desk.ws.root / "x.jpg").exists() and not (desk.ws.root.parent / "x.jpg").exists()


def test_an_upload_without_alt_text_or_too_large_is_refused(desk):
    client = Client(desk.port)
    client.login(WRITER)
    assert client.request("POST", "/upload", {"folder": "stories", "alt": ""},
                          files={"file": ("a.jpg", _jpeg())})[0] == 400
    big = b"\xff\xd8" + b"0" * (11 * 1024 * 1024)
    status, _, text = client.request("POST", "/upload", {"folder": "stories", "alt": "说明"},
                                     files={"file": ("a.jpg", big)})
    assert status == 400 and "太大" in text


def test_a_photo_upload_loses_its_exif(desk):
    client = Client(desk.port)
    client.login(WRITER)
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    status, _, text = client.request("POST", "/upload", {"folder": "stories", "alt": "张三在帮邻居"},
                                     files={"file": ("张三 照片.jpg", _jpeg(exif=exif.tobytes()))})
    assert status == 200, text
    saved = next((desk.ws.content_dir / "images" / "stories").glob("*.jpg"))
    assert b"SecretCam" not in saved.read_bytes() and b"Exif" not in saved.read_bytes()
    assert "![张三在帮邻居](images/stories/" in text


def test_fifty_concurrent_clients_are_served(desk):
    results: list[int] = []
    lock = threading.Lock()

    def one(i: int) -> None:
        client = Client(desk.port)
        status = client.get("/login")[0]
        if i % 5 == 0:
            status = 200 if client.login(ADMIN) == 302 and client.get("/")[0] == 200 else 0
        with lock:
            results.append(status)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert results.count(200) == 50


def test_accounts_and_audit_live_in_one_wal_sqlite_file_with_hashed_passwords(desk):
    conn = sqlite3.connect(desk.ws.db_path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        stored = [row[0] for row in conn.execute("SELECT password FROM accounts")]
        assert len(stored) == len(REVIEWERS) + 2
        assert all(s.startswith("scrypt$") and PASSWORD not in s for s in stored)
        assert conn.execute("SELECT COUNT(*) FROM audit WHERE action = 'login'").fetchone()[0] > 0
    finally:
        conn.close()
