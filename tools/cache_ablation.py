"""What each caching mechanism saves: CPU time of cold, no-change and one-edit builds with each one
switched off in turn.

    python -m tools.cache_ablation SITE_ROOT [--only NAME,...] [--runs N]

Switching a mechanism off makes its reads miss while its writes go on, so every variant runs against
the same full cache and the variants can be measured one after another on one tree; in a cold build
it stores nothing either, so the cold column shows what keeping it costs. The no-change
build bypasses the CLI's input-stamp shortcut (which answers before any cache is read), as a build
after `git checkout` or a save without changes does. Times are the user + system CPU seconds of the
build process and its workers (the machine is shared: wall time would measure the neighbours).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

# Namespaces of generator.base.cache.Cache, and the folders of sealed cache files under .cache/.
NAMESPACES = (
    "pages", "checks", "review", "body-images", "bodies", "wechat", "wechat-outline",
    "search-index", "title-html", "image-keys",
)
FOLDERS = ("led", "images", "jinja")
# Memos inside one build: the URL memo of routes, and the site format's page views.
MEMOS = ("url-memo", "views-memo")

_PATCH = r"""
import sys
off = set(sys.argv[1].split(",")) - {""}
if "all" in off:
    off = set(%(namespaces)r) | set(%(folders)r) | set(%(memos)r) | {"is-current"}
no_stamp, cold = sys.argv[2] == "1", sys.argv[3] == "1"
import generator.base.cache as cache
if off & set(%(namespaces)r):
    _get, _put = cache.Cache.get, cache.Cache.put
    def get(self, namespace, key, _get=_get):
        return cache._MISSING if namespace in off else _get(self, namespace, key)
    def put(self, namespace, key, value, changed=False, _put=_put):
        if not (cold and namespace in off):  # a cold build without it stores nothing either
            _put(self, namespace, key, value, changed)
    cache.Cache.get, cache.Cache.put = get, put
import generator.render.routes as routes
if "url-memo" in off and hasattr(routes._url, "__wrapped__"):  # (removed since: see keys.md)
    routes._url = routes._url.__wrapped__
if "views-memo" in off:
    import generator.formats.site.pages as pages
    pages._view = lambda inp, page, body=False: pages._make_view(inp, page, body)
folders = off & set(%(folders)r)
if folders:
    _read, _write = cache.read_sealed, cache.write_sealed
    def read_sealed(path, key, _read=_read):
        return None if set(path.parts) & folders else _read(path, key)
    def write_sealed(path, data, key, _write=_write):
        if not (cold and set(path.parts) & folders):
            _write(path, data, key)
    cache.read_sealed, cache.write_sealed = read_sealed, write_sealed
if "is-current" in off:
    import generator.build.writer as writer
    writer.Publication.is_current = lambda self, rel, key: False
if no_stamp:
    import generator.cli as cli
    cli.unchanged = lambda *args, **kwargs: None
from generator.cli import main
sys.exit(main(["build", "--quiet"]))
""" % {"namespaces": NAMESPACES, "folders": FOLDERS, "memos": MEMOS}


def cpu(root: Path, off: str, no_stamp: bool, cold: bool = False) -> float:
    """CPU seconds (user + system, workers included) of one build of `root` with `off` switched
    off; a `cold` build without a mechanism does not store into it either."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    process = subprocess.Popen(
        [sys.executable, "-c", _PATCH, off, "1" if no_stamp else "0", "1" if cold else "0"],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"build failed ({off}):\n{process.stderr.read().decode()[-2000:]}")
    process.stderr.close()
    return usage.ru_utime + usage.ru_stime


def _edit(root: Path, n: int) -> None:
    story = sorted((root / "content/stories").glob("*.md"))[0]
    story.write_text(story.read_text(encoding="utf-8") + f"\n测量第 {n} 次修改。\n",
                     encoding="utf-8")


def measure(root: Path, names: list[str], runs: int, cold: bool) -> dict[str, dict[str, float]]:
    """{variant: {cold, unchanged, edited}} in CPU seconds (median of `runs`); "" is all on.

    Without `cold`, only the all-on variant gets a cold build (a cold build reads no cache: only
    the cost of writing one differs, which the all-off row of a `cold` run shows).
    """
    results: dict[str, dict[str, float]] = {}
    edits = 0
    for name in ["", *names]:
        samples: dict[str, list[float]] = {"cold": [], "unchanged": [], "edited": []}
        for _ in range(runs):
            if cold or not name:
                for folder in ("public", "staff", ".cache"):
                    shutil.rmtree(root / folder, ignore_errors=True)
                samples["cold"].append(cpu(root, name, True, cold=True))
            else:
                samples["cold"].append(float("nan"))
            cpu(root, "", True)  # the cache as a normal build leaves it
            samples["unchanged"].append(cpu(root, name, True))
            edits += 1
            _edit(root, edits)
            samples["edited"].append(cpu(root, name, True))
        results[name or "all on"] = {k: sorted(v)[len(v) // 2] for k, v in samples.items()}
        print(name or "all on", results[name or "all on"], flush=True)
    return results


_PREVIEW = r"""
import sys, time
from dataclasses import replace
from pathlib import Path
from generator import config
from generator.build.options import BuildOptions
from generator.build.pipeline import build
from generator.model.content import Page  # noqa: F401 (loaded before timing, as in the server)
root, keep, saves = Path(sys.argv[1]), sys.argv[2] == "1", int(sys.argv[3])
cfg = config.load(root / "site_config.yaml")
templates = root / "templates" if (root / "templates").is_dir() else Path("templates").resolve()
opts = BuildOptions(root / "content", root / ".preview", templates,
                    __import__("datetime").datetime(2026, 12, 2, 9), preview=True,
                    cache_dir=root / ".cache", keep_cache=keep)
build(cfg, opts)
story = sorted((root / "content/stories").glob("*.md"))[0]
spent = []
for n in range(saves):
    story.write_text(story.read_text(encoding="utf-8") + f"\n预览第 {n} 次。\n", encoding="utf-8")
    start = time.process_time()
    build(cfg, opts)
    spent.append(time.process_time() - start)
print(sorted(spent)[len(spent) // 2])
"""


def preview(root: Path, keep: bool, saves: int = 5) -> float:
    """Median CPU seconds of a preview rebuild after a save, in one process as the preview server
    runs them, with the cache kept in memory between builds (`keep`) or read from .cache/ each
    time."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    done = subprocess.run(
        [sys.executable, "-c", _PREVIEW, str(root), "1" if keep else "0", str(saves)],
        cwd=Path(__file__).resolve().parents[1], env=env, capture_output=True, text=True,
        check=True,
    )
    return float(done.stdout.split()[-1])


def main(argv: list[str] | None = None) -> int:
    """Print a Markdown table of CPU seconds per variant and scenario."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument(
        "--only", default=",".join(NAMESPACES + FOLDERS + MEMOS + ("is-current", "all")),
        help="variants, comma-separated: namespaces, folders, is-current, all",
    )
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--no-cold", action="store_true", help="a cold build for all-on only")
    parser.add_argument("--preview", action="store_true",
                        help="only the preview server's rebuilds, with and without the kept cache")
    args = parser.parse_args(argv)
    if args.preview:
        kept, read = preview(args.root.resolve(), True), preview(args.root.resolve(), False)
        print(f"preview rebuild after a save: kept cache {kept:.2f} s, "
              f"read from .cache/ {read:.2f} s")
        return 0
    results = measure(args.root.resolve(), args.only.split(","), args.runs, not args.no_cold)
    base = results["all on"]
    print("| switched off | cold s | no-change s | one-edit s |")
    print("|---|---|---|---|")
    for name, row in results.items():
        cells = [f"{row[k]:.2f}" + ("" if name == "all on" else f" ({row[k] - base[k]:+.2f})")
                 for k in ("cold", "unchanged", "edited")]
        print(f"| {name} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
