"""The real preview server (`python -m generator serve`): who it answers, what it refuses, and that every save
is pushed to the open page over livereload's protocol."""
from __future__ import annotations

import asyncio
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import MINIMAL_CONFIG, STORY, write_tree

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _request(port: int, method: str, path: str, headers: dict | None = None, body: bytes | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, dict(response.getheaders()), data


def _serve(root: Path):
    """Start `generator serve` on a free port for the site at root and wait until it answers;
    (port, child)."""
    port = _free_port()
    child = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--port", str(port),
                              "--config", str(root / "site_config.yaml")], cwd=root,
                             env={**os.environ, "PYTHONPATH": str(ROOT)},
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if _request(port, "GET", "/wenming/")[0] == 200:
                break
        except OSError:
            time.sleep(0.2)
    return port, child


def _stop(child: subprocess.Popen) -> None:
    child.terminate()
    child.wait(10)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """One server for the tests that only ask it things (none of them changes a file)."""
    root = write_tree(tmp_path_factory.mktemp("serve") / "site",
                      {"site_config.yaml": MINIMAL_CONFIG, "content/stories/a.md": STORY})
    port, child = _serve(root)
    yield root, port, child
    _stop(child)


@pytest.fixture
def edited(make_site):
    """A server of its own, for a test that saves files while it runs."""
    root = make_site({"content/stories/a.md": STORY})
    port, child = _serve(root)
    yield root, port, child
    _stop(child)


def test_only_this_machine_is_answered(served):
    _root, port, _ = served
    assert _request(port, "GET", "/wenming/")[0] == 200
    assert _request(port, "GET", "/wenming/", {"Host": f"localhost:{port}"})[0] == 200
    status, _, body = _request(port, "GET", "/wenming/", {"Host": "attacker.example"})
    assert status == 403 and "只接受来自本机" in body.decode()
    status, _, _ = _request(port, "GET", "/wenming/", {"Host": f"127.0.0.1.attacker.example:{port}"})
    assert status == 403


def test_only_get_and_head_on_content(served):
    _root, port, _ = served
    status, headers, body = _request(port, "HEAD", "/wenming/")
    assert status == 200 and body == b""
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        status, headers, _ = _request(port, method, "/wenming/", body=b"x")
        assert status == 405 and headers["Allow"] == "GET, HEAD"
    assert _request(port, "GET", "/livereload.js")[0] == 200, "livereload's own endpoints stay"


def test_a_large_body_is_cut_off_unread_and_the_server_lives_on(served):
    _root, port, _ = served
    with socket.create_connection(("127.0.0.1", port), timeout=30) as raw:
        raw.sendall(b"POST /wenming/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 94371840\r\n\r\n")
        try:
            for _ in range(100):
                raw.sendall(b"x" * 65536)
            answer = raw.recv(1000)
        except OSError:
            answer = b""
    assert not answer.startswith(b"HTTP/1.1 200")
    assert _request(port, "GET", "/wenming/")[0] == 200


def test_missing_pages_get_the_projects_404_page(served):
    root, port, _ = served
    own = (root / ".preview/404.html").read_bytes()
    for path in ("/wenming/nothing/", "/favicon.ico", "/elsewhere/page.html"):
        status, _, body = _request(port, "GET", path)
        assert status == 404 and body.startswith(own[:200]), path


def test_a_port_in_use_gets_its_own_message(served):
    root, port, _ = served
    second = subprocess.run([sys.executable, "-m", "generator", "serve", "--port", str(port),
                             "--config", str(root / "site_config.yaml")], cwd=root,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=120)
    assert second.returncode == 1 and "端口已被占用" in second.stderr and "Traceback" not in second.stderr


def test_every_save_is_pushed_to_the_open_page(edited):
    from tornado.websocket import websocket_connect

    root, port, _ = edited
    story = root / "content/stories/a.md"

    async def session() -> list[str]:
        socket_ = await websocket_connect(f"ws://127.0.0.1:{port}/livereload")
        socket_.write_message(json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))
        assert json.loads(await socket_.read_message())["command"] == "hello"
        socket_.write_message(json.dumps({"command": "info", "url": f"http://127.0.0.1:{port}/wenming/"}))
        seen = []
        for n in range(5):
            story.write_text(STORY.replace("热心人", f"热心人第{n}次"), encoding="utf-8")
            message = json.loads(await socket_.read_message())
            assert message["command"] == "reload"
            status, _, body = _request(port, "GET", "/wenming/stories/a/")
            seen.append(f"热心人第{n}次" in body.decode())
        socket_.close()
        return seen

    # In a loop of its own, on a thread of its own: a Playwright test run earlier on this worker may hold the
    # thread's asyncio loop ("This event loop is already running").
    result = {}

    def run() -> None:
        loop = asyncio.new_event_loop()
        try:
            result["seen"] = loop.run_until_complete(asyncio.wait_for(session(), 120))
        finally:
            loop.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(130)
    assert result.get("seen") == [True] * 5


def test_the_staff_pages_are_pushed_when_their_outputs_are_done(edited):
    from tornado.websocket import websocket_connect

    root, port, _ = edited
    story = root / "content/stories/a.md"

    async def page(url: str):
        socket_ = await websocket_connect(f"ws://127.0.0.1:{port}/livereload")
        hello = {"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}
        socket_.write_message(json.dumps(hello))
        assert json.loads(await socket_.read_message())["command"] == "hello"
        socket_.write_message(json.dumps({"command": "info", "url": url}))
        return socket_

    async def told(socket_, wait: float) -> list[str]:
        seen = []
        while True:
            try:
                message = await asyncio.wait_for(socket_.read_message(), wait)
            except asyncio.TimeoutError:
                return seen
            seen.append(json.loads(message)["command"])

    async def until_reload(socket_) -> list[str]:
        seen = []
        while "reload" not in seen:
            seen.append(json.loads(await asyncio.wait_for(socket_.read_message(), 60))["command"])
        return seen

    async def session() -> tuple[list[str], list[str], bytes]:
        site = await page(f"http://127.0.0.1:{port}/wenming/stories/a/")
        staff = await page(f"http://127.0.0.1:{port}/wenming/_staff/wechat/a/")
        await asyncio.sleep(0.3)
        story.write_text(STORY.replace("热心人", "员工预览测试人"), encoding="utf-8")
        # Until each page has been told to reload, then 1.5 s of quiet for any second message.
        firsts = await asyncio.gather(until_reload(site), until_reload(staff))
        extras = await asyncio.gather(told(site, 1.5), told(staff, 1.5))
        site_told, staff_told = (first + extra for first, extra in zip(firsts, extras))
        _, _, bundle = _request(port, "GET", "/wenming/_staff/wechat/a/")
        site.close()
        staff.close()
        return site_told, staff_told, bundle

    result = {}

    def run() -> None:
        loop = asyncio.new_event_loop()
        try:
            result["told"] = loop.run_until_complete(asyncio.wait_for(session(), 120))
        finally:
            loop.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(130)
    site_told, staff_told, bundle = result["told"]
    assert site_told == ["reload"], "a website page reloads once per save"
    assert staff_told == ["reload"], "a staff page once, when the staff step is done"
    assert "员工预览测试人".encode() in bundle
