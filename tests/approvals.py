"""Test helpers for 三审三校: a throwaway roster (cheap test-only scrypt keys), approving articles in a few words.

    root = make_approved_site({"content/stories/a.md": STORY})   # fixture in tests/conftest.py
    approve(root, "stories/a.md")                                 # sign the working revision through all six stages
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

from generator import config
from generator.checks.review import STAGES, TEST_SCRYPT_N, ReviewStore
from generator.model import content

CHINA = timezone(timedelta(hours=8))
ROSTER_TIME = datetime(2023, 1, 1, 9, 0, tzinfo=CHINA)
FIRST_SIGNATURE = datetime(2023, 9, 10, 9, 0, tzinfo=CHINA)  # before every test build's clock
ADMIN, ADMIN_PASSWORD = "管理员", "admin-test"
REVIEWERS = {"初审": "初审甲", "一校": "一校乙", "复审": "复审丙", "二校": "二校丁", "三校": "三校戊", "终审": "终审己"}
PASSWORD = "test-password"  # every reviewer's password in test rosters


def make_roster(root: Path, extra: dict[str, list[str]] | None = None) -> str:
    """Create content/_review with the admin and one reviewer per stage (plus `extra` people); pin the trust key."""
    store = ReviewStore.open(root / "content", None, kdf_n=TEST_SCRYPT_N)
    trust = store.init_admin(ADMIN, ADMIN_PASSWORD, ROSTER_TIME)
    people = {name: [stage] for stage, name in REVIEWERS.items()} | (extra or {})
    for index, (name, stages) in enumerate(people.items(), 1):
        store.add_person(name, stages, admin=False, password=PASSWORD, by=ADMIN, by_password=ADMIN_PASSWORD,
                         now=ROSTER_TIME + timedelta(minutes=index))
    pin(root / "site_config.yaml", trust)
    return trust


def pin(config_path: Path, trust: str) -> None:
    """Set review.trust in a config file (and turn the review gate on)."""
    text = config_path.read_text(encoding="utf-8").replace("require_review: false", "require_review: true")
    text = re.sub(r"\nreview:\n  trust: .*\n", "\n", text)
    config_path.write_text(text.rstrip("\n") + f"\nreview:\n  trust: {trust}\n", encoding="utf-8")


def store(root: Path, **options) -> ReviewStore:
    """The review store of a test site, as the build opens it."""
    cfg = config.load(root / "site_config.yaml")
    return ReviewStore.for_config(cfg, root / "content", kdf_n=TEST_SCRYPT_N, **options)


def next_time(review: ReviewStore, article: str) -> datetime:
    """A minute after the article's last event (or the first signature time)."""
    events = review.history(article)
    return events[-1].time + timedelta(minutes=1) if events else FIRST_SIGNATURE


def sign(root: Path, article: str, stage: str, signer: str | None = None, password: str = PASSWORD):
    """Sign one stage of an article's working revision (by the stage's test reviewer unless told)."""
    review = store(root)
    return review.sign(article, stage, signer or REVIEWERS[stage], password, next_time(review, article))


def approve(root: Path, *articles: str) -> None:
    """Sign the working revision of each article (all when none are named) through every stage still missing."""
    cfg = config.load(root / "site_config.yaml")
    site = content.load_site(cfg, root / "content", include_drafts=True)
    review = store(root)
    for page in site.pages:
        if articles and page.source not in articles:
            continue
        signed = review.status(page).signed
        for stage in STAGES:
            if stage not in signed:
                review.sign(page.source, stage, REVIEWERS[stage], PASSWORD, next_time(review, page.source))
