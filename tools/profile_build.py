"""Profile one cold build in this process (cProfile, no cache, one process) and print the top
costs by cumulative and by own time.

    python -m tools.profile_build --pages 1000        # the text-only bench corpus (tools/corpus)
    python -m tools.profile_build --site .            # the sample site (content/ beside the config)
    python -m tools.profile_build --pages 1000 --cpu  # CPU seconds only, no profiler

The CLI ends with os._exit, so the profile calls the pipeline's build function itself. Workers
are off (jobs=1) so that every call shows in the profile. Corpora and outputs go under
/tmp/wenming-profile, never into the repository.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import shutil
import sys
import time
from datetime import datetime
from pathlib import Path

from tools.bench import prepare as corpus  # the bench's text-only corpus, written once per size

WORK = Path(os.environ.get("WENMING_PROFILE_DIR", "/tmp/wenming-profile"))
REPO = Path(__file__).resolve().parents[1]
BUILD_TIME = datetime(2026, 12, 2, 9, 0)


def options(root: Path, out: Path, jobs: int):
    """Cold-build options for the site at root: no cache, output under out."""
    from generator.build.options import BuildOptions

    templates = root / "templates" if (root / "templates").is_dir() else REPO / "templates"
    return BuildOptions(
        content_dir=(root / "content").resolve(),
        out_dir=out / "public",
        staff_dir=out / "staff",
        templates_dir=templates,
        now=BUILD_TIME,
        cache_dir=None,
        jobs=jobs,
    )


def prepared(root: Path, jobs: int = 1):
    """The config and options of a cold build of the site at root, its output folder emptied
    (removing 1,000 pages' output costs seconds on this disk: not part of the build)."""
    from generator import config as config_module

    out = WORK / f"out-{root.name}"
    shutil.rmtree(out, ignore_errors=True)
    return config_module.load(root / "site_config.yaml"), options(root, out, jobs)


def profile(root: Path, top: int, dump: Path | None = None) -> str:
    """The top `top` functions of one profiled cold build, by cumulative and by own time (the
    generator's imports are done before, as they cost the same in every build)."""
    from generator.build.pipeline import build

    cfg, opts = prepared(root)
    profiler = cProfile.Profile()
    profiler.enable()
    build(cfg, opts)
    profiler.disable()
    if dump:
        profiler.dump_stats(dump)
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.strip_dirs()
    for key in ("cumulative", "tottime"):
        stats.sort_stats(key).print_stats(top)
    return text.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Profile or time a cold build; print the result."""
    parser = argparse.ArgumentParser(prog="python -m tools.profile_build")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--pages", type=int, help="text-only corpus of this many pages")
    where.add_argument("--site", type=Path, help="a site folder (site_config.yaml and content/)")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--dump", type=Path, help="also write the raw profile here (pstats)")
    parser.add_argument("--cpu", action="store_true", help="CPU seconds of cold builds, no profile")
    parser.add_argument("--runs", type=int, default=3, help="with --cpu: builds in this process")
    args = parser.parse_args(argv)
    root = corpus(args.pages) if args.pages else args.site.resolve()
    if not args.cpu:
        print(profile(root, args.top, args.dump))
        return 0
    from generator.build.pipeline import build

    for n in range(args.runs):
        cfg, opts = prepared(root)
        start = time.process_time()
        build(cfg, opts)
        print(f"run {n + 1}: {time.process_time() - start:.2f} s CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
