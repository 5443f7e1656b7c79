"""CPU seconds (user + system, worker processes included) of a cold CLI build of the text-only
corpus, at this checkout or at given commits: the measure for finding which commit made cold
builds slower.

    python -m tools.cold_cpu                          # this checkout, 1,000 pages
    python -m tools.cold_cpu 3644209 aab5da4 HEAD     # each commit, unpacked with git archive
    git bisect run .venv/bin/python -m tools.cold_cpu --bad-above 5.0   # in a spare worktree
    python -m tools.cold_cpu --jobs 1 --profile /tmp/p 3644209 HEAD   # also a cProfile of each

Each build is `python -m generator build --no-cache --quiet` in a fresh process of this venv, on
the same corpus (tools/corpus) for every commit; the figure is the lowest of --runs builds (the
least disturbed by the other processes on a busy machine). The output folder is emptied between
builds outside the measured process. With --bad-above, the exit status tells `git bisect run`
good (0), bad (1) or untestable (125).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tools.profile_build import WORK, corpus

REPO = Path(__file__).resolve().parents[1]
BUILD_TIME = "2026-12-02T09:00"
# Runs the CLI under cProfile and writes the profile when the CLI leaves through os._exit.
PROFILED = """
import cProfile, os, runpy, sys
profile, leave = cProfile.Profile(), os._exit
def dump_and_leave(code):
    profile.disable()
    profile.dump_stats(os.environ["WENMING_PROFILE_OUT"])
    leave(code)
os._exit = dump_and_leave
sys.argv[0] = "generator"
profile.enable()
try:
    runpy.run_module("generator", run_name="__main__")
finally:
    dump_and_leave(1)
"""


def cold_cpu(tree: Path, root: Path, jobs: int | None = None,
             profile: Path | None = None) -> float | None:
    """CPU seconds of one cold build of the site at root with the generator in tree (`jobs` worker
    processes, or one per core; under cProfile, written to `profile`, when given); None if the
    build failed."""
    out = WORK / f"out-cold-cpu-{os.getpid()}"  # two measurements at once must not share it
    shutil.rmtree(out, ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(tree)
    env["PYTHONPYCACHEPREFIX"] = str(WORK / "pycache")
    if jobs:
        env["WENMING_JOBS"] = str(jobs)
    if profile:
        env["WENMING_PROFILE_OUT"] = str(profile)
    start = [sys.executable, "-c", PROFILED] if profile else [sys.executable, "-m", "generator"]
    command = start + ["build", "--no-cache", "--quiet", "--out", str(out),
                       "--build-time", BUILD_TIME]
    process = subprocess.Popen(
        command, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        return None
    return usage.ru_utime + usage.ru_stime


def measure(tree: Path, root: Path, runs: int, jobs: int | None) -> list[float] | None:
    """CPU seconds of a warm-up build (byte-code compiled) then `runs` cold builds; None if a
    build failed."""
    if cold_cpu(tree, root, jobs) is None:
        return None
    samples = [cold_cpu(tree, root, jobs) for _ in range(runs)]
    return None if None in samples else sorted(samples)


def unpacked(commit: str, into: Path) -> Path:
    """The package at commit, unpacked (git archive) into a folder of its own."""
    folder = into / commit
    folder.mkdir()
    archive = subprocess.run(
        ["git", "archive", commit, "generator", "templates"],
        cwd=REPO, check=True, capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def main(argv: list[str] | None = None) -> int:
    """Measure this checkout or each commit given; print one line each."""
    parser = argparse.ArgumentParser(prog="python -m tools.cold_cpu")
    parser.add_argument("commits", nargs="*", help="commits to measure (default: this checkout)")
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (WENMING_JOBS)")
    parser.add_argument("--profile", type=Path, default=None,
                        help="also profile one build of each (folder for COMMIT.prof)")
    parser.add_argument("--bad-above", type=float, default=None,
                        help="exit 1 when the lowest CPU time is above this (git bisect run)")
    args = parser.parse_args(argv)
    root = corpus(args.pages)
    lowest = None
    with tempfile.TemporaryDirectory(dir=WORK) as scratch:
        for name in args.commits or ["."]:
            tree = REPO if name == "." else unpacked(name, Path(scratch))
            samples = measure(tree, root, args.runs, args.jobs)
            if samples is None:
                print(f"{name}: build failed", flush=True)
                return 125
            lowest = samples[0]
            shown = " ".join(f"{s:.2f}" for s in samples)
            print(f"{name}: {lowest:.2f} s CPU (runs: {shown})", flush=True)
            if args.profile:
                args.profile.mkdir(parents=True, exist_ok=True)
                cold_cpu(tree, root, args.jobs, args.profile / f"{name.strip('./') or 'here'}.prof")
    shutil.rmtree(WORK / f"out-cold-cpu-{os.getpid()}", ignore_errors=True)
    if args.bad_above is None:
        return 0
    return 1 if lowest > args.bad_above else 0


if __name__ == "__main__":
    sys.exit(main())
