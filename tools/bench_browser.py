"""`make bench-browser`: save → new page painted in Chromium with `make serve` running.

The sample site (a copy under the benchmark folder) is served by a real `python -m generator serve`
and a story page is open in the real /usr/bin/chromium. Each round names a new marker, appends it
to the story's file and takes the time of the write; the page itself takes the time when the
marker is in its text and a frame has been drawn with it (a script run at the start of every
document: once the text is there, the second animation frame after it, so the frame that shows it
has been presented), on the same system clock. The difference is one sample; a save whose text is
not painted within 10 s is missed (the page is then opened again by hand). Between saves the bench
waits as a person would, long enough for the preview to finish its staff outputs (LED, WeChat), so
that no save is measured against work the server dropped.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
TARGET = 0.3  # seconds: the median
MISSED_AFTER = 10.0  # seconds without the new text painted: the save was not pushed
# Runs at the start of every document: when the marker asked for is in the text, note the time of
# the second animation frame after (the first one has then been drawn and presented).
PAINT_PROBE = """(() => {
  const want = sessionStorage.getItem("bench-marker");
  if (!want) return;
  const look = () => {
    if (document.body && document.body.innerText.includes(want)) {
      requestAnimationFrame(() => requestAnimationFrame(() => sessionStorage.setItem(
        "bench-painted", want + " " + (performance.timeOrigin + performance.now()))));
    } else {
      requestAnimationFrame(look);
    }
  };
  requestAnimationFrame(look);
})();"""


def sample_site(work: Path) -> Path:
    """A copy of the shipped sample site (content, config, templates) to edit while measuring."""
    root = work / "sample-site"
    shutil.rmtree(root, ignore_errors=True)
    for name in ("content", "templates"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "site_config.yaml", root / "site_config.yaml")
    return root


def browser_reload(root: Path, saves: int, pause: float = 1.0, env: dict | None = None) -> dict:
    """Save a story `saves` times with the preview open in Chromium: the seconds from each write to
    the new text painted (`samples`) and how many saves never showed (`missed`)."""
    from playwright.sync_api import sync_playwright

    from generator import config
    from generator.base.slugs import slugify
    from generator.render.routes import make_routes

    port = 8790
    base = make_routes(config.load(root / "site_config.yaml")).base_path
    log = (root.parent / "serve.log").open("w", encoding="utf-8")
    server = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--port", str(port)],
        cwd=root, stdout=log, stderr=log, env=env,
    )
    story = sorted((root / "content/stories").glob("*.md"))[0]
    original = story.read_text(encoding="utf-8")
    given = re.search(r"^slug:\s*(\S+)", original, re.M)
    slug = given.group(1) if given else slugify(story.stem)
    url = f"http://127.0.0.1:{port}{base}stories/{slug}/"
    samples: list[float] = []
    missed = 0
    try:
        _wait_for_server(url, 120)
        with sync_playwright() as play:
            browser = play.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            page = browser.new_page()
            page.add_init_script(PAINT_PROBE)
            _open(page, url)
            time.sleep(2 * pause)  # the first staff outputs
            for n in range(saves):
                marker = f"刷新测量{n}号"
                page.evaluate("m => { sessionStorage.setItem('bench-marker', m); "
                              "sessionStorage.removeItem('bench-painted'); }", marker)
                written = time.time()
                story.write_text(original + f"\n{marker}\n", encoding="utf-8")
                painted = _painted(page, marker)
                if painted is None:
                    missed += 1
                    _open(page, url)
                else:
                    samples.append(painted - written)
                time.sleep(pause)
            browser.close()
    finally:
        story.write_text(original, encoding="utf-8")
        server.terminate()
        server.wait(10)
        log.close()
    return {"samples": samples, "missed": missed}


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_function("window.LiveReload !== undefined", timeout=30_000)


def _painted(page, marker: str) -> float | None:
    """The page's own time (seconds since the epoch) of the frame showing `marker`, or None."""
    deadline = time.monotonic() + MISSED_AFTER
    while time.monotonic() < deadline:
        try:  # (between the old document and the new one there is no page to ask)
            seen = page.evaluate("() => sessionStorage.getItem('bench-painted')")
        except Exception:  # noqa: BLE001 - the page is navigating
            seen = None
        if seen and seen.split(" ")[0] == marker:
            return float(seen.split(" ")[1]) / 1000
        time.sleep(0.02)
    return None


def _wait_for_server(url: str, limit: float) -> None:
    import urllib.request

    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            # noqa: S310 - our own server on loopback
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"{url} 在 {limit:.0f} 秒内没有打开")


def summary(result: dict, saves: int) -> str:
    """One Chinese line: median, p90 and misses, in milliseconds."""
    samples = sorted(result["samples"])
    if not samples:
        return f"浏览器里保存 → 新页面画出（Chromium，{saves} 次保存）：一次也没有显示，漏推 {saves} 次。"
    p90 = statistics.quantiles(samples, n=10, method="inclusive")[8] if len(samples) > 1 else samples[0]
    met = statistics.median(samples) <= TARGET and not result["missed"]
    return (f"浏览器里保存 → 新页面画出（Chromium，{saves} 次保存）：中位数 "
            f"{statistics.median(samples) * 1000:.0f} ms，p90 {p90 * 1000:.0f} ms，"
            f"最慢 {samples[-1] * 1000:.0f} ms，漏推 {result['missed']} 次"
            f"（目标：中位数 ≤ {TARGET * 1000:.0f} ms、不漏推 {'✓' if met else '✗'}）。")


def main(argv: list[str] | None = None) -> int:
    """Measure and print the line (with ✓ or ✗ for the target, as `make bench` does)."""
    parser = argparse.ArgumentParser(prog="python -m tools.bench_browser")
    parser.add_argument("--saves", type=int, default=50)
    parser.add_argument("--pause", type=float, default=1.0, help="seconds between saves")
    parser.add_argument("--work", type=Path, default=Path("/tmp/wenming-bench"))
    parser.add_argument("--generator", type=Path, default=REPO,
                        help="the checkout whose preview server runs (to compare before and after)")
    args = parser.parse_args(argv)
    from tools.bench import _env

    env = {**_env(), "PYTHONPATH": str(args.generator.resolve())}
    result = browser_reload(sample_site(args.work), args.saves, args.pause, env)
    print(summary(result, args.saves))
    return 0


if __name__ == "__main__":
    sys.exit(main())
