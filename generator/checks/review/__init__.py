"""三审三校 that holds: revisions signed by real people with personal keys, verified offline on every
build.

The contract (storage, workflow, this API) is docs/design/approvals.md.
"""

from __future__ import annotations

from generator.checks.review.fingerprint import Revision, image_sources, short
from generator.checks.review.keys import SCRYPT_N, TEST_SCRYPT_N
from generator.checks.review.records import (
    PROOF_STAGES,
    REVIEW_STAGES,
    STAGES,
    Event,
    Person,
    ReviewRefused,
    article_id,
)
from generator.checks.review.select import Selection, for_check, select
from generator.checks.review.store import ArticleStatus, Ledger, ReviewStore

__all__ = [
    "STAGES",
    "REVIEW_STAGES",
    "PROOF_STAGES",
    "ReviewStore",
    "ArticleStatus",
    "Event",
    "Person",
    "ReviewRefused",
    "Selection",
    "select",
    "for_check",
    "Ledger",
    "Revision",
    "image_sources",
    "short",
    "article_id",
    "SCRYPT_N",
    "TEST_SCRYPT_N",
]
