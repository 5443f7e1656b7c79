"""Re-approve the shipped sample content with the demo roster (python -m tools.sample_review).

Creates content/_review/ from scratch when it has no roster: the demo administrator and six reviewers, one per
stage, with the demo passwords below (documented in docs/notes/approvals.md; a real office replaces them), pins
the administrator's key in site_config.yaml, then signs every article's working revision through all six stages.
Articles already fully approved are left as they are, so running it again only signs what changed.
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
        text = text.replace("\nprivacy:", f"\nreview:\n  # 审核名单的信任锚：根管理员的公钥（review init 显示）。换名单时只有能改本文件的人才能换它。\n"
                                          f"  trust: {trust}\n  separation: true\n\nprivacy:", 1)
    config_path.write_text(text, encoding="utf-8")


def make_roster(content_dir: Path, config_path: Path, kdf_n: int) -> str:
    """The demo roster: the administrator, then the six reviewers; returns the trust key."""
    store = ReviewStore.open(content_dir, None, kdf_n=kdf_n)
    trust = store.init_admin(ADMIN[0], ADMIN[1], ROSTER_TIME)
    for index, (name, stage, password) in enumerate(REVIEWERS, 1):
        store.add_person(name, [stage], admin=False, password=password, by=ADMIN[0], by_password=ADMIN[1],
                         now=ROSTER_TIME + timedelta(minutes=index))
    pin_trust(config_path, trust)
    return trust


def approve_all(content_dir: Path, config_path: Path, now: datetime) -> int:
    """Sign every working revision that is not live yet through all six stages; the number of articles signed."""
    cfg = config.load(config_path)
    store = ReviewStore.for_config(cfg, content_dir)
    site = content.load_site(cfg, content_dir, include_drafts=True)
    passwords = {name: password for name, _stage, password in REVIEWERS}
    signer = {stage: name for name, stage, _password in REVIEWERS}
    signed = 0
    for page in site.pages:
        status = store.status(page)
        if status.complete:
            continue
        when = min(now, datetime.combine(page.date, datetime.min.time(), CHINA) - timedelta(days=2, hours=-9))
        when = max(when, ROSTER_TIME + timedelta(hours=1))
        for index, stage in enumerate(STAGES):
            if stage in status.signed:
                continue
            store.sign(page.source, stage, signer[stage], passwords[signer[stage]], when + timedelta(hours=index))
        signed += 1
    return signed


def main(argv: list[str] | None = None) -> int:
    """Create the demo roster when there is none, then approve the sample content."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--cheap-keys", action="store_true", help="test-only scrypt parameters")
    args = parser.parse_args(argv)
    content_dir, config_path = args.root / "content", args.root / "site_config.yaml"
    from generator.checks.review import SCRYPT_N, TEST_SCRYPT_N

    if not (content_dir / "_review" / "roster.jsonl").exists():
        make_roster(content_dir, config_path, TEST_SCRYPT_N if args.cheap_keys else SCRYPT_N)
    try:
        count = approve_all(content_dir, config_path, datetime.now(CHINA))
    except ReviewRefused as refused:
        sys.stderr.write(refused.message + "\n")
        return 1
    sys.stdout.write(f"signed {count} articles\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
