"""Re-approve the shipped sample content with the demo roster (python -m tools.sample_review).

Creates content/_review/ from scratch when it has no roster: the demo administrator and six
reviewers, one per stage, with the demo passwords below (documented in docs/notes/approvals.md; a
real office replaces them), pins the administrator's key in site_config.yaml, then signs every
article's working revision through all six stages. Articles already fully approved are left as they
are, so running it again only signs what changed.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from generator import config
from generator.checks.review import STAGES, ReviewStore, ReviewRefused
from generator.model import content

ROOT = Path(__file__).resolve().parents[1]
CHINA = timezone(timedelta(hours=8))
ADMIN = ("吴建华", "cs-admin-demo")
EXAMPLE_REVIEWERS = [  # the documented examples/ site (same demo passwords)
    ("张琳", "初审", "cs-demo-1"),
    ("李晓燕", "一校", "cs-demo-2"),
    ("周建平", "复审", "cs-demo-3"),
    ("郑敏", "二校", "cs-demo-4"),
    ("刘洋", "三校", "cs-demo-5"),
    ("王卫东", "终审", "cs-demo-6"),
]
# examples/: what each review example needs (stages signed; None = all); the edited one is approved,
# then changed
EXAMPLE_PARTIAL = {"activities/2023-09-网格员排查.md": ("初审", "一校", "复审"), "slides/2023-09-创文标语.md": ()}
EXAMPLE_EDITED = ("stories/2023-09-柚见好邻里工作室.md", "微心愿56件", "微心愿55件")
REVIEWERS = [  # (name, stage, demo password)
    ("陈晓燕", "初审", "cs-demo-1"),
    ("赵敏", "一校", "cs-demo-2"),
    ("刘建国", "复审", "cs-demo-3"),
    ("孙丽", "二校", "cs-demo-4"),
    ("周琳", "三校", "cs-demo-5"),
    ("王志明", "终审", "cs-demo-6"),
]
ROSTER_TIME = datetime(2023, 1, 3, 9, 0, tzinfo=CHINA)


def pin_trust(config_path: Path, trust: str) -> None:
    """Write `review: {trust: …}` into the config, replacing an earlier trust line."""
    text = config_path.read_text(encoding="utf-8")
    if re.search(r"^  trust: .*$", text, re.MULTILINE):
        text = re.sub(r"^  trust: .*$", f"  trust: {trust}", text, flags=re.MULTILINE)
    else:
        text = text.replace(
            "\nprivacy:",
            f"\nreview:\n  # 审核名单的信任锚：根管理员的公钥（review init 显示）。换名单时只有能改本文件的人才能换它。\n"
            f"  trust: {trust}\n  separation: true\n\nprivacy:",
            1,
        )
    config_path.write_text(text, encoding="utf-8")


def make_roster(content_dir: Path, config_path: Path, kdf_n: int, reviewers: list) -> str:
    """The demo roster: the administrator, then the six reviewers; returns the trust key."""
    store = ReviewStore.open(content_dir, None, kdf_n=kdf_n)
    trust = store.init_admin(ADMIN[0], ADMIN[1], ROSTER_TIME)
    for index, (name, stage, password) in enumerate(reviewers, 1):
        store.add_person(
            name,
            [stage],
            admin=False,
            password=password,
            by=ADMIN[0],
            by_password=ADMIN[1],
            now=ROSTER_TIME + timedelta(minutes=index),
        )
    pin_trust(config_path, trust)
    return trust


def approve_all(content_dir: Path, config_path: Path, now: datetime, reviewers: list,
                partial: dict | None = None) -> int:
    """Sign every working revision that is not live yet through all six stages (or the stages
    `partial` names for an article); the number of articles signed."""
    cfg = config.load(config_path)
    store = ReviewStore.for_config(cfg, content_dir)
    site = content.load_site(cfg, content_dir, include_drafts=True)
    passwords = {name: password for name, _stage, password in reviewers}
    signer = {stage: name for name, stage, _password in reviewers}
    signed = 0
    for page in site.pages:
        status = store.status(page)
        if status.complete or (partial or {}).get(page.source) == ():
            continue
        when = min(
            now,
            datetime.combine(page.date, datetime.min.time(), CHINA) - timedelta(days=2, hours=-9),
        )
        when = max(when, ROSTER_TIME + timedelta(hours=1))
        for index, stage in enumerate(STAGES):
            if stage in status.signed or stage not in (partial or {}).get(page.source, STAGES):
                continue
            store.sign(
                page.source,
                stage,
                signer[stage],
                passwords[signer[stage]],
                when + timedelta(hours=index),
            )
        signed += 1
    return signed


def main(argv: list[str] | None = None) -> int:
    """Create the demo roster when there is none, then approve the sample content."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--cheap-keys", action="store_true", help="test-only scrypt parameters")
    parser.add_argument(
        "--examples", action="store_true", help="the examples/ site and its review examples"
    )
    args = parser.parse_args(argv)
    root = ROOT / "examples" if args.examples else args.root
    content_dir, config_path = root / "content", root / "site_config.yaml"
    reviewers = EXAMPLE_REVIEWERS if args.examples else REVIEWERS
    from generator.checks.review import SCRYPT_N, TEST_SCRYPT_N

    if not (content_dir / "_review" / "roster.jsonl").exists():
        make_roster(
            content_dir, config_path, TEST_SCRYPT_N if args.cheap_keys else SCRYPT_N, reviewers
        )
    try:
        if args.examples:
            return _examples(content_dir, config_path, reviewers)
        count = approve_all(content_dir, config_path, datetime.now(CHINA), reviewers)
    except ReviewRefused as refused:
        sys.stderr.write(refused.message + "\n")
        return 1
    sys.stdout.write(f"signed {count} articles\n")
    return 0


def _examples(content_dir: Path, config_path: Path, reviewers: list) -> int:
    """examples/: approve everything as the README describes, the edited story before its
    one-character edit."""
    rel, now_text, then_text = EXAMPLE_EDITED
    path = content_dir / rel
    working = path.read_bytes()
    path.write_bytes(working.replace(now_text.encode(), then_text.encode(), 1))
    try:
        count = approve_all(
            content_dir,
            config_path,
            datetime(2023, 9, 20, 9, 0, tzinfo=CHINA),
            reviewers,
            EXAMPLE_PARTIAL,
        )
    finally:
        path.write_bytes(working)
    sys.stdout.write(f"signed {count} example articles\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
