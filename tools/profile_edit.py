"""Profile one edit: build a site, append a line to one story, profile the build after it.

`python -m tools.profile_edit SITE [--preview] [--runs N] [--out FILE]` builds SITE (a folder with
`site_config.yaml` and `content/`) once as the CLI does (cache under SITE/.cache), then for each run
appends a sentence to its first story and builds again, in this process. The CLI ends with
`os._exit`, so a profiler around it never writes its numbers; this calls the pipeline's `build`
directly. `--preview` builds as the preview server's website step does (in-memory cache kept, no
LED or WeChat drawn). It prints the CPU time of each edited build (`time.process_time`, this
process only) and, with `--out`, writes the cProfile statistics of the last one.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from dataclasses import replace
from pathlib import Path


def _options(root: Path, preview: bool):
    from argparse import Namespace

    from generator import config
    from generator.base.dates import build_time
    from generator.cli import options_for

    cfg = config.load(root / "site_config.yaml")
    args = Namespace(content=None, no_cache=False, staff=None)
    opts = options_for(args, cfg, preview, now=build_time())
    if preview:
        opts = replace(opts, keep_cache=True, only="site")
    return cfg, opts


def edited_builds(root: Path, runs: int, preview: bool, out: Path | None) -> list[float]:
    """CPU seconds of `runs` builds each after one edit (the last one profiled when `out`)."""
    from generator.build.pipeline import build

    cfg, opts = _options(root, preview)
    build(cfg, opts)
    story = sorted((root / "content/stories").glob("*.md"))[0]
    original = story.read_text(encoding="utf-8")
    spent = []
    try:
        for n in range(runs):
            story.write_text(original + f"\n剖析第 {n} 次修改。\n", encoding="utf-8")
            cfg, opts = _options(root, preview)
            profiler = cProfile.Profile() if out and n == runs - 1 else None
            start = time.process_time()
            if profiler:
                profiler.enable()
            build(cfg, opts)
            if profiler:
                profiler.disable()
            spent.append(time.process_time() - start)
            if profiler:
                profiler.dump_stats(out)
    finally:
        story.write_text(original, encoding="utf-8")
    return spent


def main(argv: list[str] | None = None) -> int:
    """Print the CPU time of each edited build; write the last one's profile with --out."""
    parser = argparse.ArgumentParser(prog="python -m tools.profile_edit")
    parser.add_argument("site", type=Path)
    parser.add_argument("--preview", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--top", type=int, default=0, help="print the N costliest functions")
    args = parser.parse_args(argv)
    spent = edited_builds(args.site.resolve(), args.runs, args.preview, args.out)
    print("CPU s per edited build:", " ".join(f"{s:.3f}" for s in spent))
    if args.out and args.top:
        pstats.Stats(str(args.out)).sort_stats("cumulative").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
