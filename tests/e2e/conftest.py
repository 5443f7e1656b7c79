"""End-to-end fixtures: the shipped sample site built once, served on 127.0.0.1 under its base path, and Chromium."""
from __future__ import annotations

import functools
import http.server
import threading
from datetime import datetime
from pathlib import Path

import pytest

from generator import config
from generator.build.pipeline import BuildOptions, build
from generator.render.routes import make_routes

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
BUILD_TIME = datetime(2026, 11, 20, 9, 0)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output readable
        pass


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """The shipped content built as `make build` would (fixed clock), into a temporary folder."""
    out = tmp_path_factory.mktemp("sample") / "public"
    cfg = config.load(ROOT / "site_config.yaml")
    build(cfg, BuildOptions(ROOT / "content", out, ROOT / "templates", BUILD_TIME, cache_dir=ROOT / ".cache"))
    return out


@pytest.fixture(scope="session")
def site_url(sample_site, tmp_path_factory) -> str:
    """Serve the built site under the config's base path (a sub-path) and return its local URL."""
    base_path = make_routes(config.load(ROOT / "site_config.yaml")).base_path
    docroot = tmp_path_factory.mktemp("docroot")
    mount = docroot / base_path.strip("/")
    mount.parent.mkdir(parents=True, exist_ok=True)
    mount.symlink_to(sample_site, target_is_directory=True)
    (docroot / "_staff").symlink_to(sample_site.parent / "staff", target_is_directory=True)  # (see staff_url)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(docroot)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}{base_path}"
    server.shutdown()


@pytest.fixture(scope="session")
def staff_url(site_url) -> str:
    """The staff folder (staff/ beside public/), served by the same server at /_staff/ (never under the site)."""
    return site_url.split("/", 3)[0] + "//" + site_url.split("/", 3)[2] + "/_staff/"


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed: .ci/run installs Debian's chromium package")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
