"""The compact lexicon against jieba: memory, load time and segmentation time over the sample site's
texts, each side in a fresh process, and whether both cut every line alike.

    .venv/bin/python -m tools.lexicon_bench [--runs 3] [content folder]

Memory is the growth of the process's resident set (VmRSS) over loading; times are CPU times of the
process (time.process_time), so a busy machine changes them little. Segmentation is timed twice
after loading: the first pass over the texts, and the same texts again.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHILD = r"""
import json, sys, time
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
lines = json.loads(sys.stdin.read())
side, before, start = sys.argv[1], rss(), time.process_time()
if side == "jieba":
    import logging, jieba, jieba.posseg
    jieba.setLogLevel(logging.WARNING)
    jieba.dt.initialize()
    cut = lambda text: list(jieba.dt.cut(text, HMM=False))
    tag = lambda text: [(p.word, p.flag) for p in jieba.posseg.dt.cut(text, HMM=False)]
else:
    from generator.base import lexicon
    words = lexicon.default()
    cut, tag = words.cut, words.tagged
loaded, grown = time.process_time() - start, rss() - before
start = time.process_time()
cuts = [cut(text) for text in lines]
first = time.process_time() - start
start = time.process_time()
cuts = [cut(text) for text in lines]
again = time.process_time() - start
tags = [tag(text) for text in lines]
print(json.dumps({"load": loaded, "rss": grown, "cut": first, "again": again, "peak": rss(),
                  "cuts": cuts, "tags": tags}, ensure_ascii=False))
"""


def texts(content: Path) -> list[str]:
    """Every non-empty line of the site's Markdown files (front matter included: titles, names)."""
    found = []
    for path in sorted(p for p in content.rglob("*.md") if p.is_file()):
        found += [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return found


def measure(side: str, lines: list[str]) -> dict:
    """One fresh process loading `side` ("jieba" or "lexicon") and cutting the lines."""
    done = subprocess.run([sys.executable, "-c", CHILD, side], input=json.dumps(lines),
                          capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(done.stdout)


def main(argv: list[str] | None = None) -> int:
    """Print the comparison table and the issue's targets; exit 1 when the lexicon cuts or tags a
    line differently from jieba."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("content", nargs="?", type=Path, default=ROOT / "content")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    lines = texts(args.content)
    chars = sum(map(len, lines))
    runs = {side: [measure(side, lines) for _ in range(args.runs)] for side in ("jieba", "lexicon")}
    sys.stdout.write(f"{len(lines)} lines, {chars} characters from {args.content}; "
                     f"median of {args.runs} fresh processes, CPU seconds\n")
    sys.stdout.write("side     load s  RSS MB  cut s  again s\n")
    for side, results in runs.items():
        row = [statistics.median(r[k] for r in results) for k in ("load", "rss", "cut", "again")]
        sys.stdout.write(f"{side:8} {row[0]:6.3f} {row[1]:7.1f} {row[2]:6.3f} {row[3]:8.3f}\n")
    median = {side: {k: statistics.median(r[k] for r in results) for k in ("load", "rss", "cut")}
              for side, results in runs.items()}
    for label, value, target, met in (
        ("lexicon RSS MB", median["lexicon"]["rss"], "<= 10", median["lexicon"]["rss"] <= 10),
        ("lexicon load s", median["lexicon"]["load"], "<= 0.15", median["lexicon"]["load"] <= 0.15),
        ("cut s / jieba's", median["lexicon"]["cut"] / median["jieba"]["cut"], "<= 1",
         median["lexicon"]["cut"] <= median["jieba"]["cut"]),
    ):
        sys.stdout.write(f"target {label}: {value:.3f} ({target}) {'✓' if met else '✗'}\n")
    old, new = runs["jieba"][0], runs["lexicon"][0]
    differ = [i for i, (a, b) in enumerate(zip(old["cuts"], new["cuts"])) if a != b]
    tags = [i for i, (a, b) in enumerate(zip(old["tags"], new["tags"])) if a != b]
    sys.stdout.write(f"lines cut differently: {len(differ)}, tagged differently: {len(tags)}\n")
    for i in (differ + tags)[:5]:
        sys.stdout.write(f"  {lines[i]}\n  jieba   {old['tags'][i]}\n  lexicon {new['tags'][i]}\n")
    return 1 if differ or tags else 0


if __name__ == "__main__":
    sys.exit(main())
